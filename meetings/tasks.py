"""Periodic task for meeting decisions, on the static beat schedule (settings.CELERY_BEAT_SCHEDULE). Thin and
idempotent: it asks the database what is due and sends each reminder once, whatever the delivery count."""

from celery import shared_task

from linkage import parsing

from . import reminders


@shared_task(name="meetings.tasks.scan_decision_reminders", ignore_result=False)
def scan_decision_reminders_task(now_iso=None):
    """One bounded scan; when a further batch waits, it queues the next scan at once."""
    result = reminders.scan_decision_reminders(parsing.moment(now_iso, "时间", "now_iso"))
    if result.get("more"):
        scan_decision_reminders_task.apply_async(args=[now_iso])
    return result
