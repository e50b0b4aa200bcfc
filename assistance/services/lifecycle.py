"""The notice's main path: signed by a leader, served by the clerk (the clock starts, the unit is told), signed for
by the unit, closed by the clerk after the reply; withdrawn by the clerk (lifting: `lifting.py`). Who may make each move, and from which state, is
`NOTICE_MACHINE`'s table; a service adds only its own input rules."""

from django.db import transaction
from django.utils import timezone

from linkage.errors import ApplicationError
from linkage.text import REASON_MAX, clip

from .. import notifications, webhooks
from ..deadlines import deadline_fields, serving_deadline
from ..machines import NOTICE_MACHINE
from ..tracking import TRACKING_MACHINE
from ..tracking_models import Tracking
from .terms import record_terms_at_service


@transaction.atomic
def sign_notice(*, actor, notice, at=None):
    """A bureau leader of the issuing court signs the draft off (签发); `at` records a signature made on paper
    earlier (entering a paper case after the fact)."""
    notice = NOTICE_MACHINE.lock(notice)
    signed_at = at or timezone.now()
    return NOTICE_MACHINE.move(notice, "sign", actor, at=signed_at, signed_by=actor, signed_at=signed_at)


@transaction.atomic
def serve_notice(*, actor, notice, at=None):
    """The clerk serves the signed notice on the unit; the deadline clock starts from the moment of service,
    by the unit's rule for the measure and the working-day calendar (a locate or vehicle request: its first status
    reply, assistance/tracking.py)."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "serve", actor)
    now = timezone.now()
    served_at = at or now
    if served_at > now:
        raise ApplicationError("送达时间不能晚于现在。", field="at")
    rule_text, deadline = serving_deadline(notice, served_at)
    NOTICE_MACHINE.move(
        notice, "serve", actor, role=False, at=served_at,
        data={"due_at": deadline.due_at.isoformat(), "rule": rule_text, "provisional": deadline.provisional},
        served_at=served_at, **deadline_fields(rule_text, deadline),
    )
    record_terms_at_service(notice)
    notifications.notice_served(notice)
    webhooks.notice_served(notice)
    return notice


@transaction.atomic
def acknowledge_notice(*, actor, notice):
    """A liaison of the addressed unit signs for the notice (签收)."""
    notice = NOTICE_MACHINE.lock(notice)
    return NOTICE_MACHINE.move(notice, "acknowledge", actor, acknowledged_at=timezone.now(), acknowledged_by=actor)


@transaction.atomic
def close_notice(*, actor, notice, reason=""):
    """The clerk has read the reply and closes the notice (办结)."""
    notice = NOTICE_MACHINE.lock(notice)
    return NOTICE_MACHINE.move(notice, "close", actor, reason=reason, closed_at=timezone.now())


@transaction.atomic
def withdraw_notice(*, actor, notice, reason):
    """The clerk withdraws a notice that should not stand (a mistake, or an upheld review suggestion)."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.moves["withdraw"].role.require(actor, notice)
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回理由。", field="reason")
    now = timezone.now()
    # A locate or vehicle request still searching ends with its notice: its tracking is cancelled first (a tracking
    # moves only while its notice is open).
    tracking = Tracking.objects.select_for_update().filter(notice=notice).first()
    if tracking is not None and tracking.state in TRACKING_MACHINE.moves["cancel"].sources:
        why = clip(f"撤回通知书：{reason.strip()}", REASON_MAX)
        TRACKING_MACHINE.move(tracking, "cancel", actor, role=False, reason=why, at=now, cancelled_at=now,
                              cancelled_by=actor, cancel_reason=why)
    return NOTICE_MACHINE.move(notice, "withdraw", actor, role=False, reason=reason.strip(), withdrawn_at=now)
