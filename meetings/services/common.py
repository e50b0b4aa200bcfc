"""What the meetings services share: the checks of typed text, the recipients of a meeting's messages, and the
consultation time limit of a dispute."""

from django.conf import settings

from linkage.errors import ApplicationError
from linkage.text import require_name
from members.recipients import unit_recipients  # noqa: F401 - re-exported for the meetings services

# 荔政法〔2017〕72号 三（六）: disputes go to consultation first; only when it has failed within the prescribed time
# limit are they submitted to the joint meeting. The seed names no number: this product default is configurable.
DEFAULT_CONSULTATION_WORKING_DAYS = 10


def consultation_working_days():
    return int(getattr(settings, "MEETINGS_CONSULTATION_WORKING_DAYS", DEFAULT_CONSULTATION_WORKING_DAYS))


def text(value, label, field, *, required=True, max_length=None):
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。", field=field)
    if max_length and len(value) > max_length:
        raise ApplicationError(f"{label}不能超过{max_length}字（现有{len(value)}字）。", field=field)
    return value


def name(value, label, field, *, required=True, max_length=None):
    return require_name(text(value, label, field, required=required, max_length=max_length), label, field)


def active_attendances(meeting):
    return meeting.attendances.filter(withdrawn_at__isnull=True).select_related("organisation")
