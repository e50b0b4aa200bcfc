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


def invited_attendances(meeting):
    """The units a meeting's notice and messages go to: every unit still on the meeting but the committee itself
    (it calls the meeting; it does not write to itself). The notice is addressed (主送) to the attending and on-leave
    units (`ADDRESSED`) and copied (抄送) to those sitting in (列席), who are told too, in the units' order."""
    return (active_attendances(meeting).exclude(organisation__kind="committee")
            .order_by("organisation__sort_order", "organisation_id"))


# The statuses a meeting notice is addressed to (主送): attending and on leave (a unit on leave is still told).
ADDRESSED = ("attending", "on_leave")
