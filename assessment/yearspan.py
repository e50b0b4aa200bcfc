"""The year an assessment covers and working-day ordinals over it: the shared arithmetic of the metrics.

`Ordinals` gives every day of a window two numbers from the calendar table (Monday-Friday unless a row says
otherwise): `upto(d)`, the working days on or before d, and `next(d)`, the ordinal of the first working day on or
after d. Then "working days from s to d" is `upto(d) - upto(s)` and "d falls on or before the n-th working day
after s" is `next(d) <= upto(s) + n` — the counting rule of every deadline (the day of service is day 0). The SQL
of `metrics.py` builds the same two numbers in the database.
"""

import datetime

from django.utils import timezone

from linkage.models import CalendarDay, CalendarDayKind
from linkage.workdays import TIMEZONE


class Window:
    """The year's bounds as aware datetimes, `as_of` (the moment open notices are judged at) and the span of days
    the working-day ordinals cover (anything outside is clamped to it)."""

    def __init__(self, year, as_of=None):
        self.year = year
        self.start = datetime.datetime(year, 1, 1, tzinfo=TIMEZONE)
        self.stop = datetime.datetime(year + 1, 1, 1, tzinfo=TIMEZONE)
        self.as_of = as_of or timezone.now()
        as_of_day = timezone.localtime(self.as_of, TIMEZONE).date()
        self.first_day = datetime.date(year, 1, 1) - datetime.timedelta(days=7)
        self.last_day = max(as_of_day, datetime.date(year + 1, 12, 31)) + datetime.timedelta(days=60)


class Ordinals:
    """Working-day ordinals of every day of a window, from the calendar table (Monday-Friday unless a row says
    otherwise): `upto(d)` = working days on or before d; `next(d)` = the ordinal of the first working day on or
    after d. So "d falls on or before the n-th working day after s" is `next(d) <= upto(s) + n`."""

    def __init__(self, first_day, last_day):
        overrides = dict(CalendarDay.objects.filter(date__range=(first_day, last_day)).values_list("date", "kind"))
        self.first_day, self.last_day = first_day, last_day
        self._upto, self._next = [], []
        count, day = 0, first_day
        while day <= last_day:
            kind = overrides.get(day)
            working = kind == CalendarDayKind.WORKDAY or (kind != CalendarDayKind.HOLIDAY and day.weekday() < 5)
            count += working
            self._upto.append(count)
            self._next.append(count if working else count + 1)
            day += datetime.timedelta(days=1)

    def _index(self, moment):
        day = timezone.localtime(moment, TIMEZONE).date() if isinstance(moment, datetime.datetime) else moment
        day = min(max(day, self.first_day), self.last_day)
        return (day - self.first_day).days

    def upto(self, moment):
        return self._upto[self._index(moment)]

    def next(self, moment):
        return self._next[self._index(moment)]


def percentile_cont(values, fraction):
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
