"""The unit's reply to a notice it has signed for: the outcome, results structured by measure (which result kind a
measure's reply carries and which of its fields are required), free text and stamped scans."""

from django.db import transaction
from django.utils import timezone

from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.text import REASON_MAX

from .. import notifications
from ..machines import NOTICE_MACHINE
from ..models import (
    AttachmentKind,
    MaritalStatus,
    NoticeState,
    PropertyKind,
    ReliefKind,
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
    "marriage_inquiry": ResultKind.MARRIAGE,
    "divorce_notice": ResultKind.MARRIAGE,
    "social_relief": ResultKind.RELIEF,
}
RESULT_FIELDS = {
    ResultKind.ASSET: ("property_kind", "identifier", "institution", "value", "encumbrances"),
    ResultKind.FREEZE: ("property_kind", "identifier", "institution", "amount", "start_on", "end_on"),
    ResultKind.LOCATION: ("location", "found_at", "identifier"),
    ResultKind.REGISTRATION: ("registration_number", "identifier", "institution"),
    ResultKind.DEDUCTION: ("property_kind", "identifier", "institution", "amount"),
    ResultKind.MARRIAGE: ("marital_status", "spouse_name", "spouse_id_number", "married_on", "divorced_on", "registry"),
    ResultKind.RELIEF: ("relief_accepted", "relief_kind", "relief_amount", "declined_reason"),
}
REQUIRED_RESULT_FIELDS = {
    ResultKind.ASSET: ("property_kind", "identifier"),
    ResultKind.FREEZE: ("identifier", "start_on", "end_on"),
    ResultKind.LOCATION: ("location", "found_at"),
    ResultKind.REGISTRATION: ("registration_number",),
    ResultKind.DEDUCTION: ("identifier", "amount"),
    ResultKind.MARRIAGE: ("marital_status", "spouse_name", "married_on"),
    ResultKind.RELIEF: ("relief_accepted",),
}
RESULT_FIELD_LABELS = {field.name: str(field.verbose_name) for field in ReplyResult._meta.fields}
AMOUNT_FIELDS = ("value", "amount", "relief_amount")
DATE_FIELDS = ("start_on", "end_on", "married_on", "divorced_on")
CHOICE_FIELDS = {"property_kind": PropertyKind, "marital_status": MaritalStatus, "relief_kind": ReliefKind}
TEXT_LIMITS = {"spouse_name": 100, "spouse_id_number": 18, "registry": 100, "declined_reason": REASON_MAX}
YES, NO = ("true", "1", "yes", "是"), ("false", "0", "no", "否")


def _yes_no(value, name):
    if value in (None, "") or isinstance(value, bool):
        return None if value == "" else value
    text = str(value).strip().lower()
    if text in YES or text in NO:
        return text in YES
    raise ApplicationError(f"{name}应为“是”或“否”。", field="results")


def _check_marriage(row, label):
    """A marriage line: a divorce has its date, a marriage in force has none; neither date after today, nor the
    divorce before the marriage."""
    for field in ("married_on", "divorced_on"):
        if row.get(field):
            require_past_date(row[field], f"{label}：{RESULT_FIELD_LABELS[field]}", "results")
    if row["marital_status"] == MaritalStatus.DIVORCED and not row.get("divorced_on"):
        raise ApplicationError(f"{label}：婚姻状况为“离婚”的，请填写离婚日期。", field="results")
    if row["marital_status"] != MaritalStatus.DIVORCED and row.get("divorced_on"):
        raise ApplicationError(f"{label}：婚姻状况不是“离婚”的，不应填写离婚日期。", field="results")
    if row.get("divorced_on") and row["divorced_on"] < row["married_on"]:
        raise ApplicationError(f"{label}：离婚日期不能早于结婚登记日期。", field="results")


def _check_relief(row, label):
    """A relief answer: granted with its amount (and no refusal), or refused with the reason (and no amount)."""
    if row["relief_accepted"]:
        if not row.get("relief_amount"):
            raise ApplicationError(f"{label}：予以救助的，请填写救助金额（大于零）。", field="results")
        if row.get("declined_reason"):
            raise ApplicationError(f"{label}：予以救助的，不应填写不予救助理由。", field="results")
    else:
        if not row.get("declined_reason"):
            raise ApplicationError(f"{label}：不予救助的，请写明理由。", field="results")
        if row.get("relief_amount") is not None or row.get("relief_kind"):
            raise ApplicationError(f"{label}：不予救助的，不应填写救助类别和金额。", field="results")


RESULT_CHECKS = {ResultKind.MARRIAGE: _check_marriage, ResultKind.RELIEF: _check_relief}
# Kinds a reply gives once: a referral is answered by one decision on the applicant.
SINGLE_RESULT_KINDS = frozenset({ResultKind.RELIEF})


def _clean_results(notice, outcome, results):
    kind = RESULT_KIND_FOR_MEASURE.get(notice.measure.code)
    results = list(results or [])
    if kind in SINGLE_RESULT_KINDS and outcome == ReplyOutcome.NOT_FOUND:
        raise ApplicationError(f"“{notice.measure.name}”的办理结果不能为“未查到”：请回复是否予以救助。", field="outcome")
    if kind in SINGLE_RESULT_KINDS and len(results) > 1:
        raise ApplicationError(f"“{notice.measure.name}”的办理结果只填写一项。", field="results")
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
            if field in AMOUNT_FIELDS:
                value = parsing.amount(value, name, "results")
            elif field in DATE_FIELDS:
                value = parsing.date(value, name, "results")
            elif field == "relief_accepted":
                value = _yes_no(value, name)
            elif field == "found_at":
                value = parsing.moment(value, name, "results")
                if value is not None:
                    require_past_date(value, name, "results")
            elif field in CHOICE_FIELDS:
                value = value or ""
                if value and value not in CHOICE_FIELDS[field].values:
                    raise ApplicationError(f"{name}无法识别。", field="results")
            elif field in TEXT_LIMITS:
                value = parsing.text(value, name, "results", limit=TEXT_LIMITS[field], required=False)
            else:
                value = (value or "").strip()
            row[field] = value
        for field in REQUIRED_RESULT_FIELDS[result_kind]:
            if row.get(field) in (None, ""):
                raise ApplicationError(f"{label}：请填写{RESULT_FIELD_LABELS[field]}。", field="results")
        if row.get("start_on") and row.get("end_on") and row["end_on"] < row["start_on"]:
            raise ApplicationError(f"{label}：届满日期不能早于起始日期。", field="results")
        if (check := RESULT_CHECKS.get(result_kind)) is not None:
            check(row, label)
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
