"""Writes to the dishonest-debtor list, one service per move (法释〔2017〕7号). Each locks the listing, checks the
move against `LISTING_TRANSITIONS` and writes a `ListingEvent`; the moves joint-punishment units must learn of are
written as pushed events under the feed lock, so the feed's ids become visible in commit order."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import PartyKind, PartyRole
from cases.services import require_clerk_of
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.identifiers import age_on, sex_from_resident_id
from linkage.text import require_name
from linkage.workdays import TIMEZONE, add_working_days
from members.selectors import jurisdiction_id_of

from . import restrictions
from .models import (
    LISTING_TRANSITIONS,
    DeletionGround,
    Listing,
    ListingAcknowledgement,
    ListingEvent,
    ListingGround,
    ListingState,
)
from .selectors import may_acknowledge, pushed_events

DEFAULT_PERIOD_YEARS = 2
MAX_EXTENSION_YEARS = 3
ACTION_NAMES = {
    "propose": "提请纳入", "approve": "批准发布", "withdraw": "撤回", "shield": "屏蔽", "unshield": "解除屏蔽",
    "delete": "删除", "revoke": "撤销", "expire": "到期移出", "correct": "更正", "removal_due": "出现删除事由",
}
PUSHED_ACTIONS = {"approve", "shield", "unshield", "delete", "revoke", "expire", "correct"}
FEED_LOCK_KEY = 7_201_700  # any constant: the advisory lock that orders feed events


def _feed_lock():
    """Serialise the transactions that write pushed events, so ids commit in increasing order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])


def _event(listing, action, actor, *, from_state="", to_state="", reason="", data=None, pushed=None):
    pushed = action in PUSHED_ACTIONS if pushed is None else pushed
    if pushed:
        _feed_lock()
    return ListingEvent.objects.create(
        listing=listing, at=timezone.now(), actor=actor, action=action, from_state=from_state, to_state=to_state,
        reason=reason or "", pushed=pushed, data=data or {},
    )


def _lock(listing):
    return Listing.objects.select_for_update().get(pk=listing.pk)


def _move(listing, action, actor, *, reason="", data=None, **fields):
    allowed_from, to_state = LISTING_TRANSITIONS[action]
    if listing.state not in allowed_from:
        raise TransitionNotAllowed(
            f"名单当前状态为“{listing.get_state_display()}”，不能{ACTION_NAMES[action]}。", state=listing.state
        )
    from_state = listing.state
    listing.state = to_state
    for key, value in fields.items():
        setattr(listing, key, value)
    listing.save(update_fields=["state", *fields, "updated_at"])
    _event(listing, action, actor, from_state=from_state, to_state=to_state, reason=reason, data=data)
    return listing


def name_pinyin(name):
    """Toneless pinyin of a name, syllables separated by spaces (张伟 → "zhang wei"), for homophone suggestions."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name)).lower()[:300]


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _require_leader_of(actor, court_id):
    if not (actor.is_leader and actor.organisation_id == court_id):
        raise PermissionDenied("只有本院执行局领导可以批准。")


def _require_court_staff_of(actor, court_id):
    if not (actor.is_court_staff and actor.organisation_id == court_id):
        raise PermissionDenied("只有本院执行人员可以办理。")


@transaction.atomic
def propose_listing(*, actor, debtor, ground, facts, period_years=None, decided_on=None,
                    security_covers_debt=False, frozen_property_covers_debt=False, later_in_performance_order=False):
    """A clerk proposes listing a debtor of its court's case, with the ground and the facts.

    Refused as the law requires (法释〔2017〕7号 arts. 1, 3, 6): a minor on the decision date; under ground 1, a debtor
    who gave adequate security, whose frozen property covers the debt, or who is later in the order of
    performance. Ground 1 has no fixed period; grounds 2-6 list for 2 years, extendable by 1-3 years for serious
    cases. The published fields are copied from the case and the debtor.
    """
    case = debtor.case
    require_clerk_of(actor, case.court_id)
    if debtor.role != PartyRole.DEBTOR:
        raise ApplicationError("只能将被执行人纳入失信被执行人名单。", field="debtor")
    try:
        ground = ListingGround(int(ground))
    except (TypeError, ValueError):
        raise ApplicationError("失信情形应为第一至第六项之一。", field="ground")
    if not (facts or "").strip():
        raise ApplicationError("请写明失信行为的具体情形。", field="facts")
    decided_on = require_past_date(decided_on or timezone.localdate(), "决定日期", "decided_on")
    if debtor.kind == PartyKind.PERSON and age_on(debtor.id_number, decided_on) < 18:
        raise ApplicationError("被执行人在决定之日未满十八周岁，不得纳入失信被执行人名单。", field="debtor")
    if ground == ListingGround.REFUSES:
        for refused, reason in (
            (security_covers_debt, "被执行人已提供足额担保"),
            (frozen_property_covers_debt, "已查封、扣押、冻结的财产足以清偿债务"),
            (later_in_performance_order, "被执行人不属于履行顺序在先的义务人"),
        ):
            if refused:
                raise ApplicationError(f"{reason}，不得以第一项情形纳入失信被执行人名单。", field="ground")
        if period_years not in (None, ""):
            raise ApplicationError("以第一项情形纳入的，不设纳入期限。", field="period_years")
        period_years = None
    else:
        period_years = DEFAULT_PERIOD_YEARS if period_years in (None, "") else int(period_years)
        if not DEFAULT_PERIOD_YEARS <= period_years <= DEFAULT_PERIOD_YEARS + MAX_EXTENSION_YEARS:
            raise ApplicationError("纳入期限为二年；情节严重的，可以延长一至三年（即二至五年）。", field="period_years")
    if Listing.objects.filter(debtor=debtor, case=case, state__in=["proposed", "published", "shielded"]).exists():
        raise ApplicationError("该被执行人在本案中已有尚未移出的失信名单记录。", field="debtor")
    person = debtor.kind == PartyKind.PERSON
    listing = Listing.objects.create(
        case=case, debtor=debtor, court_id=case.court_id, ground=ground, facts=facts.strip(),
        period_years=period_years, name=debtor.name, name_pinyin=name_pinyin(debtor.name),
        id_number=debtor.id_number, credit_code=debtor.credit_code,
        legal_representative=debtor.legal_representative,
        sex=({"male": "男", "female": "女"}[sex_from_resident_id(debtor.id_number)] if person else ""),
        age=age_on(debtor.id_number, decided_on) if person else None,
        obligation=case.obligation or f"给付申请执行人人民币{case.amount}元",
        performed_amount=case.performed_amount, unperformed_amount=case.unperformed_amount,
        basis_issuer=case.basis_issuer, basis_number=case.basis_number, case_number=case.number,
        filed_on=case.filed_on, court_name=case.court.name, decided_on=decided_on, proposed_by=actor,
    )
    _event(listing, "propose", actor, to_state=ListingState.PROPOSED, data={"ground": int(ground)})
    restrictions.ensure_special_notifications(debtor)
    return listing


@transaction.atomic
def approve_listing(*, actor, listing, reason=""):
    """A bureau leader approves: the listing is published today, with its end date for grounds 2-6, and pushed."""
    listing = _lock(listing)
    _require_leader_of(actor, listing.court_id)
    today = timezone.localdate()
    ends_on = _add_years(today, listing.period_years) if listing.period_years else None
    _move(listing, "approve", actor, reason=reason, published_on=today, ends_on=ends_on, approved_by=actor,
          data={"published_on": today.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None})
    # A listed debtor is always consumption-restricted (domain rules).
    restrictions.issue_restriction_order(actor=actor, debtor=listing.debtor, listing=listing)
    return listing


def _lift_restriction_with(listing, actor, reason):
    order = getattr(listing, "restriction_order", None)
    if order is not None and order.state == "active":
        restrictions.lift_restriction_order(actor=actor, order=order, reason=reason, with_listing=True)


@transaction.atomic
def withdraw_listing(*, actor, listing, reason):
    """The court withdraws a proposal before it is published (撤回)."""
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回理由。", field="reason")
    return _move(listing, "withdraw", actor, reason=reason.strip(), ended_at=timezone.now())


@transaction.atomic
def shield_listing(*, actor, listing, reason):
    """Hide a published listing from the public and the units while a question about it is settled (屏蔽)."""
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    if not (reason or "").strip():
        raise ApplicationError("请填写屏蔽理由。", field="reason")
    return _move(listing, "shield", actor, reason=reason.strip())


@transaction.atomic
def unshield_listing(*, actor, listing, reason):
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    return _move(listing, "unshield", actor, reason=(reason or "").strip())


def removal_deadline(arose_on):
    """The close of the 3rd working day after the day the ground arose (day 0)."""
    start = datetime.datetime.combine(arose_on, datetime.time(12, 0), tzinfo=TIMEZONE)
    return add_working_days(start, 3).due_at


@transaction.atomic
def delete_listing(*, actor, listing, ground, arose_on, reason=""):
    """Delete a listing on a legal ground (法释〔2017〕7号 art. 10), due within 3 working days of the ground arising.
    The event records whether it was done on time."""
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    if ground not in DeletionGround.values:
        raise ApplicationError("请选择法定的删除事由。", field="ground")
    if not isinstance(arose_on, datetime.date):
        raise ApplicationError("请填写事由发生日期。", field="arose_on")
    require_past_date(arose_on, "事由发生日期", "arose_on")
    due_at = removal_deadline(arose_on)
    now = timezone.now()
    _lift_restriction_with(listing, actor, f"失信名单删除：{DeletionGround(ground).label}")
    return _move(listing, "delete", actor, reason=reason or DeletionGround(ground).label,
                 data={"ground": ground, "arose_on": arose_on.isoformat(), "due_at": due_at.isoformat(),
                       "on_time": now <= due_at},
                 deletion_ground=ground, ground_arose_on=arose_on, removal_due_at=due_at, ended_at=now)


@transaction.atomic
def revoke_listing(*, actor, listing, reason, error_found_on=None):
    """Revoke a listing made in error (撤销), due within 3 working days of the error being found."""
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    if not (reason or "").strip():
        raise ApplicationError("请写明错误纳入的情形。", field="reason")
    found = require_past_date(error_found_on or timezone.localdate(), "发现错误日期", "error_found_on")
    due_at = removal_deadline(found)
    now = timezone.now()
    _lift_restriction_with(listing, actor, "失信名单撤销")
    return _move(listing, "revoke", actor, reason=reason.strip(),
                 data={"error_found_on": found.isoformat(), "due_at": due_at.isoformat(), "on_time": now <= due_at},
                 ground_arose_on=found, removal_due_at=due_at, ended_at=now)


CORRECTABLE = ("name", "id_number", "credit_code", "legal_representative", "obligation", "performed_amount",
               "unperformed_amount", "basis_issuer", "basis_number", "facts")
AMOUNT_FIELDS = ("performed_amount", "unperformed_amount")
REQUIRED_FIELDS = ("name", "obligation", "basis_issuer", "basis_number", "facts")


def _clean_change(key, value):
    """A corrected value checked as the field requires, or ApplicationError naming the field."""
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import ValidationError

    from linkage.identifiers import normalize_credit_code, normalize_resident_id

    label = Listing._meta.get_field(key).verbose_name
    text = str(value if value is not None else "").strip()
    if key in AMOUNT_FIELDS:
        try:
            amount = Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) \
                or amount >= Decimal("1e14"):
            raise ApplicationError(f"{label}应为不小于0的金额，最多两位小数。", field="changes")
        return amount
    if key in ("id_number", "credit_code"):
        try:
            return (normalize_resident_id if key == "id_number" else normalize_credit_code)(text) if text else ""
        except ValidationError as error:
            raise ApplicationError(f"{label}：{'；'.join(error.messages)}", field="changes")
    if key in REQUIRED_FIELDS and not text:
        raise ApplicationError(f"请填写更正后的{label}。", field="changes")
    max_length = Listing._meta.get_field(key).max_length
    if max_length and len(text) > max_length:
        raise ApplicationError(f"{label}不应超过{max_length}个字。", field="changes")
    try:  # the model field's own rules: a visible name without direction controls, a bounded text
        Listing._meta.get_field(key).run_validators(text)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="changes")
    return text


@transaction.atomic
def correct_listing(*, actor, listing, changes, reason):
    """Correct wrong published data (更正); the correction is pushed like a publication."""
    listing = _lock(listing)
    _require_court_staff_of(actor, listing.court_id)
    if listing.state not in (ListingState.PUBLISHED, ListingState.SHIELDED, ListingState.PROPOSED):
        raise TransitionNotAllowed(f"名单当前状态为“{listing.get_state_display()}”，不能更正。", state=listing.state)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown or not changes:
        raise ApplicationError("只能更正公布的信息项。", field="changes")
    if not (reason or "").strip():
        raise ApplicationError("请写明更正理由。", field="reason")
    changes = {key: _clean_change(key, value) for key, value in changes.items()}
    if not (changes.get("id_number", listing.id_number) or changes.get("credit_code", listing.credit_code)):
        raise ApplicationError("公民身份号码和统一社会信用代码不能都为空。", field="changes")
    before = {key: str(getattr(listing, key)) for key in changes}
    for key, value in changes.items():
        setattr(listing, key, value)
    fields = list(changes)
    if "name" in changes:
        listing.name_pinyin = name_pinyin(listing.name)
        fields.append("name_pinyin")
    listing.save(update_fields=[*fields, "updated_at"])
    # A proposed listing was never published, so nobody holds the wrong data: its correction is not pushed.
    _event(listing, "correct", actor, from_state=listing.state, to_state=listing.state, reason=reason.strip(),
           data={"before": before, "after": {key: str(value) for key, value in changes.items()}},
           pushed=listing.state != ListingState.PROPOSED)
    return listing


def expire_due_listings(today=None):
    """The periodic task: every published or shielded listing whose fixed period has ended is moved off the list
    (within 3 working days of the end, as the rule requires) and the move is pushed. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic():
        for listing in (Listing.objects.select_for_update(skip_locked=True)
                        .filter(state__in=[ListingState.PUBLISHED, ListingState.SHIELDED], ends_on__lt=today)):
            due_at = removal_deadline(listing.ends_on)
            _lift_restriction_with(listing, None, "失信名单纳入期限届满")
            _move(listing, "expire", None, reason="纳入期限届满",
                  data={"ends_on": listing.ends_on.isoformat(), "due_at": due_at.isoformat(),
                        "on_time": timezone.now() <= due_at},
                  removal_due_at=due_at, ended_at=timezone.now())
            expired += 1
    return expired


# ---------------------------------------------------------------------------------------------- corrections

CORRECTION_REVIEW_DAYS = 15
RECONSIDERATION_REQUEST_DAYS = 10
RECONSIDERATION_DECISION_DAYS = 15


def _days_deadline(start, days):
    """N days (日) counted as calendar days; when the last one is not a working day, the next working day."""
    from linkage.workdays import add_calendar_days

    moment = datetime.datetime.combine(start, datetime.time(12, 0), tzinfo=TIMEZONE)
    return add_calendar_days(moment, days).due_date


@transaction.atomic
def receive_correction_request(*, actor, listing, applicant, content, received_on=None, contact=""):
    """The court registers a correction request about a listing; it must be reviewed within 15 days."""
    _require_court_staff_of(actor, listing.court_id)
    if not (applicant or "").strip():
        raise ApplicationError("请填写申请人。", field="applicant")
    require_name(applicant.strip(), "申请人", "applicant")
    if not (content or "").strip():
        raise ApplicationError("请写明申请纠正的事项和理由。", field="content")
    received_on = require_past_date(received_on or timezone.localdate(), "收到日期", "received_on")
    if received_on > timezone.localdate():
        raise ApplicationError("收到日期不能晚于今天。", field="received_on")
    from .models import CorrectionRequest

    return CorrectionRequest.objects.create(
        listing=listing, applicant=applicant.strip(), contact=(contact or "").strip(), content=content.strip(),
        received_on=received_on, due_on=_days_deadline(received_on, CORRECTION_REVIEW_DAYS), received_by=actor,
    )


@transaction.atomic
def decide_correction_request(*, actor, request, corrected, reason, changes=None, decided_on=None):
    """Review a correction request: corrected (the published data are corrected, or the listing revoked when it
    should not exist — pass `changes=None` with corrected=True to revoke) or rejected, with reasons. Whether it was
    answered within 15 days is recorded (`answered_on_time`)."""
    from .models import CorrectionRequest, CorrectionState

    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    listing = request.listing
    _require_court_staff_of(actor, listing.court_id)
    if request.state != CorrectionState.PENDING:
        raise TransitionNotAllowed("该纠错申请已审查。", state=request.state)
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
    request.state = CorrectionState.CORRECTED if corrected else CorrectionState.REJECTED
    request.decided_on, request.decided_by = decided_on, actor
    request.decision_reason = reason.strip()
    request.save(update_fields=["state", "decided_on", "decided_by", "decision_reason"])
    return request


@transaction.atomic
def request_reconsideration(*, actor, request, requested_on=None):
    """The applicant asks for reconsideration of a rejection, within 10 days of the decision; the higher court
    decides within 15 days."""
    from .models import CorrectionRequest, CorrectionState

    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    _require_court_staff_of(actor, request.listing.court_id)
    if request.state != CorrectionState.REJECTED or request.reconsideration_requested_on:
        raise TransitionNotAllowed("只有被驳回且尚未申请复议的纠错申请可以申请复议。", state=request.state)
    requested_on = require_past_date(requested_on or timezone.localdate(), "申请复议日期", "requested_on")
    if requested_on > timezone.localdate():
        raise ApplicationError("申请复议日期不能晚于今天。", field="requested_on")
    if requested_on < request.decided_on:
        raise ApplicationError("申请复议日期不能早于驳回决定的日期。", field="requested_on")
    if requested_on > _days_deadline(request.decided_on, RECONSIDERATION_REQUEST_DAYS):
        raise ApplicationError("复议申请应在驳回决定作出之日起十日内提出。", field="requested_on")
    request.reconsideration_requested_on = requested_on
    request.reconsideration_due_on = _days_deadline(requested_on, RECONSIDERATION_DECISION_DAYS)
    request.save(update_fields=["reconsideration_requested_on", "reconsideration_due_on"])
    return request


@transaction.atomic
def acknowledge_event(*, actor, event):
    """A joint-punishment unit's liaison confirms receipt of a pushed event; a second call changes nothing.
    Returns (acknowledgement, created)."""
    if not may_acknowledge(actor):
        raise PermissionDenied("只有联合惩戒单位的联络员可以签收推送。")
    if not pushed_events(jurisdiction_id_of(actor)).filter(pk=event.pk).exists():
        raise PermissionDenied("该推送不是发给本单位的。")
    existing = ListingAcknowledgement.objects.filter(event=event, unit_id=actor.organisation_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return ListingAcknowledgement.objects.create(event=event, unit_id=actor.organisation_id,
                                                         acknowledged_by=actor), True
    except IntegrityError:  # a concurrent call won the race
        return ListingAcknowledgement.objects.get(event=event, unit_id=actor.organisation_id), False



@transaction.atomic
def record_removal_ground(*, actor, listing, ground, arose_on=None):
    """A ground for deleting a listing has arisen (the debtor performed, the case was terminated …): record it
    and the legal deadline (3 working days), so the clerk is reminded and a late deletion shows as a breach.
    The listing stays on the list until the court deletes it."""
    listing = _lock(listing)
    if listing.state not in (ListingState.PUBLISHED, ListingState.SHIELDED) or listing.ground_arose_on:
        return listing
    arose_on = arose_on or timezone.localdate()
    listing.deletion_ground, listing.ground_arose_on = ground, arose_on
    listing.removal_due_at = removal_deadline(arose_on)
    listing.save(update_fields=["deletion_ground", "ground_arose_on", "removal_due_at", "updated_at"])
    _event(listing, "removal_due", actor, from_state=listing.state, to_state=listing.state,
           reason=DeletionGround(ground).label, data={"due_at": listing.removal_due_at.isoformat()})
    return listing


def removal_breaches(*, court_id=None, now=None):
    """Listings still on the list after their legal removal deadline (the leader's dashboard)."""
    now = now or timezone.now()
    queryset = Listing.objects.filter(state__in=[ListingState.PUBLISHED, ListingState.SHIELDED],
                                      removal_due_at__lt=now)
    return queryset.filter(court_id=court_id) if court_id else queryset


def remind_removals(now=None):
    """Tell the clerk who proposed each listing that a deletion falls due (once per listing and deadline)."""
    from django.contrib.contenttypes.models import ContentType

    from linkage.notify import Message, Recipient
    from linkage.reminders import send_reminders

    now = now or timezone.now()
    with transaction.atomic():
        listings = list(Listing.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(state__in=[ListingState.PUBLISHED, ListingState.SHIELDED], removal_due_at__isnull=False)
                        .select_related("proposed_by"))
        batch = [
            (listing.pk, "removal_due", listing.removal_due_at, [Recipient.from_user(listing.proposed_by)],
             Message(kind="listing_removal",
                     title=f"【应删除失信信息】{listing.name}（{listing.case_number}）",
                     body=(f"{DeletionGround(listing.deletion_ground).label}，应在"
                           f"{timezone.localtime(listing.removal_due_at):%Y年%m月%d日}前删除该失信被执行人信息。"),
                     link=f"/listings/{listing.pk}/"))
            for listing in listings
        ]
        return send_reminders(batch, content_type=ContentType.objects.get_for_model(Listing))
