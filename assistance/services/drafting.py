"""Drafting: a batch of notices from one request, a draft's correction, and the scans stored with them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case, Party, PartyRole
from cases.services import require_clerk_of
from cases.signals import measure_drafted
from linkage import parsing
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.identifiers import normalize_ruling_number
from members.models import Measure, Organisation

from .. import notifications
from ..attachments import MAX_FILES, inspect_upload
from ..machines import NOTICE_MACHINE, concluded_case_refusal
from ..models import (
    Attachment,
    AttachmentKind,
    Notice,
    NoticeBatch,
    NoticeItem,
    NoticeState,
    PropertyKind,
    Tracking,
)
from ..periods import period_refusal
from ..relief import SOCIAL_RELIEF
from .tracking import clean_request, create_tracking


def _clean_items(items):
    if not items:
        raise ApplicationError("请至少填写一项协助事项。", field="items")
    cleaned = []
    for index, item in enumerate(items, start=1):
        label = f"第{index}项协助事项"
        kind = item.get("property_kind") or PropertyKind.OTHER
        if kind not in PropertyKind.values:
            raise ApplicationError(f"{label}：财产类型无法识别。", field="items")
        description = (item.get("description") or "").strip()
        if not description:
            raise ApplicationError(f"{label}：请写明需要协助办理的事项。", field="items")
        period = item.get("period_months")
        if period not in (None, ""):
            try:
                period = int(period)
            except (TypeError, ValueError):
                raise ApplicationError(f"{label}：期限（月）应为整数。", field="items")
            if refusal := period_refusal(kind, period):
                raise ApplicationError(f"{label}：{refusal}", field="items")
        else:
            period = None
        cleaned.append({
            "position": index, "property_kind": kind, "identifier": (item.get("identifier") or "").strip()[:100],
            "holder": (item.get("holder") or "").strip()[:100],
            "amount": parsing.amount(item.get("amount"), f"{label}：金额", "items"),
            "share": (item.get("share") or "").strip()[:50], "period_months": period, "description": description,
        })
    return cleaned


def store_attachments(notice, uploads, *, actor, kind, reply=None):
    """Check every upload (type, size) before storing any, then store them on the notice (and its reply)."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ApplicationError(f"附件最多{MAX_FILES}个。", field="attachments")
    inspected = [(upload, inspect_upload(upload)) for upload in uploads]
    attachments = []
    for upload, (content_type, size, digest) in inspected:
        attachment = Attachment(
            notice=notice, reply=reply, kind=kind, original_name=(upload.name or "附件")[:200],
            content_type=content_type, size=size, sha256=digest, uploaded_by=actor,
        )
        attachment.file.save(upload.name or "upload", upload, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


def _ruling_number(value):
    try:
        return normalize_ruling_number(value)
    except ValidationError as error:
        raise ApplicationError(f"执行裁定书文号：{error.messages[0]}", field="ruling_number")


@transaction.atomic
def draft_notices(*, actor, case, units, measure, debtor, items, ruling_number, legal_basis="", note="",
                  ruling_files=(), tracking=None, renews=None):
    """A clerk drafts one request to one or several units: one notice per unit, one batch.

    Each unit must be an active member unit able to carry out the measure; the debtor must be a debtor of the
    case; the ruling number is validated. Nothing is written unless every notice is valid. Sends
    `cases.signals.measure_drafted` first (a special debtor's notification duties, cases.special). A locate or vehicle
    request carries `tracking` (reason, 24-hour contact: `services.tracking.clean_request`). `renews`: the notice a
    续行冻结/续行查封 notice continues (assistance/services/terms.py `draft_renewal`).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if refusal := concluded_case_refusal(case, "发出"):
        raise ApplicationError(refusal)
    if isinstance(measure, str):
        measure = Measure.objects.filter(code=measure).first()
        if measure is None:
            raise ApplicationError("协助措施无法识别。", field="measure")
    if measure.code == SOCIAL_RELIEF:
        raise ApplicationError("社会救助转介请在案件页面“困难申请执行人救助”中登记困难情况后办理。", field="measure")
    if not isinstance(debtor, Party) or debtor.case_id != case.pk or debtor.role != PartyRole.DEBTOR:
        raise ApplicationError("所选当事人不是本案被执行人。", field="debtor")
    units = list(units)
    if not units:
        raise ApplicationError("请选择至少一个协助执行单位。", field="units")
    if len({unit.pk for unit in units}) != len(units):
        raise ApplicationError("协助执行单位有重复。", field="units")
    capable = set(
        Organisation.measures.through.objects.filter(
            organisation__in=units, measure=measure
        ).values_list("organisation_id", flat=True)
    )
    court_jurisdiction = case.court.jurisdiction_id
    for unit in units:
        if not unit.active or unit.kind in ("court", "committee") or unit.jurisdiction_id != court_jurisdiction:
            raise ApplicationError(f"“{unit.name}”不是本辖区在册的协助执行单位。", field="units")
        if unit.pk not in capable:
            raise ApplicationError(
                f"“{unit.name}”的职责范围不包括“{measure.name}”，请选择其他措施或单位。", field="measure"
            )
    ruling_number = _ruling_number(ruling_number)
    items = _clean_items(items)
    tracked = clean_request(measure.code, tracking)
    measure_drafted.send(sender=Notice, debtor=debtor, actor=actor)  # a special debtor's notification duties
    batch = NoticeBatch.objects.create(case=case, created_by=actor)
    notices = []
    for unit in units:
        notice = Notice.objects.create(
            batch=batch, case=case, court_id=case.court_id, unit=unit, measure=measure, debtor=debtor,
            ruling_number=ruling_number, note=(note or "").strip(), created_by=actor, renews=renews,
            **({"legal_basis": legal_basis.strip()} if (legal_basis or "").strip() else {}),
        )
        NoticeItem.objects.bulk_create([NoticeItem(notice=notice, **item) for item in items])
        store_attachments(notice, ruling_files, actor=actor, kind=AttachmentKind.RULING)
        NOTICE_MACHINE.record(notice, "create", actor, to_state=NoticeState.DRAFT,
                              data={"batch": batch.pk, **({"renews": renews.pk} if renews else {})})
        create_tracking(notice, tracked, actor)
        notices.append(notice)
    notifications.drafts_waiting(notices)
    return batch, notices


@transaction.atomic
def return_draft(*, actor, notice, reason):
    """A bureau leader returns a draft to the clerk with a reason (退回修改) instead of signing it; the clerk amends
    it (`amend_draft`) and it waits for signing again."""
    notice = NOTICE_MACHINE.lock(notice)
    NOTICE_MACHINE.check(notice, "return", actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写退回理由。", field="reason")
    NOTICE_MACHINE.move(notice, "return", actor, role=False, reason=reason)
    notifications.notice_returned(notice, reason)
    return notice


@transaction.atomic
def amend_draft(*, actor, notice, **changes):
    """A clerk corrects a draft's legal basis, note or ruling number (only a draft: once signed it is an
    official document). Items are not edited in place — nothing is deleted: withdraw the draft and draft anew.
    A returned draft is amended the same way and goes back to the leader (退回修改 → 草稿)."""
    notice = NOTICE_MACHINE.lock(notice)
    action = "resubmit" if notice.state == NoticeState.RETURNED else "amend"
    NOTICE_MACHINE.moves[action].role.require(actor, notice)
    if not NOTICE_MACHINE.allows(notice, action):
        raise TransitionNotAllowed("只有草稿可以修改。", state=notice.state)
    NOTICE_MACHINE.check(notice, action, actor, role=False)  # a concluded case's draft is not amended
    allowed = {"legal_basis", "note", "ruling_number"}
    if set(changes) - allowed:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(set(changes) - allowed))}。")
    if "ruling_number" in changes:
        # A referral letter cites no ruling (assistance/relief.py): it may stay without one.
        blank_allowed = notice.measure.code == SOCIAL_RELIEF and not (changes["ruling_number"] or "").strip()
        changes["ruling_number"] = "" if blank_allowed else _ruling_number(changes["ruling_number"])
    data = {"fields": sorted(changes)}
    if action == "resubmit":
        NOTICE_MACHINE.move(notice, "resubmit", actor, role=False, data=data, **changes)
        notifications.drafts_waiting([notice], amended=True)
        return notice
    if changes:
        return NOTICE_MACHINE.move(notice, "amend", actor, role=False, data=data, **changes)
    NOTICE_MACHINE.record(notice, "amend", actor, from_state=notice.state, to_state=notice.state, data=data)
    return notice


def copy_as_draft(notice, actor):
    """A new draft with the notice's content and items, superseding it (an upheld review suggestion, amended)."""
    copy = Notice.objects.create(
        batch=notice.batch, case=notice.case, court_id=notice.court_id, unit=notice.unit, measure=notice.measure,
        debtor=notice.debtor, ruling_number=notice.ruling_number, legal_basis=notice.legal_basis, note=notice.note,
        created_by=actor, supersedes=notice,
    )
    NoticeItem.objects.bulk_create([
        NoticeItem(notice=copy, position=item.position, property_kind=item.property_kind,
                   identifier=item.identifier, holder=item.holder, amount=item.amount, share=item.share,
                   period_months=item.period_months, description=item.description)
        for item in notice.items.all()
    ])
    NOTICE_MACHINE.record(copy, "create", actor, to_state=NoticeState.DRAFT, data={"supersedes": notice.pk})
    if (original := Tracking.objects.filter(notice=notice).first()) is not None:
        create_tracking(copy, None, actor, copy_of=original)
    return copy
