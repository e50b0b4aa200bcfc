"""Queued and periodic tasks of the members app: outbound webhook deliveries (members/webhooks.py)."""

from celery import shared_task

from . import webhooks


@shared_task(name="members.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks_task(delivery_ids):
    """Send a chunk of webhook deliveries; each is claimed on its own, so a redelivered chunk sends nothing twice."""
    return [webhooks.deliver(delivery_id) for delivery_id in delivery_ids]


@shared_task(name="members.tasks.retry_webhooks", ignore_result=True)
def retry_webhooks_task():
    """Every minute: send the webhook deliveries whose retry is due."""
    return len(webhooks.retry_due())
