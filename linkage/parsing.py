"""Raw input to typed values, once for the whole project: amounts, points, dates and moments typed into a form, sent
in JSON, or read from a spreadsheet. Each parser names the field in a Chinese message and raises `ApplicationError`
(which the pages and the API show on that field); services take what these return.

`required=False` turns an empty value (None, "", whitespace) into None instead of a refusal.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linkage.errors import ApplicationError
from linkage.text import bounded_text

CENT = Decimal("0.01")
AMOUNT_LIMIT = Decimal("1e14")  # 一百万亿元: more than any judgment; keeps NUMERIC(16, 2) columns safe


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _missing(label, field, required):
    if required:
        raise ApplicationError(f"请填写{label}。", field=field)
    return None


def text(value, label, field, *, limit, required=True):
    """Free text typed into a form or sent in JSON (a place, a reason, a note): stripped; empty refused when
    `required`, else ""; longer than `limit` characters refused with the project's one length message."""
    value = (value or "").strip()
    if not value:
        _missing(label, field, required)
        return ""
    return bounded_text(value, limit=limit, label=label, field=field)


def _number(value, message, field):
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(message, field=field)
    if not number.is_finite():
        raise ApplicationError(message, field=field)
    return number


def amount(value, label, field, *, required=False, exact=False):
    """A sum of money in yuan, not negative, at most two decimals (rounded to the cent unless `exact`, which
    refuses a third decimal instead), below 10^14."""
    if _blank(value):
        return _missing(label, field, required)
    number = _number(value, f"{label}应为数字。", field)
    if number < 0:
        raise ApplicationError(f"{label}不能为负数。", field=field)
    if number >= AMOUNT_LIMIT:
        raise ApplicationError(f"{label}过大。", field=field)
    if exact and number != number.quantize(CENT):
        raise ApplicationError(f"{label}最多保留两位小数。", field=field)
    return number.quantize(CENT)


def points(value, label, field, *, maximum, minimum=Decimal(0), above_minimum=False, required=True):
    """A score between `minimum` and `maximum` (strictly above `minimum` with `above_minimum`), two decimals."""
    if _blank(value):
        return _missing(label, field, required)
    number = _number(value, f"{label}应为数字。", field)
    if above_minimum and not minimum < number <= maximum:
        raise ApplicationError(f"{label}应为大于{minimum}、不超过{maximum}的数。", field=field)
    if not above_minimum and not minimum <= number <= maximum:
        raise ApplicationError(f"{label}应在{minimum}至{maximum}分之间。", field=field)
    if number != number.quantize(CENT):
        raise ApplicationError(f"{label}最多保留两位小数。", field=field)
    return number


def date(value, label, field, *, required=False):
    """A calendar day, from a date, an aware datetime (its local day) or "YYYY-MM-DD"."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if _blank(value):
        return _missing(label, field, required)
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(f"{label}格式应为 YYYY-MM-DD。", field=field)


def moment(value, label, field, *, required=False):
    """A point in time, from a datetime or ISO 8601 text; a time without an offset is Beijing time."""
    if _blank(value):
        return _missing(label, field, required)
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value).strip())
        if parsed is None:
            raise ApplicationError(f"{label}格式应为 ISO 8601 时间，如 2026-03-02T10:30:00+08:00。", field=field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
