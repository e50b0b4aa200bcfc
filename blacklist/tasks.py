"""Periodic tasks of the list. Thin: each calls a tested service."""

from celery import shared_task

from linkage import parsing

from .listings import services


@shared_task(name="blacklist.tasks.expire_listings")
def expire_listings_task():
    """Daily: listings whose fixed period has ended leave the list (within 3 working days of the end)."""
    return services.expire_due_listings()


@shared_task(name="blacklist.tasks.remind_priority_queue")
def remind_priority_queue_task():
    """Daily: the priority queue's reminders (corrections, reconsiderations, deletions falling due, credit repairs):
    the clerk a working day ahead, the leaders once overdue."""
    from .corrections.reminders import remind_priority_queue

    return remind_priority_queue()


@shared_task(name="blacklist.tasks.remind_removals")
def remind_removals_task():
    """The former removal reminder's name, for a message still queued under it: the same scan (one rule)."""
    return remind_priority_queue_task()


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
