"""Periodic grid-task scans, on the static beat schedule (settings.CELERY_BEAT_SCHEDULE). Thin and idempotent:
each asks the database what is due and escalates or reminds each task once, whatever the delivery count."""

from celery import shared_task

from linkage import parsing

from .escalation import escalate_overdue, remind_due_today


def _moment(now_iso):
    return parsing.moment(now_iso, "时间", "now_iso")


@shared_task(name="grid.tasks.escalate_grid_tasks", ignore_result=False)
def escalate_grid_tasks_task(now_iso=None):
    """Hourly: tasks whose due day has ended unanswered go to the subdistrict's A/B contacts, each once."""
    return {"escalated": escalate_overdue(_moment(now_iso))}


@shared_task(name="grid.tasks.remind_grid_tasks_due", ignore_result=False)
def remind_grid_tasks_due_task(now_iso=None):
    """Each working morning: the grid liaison of a task due today is reminded, each task once."""
    return {"reminded": remind_due_today(_moment(now_iso))}
