"""Lifting a notice's measure (解除), through the leader's sign-off like a notice: the clerk drafts the lifting of a
notice in force with its ground and the numbered lifting ruling (解除裁定书), the leader signs it — the 解除协助执行
通知书 is served on the unit, which is told — or returns it (the notice goes back to the state it was in), and the
unit acknowledges it online (reminded until it does: `assistance/reminders.py`).

A concluded case (执行完毕、终结执行、终结本次执行程序) stops everything it started (`conclude_case`): its drafts,
returned drafts and signed-but-unserved notices are withdrawn, every notice in force is put into lifting under the
case's lifting ruling, and each unit still assisting is told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.identifiers import normalize_ruling_number
from linkage.workdays import add_working_days

from .. import notifications, webhooks
from ..machines import NOTICE_MACHINE
from ..models import IN_FORCE_STATES, LiftGround, NoticeState
from ..relief import SOCIAL_RELIEF

# How long a unit has to acknowledge a lifting online: one working day, like a list push.
LIFT_ACKNOWLEDGE_WORKING_DAYS = 1
# What a concluded case withdraws (never served: nothing to lift).
UNSERVED_STATES = (NoticeState.DRAFT, NoticeState.RETURNED, NoticeState.SIGNED)


def lifting_ruling_number(value, field="ruling_number"):
    """The lifting ruling's number in canonical form (e.g. （2026）粤0103执123号之一); refused in Chinese."""
    if not (value or "").strip():
        raise ApplicationError("请填写解除裁定书文号，如（2026）粤0103执123号之一。", field=field)
    try:
        return normalize_ruling_number(value)
    except ValidationError as error:
        raise ApplicationError(f"解除裁定书文号：{error.messages[0]}", field=field)


def _draft_lifting(notice, actor, *, ground, reason, ruling_number):
    NOTICE_MACHINE.check(notice, "lift", actor)
    return NOTICE_MACHINE.move(
        notice, "lift", actor, role=False, reason=reason or LiftGround(ground).label,
        data={"ground": ground, "ruling_number": ruling_number}, lift_ground=ground,
        lift_reason=(reason or "").strip(), lifting_ruling_number=ruling_number, lifted_from=notice.state,
        lifting_by=actor, lifting_at=timezone.now(),
    )


@transaction.atomic
def lift_notice(*, actor, notice, ground, reason="", ruling_number=""):
    """A clerk drafts the lifting of a notice in force (拟解除) because the debtor performed or gave security, the
    case ended, or the applicant agreed, citing the lifting ruling; it waits for the leader's sign-off."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "lift", actor)
    if ground not in LiftGround.values:
        raise ApplicationError("请选择解除原因。", field="ground")
    ruling_number = lifting_ruling_number(ruling_number)
    _draft_lifting(notice, actor, ground=ground, reason=reason, ruling_number=ruling_number)
    notifications.lifting_waiting([notice])
    return notice


@transaction.atomic
def sign_lifting(*, actor, notice):
    """A bureau leader signs the lifting off: the 解除协助执行通知书 is served on the unit (法发〔2010〕15号 art. 21),
    which is told and has one working day to acknowledge it online."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "sign_lifting", actor)
    now = timezone.now()
    due = add_working_days(now, LIFT_ACKNOWLEDGE_WORKING_DAYS).due_at
    NOTICE_MACHINE.move(notice, "sign_lifting", actor, role=False, at=now, data={"lift_due_at": due.isoformat()},
                        lifted_at=now, lift_signed_by=actor, lift_due_at=due)
    notifications.lifting_served(notice)
    webhooks.lifting_signed(notice)
    return notice


@transaction.atomic
def return_lifting(*, actor, notice, reason):
    """A bureau leader returns the drafted lifting with a reason: the notice goes back to the state it was in."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "return_lifting", actor)
    if notice.case.is_concluded:
        raise TransitionNotAllowed(f"案件已{notice.case.get_status_display()}，其协助措施必须解除，不能退回解除。",
                                   state=notice.state)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写退回理由。", field="reason")
    NOTICE_MACHINE.move(notice, "return_lifting", actor, role=False, reason=reason,
                        data={"ground": notice.lift_ground, "ruling_number": notice.lifting_ruling_number})
    notifications.notice_returned(notice, reason, lifting=True)
    notice.lifted_from, notice.lift_ground, notice.lift_reason, notice.lifting_ruling_number = "", "", "", ""
    notice.lifting_by, notice.lifting_at = None, None  # the unit's clock runs again
    notice.save(update_fields=["lifted_from", "lift_ground", "lift_reason", "lifting_ruling_number", "lifting_by",
                               "lifting_at"])
    return notice


@transaction.atomic
def acknowledge_lifting(*, actor, notice):
    """A liaison of the unit acknowledges the lifting notice online (确认解除): the unit has stopped assisting."""
    notice = NOTICE_MACHINE.lock(notice)
    return NOTICE_MACHINE.move(notice, "acknowledge_lifting", actor, lift_acknowledged_at=timezone.now(),
                               lift_acknowledged_by=actor)


def conclude_case(*, case, actor, status_label, reason=""):
    """A case just concluded (inside `cases.services.set_case_status`'s transaction): withdraw what was never served,
    put every notice in force into lifting under the case's lifting ruling (the leader signs each), tell the leaders
    and each unit still assisting. A case with notices in force needs its lifting ruling number."""
    ground_text = f"案件{status_label}" + (f"：{reason.strip()}" if (reason or "").strip() else "")
    for notice in case.notices.filter(state__in=UNSERVED_STATES).order_by("pk"):
        notice = NOTICE_MACHINE.lock(notice)
        NOTICE_MACHINE.move(notice, "withdraw", actor, reason=ground_text, withdrawn_at=timezone.now(),
                            data={"case_status": status_label})
    # A referral for social relief is no measure against the debtor: the applicant's hardship outlives the case, so
    # the civil-affairs unit still answers it (assistance/relief_models.py).
    in_force = [NOTICE_MACHINE.lock(notice)
                for notice in case.notices.filter(state__in=IN_FORCE_STATES).exclude(measure__code=SOCIAL_RELIEF)
                .order_by("pk")]
    if not in_force:
        return []
    ruling_number = lifting_ruling_number(case.lifting_ruling_number, field="lifting_ruling_number")
    for notice in in_force:
        _draft_lifting(notice, actor, ground=LiftGround.CONCLUDED, reason=ground_text, ruling_number=ruling_number)
    notifications.lifting_waiting(in_force)
    notifications.case_concluded(case, in_force, status_label)
    return in_force
