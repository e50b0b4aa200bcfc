"""Periodic tasks of the list. Thin: each calls a tested service."""

from celery import shared_task

from . import services


@shared_task(name="blacklist.tasks.expire_listings")
def expire_listings_task():
    """Daily: listings whose fixed period has ended leave the list (within 3 working days of the end)."""
    return services.expire_due_listings()


@shared_task(name="blacklist.tasks.remind_removals")
def remind_removals_task():
    """Daily: the clerk is told when a listing must be deleted (its ground arose; 3 working days)."""
    return services.remind_removals()
