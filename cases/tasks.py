"""Periodic tasks of cases. Thin: each calls a tested service."""

from celery import shared_task

from . import special


@shared_task(name="cases.tasks.remind_special_notifications")
def remind_special_notifications_task():
    """Daily: the clerk is reminded of each special-debtor notification not yet recorded as sent."""
    return special.remind_special_notifications()
