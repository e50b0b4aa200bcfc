"""The working-day calendar: which days are working days, and deadline arithmetic over them.

A working day is Monday-Friday, unless a ``CalendarDay`` marks it a holiday, plus every ``CalendarDay`` marked
``workday`` (a make-up working day, 调休上班, which falls on a weekend). The table is seeded from the PyPI package
``chinese_calendar`` (2004-2026 in 1.11.0) and the administrator adds later years; a ``CalendarYear`` row says a
year's official schedule is loaded.

Counting (domain rules, "Working days"): the day of service is day 0 and days are Asia/Shanghai days; a period ends
at the close of its last day, 23:59:59 local time.

* ``add_working_days(start, n)``: the close of the n-th working day after the start day.
* ``add_calendar_days(start, n)``: the close of the n-th calendar day after the start day; when that day is not a
  working day, the close of the next working day.
* ``add_hours(start, n)``: n clock hours after ``start``; the calendar plays no part.

A computation that depends on a day of a year whose schedule is not loaded never fails and never guesses silently:
it counts Monday-Friday (plus whatever override rows exist) and returns ``provisional=True``.

Every computation reads the calendar with one query (the overrides of a date window and the loaded years together),
and one more only when the count runs past the window. ``WorkingCalendar`` holds a window in memory, so bulk
recomputation asks the database once for a whole range.
"""

import datetime
import importlib.metadata
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import CharField, DateField, Max, Value
from django.db.models.functions import Cast
from django.utils import timezone

from .models import CalendarDay, CalendarDayKind, CalendarYear

logger = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("Asia/Shanghai")
CLOSE_OF_DAY = datetime.time(23, 59, 59)
PACKAGE_SOURCE_PREFIX = "chinese-calendar"
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
ONE_DAY = datetime.timedelta(days=1)
# Extra days loaded past a rough estimate of the window, enough for the longest run of days off (Spring Festival).
_WINDOW_MARGIN = 21
_YEAR_MARKER = "year"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and how it was reached, for the page, the API and the history of a moved deadline.

    ``due_at`` is an aware datetime in Asia/Shanghai. ``provisional`` is true when a day that decided the result lies
    in a year whose official schedule is not loaded (the count assumed Monday-Friday). ``skipped`` lists the days
    passed over as (date, reason), the reason being the holiday's name or the weekday (星期六/星期日);
    ``makeup_days`` the make-up working days counted; ``rule`` says the rule in Chinese, e.g. ``3个工作日``.
    """

    due_at: datetime.datetime
    provisional: bool
    skipped: list[tuple[datetime.date, str]]
    makeup_days: list[datetime.date]
    rule: str
    start: datetime.datetime | datetime.date | None = None

    @property
    def due_date(self) -> datetime.date:
        return self.due_at.astimezone(TIMEZONE).date()

    def as_dict(self) -> dict:
        """A JSON-ready form for the API and templates."""
        return {
            "due_at": self.due_at.isoformat(),
            "provisional": self.provisional,
            "skipped": [{"date": day.isoformat(), "reason": reason} for day, reason in self.skipped],
            "makeup_days": [day.isoformat() for day in self.makeup_days],
            "rule": self.rule,
        }


def _local_date(value) -> datetime.date:
    """The Asia/Shanghai date of an aware datetime, or the date itself; a naive datetime is refused."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ValueError("start must be a timezone-aware datetime")
        return value.astimezone(TIMEZONE).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or an aware datetime, got {type(value).__name__}")


def _close_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, CLOSE_OF_DAY, tzinfo=TIMEZONE)


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an integer")
    if n < 0:
        raise ValueError("n must not be negative")


class WorkingCalendar:
    """The calendar of a date window held in memory; answers any number of questions without further queries.

    Build it with ``WorkingCalendar.for_range(first, last)`` (one query: the overrides in the window and the loaded
    years). A question about a day outside the window widens it with one more query, so a caller never gets a
    wrong answer for a day it did not foresee; it only pays a query.
    """

    def __init__(self, *, first: datetime.date, last: datetime.date, overrides: dict, loaded_years):
        self._first = first
        self._last = last
        self._overrides = dict(overrides)  # date -> (kind, name)
        self._years = frozenset(loaded_years)

    @classmethod
    def for_range(cls, first: datetime.date, last: datetime.date) -> "WorkingCalendar":
        """Load the overrides between ``first`` and ``last`` (inclusive) and the loaded years, in one query."""
        if last < first:
            first, last = last, first
        days = CalendarDay.objects.filter(date__range=(first, last)).order_by().values_list("date", "kind", "name")
        years = CalendarYear.objects.order_by().values_list(
            Value(None, output_field=DateField()),
            Value(_YEAR_MARKER, output_field=CharField()),
            Cast("year", output_field=CharField()),
        )
        overrides, loaded_years = {}, set()
        for day, kind, name in days.union(years, all=True):
            if day is None:
                loaded_years.add(int(name))
            else:
                overrides[day] = (kind, name)
        return cls(first=first, last=last, overrides=overrides, loaded_years=loaded_years)

    # -- the window ---------------------------------------------------------------------------------------------

    def _load(self, first: datetime.date, last: datetime.date) -> None:
        rows = CalendarDay.objects.filter(date__range=(first, last)).order_by().values_list("date", "kind", "name")
        for day, kind, name in rows:
            self._overrides[day] = (kind, name)

    def _ensure(self, day: datetime.date) -> None:
        span = max((self._last - self._first).days, 62)
        if day > self._last:
            new_last = max(day, self._last + datetime.timedelta(days=span))
            self._load(self._last + ONE_DAY, new_last)
            self._last = new_last
        elif day < self._first:
            new_first = min(day, self._first - datetime.timedelta(days=span))
            self._load(new_first, self._first - ONE_DAY)
            self._first = new_first

    # -- single days --------------------------------------------------------------------------------------------

    @property
    def loaded_years(self) -> frozenset:
        return self._years

    @property
    def last_known_year(self) -> int | None:
        """The latest year whose official schedule is loaded, or None when none is."""
        return max(self._years, default=None)

    def is_provisional(self, day: datetime.date) -> bool:
        """True when the official schedule of the day's year is not loaded (a year after the last loaded one, a gap
        year, or any year when none is loaded): the day's status is then a Monday-Friday guess."""
        return _local_date(day).year not in self._years

    def _any_provisional(self, days) -> bool:
        return any(year not in self._years for year in {day.year for day in days})

    def is_working_day(self, day: datetime.date) -> bool:
        """Monday-Friday unless an override marks it a holiday; any day an override marks a make-up working day."""
        return self.day_status(day)[0]

    def is_makeup_day(self, day: datetime.date) -> bool:
        day = _local_date(day)
        self._ensure(day)
        override = self._overrides.get(day)
        return override is not None and override[0] == CalendarDayKind.WORKDAY

    def day_status(self, day: datetime.date) -> tuple[bool, str]:
        """(is working day, reason): the reason names the holiday, the make-up day or the weekday."""
        day = _local_date(day)
        self._ensure(day)
        override = self._overrides.get(day)
        if override is not None:
            kind, name = override
            if kind == CalendarDayKind.WORKDAY:
                return True, name or "调休上班日"
            if kind == CalendarDayKind.HOLIDAY:
                return False, name or "法定节假日"
        weekday = day.weekday()
        return weekday < 5, WEEKDAY_NAMES[weekday]

    # -- periods ------------------------------------------------------------------------------------------------

    def add_working_days(self, start, n: int) -> Deadline:
        """The close (23:59:59 Asia/Shanghai) of the n-th working day after the start day (day 0).

        ``n = 0`` means the close of the start day when it is a working day, otherwise of the next working day.
        ``start`` is an aware datetime (its Asia/Shanghai date is day 0) or a date.
        """
        _check_count(n)
        start_day = _local_date(start)
        skipped, makeup, examined = [], [], []
        if n == 0:
            day = start_day
            while True:
                examined.append(day)
                working, reason = self.day_status(day)
                if working:
                    break
                skipped.append((day, reason))
                day += ONE_DAY
            if self.is_makeup_day(day):
                makeup.append(day)
        else:
            day, counted = start_day, 0
            while counted < n:
                day += ONE_DAY
                examined.append(day)
                working, reason = self.day_status(day)
                if working:
                    counted += 1
                    if self.is_makeup_day(day):
                        makeup.append(day)
                else:
                    skipped.append((day, reason))
        return Deadline(
            due_at=_close_of(day),
            provisional=self._any_provisional(examined),
            skipped=skipped,
            makeup_days=makeup,
            rule=f"{n}个工作日",
            start=start,
        )

    def add_calendar_days(self, start, n: int) -> Deadline:
        """The close of the n-th calendar day after the start day (day 0); when that day is not a working day, the
        period ends at the close of the next working day (the days passed over are listed in ``skipped``)."""
        _check_count(n)
        day = _local_date(start) + datetime.timedelta(days=n)
        skipped, examined = [], []
        while True:
            examined.append(day)
            working, reason = self.day_status(day)
            if working:
                break
            skipped.append((day, reason))
            day += ONE_DAY
        return Deadline(
            due_at=_close_of(day),
            provisional=self._any_provisional(examined),
            skipped=skipped,
            makeup_days=[day] if self.is_makeup_day(day) else [],
            rule=f"{n}日",
            start=start,
        )

    def add_hours(self, start: datetime.datetime, n: int) -> Deadline:
        """``start`` plus n clock hours, in Asia/Shanghai; never provisional, holidays do not stop the clock."""
        return add_hours(start, n)


def _calendar_for(start_day: datetime.date, last_day: datetime.date) -> WorkingCalendar:
    return WorkingCalendar.for_range(start_day, last_day)


def _estimated_end(start_day: datetime.date, working_days: int) -> datetime.date:
    return start_day + datetime.timedelta(days=working_days * 7 // 5 + _WINDOW_MARGIN)


# ---------------------------------------------------------------------------------------------------------------------
# Free functions: each builds a WorkingCalendar for the window it needs (one query in the normal case).


def is_working_day(day) -> bool:
    """Monday-Friday unless the calendar marks it a holiday, or a make-up working day the calendar lists."""
    day = _local_date(day)
    return _calendar_for(day, day).is_working_day(day)


def last_known_year() -> int | None:
    """The latest year whose official holiday schedule is loaded (``CalendarYear``), or None."""
    return CalendarYear.objects.aggregate(last=Max("year"))["last"]


def is_provisional(day) -> bool:
    """True when the day's year has no loaded schedule (after the last loaded year, a gap, or nothing loaded)."""
    return not CalendarYear.objects.filter(year=_local_date(day).year).exists()


def add_working_days(start, n: int) -> Deadline:
    """The close (23:59:59 Asia/Shanghai) of the n-th working day after the start day; the start day is day 0.

    ``n = 0`` gives the close of the start day when it is a working day, otherwise of the next working day.
    Provisional when a day counted lies in a year whose schedule is not loaded (counted Monday-Friday).
    """
    _check_count(n)
    start_day = _local_date(start)
    return _calendar_for(start_day, _estimated_end(start_day, n)).add_working_days(start, n)


def add_calendar_days(start, n: int) -> Deadline:
    """The close of the n-th calendar day after the start day (day 0); if that day is not a working day, the close
    of the next working day. Provisional when a day that decided it lies in a year whose schedule is not loaded."""
    _check_count(n)
    last_day = _local_date(start) + datetime.timedelta(days=n)
    return _calendar_for(last_day, last_day + datetime.timedelta(days=_WINDOW_MARGIN)).add_calendar_days(start, n)


def add_hours(start: datetime.datetime, n: int) -> Deadline:
    """``start`` plus n clock hours (in Asia/Shanghai); holidays and weekends count like any hour, so the result
    never depends on the calendar and is never provisional. No query."""
    _check_count(n)
    if not isinstance(start, datetime.datetime) or timezone.is_naive(start):
        raise ValueError("start must be a timezone-aware datetime")
    due_at = (start.astimezone(datetime.UTC) + datetime.timedelta(hours=n)).astimezone(TIMEZONE)
    return Deadline(due_at=due_at, provisional=False, skipped=[], makeup_days=[], rule=f"{n}小时", start=start)


# ---------------------------------------------------------------------------------------------------------------------
# Coverage reminder


def calendar_coverage(today: datetime.date | None = None) -> dict:
    """Whether next year's official schedule is loaded; in November and December, warn when it is not.

    The State Council publishes next year's schedule around November. From 1 November, until the administrator
    loads it, a warning asks for it (the daily Celery task calls this). A current year that is not loaded is
    warned about on any day, since every deadline is then provisional.
    Returns ``{"next_year", "loaded", "reminder", "current_year_loaded"}``.
    """
    today = today or timezone.localdate()
    next_year = today.year + 1
    years = set(CalendarYear.objects.filter(year__in=(today.year, next_year)).values_list("year", flat=True))
    loaded = next_year in years
    reminder = today.month >= 11 and not loaded
    if reminder:
        logger.warning(
            "工作日历尚未载入%s年的法定节假日安排。请管理员在国务院办公厅发布%s年部分节假日安排的通知后，"
            "在“工作日历”中录入%s年的节假日和调休上班日并标记该年度已载入；在此之前，%s年的期限按周一至周五暂计，"
            "并标注为“暂定”。",
            next_year,
            next_year,
            next_year,
            next_year,
        )
    current_loaded = today.year in years
    if not current_loaded:
        logger.warning(
            "工作日历尚未载入本年度（%s年）的法定节假日安排，本年度的期限均按周一至周五暂计并标注为“暂定”。"
            "请管理员尽快录入。",
            today.year,
        )
    return {"next_year": next_year, "loaded": loaded, "reminder": reminder, "current_year_loaded": current_loaded}


# ---------------------------------------------------------------------------------------------------------------------
# Seeding from the chinese_calendar package

# The package's English names (1.11.0 stores plain strings; some versions use a Holiday enum).
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name_zh(value) -> str:
    value = getattr(value, "value", value)  # a Holiday enum member
    if isinstance(value, (tuple, list)):  # (english, chinese, days)
        return str(value[1]) if len(value) > 1 else str(value[0])
    return HOLIDAY_NAMES_ZH.get(str(value), str(value))


def package_source() -> str:
    """The ``source`` written on rows from the package, e.g. ``chinese-calendar 1.11.0``."""
    import chinese_calendar

    version = getattr(chinese_calendar, "__version__", None) or importlib.metadata.version("chinesecalendar")
    return f"{PACKAGE_SOURCE_PREFIX} {version}"


@dataclass
class SeedResult:
    """What a seeding run changed. Dates are sorted; ``kept`` lists the administrator's rows that differ from the
    package and were left alone."""

    source: str
    added: list[datetime.date] = field(default_factory=list)
    updated: list[datetime.date] = field(default_factory=list)
    removed: list[datetime.date] = field(default_factory=list)
    kept: list[datetime.date] = field(default_factory=list)
    added_years: list[int] = field(default_factory=list)

    @property
    def changed_dates(self) -> list[datetime.date]:
        """Days whose status may have changed: deadlines around them need recomputing."""
        return sorted({*self.added, *self.updated, *self.removed})

    @property
    def changed(self) -> bool:
        return bool(self.changed_dates or self.added_years)


def seed_from_chinese_calendar(calendar_day_model, calendar_year_model) -> SeedResult:
    """Load every holiday and make-up working day the ``chinese_calendar`` package knows; idempotent.

    Takes the model classes, so a data migration can pass its historical models. Rules:
    * a date the package knows and the table lacks is added with source ``chinese-calendar <version>``;
    * a row whose source starts with ``chinese-calendar`` is brought up to date (kind, name, source), and removed
      when the package, within the years it covers, no longer lists its date (a corrected schedule);
    * a row with any other source is the administrator's and is never touched (listed in ``kept`` when it differs);
    * a ``CalendarYear`` row is created for every year the package covers that has none.
    Holidays that fall on a weekend are stored too, as the package lists them: harmless for the count, and the
    deadline's ``skipped`` list then names the holiday instead of the weekday.
    Bulk queries only (no per-row save), so it runs fast and without model signals inside a migration.
    """
    from chinese_calendar import constants

    source = package_source()
    wanted = {}
    for day, value in constants.holidays.items():
        wanted[day] = (CalendarDayKind.HOLIDAY.value, _holiday_name_zh(value))
    for day, value in constants.workdays.items():
        wanted[day] = (CalendarDayKind.WORKDAY.value, f"{_holiday_name_zh(value)}调休上班")
    result = SeedResult(source=source)
    if not wanted:
        return result
    first_year, last_year = min(wanted).year, max(wanted).year
    covered = (datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))

    existing = {row.date: row for row in calendar_day_model.objects.filter(date__range=covered)}
    to_create, to_update = [], []
    now = timezone.now()
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(calendar_day_model(date=day, kind=kind, name=name, source=source))
        elif row.source.startswith(PACKAGE_SOURCE_PREFIX):
            if (row.kind, row.name, row.source) != (kind, name, source):
                row.kind, row.name, row.source, row.updated_at = kind, name, source, now
                to_update.append(row)
        elif (row.kind, row.name) != (kind, name):
            result.kept.append(day)
    stale = [row for day, row in existing.items() if day not in wanted and row.source.startswith(PACKAGE_SOURCE_PREFIX)]

    calendar_day_model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        calendar_day_model.objects.bulk_update(to_update, ["kind", "name", "source", "updated_at"], batch_size=500)
    if stale:
        calendar_day_model.objects.filter(pk__in=[row.pk for row in stale]).delete()

    known_years = set(calendar_year_model.objects.values_list("year", flat=True))
    new_years = [year for year in range(first_year, last_year + 1) if year not in known_years]
    calendar_year_model.objects.bulk_create([calendar_year_model(year=year, source=source) for year in new_years])

    result.added = [row.date for row in to_create]
    result.updated = [row.date for row in to_update]
    result.removed = sorted(row.date for row in stale)
    result.added_years = new_years
    return result
