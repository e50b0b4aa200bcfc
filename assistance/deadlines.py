"""Which rule applies to a notice, and the deadline it gives from a moment of service."""

import datetime

from django.db.models import F, Q

from linkage import workdays

from .machines import NOTICE_MACHINE
from .models import DeadlineRule, DeadlineUnit

COMPUTE = {
    DeadlineUnit.WORKING_DAYS: workdays.add_working_days,
    DeadlineUnit.CALENDAR_DAYS: workdays.add_calendar_days,
    DeadlineUnit.HOURS: workdays.add_hours,
}


def rule_for(unit, measure):
    """The unit's own rule for the measure if it has one, else the measure's default."""
    rule = (
        DeadlineRule.objects.filter(Q(unit=unit) | Q(unit__isnull=True), measure=measure)
        .order_by(F("unit").asc(nulls_last=True))
        .first()
    )
    if rule is None:
        return DeadlineRule(measure=measure, count=5, count_unit=DeadlineUnit.WORKING_DAYS, note="一般事项")
    return rule


def deadline_for(unit, measure, start):
    rule = rule_for(unit, measure)
    return rule, COMPUTE[rule.count_unit](start, rule.count)


def serving_deadline(notice, served_at):
    """(rule text, Deadline) of a notice served at `served_at`: a tracked request's (assistance/tracking.py), else the
    unit's rule for the measure from the moment of service."""
    from .tracking import tracked_deadline

    tracked = tracked_deadline(notice, served_at)
    if tracked is not None:
        return tracked
    rule, deadline = deadline_for(notice.unit, notice.measure, served_at)
    return rule.text, deadline


def recompute_deadline(notice):
    """The deadline a served notice has under today's calendar: its rule from the moment of service, then each
    granted extension in the order granted."""
    from .models import RequestState

    rule_text, deadline = serving_deadline(notice, notice.served_at)
    for extension in notice.extension_requests.filter(state=RequestState.GRANTED).order_by("decided_at", "pk"):
        deadline = workdays.add_working_days(deadline.due_at, extension.days)
        rule_text += f"，延长{extension.days}个工作日"
    return rule_text, deadline


def deadline_fields(rule_text, deadline):
    """The notice's columns for a deadline, as `serve_notice` writes them."""
    return {"due_at": deadline.due_at, "deadline_provisional": deadline.provisional, "deadline_rule": rule_text,
            "deadline_explanation": deadline.as_dict()}


def move_deadline(notice, *, actor, rule_text, deadline, reason):
    """Give a served notice a new clock (a calendar change, a tracked request's finding or status reply) and record
    the move: a `deadline_moved` event with the deadline before and after, and why."""
    previous = notice.due_at
    fields = deadline_fields(rule_text, deadline)
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.save(update_fields=[*fields, "updated_at"])
    NOTICE_MACHINE.note(notice, "deadline_moved", actor, reason=reason,
                        data={"previous_due_at": previous.isoformat() if previous else None,
                              "due_at": deadline.due_at.isoformat(), "provisional": deadline.provisional,
                              "rule": rule_text})


def recompute_open_deadlines(*, dates, actor=None, reason=""):
    """After a calendar change, recompute every open notice whose period spans a changed date; save the ones that
    moved and write a `deadline_moved` event for each (from, to, why). Returns the notices that moved."""
    from .models import Notice

    if not dates:
        return []
    first, last = min(dates), max(dates)
    candidates = (
        Notice.objects.open()
        .filter(served_at__date__lte=last, due_at__date__gte=first - datetime.timedelta(days=1))
        .select_related("unit", "measure")
        .select_for_update(of=("self",))
    )
    moved = []
    for notice in candidates:
        rule_text, deadline = recompute_deadline(notice)
        if deadline.due_at == notice.due_at and deadline.provisional == notice.deadline_provisional:
            continue
        move_deadline(notice, actor=actor, rule_text=rule_text, deadline=deadline, reason=reason)
        moved.append(notice)
    return moved


def on_calendar_changed(sender, *, dates, actor=None, reason="", **kwargs):
    recompute_open_deadlines(dates=dates, actor=actor, reason=reason)
