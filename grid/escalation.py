"""The beat's part of grid tasks (grid/tasks.py): a task unanswered when its due day has ended climbs once to its
subdistrict's A/B contacts and the clerk who sent it (the `escalate` move: an event and `escalated_at`, the state
stays and the grid liaison can still answer, late), and on the due day's morning the grid liaison is reminded once.
Each row is claimed in its own transaction with SKIP LOCKED and checked again under the lock, so a repeated or
concurrent run sends nothing twice."""

from django.db import transaction
from django.utils import timezone

from linkage import audit
from linkage.workdays import TIMEZONE

from . import notifications
from .machine import GRID_TASK
from .models import GridTask, GridTaskState


def _claim(pk, queryset):
    row = (queryset.select_for_update(of=("self",), skip_locked=True).select_related(*GRID_TASK.related)
           .filter(pk=pk).first())
    return audit.remember_loaded(row) if row is not None else None


def escalate_overdue(now=None, limit=500):
    """Escalate every task overdue at `now` (its due day ended unanswered, `GridTaskQuerySet.overdue`) not yet
    escalated, once each: the subdistrict's A/B contacts and the clerk who sent it are told. Returns the ids."""
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    due = GridTask.objects.overdue(today).filter(escalated_at__isnull=True)
    rows = list(due.order_by("due_on", "pk").values_list("pk", "subdistrict_id")[:limit])
    # Each subdistrict's people are read once per scan, however many of its tasks are overdue.
    people = notifications.subdistrict_recipients({subdistrict_id for _pk, subdistrict_id in rows})
    escalated = []
    for pk, _subdistrict_id in rows:
        with transaction.atomic():
            task = _claim(pk, GridTask.objects.overdue(today).filter(escalated_at__isnull=True))
            if task is None:
                continue
            GRID_TASK.move(task, "escalate", None, at=now, escalated_at=now,
                           data={"due_on": task.due_on.isoformat()})
            notifications.task_overdue(task, people.get(task.subdistrict_id, []))
            escalated.append(pk)
    return escalated


def remind_due_today(now=None, limit=500):
    """On a task's due day, the grid liaison of a task still open is reminded once (a `reminded` note marks it).
    Returns the ids."""
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    due = GridTask.objects.filter(state=GridTaskState.SENT, due_on=today).exclude(events__action="reminded")
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    reminded = []
    for pk in ids:
        with transaction.atomic():
            task = _claim(pk, GridTask.objects.filter(state=GridTaskState.SENT, due_on=today))
            if task is None or task.events.filter(action="reminded").exists():
                continue
            GRID_TASK.note(task, "reminded", None, at=now, data={"due_on": task.due_on.isoformat()})
            notifications.task_due_today(task, task.community.grid_liaison)
            reminded.append(pk)
    return reminded
