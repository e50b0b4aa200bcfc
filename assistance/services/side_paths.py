"""The unit's side paths while the clock runs, and the court's decisions on them: an extension request (more
working days, asked before the deadline) and a review suggestion (the unit disagrees but may not refuse). They leave
the notice's state as it is, so the notice's table is only checked (state and role) and the event recorded; the
request and the suggestion move through their own tables."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.workdays import add_working_days

from .. import notifications, webhooks
from ..machines import EXTENSION_MACHINE, NOTICE_MACHINE, REVIEW_MACHINE
from ..models import ExtensionRequest, RequestState, ReviewResolution, ReviewSuggestion
from .drafting import copy_as_draft


def _record_on_notice(notice, action, actor, *, reason="", data=None):
    NOTICE_MACHINE.record(notice, action, actor, from_state=notice.state, to_state=notice.state, reason=reason,
                          data=data)


@transaction.atomic
def request_extension(*, actor, notice, days, reason):
    """A unit that cannot finish in time tells the court before the deadline, with reasons (domain rules)."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "extension_requested", actor)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ApplicationError("延长天数应为整数。", field="days")
    if not 1 <= days <= 30:
        raise ApplicationError("延长天数应为1至30个工作日。", field="days")
    if not (reason or "").strip():
        raise ApplicationError("请说明不能按期办理的理由。", field="reason")
    now = timezone.now()
    if notice.due_at and now > notice.due_at:
        raise ApplicationError("办理期限已届满，应在期限届满前申请延期。", field="days")
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                notice=notice, days=days, reason=reason.strip(), requested_by=actor, requested_at=now
            )
    except IntegrityError:
        raise ApplicationError("已有待决定的延期申请。", field="days")
    _record_on_notice(notice, "extension_requested", actor, reason=reason.strip(),
                      data={"request": request.pk, "days": days})
    notifications.extension_requested(request)
    return request


def _extend_deadline(notice, request):
    """Move the open notice's deadline by the request's working days, counted from the current deadline; returns
    the request's fields that record it."""
    deadline = add_working_days(notice.due_at, request.days)
    previous = notice.due_at
    notice.due_at, notice.deadline_provisional = deadline.due_at, deadline.provisional
    # One clause for the total, so repeated extensions never outgrow the column (max 50 characters).
    base_rule = notice.deadline_rule.split("，延长")[0]
    extended = request.days + sum(
        notice.extension_requests.filter(state=RequestState.GRANTED).exclude(pk=request.pk)
        .values_list("days", flat=True)
    )
    notice.deadline_rule = f"{base_rule}，延长{extended}个工作日"
    notice.deadline_explanation = {**deadline.as_dict(), "extended_from": previous.isoformat()}
    notice.save(update_fields=["due_at", "deadline_provisional", "deadline_rule", "deadline_explanation",
                               "updated_at"])
    return {"previous_due_at": previous, "new_due_at": deadline.due_at}


@transaction.atomic
def decide_extension(*, actor, request, granted, reason=""):
    """The clerk grants or refuses an extension; a granted one moves the deadline by the working days asked,
    counted from the current deadline."""
    request = EXTENSION_MACHINE.lock(request)
    notice = request.notice = NOTICE_MACHINE.lock(request.notice)
    action = "grant" if granted else "refuse"
    EXTENSION_MACHINE.moves[action].role.require(actor, request)
    if not EXTENSION_MACHINE.allows(request, action):
        raise TransitionNotAllowed("该延期申请已决定。", state=request.state)
    if not granted and not (reason or "").strip():
        raise ApplicationError("不同意延期的，请填写理由。", field="reason")
    extended = _extend_deadline(notice, request) if granted and notice.is_open else {}
    EXTENSION_MACHINE.move(request, action, actor, role=False, decided_by=actor, decided_at=timezone.now(),
                           decision_reason=(reason or "").strip(), **extended)
    _record_on_notice(
        notice, "extension_granted" if granted else "extension_refused", actor, reason=request.decision_reason,
        data={"request": request.pk, "days": request.days,
              **({"previous_due_at": request.previous_due_at.isoformat(), "due_at": request.new_due_at.isoformat()}
                 if request.new_due_at else {})},
    )
    webhooks.extension_decided(request)
    return request


@transaction.atomic
def raise_review_suggestion(*, actor, notice, reason):
    """A unit that disagrees sends a review suggestion (审查建议). It may not refuse: the clock keeps running."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "review_raised", actor)
    if not (reason or "").strip():
        raise ApplicationError("请写明审查建议的内容和理由。", field="reason")
    try:
        with transaction.atomic():
            suggestion = ReviewSuggestion.objects.create(
                notice=notice, reason=reason.strip(), raised_by=actor, raised_at=timezone.now()
            )
    except IntegrityError:
        raise ApplicationError("已有待审查的审查建议。", field="reason")
    _record_on_notice(notice, "review_raised", actor, reason=reason.strip(), data={"suggestion": suggestion.pk})
    notifications.review_raised(suggestion)
    return suggestion


@transaction.atomic
def decide_review_suggestion(*, actor, suggestion, upheld, resolution="", reason=""):
    """The court decides a review suggestion. Not upheld: the unit must still act, the deadline stands.
    Upheld: the notice is withdrawn, and when `resolution` is `amended` a new draft copy is made for the clerk
    to correct, sign and serve again. Returns (suggestion, new_draft_or_None)."""
    suggestion = REVIEW_MACHINE.lock(suggestion)
    notice = suggestion.notice = NOTICE_MACHINE.lock(suggestion.notice)
    action = "uphold" if upheld else "not_uphold"
    REVIEW_MACHINE.moves[action].role.require(actor, suggestion)
    if not REVIEW_MACHINE.allows(suggestion, action):
        raise TransitionNotAllowed("该审查建议已审查。", state=suggestion.state)
    if not (reason or "").strip():
        raise ApplicationError("请填写审查意见。", field="reason")
    if upheld and resolution not in ReviewResolution.values:
        raise ApplicationError("审查建议成立的，请选择撤回通知书或修改后重新发出。", field="resolution")
    if upheld and not NOTICE_MACHINE.allows(notice, "withdraw"):
        raise TransitionNotAllowed(
            f"通知书已{notice.get_state_display()}，不能再撤回；审查建议成立的，请解除该项协助措施。", state=notice.state
        )
    REVIEW_MACHINE.move(suggestion, action, actor, role=False, resolution=resolution if upheld else "",
                        decided_by=actor, decided_at=timezone.now(), decision_reason=reason.strip())
    _record_on_notice(notice, "review_upheld" if upheld else "review_not_upheld", actor, reason=reason.strip(),
                      data={"suggestion": suggestion.pk, "resolution": resolution})
    new_draft = None
    if upheld:
        NOTICE_MACHINE.move(notice, "withdraw", actor, role=False, reason=f"审查建议成立：{reason.strip()}",
                            withdrawn_at=timezone.now())
        if resolution == ReviewResolution.AMENDED:
            new_draft = copy_as_draft(notice, actor)
            notifications.drafts_waiting([new_draft])
    return suggestion, new_draft
