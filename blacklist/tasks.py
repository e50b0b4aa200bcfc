"""Periodic tasks of the list. Thin: each calls a tested service."""

from celery import shared_task

from linkage import parsing

from .listings import services


@shared_task(name="blacklist.tasks.expire_listings")
def expire_listings_task():
    """Daily: listings whose fixed period has ended leave the list (within 3 working days of the end)."""
    return services.expire_due_listings()


@shared_task(name="blacklist.tasks.remind_removals")
def remind_removals_task():
    """Daily: the clerk is told when a listing must be deleted (its ground arose; 3 working days)."""
    return services.remind_removals()


@shared_task(name="blacklist.tasks.remind_unacknowledged_pushes", ignore_result=False)
def remind_unacknowledged_pushes_task(now_iso=None):
    """Every quarter hour: joint-punishment units are reminded of pushes they have not acknowledged (A, then A+B,
    then A+B+leader). One bounded scan; when a further batch waits, the next scan is queued at once."""
    from .listings import reminders

    result = reminders.scan_push_reminders(parsing.moment(now_iso, "时间", "now_iso"))
    if result.get("more"):
        remind_unacknowledged_pushes_task.apply_async(args=[now_iso])
    return result


@shared_task(name="blacklist.tasks.remind_graces")
def remind_graces_task():
    """Daily: a grace's instalment past due and unpaid, or a grace past its last day, is recorded and the clerk
    reminded (once each)."""
    from .grace import reminders

    return reminders.remind_graces()
