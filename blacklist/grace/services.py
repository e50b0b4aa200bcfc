"""A grace on a written promise to pay (暂缓采取失信惩戒措施, 云府 item 5; issue 22 item 1).

The court's bureau leader grants it on a listing proposed or published: the listing is suspended (a published one
leaves the public search and its suspension is pushed; a proposed one is never published while the grace runs, and
nothing is pushed) and its restriction order is paused. Each instalment the debtor promised is recorded as paid;
every instalment paid, the clerk confirms performance: the case is recorded as performed and concluded, and the
listing is deleted on the ground "performed". A missed instalment is recorded and reminded (`remind_graces`); on the
clerk's confirmation the punishment resumes that day (a never-published listing is published then) and is pushed.
Every step is a `GraceEvent`; the listing's moves are `ListingEvent`s (the feed)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStatus
from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.text import REASON_MAX, TEXT_MAX, bounded_text

from ..listings import rules
from ..listings import services as listing_services
from ..models import (
    GRACE_MACHINE,
    LISTING_MACHINE,
    RESTRICTION_MACHINE,
    DeletionGround,
    GraceInstalment,
    GracePeriod,
    GraceState,
    ListingState,
    Promisor,
    RestrictionState,
)
from ..restrictions import services as restrictions

MAX_INSTALMENTS = 36
GRANTABLE = (ListingState.PROPOSED, ListingState.PUBLISHED)


def max_months():
    return max(1, settings.LINKAGE_GRACE_MAX_MONTHS)


def default_months():
    return min(max(1, settings.LINKAGE_GRACE_DEFAULT_MONTHS), max_months())


def grace_end(starts_on, months):
    """The last day of a grace of `months` months starting on `starts_on` (the day before the same day `months`
    months later, 民法典 art. 202)."""
    return rules.add_months(starts_on, months) - datetime.timedelta(days=1)


def require_leader_of(actor, listing):
    if not (actor.is_leader and actor.organisation_id == listing.court_id):
        raise PermissionDenied("只有本院执行局领导可以决定暂缓采取失信惩戒措施。")


def running_grace(listing):
    return GracePeriod.objects.filter(listing=listing, state=GraceState.GRANTED).first()


def _months(months):
    if months in (None, ""):
        return default_months()
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ApplicationError("暂缓期限应为整月数。", field="months")
    if not 1 <= months <= max_months():
        raise ApplicationError(f"暂缓期限为1至{max_months()}个月。", field="months")
    return months


def clean_instalments(instalments, *, starts_on, ends_on, promised_on, ceiling):
    """[(due_on, amount)] in date order, or ApplicationError (field "instalments"): at least one, at most
    MAX_INSTALMENTS; each due within the grace (not before the day it is granted, nor the promise) with a
    positive amount; the total not above what is left to perform."""
    instalments = list(instalments or [])
    if not instalments:
        raise ApplicationError("请填写履行日期和金额（按期一次履行的填写一期）。", field="instalments")
    if len(instalments) > MAX_INSTALMENTS:
        raise ApplicationError(f"分期最多{MAX_INSTALMENTS}期。", field="instalments")
    cleaned = []
    for index, item in enumerate(instalments, start=1):
        due_on = parsing.date(item.get("due_on"), f"第{index}期应履行日期", "instalments", required=True)
        amount = parsing.amount(item.get("amount"), f"第{index}期金额", "instalments", required=True, exact=True)
        if amount <= 0:
            raise ApplicationError(f"第{index}期金额应大于0。", field="instalments")
        if due_on < max(starts_on, promised_on):
            raise ApplicationError(f"第{index}期应履行日期不能早于承诺日期和准予暂缓之日（{starts_on:%Y-%m-%d}）。",
                                   field="instalments")
        if due_on > ends_on:
            raise ApplicationError(f"第{index}期应履行日期晚于暂缓届满日（{ends_on:%Y-%m-%d}）；"
                                   "分期应在暂缓期内履行完毕。", field="instalments")
        cleaned.append((due_on, amount))
    total = sum((amount for _, amount in cleaned), Decimal(0))
    if total > ceiling:
        raise ApplicationError(f"承诺履行总额（{total}元）超过未履行金额（{ceiling}元）。", field="instalments")
    return sorted(cleaned, key=lambda item: item[0])


def _pause_order(listing, actor):
    order = getattr(listing, "restriction_order", None)
    if order is not None and order.state == RestrictionState.ACTIVE:
        order = RESTRICTION_MACHINE.lock(order)
        RESTRICTION_MACHINE.move(order, "pause", actor, role=False)


@transaction.atomic
def grant_grace(*, actor, listing, promisor, promise, promised_on, instalments, months=None):
    """The court's bureau leader grants a grace on a debtor's written promise (or the applicant's on the debtor's
    behalf) to pay by a date (one instalment) or by instalments, for `months` months (default and maximum in
    settings). The listing (proposed or published) is suspended, pushed only when it had been published; its
    restriction order is paused. Returns the grace."""
    listing = LISTING_MACHINE.lock(listing)
    require_leader_of(actor, listing)
    if running_grace(listing) is not None:
        raise ApplicationError("该名单已有正在执行的暂缓期。")
    if listing.state not in GRANTABLE:
        raise TransitionNotAllowed(f"名单当前状态为“{listing.get_state_display()}”，只有待审批或已发布的名单可以"
                                   "暂缓采取惩戒措施。", state=listing.state)
    if listing.ground_arose_on:
        raise ApplicationError("该名单已出现删除事由，应予删除，不再暂缓。")
    if promisor not in Promisor.values:
        raise ApplicationError("请选择承诺人。", field="promisor")
    promise = (promise or "").strip()
    if not promise:
        raise ApplicationError("请填写书面履行承诺的内容。", field="promise")
    promise = bounded_text(promise, limit=TEXT_MAX, label="书面履行承诺", field="promise")
    promised_on = parsing.date(promised_on, "承诺日期", "promised_on", required=True)
    require_past_date(promised_on, "承诺日期", "promised_on")
    months = _months(months)
    starts_on = timezone.localdate()
    ends_on = grace_end(starts_on, months)
    ceiling = listing.case.unperformed_amount
    if ceiling <= 0:
        raise ApplicationError("本案已无未履行金额，应删除失信信息，不适用暂缓。")
    schedule = clean_instalments(instalments, starts_on=starts_on, ends_on=ends_on, promised_on=promised_on,
                                 ceiling=ceiling)
    was_published = listing.state == ListingState.PUBLISHED
    grace = GracePeriod.objects.create(listing=listing, promisor=promisor, promise=promise, promised_on=promised_on,
                                       starts_on=starts_on, ends_on=ends_on, was_published=was_published,
                                       granted_by=actor)
    GraceInstalment.objects.bulk_create(
        GraceInstalment(grace=grace, number=number, due_on=due_on, amount=amount)
        for number, (due_on, amount) in enumerate(schedule, start=1))
    total = sum((amount for _, amount in schedule), Decimal(0))
    data = {"grace": grace.pk, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "months": months,
            "instalments": len(schedule), "total": str(total)}
    GRACE_MACHINE.record(grace, "grant", actor, to_state=GraceState.GRANTED, reason=promise[:200], data=data)
    LISTING_MACHINE.move(listing, "suspend", actor, role=False, reason=f"暂缓采取失信惩戒措施至{ends_on:%Y年%m月%d日}",
                         data=data, event={"pushed": was_published})
    _pause_order(listing, actor)
    return grace


def _lock_running(grace, action, actor):
    grace = GRACE_MACHINE.lock(grace)
    GRACE_MACHINE.check(grace, action, actor)
    return grace


@transaction.atomic
def record_payment(*, actor, instalment, paid_on, paid_amount):
    """Court staff record that the debtor paid an instalment (in full: a part payment is not a kept promise)."""
    grace = GRACE_MACHINE.lock(instalment.grace)
    if not (actor.is_court_staff and actor.organisation_id == grace.listing.court_id):
        raise PermissionDenied("只有本院执行人员可以登记履行。")
    if grace.state != GraceState.GRANTED:
        raise TransitionNotAllowed(f"暂缓惩戒当前状态为“{grace.get_state_display()}”，不能登记履行。",
                                   state=grace.state)
    instalment = GraceInstalment.objects.select_for_update().get(pk=instalment.pk, grace=grace)
    if instalment.paid_on:
        raise ApplicationError(f"第{instalment.number}期已登记履行。")
    paid_on = parsing.date(paid_on, "实际履行日期", "paid_on", required=True)
    require_past_date(paid_on, "实际履行日期", "paid_on")
    if paid_on < grace.promised_on:
        raise ApplicationError("实际履行日期不能早于承诺日期。", field="paid_on")
    paid_amount = parsing.amount(paid_amount, "实际履行金额", "paid_amount", required=True, exact=True)
    if paid_amount < instalment.amount:
        raise ApplicationError(f"实际履行金额少于该期应履行金额（{instalment.amount}元），不能登记为已履行；"
                               "未足额履行的，请确认未履行并恢复惩戒。", field="paid_amount")
    instalment.paid_on, instalment.paid_amount, instalment.recorded_by = paid_on, paid_amount, actor
    instalment.save(update_fields=["paid_on", "paid_amount", "recorded_by"])
    GRACE_MACHINE.note(grace, "pay", actor, reason=f"第{instalment.number}期", data={
        "instalment": instalment.pk, "number": instalment.number, "due_on": instalment.due_on.isoformat(),
        "amount": str(instalment.amount), "paid_on": paid_on.isoformat(), "paid_amount": str(paid_amount),
        "late": paid_on > instalment.due_on})
    return instalment


@transaction.atomic
def fulfil_grace(*, actor, grace, reason="", lifting_ruling_number=""):
    """Every instalment paid, the clerk confirms the debtor performed: the grace is fulfilled, the case's
    obligation recorded as performed and the case concluded (执行完毕; cases.services, whose signals record the
    listings' removal ground and stop the case's measures), and the listing deleted on the ground "performed" —
    pushed only if it had ever been published."""
    grace = _lock_running(grace, "fulfil", actor)
    unpaid = [item.number for item in grace.instalments.filter(paid_on__isnull=True)]
    if unpaid:
        raise ApplicationError(f"第{'、'.join(map(str, unpaid))}期尚未登记履行，不能确认已履行。")
    reason = bounded_text((reason or "").strip(), limit=REASON_MAX, label="说明", field="reason")
    today = timezone.localdate()
    GRACE_MACHINE.move(grace, "fulfil", actor, reason=reason, ended_at=timezone.now())
    listing = LISTING_MACHINE.lock(grace.listing)
    case = listing.case
    ground = f"被执行人按暂缓期间的书面承诺履行完毕（{listing.name}）"
    if case.performed_amount < case.amount:
        case = case_services.update_case(actor=actor, case=case, performed_amount=case.amount)
    if case.status != CaseStatus.CONCLUDED:
        case_services.set_case_status(actor=actor, case=case, status=CaseStatus.CONCLUDED,
                                      reason=reason or ground, lifting_ruling_number=lifting_ruling_number)
    if listing.state == ListingState.SUSPENDED:  # not when it left the list meanwhile (revoked, expired …)
        listing_services.delete_listing(actor=actor, listing=listing, ground=DeletionGround.PERFORMED,
                                        arose_on=today, reason=reason or ground)
    grace.refresh_from_db()
    return grace


@transaction.atomic
def break_grace(*, actor, grace, reason):
    """The clerk confirms the debtor did not keep the promise (an instalment missed): the grace is broken and the
    punishment resumes today, pushed. A listing never published is published today (its end date counted as the
    approval counts it, approved by the leader who granted the grace) and its restriction order issued; a published
    one is back on the public list and its paused restriction order in force again."""
    grace = _lock_running(grace, "break", actor)
    if not (reason or "").strip():
        raise ApplicationError("请写明未按承诺履行的情况。", field="reason")
    reason = bounded_text(reason.strip(), limit=REASON_MAX, label="未履行情况", field="reason")
    listing = LISTING_MACHINE.lock(grace.listing)
    LISTING_MACHINE.check(listing, "resume", actor, role=False)
    GRACE_MACHINE.move(grace, "break", actor, reason=reason, ended_at=timezone.now())
    data = {"grace": grace.pk}
    if listing.published_on is None:
        age = rules.check_approvable(listing)
        today = timezone.localdate()
        ends_on = rules.add_months(today, 12 * listing.period_years) if listing.period_years else None
        data.update(published_on=today.isoformat(), ends_on=ends_on.isoformat() if ends_on else None)
        LISTING_MACHINE.move(listing, "resume", actor, role=False, reason=reason, data=data, published_on=today,
                             ends_on=ends_on, approved_by=grace.granted_by, age=age)
        restrictions.issue_restriction_order(actor=grace.granted_by, debtor=listing.debtor, listing=listing)
        return grace
    LISTING_MACHINE.move(listing, "resume", actor, role=False, reason=reason, data=data)
    order = getattr(listing, "restriction_order", None)
    if order is not None and order.state == RestrictionState.PAUSED:
        order = RESTRICTION_MACHINE.lock(order)
        RESTRICTION_MACHINE.move(order, "resume", actor, role=False)
    elif order is None:
        restrictions.issue_restriction_order(actor=grace.granted_by, debtor=listing.debtor, listing=listing)
    return grace
