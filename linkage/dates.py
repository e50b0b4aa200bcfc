"""Dates that record something that has happened (a case's filing, a decision, when property was found) cannot lie
in the future, nor before LINKAGE_EARLIEST_FACT_DATE (default 1949-10-01). "The future" is judged by the local date
of Asia/Shanghai (TIME_ZONE), so a date typed late in the evening is not refused because UTC is still on the
previous day.

`PastDateValidator` works on dates and on aware datetimes (compared by their local date); model fields, forms and
serializers carry it, and services that take a date outside a form call `check_past_date`.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible


def earliest_fact_date():
    value = getattr(settings, "LINKAGE_EARLIEST_FACT_DATE", datetime.date(1949, 10, 1))
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@deconstructible
class PastDateValidator:
    """Not after today (local date), not before the earliest fact date; the message names the field."""

    def __init__(self, label="日期"):
        self.label = str(label)

    def __call__(self, value):
        if value is None or value == "":
            return
        day = local_date(value)
        if day > timezone.localdate():
            raise ValidationError(f"{self.label}不能晚于今天。", code="future")
        earliest = earliest_fact_date()
        if day < earliest:
            raise ValidationError(f"{self.label}不能早于{earliest:%Y年%m月%d日}。", code="too_early")

    def __eq__(self, other):
        return isinstance(other, PastDateValidator) and self.label == other.label


def check_past_date(value, label):
    """The rule for a service that takes a date outside a form or a serializer: the first message, or None."""
    try:
        PastDateValidator(label)(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def require_past_date(value, label, field=None):
    """`check_past_date` for services: a refusal is an ApplicationError naming the field; the value is returned."""
    from linkage.errors import ApplicationError

    message = check_past_date(value, label)
    if message:
        raise ApplicationError(message, field=field)
    return value
