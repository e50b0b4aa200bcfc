"""The unit's reply to a notice it has signed for: the outcome, results structured by measure (which result kind a
measure's reply carries and which of its fields are required), free text and stamped scans."""

from django.db import transaction
from django.utils import timezone

from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, TransitionNotAllowed

from .. import notifications
from ..machines import NOTICE_MACHINE
from ..models import (
    AttachmentKind,
    NoticeState,
    PropertyKind,
    Reply,
    ReplyOutcome,
    ReplyResult,
    ResultKind,
)
from . import tracking
from .drafting import store_attachments
from .terms import record_terms_from_reply

# Which structured result a reply to each measure carries.
RESULT_KIND_FOR_MEASURE = {
    "inquiry": ResultKind.ASSET,
    "seal": ResultKind.FREEZE,
    "freeze": ResultKind.FREEZE,
    "seize_vehicle": ResultKind.LOCATION,
    "locate_person": ResultKind.LOCATION,
    "stop_registration": ResultKind.REGISTRATION,
    "transfer_registration": ResultKind.REGISTRATION,
    "deduct": ResultKind.DEDUCTION,
}
RESULT_FIELDS = {
    ResultKind.ASSET: ("property_kind", "identifier", "institution", "value", "encumbrances"),
    ResultKind.FREEZE: ("property_kind", "identifier", "institution", "amount", "start_on", "end_on"),
    ResultKind.LOCATION: ("location", "found_at", "identifier"),
    ResultKind.REGISTRATION: ("registration_number", "identifier", "institution"),
    ResultKind.DEDUCTION: ("property_kind", "identifier", "institution", "amount"),
}
REQUIRED_RESULT_FIELDS = {
    ResultKind.ASSET: ("property_kind", "identifier"),
    ResultKind.FREEZE: ("identifier", "start_on", "end_on"),
    ResultKind.LOCATION: ("location", "found_at"),
    ResultKind.REGISTRATION: ("registration_number",),
    ResultKind.DEDUCTION: ("identifier", "amount"),
}
RESULT_FIELD_LABELS = {field.name: str(field.verbose_name) for field in ReplyResult._meta.fields}


def _clean_results(notice, outcome, results):
    kind = RESULT_KIND_FOR_MEASURE.get(notice.measure.code)
    results = list(results or [])
    if outcome in (ReplyOutcome.DONE, ReplyOutcome.PARTLY_DONE) and kind is not None and not results:
        raise ApplicationError(f"“{notice.measure.name}”的办理结果须逐项填写（{kind.label}）。", field="results")
    cleaned = []
    for index, data in enumerate(results, start=1):
        label = f"第{index}项结果"
        result_kind = data.get("kind") or kind
        if result_kind not in ResultKind.values:
            raise ApplicationError(f"{label}：结果类型无法识别。", field="results")
        if kind is not None and result_kind != kind:
            raise ApplicationError(
                f"{label}：“{notice.measure.name}”的结果应为“{ResultKind(kind).label}”。", field="results"
            )
        row = {"position": index, "kind": result_kind}
        for field in RESULT_FIELDS[result_kind]:
            value = data.get(field)
            name = f"{label}：{RESULT_FIELD_LABELS[field]}"
            if field in ("value", "amount"):
                value = parsing.amount(value, name, "results")
            elif field in ("start_on", "end_on"):
                value = parsing.date(value, name, "results")
            elif field == "found_at":
                value = parsing.moment(value, name, "results")
                if value is not None:
                    require_past_date(value, name, "results")
            elif field == "property_kind":
                value = value or ""
                if value and value not in PropertyKind.values:
                    raise ApplicationError(f"{name}无法识别。", field="results")
            else:
                value = (value or "").strip()
            row[field] = value
        for field in REQUIRED_RESULT_FIELDS[result_kind]:
            if row.get(field) in (None, ""):
                raise ApplicationError(f"{label}：请填写{RESULT_FIELD_LABELS[field]}。", field="results")
        if row.get("start_on") and row.get("end_on") and row["end_on"] < row["start_on"]:
            raise ApplicationError(f"{label}：届满日期不能早于起始日期。", field="results")
        cleaned.append(row)
    return cleaned


@transaction.atomic
def reply_to_notice(*, actor, notice, outcome, results=(), text="", attachments=()):
    """A liaison of the unit answers a notice it has signed for: the outcome, the results structured by
    measure, free text and scans of stamped documents. A unit may not refuse (it raises a review suggestion
    instead), but it may report that it could not do it, with reasons."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.moves["reply"].role.require(actor, notice)
    if notice.state == NoticeState.SERVED:
        raise TransitionNotAllowed("请先签收通知书，再回复办理结果。", state=notice.state)
    NOTICE_MACHINE.check(notice, "reply", actor, role=False)
    if outcome not in ReplyOutcome.values:
        raise ApplicationError("办理结果只能是：已办理、部分办理、未查到、无法办理。", field="outcome")
    text = (text or "").strip()
    if outcome in (ReplyOutcome.PARTLY_DONE, ReplyOutcome.CANNOT_DO) and not text:
        raise ApplicationError("部分办理或无法办理的，请在说明中写明原因。", field="text")
    cleaned = _clean_results(notice, outcome, results)
    now = timezone.now()
    clock = tracking.on_reply(notice, actor, outcome, cleaned, now)  # a locate or vehicle report: from the finding
    reply = Reply.objects.create(notice=notice, outcome=outcome, text=text, replied_by=actor, replied_at=now)
    ReplyResult.objects.bulk_create([ReplyResult(reply=reply, **row) for row in cleaned])
    stored = store_attachments(notice, attachments, actor=actor, kind=AttachmentKind.REPLY_SCAN, reply=reply)
    NOTICE_MACHINE.move(notice, "reply", actor, role=False, at=now, replied_at=now, **clock,
                        data={"outcome": outcome, "results": len(cleaned), "attachments": len(stored)})
    record_terms_from_reply(notice, reply)
    notifications.notice_replied(notice)
    return reply
