"""Writes of credit repair (信用修复, 云府 item 5). An application is received on paper by the listing's court, or
online from the verified party (`blacklist.public.credit_access`); the court's bureau leader decides it within
`settings.CREDIT_REPAIR_WORKING_DAYS` working days (env LINKAGE_CREDIT_REPAIR_WORKING_DAYS, default 10).

A grant deletes the listing ahead of its period (through `delete_listing`, ground CREDIT_REPAIRED) or suspends it
(the listing's `suspend` move); either way its restriction order is lifted and the change is pushed to the
joint-punishment units (the listing's own moves write the feed). The grant numbers the 信用修复证明. Each decision
is a move of `REPAIR_MACHINE`, which writes the repair's history."""


from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied
from linkage.identifiers import parse_case_number
from linkage.notify import Message, notify
from linkage.text import REASON_MAX, TEXT_MAX, bounded_text, require_name
from members.recipients import court_leaders, user_recipients

from ..corrections import clocks
from ..listings.services import delete_listing
from ..models import (
    LISTING_MACHINE,
    LIVE,
    REPAIR_MACHINE,
    RESTRICTION_MACHINE,
    CreditRepair,
    DeletionGround,
    ListingState,
    RepairChannel,
    RepairGround,
    RepairOutcome,
    RepairState,
)
from ..public.credit_access import PHONE_REFUSAL, clean_phone
from ..restrictions import services as restrictions
from . import documents

NOT_LIVE = "该失信名单已不在名单上（{state}），不能申请信用修复。"
ONE_PENDING = "该名单已有待审查的信用修复申请，请等待法院作出决定。"
CERTIFICATE_LOCK_KEY = 7_201_722  # with the court's id: one court numbers its certificates one at a time


def repair_deadline(received_on):
    """The close of the N-th working day after the day the application was received (day 0; `clocks`)."""
    return clocks.repair_deadline(received_on).due_at


def _clean_application(listing, *, ground, phone, statement):
    if listing.state not in LIVE:
        raise ApplicationError(NOT_LIVE.format(state=listing.get_state_display()), field="listing")
    if ground not in RepairGround.values:
        raise ApplicationError("请选择申请信用修复的事由：已履行、正在履行和解协议或已提供担保。", field="ground")
    phone = clean_phone(phone)
    if phone is None:
        raise ApplicationError(PHONE_REFUSAL, field="phone")
    statement = (statement or "").strip()
    if not statement:
        raise ApplicationError("请写明申请理由及履行情况。", field="statement")
    bounded_text(statement, limit=TEXT_MAX, label="申请理由及履行情况", field="statement")
    if CreditRepair.objects.filter(listing=listing, state=RepairState.PENDING).exists():
        raise ApplicationError(ONE_PENDING, field="listing")
    return phone, statement


def _create(listing, actor, *, channel, ground, applicant_name, phone, statement, received_on):
    due_at = repair_deadline(received_on)
    try:
        with transaction.atomic():
            repair = CreditRepair.objects.create(
                listing=listing, ground=ground, channel=channel, applicant_name=applicant_name, phone=phone,
                statement=statement, received_on=received_on, due_at=due_at, received_by=actor,
            )
    except IntegrityError:  # a concurrent application won (one pending per listing)
        raise ApplicationError(ONE_PENDING, field="listing") from None
    REPAIR_MACHINE.record(repair, "apply", actor, to_state=RepairState.PENDING,
                          reason=RepairGround(ground).label,
                          data={"channel": channel, "ground": ground, "due_at": due_at.isoformat()})
    _tell_court_of_application(repair)
    return repair


def _tell_court_of_application(repair):
    """The hand-over to the decider: the court's bureau leaders (and the clerk who proposed the listing) are told,
    once, that an application waits for a decision."""
    listing = repair.listing
    recipients = user_recipients([*court_leaders(listing.court_id), listing.proposed_by])
    if not recipients:
        return
    notify(recipients, Message(
        kind="credit_repair_applied",
        title=f"【信用修复待决定】{listing.name}（{listing.case_number}）",
        body=(f"{repair.applicant_name}以“{repair.get_ground_display()}”为由申请信用修复"
              f"（{repair.get_channel_display()}），应于{timezone.localtime(repair.due_at):%Y年%m月%d日}前作出决定。"),
        link=reverse("blacklist:repair-detail", args=[repair.pk]),
    ))


@transaction.atomic
def receive_repair(*, actor, listing, ground, applicant_name, phone, statement, received_on=None):
    """The court registers a paper application (书面申请) for credit repair of a live listing of its own (published,
    shielded or suspended). One pending application per listing; due within the configured working days."""
    listing = LISTING_MACHINE.lock(listing)
    if not (actor.is_court_staff and actor.organisation_id == listing.court_id):
        raise PermissionDenied("只有本院执行人员可以登记信用修复申请。")
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        raise ApplicationError("请填写申请人。", field="applicant_name")
    require_name(applicant_name, "申请人", "applicant_name")
    received_on = require_past_date(received_on or timezone.localdate(), "收到日期", "received_on")
    if received_on > timezone.localdate():
        raise ApplicationError("收到日期不能晚于今天。", field="received_on")
    if received_on < listing.decided_on:
        raise ApplicationError("收到日期不能早于纳入失信名单的决定日期。", field="received_on")
    phone, statement = _clean_application(listing, ground=ground, phone=phone, statement=statement)
    return _create(listing, actor, channel=RepairChannel.PAPER, ground=ground, applicant_name=applicant_name,
                   phone=phone, statement=statement, received_on=received_on)


@transaction.atomic
def apply_online(*, party, listing, ground, phone, statement):
    """The verified party (`credit_access.verify`) applies online for credit repair of its own live listing;
    received today, registered by nobody. The applicant is the listed debtor."""
    listing = LISTING_MACHINE.lock(listing)
    if party is None or listing.debtor_id != party.pk:
        raise PermissionDenied("只能为本人（本单位）的失信信息申请信用修复。")
    phone, statement = _clean_application(listing, ground=ground, phone=phone, statement=statement)
    return _create(listing, None, channel=RepairChannel.ONLINE, ground=ground, applicant_name=listing.name,
                   phone=phone, statement=statement, received_on=timezone.localdate())


def _certificate_number(repair, day):
    """The court's next number for a 信用修复证明 of the year, in the style of its case numbers:
    （2026）粤0103执信修1号. Numbered one at a time per court (an advisory lock), unique (a constraint)."""
    try:
        code = parse_case_number(repair.listing.case_number).court_code
    except (ValidationError, ValueError):  # a number stored before the rule: the court's own code stands in
        code = repair.listing.court.code
    prefix = f"（{day.year}）{code}执信修"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CERTIFICATE_LOCK_KEY, repair.listing.court_id])
    taken = CreditRepair.objects.filter(certificate_number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


def _tell_court_of_decision(repair, actor):
    """The clerk who registered the application (or proposed the listing) learns the decision."""
    listing = repair.listing
    recipients = [r for r in user_recipients([repair.received_by, listing.proposed_by]) if r.key != f"user:{actor.pk}"]
    if not recipients:
        return
    notify(recipients, Message(
        kind="credit_repair_decided",
        title=f"【信用修复{repair.get_state_display()}】{listing.name}（{listing.case_number}）",
        body=(f"{actor.display_name}对{repair.applicant_name}的信用修复申请作出决定：{repair.get_state_display()}"
              + (f"（{repair.get_outcome_display()}）" if repair.outcome else "")
              + (f"。{repair.decision_reason}" if repair.decision_reason else "。")),
        link=reverse("blacklist:repair-detail", args=[repair.pk]),
    ))


def _lift_restriction(listing, actor, reason):
    order = getattr(listing, "restriction_order", None)
    if order is not None and RESTRICTION_MACHINE.allows(order, "lift"):
        restrictions.lift_restriction_order(actor=actor, order=order, reason=reason, with_listing=True)


@transaction.atomic
def grant_repair(*, actor, repair, outcome, reason=""):
    """The listing's court's bureau leader grants credit repair: the listing is deleted ahead of its period
    (`delete_listing`, ground CREDIT_REPAIRED) or suspended (its `suspend` move, a published listing only); its
    restriction order is lifted; both are pushed. A 信用修复证明 number is assigned and the certificate issued, with
    its verification code (`documents.issue_certificate`)."""
    repair = REPAIR_MACHINE.lock(repair)
    REPAIR_MACHINE.check(repair, "grant", actor)
    if outcome not in RepairOutcome.values:
        raise ApplicationError("请选择修复方式：提前删除或暂停公布。", field="outcome")
    reason = bounded_text((reason or "").strip(), limit=REASON_MAX, label="审查意见", field="reason")
    listing = LISTING_MACHINE.lock(repair.listing)
    if listing.state not in LIVE:
        raise ApplicationError(f"该失信名单已不在名单上（{listing.get_state_display()}），不能准予信用修复。",
                               field="outcome")
    today = timezone.localdate()
    because = f"信用修复：{repair.get_ground_display()}" + (f"。{reason}" if reason else "")
    if outcome == RepairOutcome.DELETED:
        delete_listing(actor=actor, listing=listing, ground=DeletionGround.CREDIT_REPAIRED, arose_on=today,
                       reason=because)
    else:
        if listing.state != ListingState.PUBLISHED:
            raise ApplicationError(f"该失信名单当前为“{listing.get_state_display()}”，不能暂停公布，可以选择提前删除。",
                                   field="outcome")
        LISTING_MACHINE.move(listing, "suspend", actor, role=False, reason=because,
                             data={"credit_repair": repair.pk})
        _lift_restriction(listing, actor, "信用修复，暂停公布失信信息")
    repair.listing = listing
    number = _certificate_number(repair, today)
    REPAIR_MACHINE.move(repair, "grant", actor, role=False, reason=reason, outcome=outcome, decided_by=actor,
                        decided_at=timezone.now(), decision_reason=reason, certificate_number=number,
                        data={"outcome": outcome, "certificate_number": number})
    documents.issue_certificate(repair)
    _tell_court_of_decision(repair, actor)
    return repair


@transaction.atomic
def refuse_repair(*, actor, repair, reason):
    """The listing's court's bureau leader refuses credit repair, with reasons; the listing stays as it is."""
    repair = REPAIR_MACHINE.lock(repair)
    REPAIR_MACHINE.check(repair, "refuse", actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明不予信用修复的理由。", field="reason")
    bounded_text(reason, limit=REASON_MAX, label="审查意见", field="reason")
    REPAIR_MACHINE.move(repair, "refuse", actor, role=False, reason=reason, decided_by=actor,
                        decided_at=timezone.now(), decision_reason=reason)
    _tell_court_of_decision(repair, actor)
    return repair
