"""Writes to the dishonest-debtor list, one service per move (法释〔2017〕7号). Each locks the listing and makes the
move through `LISTING_MACHINE` (the state it starts from and the role who may make it, in one table), which writes
the `ListingEvent`; the events joint-punishment units must learn of are pushed, written under the feed lock, so the
feed's ids become visible in commit order."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import special
from cases.models import NotificationTrigger, PartyKind, PartyRole
from cases.services import require_clerk_of
from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied
from linkage.identifiers import normalize_credit_code, normalize_resident_id, sex_from_resident_id
from linkage.notify import Message, notify
from members.recipients import court_leaders, user_recipients
from members.selectors import jurisdiction_id_of

from ..corrections import clocks
from ..models import (
    LISTING_MACHINE,
    LIVE,
    RESTRICTION_MACHINE,
    DeletionGround,
    Listing,
    ListingAcknowledgement,
    ListingGround,
    ListingState,
)
from ..restrictions import services as restrictions
from . import rules
from .selectors import may_acknowledge, pushed_events

DEFAULT_PERIOD_YEARS = 2
MAX_EXTENSION_YEARS = 3


def _require_role(action, actor, listing):
    """The role the table names for the move, checked before the input (the state is checked by the move)."""
    LISTING_MACHINE.moves[action].role.require(actor, listing)


def name_pinyin(name):
    """Toneless pinyin of a name, syllables separated by spaces (张伟 → "zhang wei"), for homophone suggestions."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name)).lower()[:300]


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def propose_listing(*, actor, debtor, ground, facts, period_years=None, decided_on=None,
                    security_covers_debt=False, frozen_property_covers_debt=False, later_in_performance_order=False,
                    applicant=None, applied_on=None):
    """A clerk proposes listing a debtor of its court's case, with the ground and the facts.

    Refused as the law requires (法释〔2017〕7号 arts. 1, 3, 6): a decision date after today; a minor on the decision
    date; under ground 1, a debtor who gave adequate security, whose frozen property covers the debt, or who is
    later in the order of performance. Ground 1 has no fixed period; grounds 2-6 list for 2 years, extendable by
    1-3 years for serious cases. The published fields are copied from the case and the debtor.

    On an applicant's application (art. 5) `applicant` is that applicant party of the case and `applied_on` the date
    of the application (default: the decision date); it is refused within six months of a deletion made at that
    applicant's written request (art. 10 para. 2, `rules.require_no_applicant_bar`).
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
    decided_on = rules.require_decision_date(decided_on)
    person = debtor.kind == PartyKind.PERSON
    age = rules.require_adult_on(debtor.id_number, decided_on) if person else None
    rules.require_applicant_of(case, applicant)
    if applicant is None and applied_on:
        raise ApplicationError("请选择提出申请的申请执行人；依职权纳入的不填申请日期。", field="applicant")
    if applicant is not None:
        applied_on = require_past_date(applied_on or decided_on, "申请纳入日期", "applied_on")
        if applied_on > decided_on:
            raise ApplicationError("申请纳入日期不能晚于决定日期。", field="applied_on")
        rules.require_no_applicant_bar(case_id=case.pk, debtor_id=debtor.pk, applicant=applicant,
                                       applied_on=applied_on)
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
    if Listing.objects.filter(debtor=debtor, case=case, state__in=[ListingState.PROPOSED, *LIVE]).exists():
        raise ApplicationError("该被执行人在本案中已有尚未移出的失信名单记录。", field="debtor")
    listing = Listing.objects.create(
        case=case, debtor=debtor, court_id=case.court_id, ground=ground, facts=facts.strip(),
        period_years=period_years, name=debtor.name, name_pinyin=name_pinyin(debtor.name),
        id_number=debtor.id_number, credit_code=debtor.credit_code,
        legal_representative=debtor.legal_representative,
        sex=({"male": "男", "female": "女"}[sex_from_resident_id(debtor.id_number)] if person else ""),
        age=age,
        obligation=case.obligation or f"给付申请执行人人民币{case.amount}元",
        performed_amount=case.performed_amount, unperformed_amount=case.unperformed_amount,
        basis_issuer=case.basis_issuer, basis_number=case.basis_number, case_number=case.number,
        filed_on=case.filed_on, court_name=case.court.name, decided_on=decided_on, proposed_by=actor,
        applicant=applicant, applied_on=applied_on if applicant is not None else None,
    )
    data = {"ground": int(ground)}
    if applicant is not None:
        data.update(applicant=applicant.name, applied_on=applied_on.isoformat())
    LISTING_MACHINE.record(listing, "propose", actor, to_state=ListingState.PROPOSED, data=data)
    special.ensure_special_notifications(debtor, trigger=NotificationTrigger.LISTING)
    _tell_leaders_of_proposal(listing, actor)
    return listing


def _tell_leaders_of_proposal(listing, actor):
    """The hand-over to the approver: the court's bureau leaders are told, once, that a listing waits for them."""
    recipients = user_recipients(court_leaders(listing.court_id))
    if not recipients:
        return
    notify(recipients, Message(
        kind="listing_proposed",
        title=f"【失信名单待审批】{listing.name}（{listing.case_number}）",
        body=(f"{actor.display_name}提请将被执行人{listing.name}（{listing.case_number}）纳入失信被执行人名单，"
              f"失信情形：{ListingGround(listing.ground).label}。请审批。"),
        link=reverse("blacklist:listing-detail", args=[listing.pk]),
    ))


@transaction.atomic
def approve_listing(*, actor, listing, reason=""):
    """A bureau leader approves: the listing is published today, with its end date for grounds 2-6, and pushed.
    The rules are applied again first (`rules.check_approvable`): a decision date after today, a minor on the
    decision date (by the listing's own identity number) or a barred application is refused and nothing changes."""
    listing = LISTING_MACHINE.lock(listing)
    LISTING_MACHINE.check(listing, "approve", actor)
    age = rules.check_approvable(listing)
    today = timezone.localdate()
    ends_on = _add_years(today, listing.period_years) if listing.period_years else None
    LISTING_MACHINE.move(listing, "approve", actor, reason=reason, published_on=today, ends_on=ends_on, approved_by=actor,
                         age=age,
                         data={"published_on": today.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None})
    # A listed debtor is always consumption-restricted (domain rules).
    restrictions.issue_restriction_order(actor=actor, debtor=listing.debtor, listing=listing)
    return listing


def _known_to_units(listing):
    """Whether the joint-punishment units hold the listing's data: not when it was never published (proposed, or
    suspended by a grace granted before approval), so its moves are not pushed."""
    if listing.state == ListingState.PROPOSED:
        return False
    return listing.state != ListingState.SUSPENDED or listing.published_on is not None


def _lift_restriction_with(listing, actor, reason):
    order = getattr(listing, "restriction_order", None)
    if order is not None and RESTRICTION_MACHINE.allows(order, "lift"):
        restrictions.lift_restriction_order(actor=actor, order=order, reason=reason, with_listing=True)


@transaction.atomic
def withdraw_listing(*, actor, listing, reason):
    """The court withdraws a proposal before it is published (撤回)."""
    listing = LISTING_MACHINE.lock(listing)
    _require_role("withdraw", actor, listing)
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回理由。", field="reason")
    return LISTING_MACHINE.move(listing, "withdraw", actor, reason=reason.strip(), ended_at=timezone.now())


@transaction.atomic
def shield_listing(*, actor, listing, reason):
    """Hide a published listing from the public and the units while a question about it is settled (屏蔽)."""
    listing = LISTING_MACHINE.lock(listing)
    _require_role("shield", actor, listing)
    if not (reason or "").strip():
        raise ApplicationError("请填写屏蔽理由。", field="reason")
    return LISTING_MACHINE.move(listing, "shield", actor, reason=reason.strip())


@transaction.atomic
def unshield_listing(*, actor, listing, reason):
    listing = LISTING_MACHINE.lock(listing)
    _require_role("unshield", actor, listing)
    return LISTING_MACHINE.move(listing, "unshield", actor, reason=(reason or "").strip())


def removal_deadline(arose_on):
    """The close of the 3rd working day after the day the ground arose (day 0): `corrections.clocks`."""
    return clocks.removal_deadline(arose_on).due_at


def _deletion_request(listing, ground, arose_on, applicant, requested_on):
    """Art. 10 para. 1 item 3: a deletion at the applicant's written request names that applicant (of the listing's
    case) and the date of the request, no later than the court's agreement (the ground's date). Other grounds
    name neither."""
    if ground != DeletionGround.APPLICANT_REQUEST:
        if applicant is not None or requested_on:
            raise ApplicationError("只有“申请执行人书面申请删除”的，才填写申请删除的申请执行人和申请日期。",
                                   field="applicant")
        return {}
    if applicant is None:
        raise ApplicationError("请选择书面申请删除的申请执行人。", field="applicant")
    rules.require_applicant_of(listing.case, applicant)
    if not isinstance(requested_on, datetime.date):
        raise ApplicationError("请填写申请执行人书面申请删除的日期。", field="requested_on")
    require_past_date(requested_on, "书面申请删除日期", "requested_on")
    if requested_on > arose_on:
        raise ApplicationError("书面申请删除日期不能晚于事由发生日期（人民法院审查同意之日）。", field="requested_on")
    return {"deletion_applicant": applicant, "deletion_requested_on": requested_on}


@transaction.atomic
def delete_listing(*, actor, listing, ground, arose_on, reason="", applicant=None, requested_on=None):
    """Delete a listing on a legal ground (法释〔2017〕7号 art. 10), due within 3 working days of the ground arising.
    The event records whether it was done on time. A deletion at an applicant's written request records who asked
    and when: that applicant may not apply to list the debtor again within six months (`rules`). A listing never
    published (a grace granted before approval) is deleted without a push: nobody holds its data."""
    listing = LISTING_MACHINE.lock(listing)
    _require_role("delete", actor, listing)
    if ground not in DeletionGround.values:
        raise ApplicationError("请选择法定的删除事由。", field="ground")
    if not isinstance(arose_on, datetime.date):
        raise ApplicationError("请填写事由发生日期。", field="arose_on")
    require_past_date(arose_on, "事由发生日期", "arose_on")
    request = _deletion_request(listing, ground, arose_on, applicant, requested_on)
    due_at = removal_deadline(arose_on)
    now = timezone.now()
    data = {"ground": ground, "arose_on": arose_on.isoformat(), "due_at": due_at.isoformat(), "on_time": now <= due_at}
    if request:
        data.update(applicant=applicant.name, requested_on=requested_on.isoformat(),
                    reapply_from=rules.reapply_from(timezone.localdate(now)).isoformat())
    _lift_restriction_with(listing, actor, f"失信名单删除：{DeletionGround(ground).label}")
    return LISTING_MACHINE.move(listing, "delete", actor, reason=reason or DeletionGround(ground).label, data=data,
                                event={"pushed": _known_to_units(listing)}, deletion_ground=ground,
                                ground_arose_on=arose_on, removal_due_at=due_at, ended_at=now, **request)


@transaction.atomic
def revoke_listing(*, actor, listing, reason, error_found_on=None):
    """Revoke a listing made in error (撤销), due within 3 working days of the error being found."""
    listing = LISTING_MACHINE.lock(listing)
    _require_role("revoke", actor, listing)
    if not (reason or "").strip():
        raise ApplicationError("请写明错误纳入的情形。", field="reason")
    found = require_past_date(error_found_on or timezone.localdate(), "发现错误日期", "error_found_on")
    due_at = removal_deadline(found)
    now = timezone.now()
    _lift_restriction_with(listing, actor, "失信名单撤销")
    return LISTING_MACHINE.move(listing, "revoke", actor, reason=reason.strip(),
                 data={"error_found_on": found.isoformat(), "due_at": due_at.isoformat(), "on_time": now <= due_at},
                 event={"pushed": _known_to_units(listing)}, ground_arose_on=found, removal_due_at=due_at, ended_at=now)


CORRECTABLE = ("name", "id_number", "credit_code", "legal_representative", "obligation", "performed_amount",
               "unperformed_amount", "basis_issuer", "basis_number", "facts")
AMOUNT_FIELDS = ("performed_amount", "unperformed_amount")
REQUIRED_FIELDS = ("name", "obligation", "basis_issuer", "basis_number", "facts")


def _clean_change(key, value):
    """A corrected value checked as the field requires, or ApplicationError naming the field."""
    label = Listing._meta.get_field(key).verbose_name
    text = str(value if value is not None else "").strip()
    if key in AMOUNT_FIELDS:
        try:
            return parsing.amount(text, label, "changes", required=True, exact=True)
        except ApplicationError:  # one message for every way an amount can be wrong, as the pages have shown
            raise ApplicationError(f"{label}应为不小于0的金额，最多两位小数。", field="changes")
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
    listing = LISTING_MACHINE.lock(listing)
    LISTING_MACHINE.check(listing, "correct", actor)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown or not changes:
        raise ApplicationError("只能更正公布的信息项。", field="changes")
    if not (reason or "").strip():
        raise ApplicationError("请写明更正理由。", field="reason")
    changes = {key: _clean_change(key, value) for key, value in changes.items()}
    if not (changes.get("id_number", listing.id_number) or changes.get("credit_code", listing.credit_code)):
        raise ApplicationError("公民身份号码和统一社会信用代码不能都为空。", field="changes")
    fields = dict(changes)
    if changes.get("id_number") and listing.debtor.kind == PartyKind.PERSON:
        # A person's published age and sex follow the corrected number; a minor on the decision date is refused.
        fields["age"] = rules.require_adult_on(changes["id_number"], listing.decided_on, field="changes")
        fields["sex"] = {"male": "男", "female": "女"}[sex_from_resident_id(changes["id_number"])]
    before = {key: str(getattr(listing, key)) for key in fields}
    if "name" in changes:
        fields["name_pinyin"] = name_pinyin(changes["name"])
    # A listing never published (proposed, or suspended before approval): nobody holds the wrong data, no push.
    return LISTING_MACHINE.move(
        listing, "correct", actor, reason=reason.strip(),
        data={"before": before, "after": {key: str(fields[key]) for key in before}},
        event={"pushed": _known_to_units(listing)}, **fields,
    )



# The service of each move a user makes, for the pages and the API (expiry is the periodic task's).
MOVE_SERVICES = {
    "approve": approve_listing, "withdraw": withdraw_listing, "shield": shield_listing,
    "unshield": unshield_listing, "delete": delete_listing, "revoke": revoke_listing, "correct": correct_listing,
}

def expire_due_listings(today=None):
    """The periodic task: every published or shielded listing whose fixed period has ended is moved off the list
    (within 3 working days of the end, as the rule requires) and the move is pushed. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic():
        for listing in (Listing.objects.select_for_update(skip_locked=True)
                        .filter(state__in=LIVE, ends_on__lt=today)):
            due_at = removal_deadline(listing.ends_on)
            _lift_restriction_with(listing, None, "失信名单纳入期限届满")
            LISTING_MACHINE.move(listing, "expire", None, role=False, reason="纳入期限届满",
                                 data={"ends_on": listing.ends_on.isoformat(), "due_at": due_at.isoformat(),
                                       "on_time": timezone.now() <= due_at},
                                 removal_due_at=due_at, ended_at=timezone.now())
            expired += 1
    return expired


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
    listing = LISTING_MACHINE.lock(listing)
    if listing.state not in LIVE or listing.ground_arose_on:
        return listing
    arose_on = arose_on or timezone.localdate()
    listing.deletion_ground, listing.ground_arose_on = ground, arose_on
    listing.removal_due_at = removal_deadline(arose_on)
    listing.save(update_fields=["deletion_ground", "ground_arose_on", "removal_due_at", "updated_at"])
    LISTING_MACHINE.record(listing, "removal_due", actor, from_state=listing.state, to_state=listing.state,
                           reason=DeletionGround(ground).label, data={"due_at": listing.removal_due_at.isoformat()})
    return listing
