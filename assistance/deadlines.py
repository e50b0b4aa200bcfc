"""Which rule applies to a notice, and the deadline it gives from a moment of service."""

from django.db.models import F, Q

from linkage import workdays

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
