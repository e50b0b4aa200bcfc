"""Writes of correction requests (纠错, 法释〔2017〕7号 art. 11-12): the court registers a request about a listing,
decides it within 15 days (correcting the published data, revoking the listing, or rejecting it with reasons) and
records a request for reconsideration of a rejection. Each decision is a move of `CORRECTION_MACHINE`; a correction
or revocation of the listing itself goes through the listing's own service."""

from django.db import transaction
from django.utils import timezone

from linkage.dates import require_past_date
from linkage.errors import ApplicationError
from linkage.text import require_name

from ..listings.services import correct_listing, revoke_listing
from ..models import CORRECTION_MACHINE, COURT_STAFF, CorrectionKind, CorrectionRequest
from . import clocks

COURT_FOUND_APPLICANT = "本院发现"


@transaction.atomic
def receive_correction_request(*, actor, listing, applicant="", content, received_on=None, contact="",
                               kind=CorrectionKind.DATA, found_by_court=False):
    """The court registers a correction request about a listing (信息不准确, 错误纳入 or 征信异议); it must be reviewed
    within 15 days. With `found_by_court` the court records an error it found itself (no applicant, the date it was
    found): it must be corrected or revoked within 3 working days (`clocks.review_deadline`)."""
    COURT_STAFF.require(actor, listing)
    if kind not in CorrectionKind.values:
        raise ApplicationError("请选择申请类型。", field="kind")
    if found_by_court:
        if kind == CorrectionKind.OBJECTION:
            raise ApplicationError("征信异议由当事人提出；本院发现的错误请选择“错误纳入”或“信息不准确”。", field="kind")
        applicant = (applicant or "").strip() or COURT_FOUND_APPLICANT
    if not (applicant or "").strip():
        raise ApplicationError("请填写申请人。", field="applicant")
    require_name(applicant.strip(), "申请人", "applicant")
    if not (content or "").strip():
        raise ApplicationError("请写明申请纠正的事项和理由。", field="content")
    received_on = require_past_date(received_on or timezone.localdate(), "收到日期", "received_on")
    if received_on > timezone.localdate():
        raise ApplicationError("收到日期不能晚于今天。", field="received_on")
    return CorrectionRequest.objects.create(
        listing=listing, applicant=applicant.strip(), contact=(contact or "").strip(), content=content.strip(),
        received_on=received_on, kind=kind, found_by_court=bool(found_by_court), received_by=actor,
        due_on=clocks.review_deadline(received_on, found_by_court=found_by_court).due_date,
    )


@transaction.atomic
def decide_correction_request(*, actor, request, corrected, reason, changes=None, decided_on=None):
    """Review a correction request: corrected (the published data are corrected, or the listing revoked when it
    should not exist — pass `changes=None` with corrected=True to revoke) or rejected, with reasons. Whether it was
    answered within 15 days is recorded (`answered_on_time`)."""
    request = CORRECTION_MACHINE.lock(request)
    listing = request.listing
    action = "correct" if corrected else "reject"
    CORRECTION_MACHINE.check(request, action, actor)
    if not (reason or "").strip():
        raise ApplicationError("请填写审查意见。", field="reason")
    decided_on = require_past_date(decided_on or timezone.localdate(), "审查日期", "decided_on")
    if decided_on > timezone.localdate():
        raise ApplicationError("审查日期不能晚于今天。", field="decided_on")
    if decided_on < request.received_on:
        raise ApplicationError("审查日期不能早于收到申请的日期。", field="decided_on")
    if corrected:
        if changes:
            correct_listing(actor=actor, listing=listing, changes=changes, reason=f"纠错申请：{reason.strip()}")
        else:
            revoke_listing(actor=actor, listing=listing, reason=f"纠错申请成立：{reason.strip()}")
    return CORRECTION_MACHINE.move(request, action, actor, decided_on=decided_on, decided_by=actor,
                                   decision_reason=reason.strip())


@transaction.atomic
def request_reconsideration(*, actor, request, requested_on=None):
    """The applicant asks for reconsideration of a rejection, within 10 days of the decision; the higher court
    decides within 15 days."""
    request = CORRECTION_MACHINE.lock(request)
    CORRECTION_MACHINE.check(request, "reconsider", actor)
    requested_on = require_past_date(requested_on or timezone.localdate(), "申请复议日期", "requested_on")
    if requested_on > timezone.localdate():
        raise ApplicationError("申请复议日期不能晚于今天。", field="requested_on")
    if requested_on < request.decided_on:
        raise ApplicationError("申请复议日期不能早于驳回决定的日期。", field="requested_on")
    if requested_on > clocks.reconsideration_window(request.decided_on).due_date:
        raise ApplicationError("复议申请应在驳回决定作出之日起十日内提出。", field="requested_on")
    return CORRECTION_MACHINE.move(request, "reconsider", actor, reconsideration_requested_on=requested_on,
                                   reconsideration_due_on=clocks.reconsideration_deadline(requested_on).due_date)


@transaction.atomic
def record_reconsideration_decision(*, actor, request, upheld, result, decided_on=None):
    """Record the higher court's decision on a reconsideration: the rejection upheld (the request stays rejected),
    or reversed (the request is pending again and must be corrected within 3 working days of the decision, on the
    court's priority queue)."""
    request = CORRECTION_MACHINE.lock(request)
    action = "uphold" if upheld else "reverse"
    CORRECTION_MACHINE.check(request, action, actor)
    if not (result or "").strip():
        raise ApplicationError("请填写复议决定的内容。", field="result")
    decided_on = require_past_date(decided_on or timezone.localdate(), "复议决定日期", "decided_on")
    if decided_on > timezone.localdate():
        raise ApplicationError("复议决定日期不能晚于今天。", field="decided_on")
    if decided_on < request.reconsideration_requested_on:
        raise ApplicationError("复议决定日期不能早于申请复议的日期。", field="decided_on")
    fields = {"reconsideration_decided_on": decided_on, "reconsideration_result": result.strip()}
    if not upheld:
        fields["due_on"] = clocks.correction_deadline(decided_on).due_date
    return CORRECTION_MACHINE.move(request, action, actor, **fields)
