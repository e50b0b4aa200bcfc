"""A clock for the demo loaders, so the demo's histories read as if they had happened over weeks.

The demo data is made through the real services, which stamp their events, deadlines and records with
`django.utils.timezone.now()`. Inside `at(moment)` that clock starts from `moment` and runs on from there (each
call a little later than the one before, so events of one step keep their order); outside it, the real clock.
Only the demo loaders use it, and they refuse to run in production; never use it in a service or a request.
"""

import contextlib
import datetime
import itertools
import threading

from django.conf import settings
from django.utils import timezone

_lock = threading.Lock()


@contextlib.contextmanager
def at(moment):
    """Run the block with `timezone.now()` answering `moment` (an aware datetime, or a date: 09:30 local time that
    day), plus one millisecond more at each call."""
    if settings.PRODUCTION:
        raise RuntimeError("The demo clock is not available in production.")
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time(9, 30)))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    ticks = itertools.count()
    real_now = timezone.now

    def demo_now():
        return moment + datetime.timedelta(milliseconds=next(ticks))

    with _lock:
        timezone.now = demo_now
        try:
            yield moment
        finally:
            timezone.now = real_now


def working_moment(day, hour, minute=0, *, step=-1):
    """`day` at hour:minute local time, moved back (step=-1) or forward (step=1) to a working day if it is not one."""
    from .workdays import TIMEZONE, is_working_day

    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day, TIMEZONE).date()
    while not is_working_day(day):
        day += datetime.timedelta(days=step)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TIMEZONE)


def working_days_after(moment, n, hour, minute=0):
    """The n-th working day after `moment`'s day, at hour:minute local time."""
    day = working_moment(moment, hour, minute)
    for _ in range(n):
        day = working_moment(day + datetime.timedelta(days=1), hour, minute, step=1)
    return day
