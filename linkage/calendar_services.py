"""Writes to the working-day calendar. A change to the calendar moves deadlines: every write sends
`calendar_changed` inside its transaction, and the apps that keep deadlines (assistance) recompute theirs and
record every deadline that moved."""

import datetime

from django.db import transaction
from django.dispatch import Signal

from .errors import ApplicationError, PermissionDenied
from .models import CalendarDay, CalendarDayKind, CalendarYear

# Sent with dates=[date, ...], actor=user, reason=str.
calendar_changed = Signal()


def _require_admin(actor):
    if actor is not None and not actor.is_administrator:
        raise PermissionDenied("只有系统管理员可以维护工作日历。")


@transaction.atomic
def save_calendar_day(*, actor, date, kind, name="", source="管理员录入"):
    """Add or change one override day (a holiday on a weekday, or a make-up working day on a weekend), and
    recompute the open deadlines it touches."""
    _require_admin(actor)
    if kind not in CalendarDayKind.values:
        raise ApplicationError("类型只能是法定节假日或调休上班日。", field="kind")
    if not isinstance(date, datetime.date):
        raise ApplicationError("日期格式不正确。", field="date")
    day, created = CalendarDay.objects.select_for_update().get_or_create(
        date=date, defaults={"kind": kind, "name": name, "source": source}
    )
    if not created and (day.kind, day.name, day.source) != (kind, name, source):
        day.kind, day.name, day.source = kind, name, source
        day.save(update_fields=["kind", "name", "source", "updated_at"])
    calendar_changed.send(sender=CalendarDay, dates=[date], actor=actor,
                          reason=f"工作日历调整：{date:%Y-%m-%d} {CalendarDayKind(kind).label}{name}")
    return day


@transaction.atomic
def mark_year_loaded(*, actor, year, source):
    """Record that a year's official schedule is loaded: its deadlines stop being provisional and are recomputed."""
    _require_admin(actor)
    if not (source or "").strip():
        raise ApplicationError("请填写来源，如国务院办公厅通知的文号。", field="source")
    entry, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source.strip()})
    if created:
        first = datetime.date(year, 1, 1)
        dates = [first + datetime.timedelta(days=offset) for offset in range((datetime.date(year, 12, 31) - first).days + 1)]
        calendar_changed.send(sender=CalendarYear, dates=dates, actor=actor, reason=f"已载入{year}年节假日安排")
    return entry
