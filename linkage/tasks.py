"""Periodic tasks of the shared platform. Thin: each calls a tested function."""

from celery import shared_task

from .workdays import calendar_coverage


@shared_task(name="linkage.tasks.check_calendar_coverage")
def check_calendar_coverage():
    """Daily: in November and December, warn when next year's holiday schedule is not loaded yet."""
    return calendar_coverage()
