"""The legal clocks of the list's errors, written once (法释〔2017〕7号 art. 10, 12; 云府 item 5: 错误纳入、延迟解除、
信息不准确、征信异议 — 优先办理、迅速核实、主动纠错). The services write these deadlines on their rows, the priority
queue (`queue.py`) and its reminders read them back.

* A written correction request (信息不准确, 错误纳入, 征信异议 alike) is reviewed within 15 days of receipt: calendar
  days, the period ending on the next working day when its last day is not one. A credit objection (征信异议) about
  the list is a correction request addressed to the court that published the data; the credit-reporting rule (征信业
  管理条例 art. 25: 20 days) is longer, so the court's own 15 days govern.
* An error the court finds itself (本院发现错误纳入或信息错误), and a request it finds well-founded, is revoked or
  corrected within 3 working days (art. 12), and so is one the higher court reverses on reconsideration; a listing
  is deleted within 3 working days of its ground arising (art. 10, 延迟解除).
* A rejection may be taken to reconsideration within 10 days of the decision (the applicant's clock, shown, not
  reminded); the higher court decides within 15 days of the request.

Every deadline is the close (23:59:59 Asia/Shanghai) of its last day, on the seeded working-day calendar
(`linkage.workdays`), so the 2026 National Day holiday (1-7 October) and its make-up days count as they should."""

import datetime

from django.conf import settings
from django.utils import timezone

from linkage.workdays import TIMEZONE, Deadline, WorkingCalendar, add_calendar_days, add_working_days

REVIEW_DAYS = 15
CORRECT_WORKING_DAYS = 3
REMOVAL_WORKING_DAYS = 3
RECONSIDERATION_REQUEST_DAYS = 10
RECONSIDERATION_DECISION_DAYS = 15


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=TIMEZONE)


def review_deadline(received_on, *, found_by_court=False) -> Deadline:
    """When a correction must be answered: 15 days from a written request (every kind), 3 working days from the day
    the court found the error itself."""
    if found_by_court:
        return correction_deadline(received_on)
    return add_calendar_days(_noon(received_on), REVIEW_DAYS)


def correction_deadline(day) -> Deadline:
    """An error established on `day` (found by the court, or a rejection reversed on reconsideration) is revoked or
    corrected within 3 working days (art. 12)."""
    return add_working_days(_noon(day), CORRECT_WORKING_DAYS)


def removal_deadline(arose_on) -> Deadline:
    """A ground for deletion arose: the listing leaves the list within 3 working days (art. 10)."""
    return add_working_days(_noon(arose_on), REMOVAL_WORKING_DAYS)


def reconsideration_window(decided_on) -> Deadline:
    """The last day the applicant may ask for reconsideration of a rejection (10 days of the decision)."""
    return add_calendar_days(_noon(decided_on), RECONSIDERATION_REQUEST_DAYS)


def reconsideration_deadline(requested_on) -> Deadline:
    """When the higher court must decide a reconsideration (15 days of the request)."""
    return add_calendar_days(_noon(requested_on), RECONSIDERATION_DECISION_DAYS)


def repair_deadline(received_on) -> Deadline:
    """A credit-repair application (信用修复, 云府 item 5) is decided within `settings.CREDIT_REPAIR_WORKING_DAYS`
    working days of its receipt (env LINKAGE_CREDIT_REPAIR_WORKING_DAYS, default 10)."""
    return add_working_days(_noon(received_on), settings.CREDIT_REPAIR_WORKING_DAYS)


def working_days_between(calendar, today, due_day) -> int:
    """Working days after today up to the due day (0: due today)."""
    count, day = 0, today
    while day < due_day:
        day += datetime.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def clock(due_at, now, calendar=None) -> tuple[bool, int, str]:
    """How a deadline stands at `now`, as every credit-error page shows it: (overdue, working days left or days
    overdue, 今日到期 / 剩余N个工作日 / 已逾期N天)."""
    today, due_day = timezone.localtime(now, TIMEZONE).date(), due_at.astimezone(TIMEZONE).date()
    if due_at < now:
        days = max((today - due_day).days, 1)
        return True, days, f"已逾期{days}天"
    calendar = calendar or WorkingCalendar.for_range(today, max(today, due_day))
    left = working_days_between(calendar, today, due_day)
    return False, left, "今日到期" if left == 0 else f"剩余{left}个工作日"


def close_of(day) -> datetime.datetime:
    """The moment a deadline stored as a date ends."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=TIMEZONE)
