"""Every change to a notice is one service here: keyword-only arguments, an actor, one transaction; it locks
the notice, checks the move against `ALLOWED_TRANSITIONS`, saves with `update_fields` and writes a `NoticeEvent`.
Views, the API, admin actions, commands and tasks all call these."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from blacklist.restrictions.services import ensure_special_notifications
from cases.models import Case, Party, PartyRole
from cases.services import require_clerk_of
from linkage import audit
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.identifiers import normalize_ruling_number
from linkage.workdays import add_working_days
from members.models import Measure, Organisation

from .attachments import MAX_FILES, inspect_upload
from .deadlines import deadline_for
from .models import (
    ALLOWED_TRANSITIONS,
    Attachment,
    AttachmentKind,
    ExtensionRequest,
    LiftGround,
    Notice,
    NoticeBatch,
    NoticeEvent,
    NoticeItem,
    NoticeState,
    PropertyKind,
    Reply,
    ReplyOutcome,
    ReplyResult,
    RequestState,
    ResultKind,
    ReviewResolution,
    ReviewState,
    ReviewSuggestion,
)

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


# ---------------------------------------------------------------------------------------------- helpers


def _lock(notice):
    """The notice, locked for the rest of the transaction (its row only: the court, unit, case and measure it
    reads are not locked, so changes to other notices of the same court or unit do not queue behind it): every state
    change starts here."""
    locked = (Notice.objects.select_for_update(of=("self",)).select_related("unit", "measure", "case", "court")
              .get(pk=notice.pk))
    return audit.remember_loaded(locked)


def _check_move(notice, action):
    allowed_from, to_state = ALLOWED_TRANSITIONS[action]
    if notice.state not in allowed_from:
        from .models import ACTION_NAMES

        raise TransitionNotAllowed(
            f"通知书当前状态为“{notice.get_state_display()}”，不能{ACTION_NAMES[action]}。",
            state=notice.state,
        )
    return to_state


def _event(notice, action, actor, *, from_state="", to_state="", reason="", data=None, at=None):
    return NoticeEvent.objects.create(
        notice=notice, at=at or timezone.now(), actor=actor, action=action, from_state=from_state,
        to_state=to_state, reason=reason or "", data=data or {},
    )


def _move(notice, action, actor, *, reason="", data=None, at=None, **fields):
    """Check and apply a state move with its field changes, and record it."""
    to_state = _check_move(notice, action)
    from_state = notice.state
    notice.state = to_state
    for key, value in fields.items():
        setattr(notice, key, value)
    notice.save(update_fields=["state", *fields, "updated_at"])
    _event(notice, action, actor, from_state=from_state, to_state=to_state, reason=reason, data=data, at=at)
    return notice


def _require_leader_of(actor, court_id):
    if not (actor.is_leader and actor.organisation_id == court_id):
        raise PermissionDenied("只有本院执行局领导可以签发通知书。")


def _require_liaison_of(actor, unit_id):
    if not (actor.is_liaison and actor.organisation_id == unit_id):
        raise PermissionDenied("只有该协助执行单位的联络员可以办理。")


def _decimal_or_none(value, label, field):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(f"{label}应为数字。", field=field)
    if amount < 0:
        raise ApplicationError(f"{label}不能为负数。", field=field)
    return amount


def _date_or_none(value, label, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError(f"{label}格式应为 YYYY-MM-DD。", field=field)


def _datetime_or_none(value, label, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise ApplicationError(f"{label}格式应为 ISO 8601 时间，如 2026-03-02T10:30:00+08:00。", field=field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


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
            if not 1 <= period <= 36:
                raise ApplicationError(f"{label}：冻结、查封期限应为1至36个月。", field="items")
        else:
            period = None
        cleaned.append({
            "position": index, "property_kind": kind, "identifier": (item.get("identifier") or "").strip()[:100],
            "holder": (item.get("holder") or "").strip()[:100],
            "amount": _decimal_or_none(item.get("amount"), f"{label}：金额", "items"),
            "share": (item.get("share") or "").strip()[:50], "period_months": period, "description": description,
        })
    return cleaned


def _attach(notice, uploads, *, actor, kind, reply=None):
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ApplicationError(f"附件最多{MAX_FILES}个。", field="attachments")
    inspected = [(upload, inspect_upload(upload)) for upload in uploads]  # all checked before any is stored
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


# ------------------------------------------------------------------------------------------- drafting


@transaction.atomic
def draft_notices(*, actor, case, units, measure, debtor, items, ruling_number, legal_basis="", note="",
                  ruling_files=()):
    """A clerk drafts one request to one or several units: one notice per unit, one batch.

    Each unit must be an active member unit able to carry out the measure; the debtor must be a debtor of the
    case; the ruling number is validated. Nothing is written unless every notice is valid.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if not case.is_open:
        raise ApplicationError(f"案件状态为“{case.get_status_display()}”，不能再发出协助执行通知书。")
    if isinstance(measure, str):
        measure = Measure.objects.filter(code=measure).first()
        if measure is None:
            raise ApplicationError("协助措施无法识别。", field="measure")
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
    try:
        ruling_number = normalize_ruling_number(ruling_number)
    except ValidationError as error:
        raise ApplicationError(f"执行裁定书文号：{error.messages[0]}", field="ruling_number")
    items = _clean_items(items)
    ensure_special_notifications(debtor)
    batch = NoticeBatch.objects.create(case=case, created_by=actor)
    notices = []
    for unit in units:
        notice = Notice.objects.create(
            batch=batch, case=case, court_id=case.court_id, unit=unit, measure=measure, debtor=debtor,
            ruling_number=ruling_number, note=(note or "").strip(), created_by=actor,
            **({"legal_basis": legal_basis.strip()} if (legal_basis or "").strip() else {}),
        )
        NoticeItem.objects.bulk_create([NoticeItem(notice=notice, **item) for item in items])
        _attach(notice, ruling_files, actor=actor, kind=AttachmentKind.RULING)
        _event(notice, "create", actor, to_state=NoticeState.DRAFT, data={"batch": batch.pk})
        notices.append(notice)
    return batch, notices


@transaction.atomic
def amend_draft(*, actor, notice, **changes):
    """A clerk corrects a draft's legal basis, note or ruling number (only a draft: once signed it is an
    official document). Items are not edited in place — nothing is deleted: withdraw the draft and draft anew."""
    notice = _lock(notice)
    require_clerk_of(actor, notice.court_id)
    if notice.state != NoticeState.DRAFT:
        raise TransitionNotAllowed("只有草稿可以修改。", state=notice.state)
    allowed = {"legal_basis", "note", "ruling_number"}
    if set(changes) - allowed:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(set(changes) - allowed))}。")
    if "ruling_number" in changes:
        try:
            changes["ruling_number"] = normalize_ruling_number(changes["ruling_number"])
        except ValidationError as error:
            raise ApplicationError(f"执行裁定书文号：{error.messages[0]}", field="ruling_number")
    for key, value in changes.items():
        setattr(notice, key, value)
    if changes:
        notice.save(update_fields=[*changes, "updated_at"])
    _event(notice, "amend", actor, from_state=notice.state, to_state=notice.state, data={"fields": sorted(changes)})
    return notice


# ---------------------------------------------------------------------------------------- the lifecycle


@transaction.atomic
def sign_notice(*, actor, notice, at=None):
    """A bureau leader of the issuing court signs the draft off (签发); `at` records a signature made on paper
    earlier (entering a paper case after the fact)."""
    notice = _lock(notice)
    _require_leader_of(actor, notice.court_id)
    signed_at = at or timezone.now()
    return _move(notice, "sign", actor, at=signed_at, signed_by=actor, signed_at=signed_at)


@transaction.atomic
def serve_notice(*, actor, notice, at=None):
    """The clerk serves the signed notice on the unit; the deadline clock starts from the moment of service,
    by the unit's rule for the measure and the working-day calendar."""
    notice = _lock(notice)
    require_clerk_of(actor, notice.court_id)
    _check_move(notice, "serve")
    now = timezone.now()
    served_at = at or now
    if served_at > now:
        raise ApplicationError("送达时间不能晚于现在。", field="at")
    rule, deadline = deadline_for(notice.unit, notice.measure, served_at)
    return _move(
        notice, "serve", actor, at=served_at,
        data={"due_at": deadline.due_at.isoformat(), "rule": rule.text, "provisional": deadline.provisional},
        served_at=served_at, due_at=deadline.due_at, deadline_provisional=deadline.provisional,
        deadline_rule=rule.text, deadline_explanation=deadline.as_dict(),
    )


@transaction.atomic
def acknowledge_notice(*, actor, notice):
    """A liaison of the addressed unit signs for the notice (签收)."""
    notice = _lock(notice)
    _require_liaison_of(actor, notice.unit_id)
    return _move(notice, "acknowledge", actor, acknowledged_at=timezone.now(), acknowledged_by=actor)


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
                value = _decimal_or_none(value, name, "results")
            elif field in ("start_on", "end_on"):
                value = _date_or_none(value, name, "results")
            elif field == "found_at":
                value = _datetime_or_none(value, name, "results")
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
    notice = _lock(notice)
    _require_liaison_of(actor, notice.unit_id)
    if notice.state == NoticeState.SERVED:
        raise TransitionNotAllowed("请先签收通知书，再回复办理结果。", state=notice.state)
    _check_move(notice, "reply")
    if outcome not in ReplyOutcome.values:
        raise ApplicationError("办理结果只能是：已办理、部分办理、未查到、无法办理。", field="outcome")
    text = (text or "").strip()
    if outcome in (ReplyOutcome.PARTLY_DONE, ReplyOutcome.CANNOT_DO) and not text:
        raise ApplicationError("部分办理或无法办理的，请在说明中写明原因。", field="text")
    cleaned = _clean_results(notice, outcome, results)
    now = timezone.now()
    reply = Reply.objects.create(notice=notice, outcome=outcome, text=text, replied_by=actor, replied_at=now)
    ReplyResult.objects.bulk_create([ReplyResult(reply=reply, **row) for row in cleaned])
    stored = _attach(notice, attachments, actor=actor, kind=AttachmentKind.REPLY_SCAN, reply=reply)
    _move(notice, "reply", actor, at=now, data={"outcome": outcome, "results": len(cleaned), "attachments": len(stored)},
          replied_at=now)
    return reply


@transaction.atomic
def close_notice(*, actor, notice, reason=""):
    """The clerk has read the reply and closes the notice (办结)."""
    notice = _lock(notice)
    require_clerk_of(actor, notice.court_id)
    return _move(notice, "close", actor, reason=reason, closed_at=timezone.now())


@transaction.atomic
def lift_notice(*, actor, notice, ground, reason=""):
    """The court lifts the measure (解除) because the debtor performed or gave security, the case ended, or the
    applicant agreed; the unit gets a 解除协助执行通知书 and stops assisting (法发〔2010〕15号 art. 21)."""
    notice = _lock(notice)
    require_clerk_of(actor, notice.court_id)
    if ground not in LiftGround.values:
        raise ApplicationError("请选择解除原因。", field="ground")
    return _move(notice, "lift", actor, reason=reason or LiftGround(ground).label, data={"ground": ground},
                 lifted_at=timezone.now(), lift_ground=ground, lift_reason=(reason or "").strip())


@transaction.atomic
def withdraw_notice(*, actor, notice, reason):
    """The clerk withdraws a notice that should not stand (a mistake, or an upheld review suggestion)."""
    notice = _lock(notice)
    require_clerk_of(actor, notice.court_id)
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回理由。", field="reason")
    return _move(notice, "withdraw", actor, reason=reason.strip(), withdrawn_at=timezone.now())


# ------------------------------------------------------------------------------------------ side paths


@transaction.atomic
def request_extension(*, actor, notice, days, reason):
    """A unit that cannot finish in time tells the court before the deadline, with reasons (domain rules)."""
    notice = _lock(notice)
    _require_liaison_of(actor, notice.unit_id)
    if not notice.is_open:
        raise TransitionNotAllowed(f"通知书当前状态为“{notice.get_state_display()}”，不能申请延期。", state=notice.state)
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
    _event(notice, "extension_requested", actor, from_state=notice.state, to_state=notice.state,
           reason=reason.strip(), data={"request": request.pk, "days": days})
    return request


@transaction.atomic
def decide_extension(*, actor, request, granted, reason=""):
    """The clerk grants or refuses an extension; a granted one moves the deadline by the working days asked,
    counted from the current deadline."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    notice = _lock(request.notice)
    require_clerk_of(actor, notice.court_id)
    if request.state != RequestState.PENDING:
        raise TransitionNotAllowed("该延期申请已决定。", state=request.state)
    if not granted and not (reason or "").strip():
        raise ApplicationError("不同意延期的，请填写理由。", field="reason")
    now = timezone.now()
    request.decided_by, request.decided_at, request.decision_reason = actor, now, (reason or "").strip()
    request.state = RequestState.GRANTED if granted else RequestState.REFUSED
    fields = ["state", "decided_by", "decided_at", "decision_reason"]
    if granted and notice.is_open:
        deadline = add_working_days(notice.due_at, request.days)
        request.previous_due_at, request.new_due_at = notice.due_at, deadline.due_at
        fields += ["previous_due_at", "new_due_at"]
        notice.due_at, notice.deadline_provisional = deadline.due_at, deadline.provisional
        # One clause for the total, so repeated extensions never outgrow the column (max 50 characters).
        base_rule = notice.deadline_rule.split("，延长")[0]
        extended = request.days + sum(
            notice.extension_requests.filter(state=RequestState.GRANTED).exclude(pk=request.pk)
            .values_list("days", flat=True)
        )
        notice.deadline_rule = f"{base_rule}，延长{extended}个工作日"
        notice.deadline_explanation = {**deadline.as_dict(), "extended_from": request.previous_due_at.isoformat()}
        notice.save(update_fields=["due_at", "deadline_provisional", "deadline_rule", "deadline_explanation",
                                   "updated_at"])
    request.save(update_fields=fields)
    _event(
        notice, "extension_granted" if granted else "extension_refused", actor, from_state=notice.state,
        to_state=notice.state, reason=request.decision_reason,
        data={"request": request.pk, "days": request.days,
              **({"previous_due_at": request.previous_due_at.isoformat(), "due_at": request.new_due_at.isoformat()}
                 if request.new_due_at else {})},
    )
    return request


@transaction.atomic
def raise_review_suggestion(*, actor, notice, reason):
    """A unit that disagrees sends a review suggestion (审查建议). It may not refuse: the clock keeps running."""
    notice = _lock(notice)
    _require_liaison_of(actor, notice.unit_id)
    if not notice.is_open:
        raise TransitionNotAllowed(
            f"通知书当前状态为“{notice.get_state_display()}”，不能提出审查建议。", state=notice.state
        )
    if not (reason or "").strip():
        raise ApplicationError("请写明审查建议的内容和理由。", field="reason")
    try:
        with transaction.atomic():
            suggestion = ReviewSuggestion.objects.create(
                notice=notice, reason=reason.strip(), raised_by=actor, raised_at=timezone.now()
            )
    except IntegrityError:
        raise ApplicationError("已有待审查的审查建议。", field="reason")
    _event(notice, "review_raised", actor, from_state=notice.state, to_state=notice.state, reason=reason.strip(),
           data={"suggestion": suggestion.pk})
    return suggestion


@transaction.atomic
def decide_review_suggestion(*, actor, suggestion, upheld, resolution="", reason=""):
    """The court decides a review suggestion. Not upheld: the unit must still act, the deadline stands.
    Upheld: the notice is withdrawn, and when `resolution` is `amended` a new draft copy is made for the clerk
    to correct, sign and serve again. Returns (suggestion, new_draft_or_None)."""
    suggestion = ReviewSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    notice = _lock(suggestion.notice)
    require_clerk_of(actor, notice.court_id)
    if suggestion.state != ReviewState.PENDING:
        raise TransitionNotAllowed("该审查建议已审查。", state=suggestion.state)
    if not (reason or "").strip():
        raise ApplicationError("请填写审查意见。", field="reason")
    if upheld and resolution not in ReviewResolution.values:
        raise ApplicationError("审查建议成立的，请选择撤回通知书或修改后重新发出。", field="resolution")
    if upheld and notice.state not in ALLOWED_TRANSITIONS["withdraw"][0]:
        raise TransitionNotAllowed(
            f"通知书已{notice.get_state_display()}，不能再撤回；审查建议成立的，请解除该项协助措施。", state=notice.state
        )
    suggestion.state = ReviewState.UPHELD if upheld else ReviewState.NOT_UPHELD
    suggestion.resolution = resolution if upheld else ""
    suggestion.decided_by, suggestion.decided_at, suggestion.decision_reason = actor, timezone.now(), reason.strip()
    suggestion.save(update_fields=["state", "resolution", "decided_by", "decided_at", "decision_reason"])
    _event(notice, "review_upheld" if upheld else "review_not_upheld", actor, from_state=notice.state,
           to_state=notice.state, reason=reason.strip(), data={"suggestion": suggestion.pk, "resolution": resolution})
    new_draft = None
    if upheld:
        _move(notice, "withdraw", actor, reason=f"审查建议成立：{reason.strip()}", withdrawn_at=timezone.now())
        if resolution == ReviewResolution.AMENDED:
            new_draft = _copy_as_draft(notice, actor)
    return suggestion, new_draft


def _copy_as_draft(notice, actor):
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
    _event(copy, "create", actor, to_state=NoticeState.DRAFT, data={"supersedes": notice.pk})
    return copy
