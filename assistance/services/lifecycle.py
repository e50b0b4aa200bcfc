"""The notice's main path: signed by a leader, served by the clerk (the clock starts), signed for by the unit, closed
by the clerk after the reply; lifted or withdrawn by the clerk. Who may make each move, and from which state, is
`NOTICE_MACHINE`'s table; a service adds only its own input rules."""

from django.db import transaction
from django.utils import timezone

from linkage.errors import ApplicationError

from ..deadlines import deadline_for
from ..machines import NOTICE_MACHINE
from ..models import LiftGround


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
    by the unit's rule for the measure and the working-day calendar."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "serve", actor)
    now = timezone.now()
    served_at = at or now
    if served_at > now:
        raise ApplicationError("送达时间不能晚于现在。", field="at")
    rule, deadline = deadline_for(notice.unit, notice.measure, served_at)
    return NOTICE_MACHINE.move(
        notice, "serve", actor, role=False, at=served_at,
        data={"due_at": deadline.due_at.isoformat(), "rule": rule.text, "provisional": deadline.provisional},
        served_at=served_at, due_at=deadline.due_at, deadline_provisional=deadline.provisional,
        deadline_rule=rule.text, deadline_explanation=deadline.as_dict(),
    )


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
def lift_notice(*, actor, notice, ground, reason=""):
    """The court lifts the measure (解除) because the debtor performed or gave security, the case ended, or the
    applicant agreed; the unit gets a 解除协助执行通知书 and stops assisting (法发〔2010〕15号 art. 21)."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.moves["lift"].role.require(actor, notice)
    if ground not in LiftGround.values:
        raise ApplicationError("请选择解除原因。", field="ground")
    return NOTICE_MACHINE.move(
        notice, "lift", actor, role=False, reason=reason or LiftGround(ground).label, data={"ground": ground},
        lifted_at=timezone.now(), lift_ground=ground, lift_reason=(reason or "").strip(),
    )


@transaction.atomic
def withdraw_notice(*, actor, notice, reason):
    """The clerk withdraws a notice that should not stand (a mistake, or an upheld review suggestion)."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.moves["withdraw"].role.require(actor, notice)
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回理由。", field="reason")
    return NOTICE_MACHINE.move(notice, "withdraw", actor, role=False, reason=reason.strip(),
                               withdrawn_at=timezone.now())
