"""Each grid task's short clock on the working-day calendar (`linkage.workdays`).

A task is due at the close of its N-th working day (`GridTaskTerm`), the day it is sent being day 0: sent on a
Friday before a holiday week, the count starts after the holiday; a make-up working day (调休上班) counts. A witness
task is due on the N-th working day after the scheduled visit's date instead. The due day is stored on the task
(`GridTask.due_on`) and recomputed for the open tasks when the calendar changes (`recompute_open`, connected to
`linkage.calendar_services.calendar_changed` in `GridConfig.ready`), each move written as a `due_moved` event.
"""

import datetime

from django.db import transaction

from linkage import workdays

from .machine import GRID_TASK
from .models import GridTask, GridTaskKind, GridTaskTerm

# The seeded terms (grid/migrations/0002_default_terms.py), used only when an administrator removed a row.
DEFAULT_WORKING_DAYS = {"locate": 3, "serve": 3, "investigate": 5, "witness": 1, "post": 2}


def working_days_for(kind):
    term = GridTaskTerm.objects.filter(kind=kind).values_list("working_days", flat=True).first()
    return term if term is not None else DEFAULT_WORKING_DAYS[kind]


def due_for(kind, sent_at, scheduled_at=None, *, working_days=None):
    """(due_on, rule text): the last working day to answer a task of `kind` sent at `sent_at` (an aware moment);
    for a witness task, counted from `scheduled_at`'s date. The rule says when the count is provisional (a year
    whose holidays are not loaded, counted Monday-Friday)."""
    days = working_days if working_days is not None else working_days_for(kind)
    if kind == GridTaskKind.WITNESS:
        if scheduled_at is None:
            raise ValueError("a witness task is counted from its scheduled visit")
        deadline = workdays.add_working_days(scheduled_at, days)
        rule = f"见证后{days}个工作日内回复"
    else:
        deadline = workdays.add_working_days(sent_at, days)
        rule = f"发出后{days}个工作日内回复"
    if deadline.provisional:
        rule += "（暂按周一至周五计）"
    return deadline.due_date, rule


def recompute_open(dates, *, actor=None, reason=""):
    """After a calendar change: every open task whose count may span a changed date gets its due day again under
    today's calendar; the ones that moved are saved and a `due_moved` event says from what to what, and why.
    Answered and cancelled tasks keep theirs (their answer was judged on the calendar of its day). Returns the
    moved tasks."""
    if not dates:
        return []
    first, last = min(dates), max(dates)
    # A changed day after the due day cannot move it; one after the visit or the sending can.
    candidates = (GridTask.objects.open()
                  .filter(due_on__gte=first - datetime.timedelta(days=1),
                          sent_at__lt=datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(),
                                                                tzinfo=workdays.TIMEZONE))
                  .select_for_update(of=("self",)).order_by("pk"))
    moved = []
    with transaction.atomic():
        for task in candidates:
            due_on, rule = due_for(task.kind, task.sent_at, task.scheduled_at)
            if (due_on, rule) == (task.due_on, task.due_rule):
                continue
            previous = task.due_on
            task.due_on, task.due_rule = due_on, rule
            task.save(update_fields=["due_on", "due_rule", "updated_at"])
            GRID_TASK.note(task, "due_moved", actor, reason=reason or "工作日历调整",
                           data={"previous_due_on": previous.isoformat(), "due_on": due_on.isoformat(), "rule": rule})
            moved.append(task)
    return moved


def on_calendar_changed(sender, *, dates, actor=None, reason="", **kwargs):
    recompute_open(dates, actor=actor, reason=reason)
