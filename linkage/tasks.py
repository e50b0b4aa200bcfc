"""Periodic and queued tasks of the shared platform. Thin: ids in, each calls a tested function."""

from celery import shared_task

from . import notify
from .workdays import calendar_coverage


@shared_task(name="linkage.tasks.check_calendar_coverage")
def check_calendar_coverage():
    """Daily: in November and December, ask the administrators (once a year) to load next year's schedule."""
    from .reminders import remind_administrators_of_calendar

    coverage = calendar_coverage()
    if coverage["reminder"]:
        coverage["notified"] = remind_administrators_of_calendar(coverage["next_year"])
    return coverage


@shared_task(name="linkage.tasks.deliver", ignore_result=True)
def deliver_task(delivery_id):
    """Send one email/SMS delivery; a failure is recorded and retried by `retry_deliveries`."""
    return notify.deliver(delivery_id)


@shared_task(name="linkage.tasks.deliver_many", ignore_result=True)
def deliver_many_task(delivery_ids):
    """Send a chunk of deliveries; each is claimed on its own, so a redelivered chunk sends nothing twice."""
    return [notify.deliver(delivery_id) for delivery_id in delivery_ids]


@shared_task(name="linkage.tasks.retry_deliveries", ignore_result=True)
def retry_deliveries_task():
    """Every few minutes: first ask the gateway about sends whose answer never came (a message it never got becomes
    pending again), then send what is due — so a message is re-sent only when the gateway says it did not have it."""
    checked = notify.check_unknown_deliveries()
    return len(checked) + len(notify.retry_due_deliveries())


@shared_task(name="linkage.tasks.send_digests", ignore_result=True)
def send_digests_task():
    """Daily: one digest per recipient of the non-urgent messages held for it; a second run the same day sends
    nothing."""
    from .digest import send_daily_digests

    return send_daily_digests()
