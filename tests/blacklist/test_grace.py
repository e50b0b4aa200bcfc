"""A grace on a written promise to pay (暂缓采取失信惩戒措施, issue 22 item 1): granted → instalment missed →
punishment resumed on the clerk's confirmation; granted → paid → case concluded; the events and feed entries of
each move; and the refusals."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from blacklist.grace import reminders, services
from blacklist.listings import services as listing_services
from blacklist.models import (
    GraceEvent,
    GraceState,
    ListingEvent,
    ListingState,
    RestrictionOrder,
    RestrictionState,
)
from blacklist.public.search import name_search_queryset
from cases import services as case_services
from cases.models import CaseStatus
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db
ADULT = "44010319850615123X"
DAY = datetime.timedelta(days=1)


def make_case(clerk, number="（2026）粤0103执777号", amount="30000"):
    return case_services.create_case(
        actor=clerk, number=number, amount=amount, basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初77号", filed_on="2026-01-05", obligation=f"给付货款{amount}元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王缓", "id_number": ADULT}],
    )


@pytest.fixture
def case(clerk):
    return make_case(clerk)


@pytest.fixture
def proposed(clerk, case):
    return listing_services.propose_listing(actor=clerk, debtor=case.parties.get(role="debtor"), ground=3,
                                            facts="转移财产")


@pytest.fixture
def published(leader, proposed):
    return listing_services.approve_listing(actor=leader, listing=proposed)


@pytest.fixture
def joint_liaison(db):
    return factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["restrict_qualification"]))


def today():
    return timezone.localdate()


def schedule(*items):
    return [{"due_on": today() + datetime.timedelta(days=days), "amount": amount} for days, amount in items]


def grant(leader, listing, instalments=None, **kwargs):
    kwargs.setdefault("promisor", "debtor")
    kwargs.setdefault("promise", "本人承诺分两期履行全部欠款。")
    kwargs.setdefault("promised_on", today())
    return services.grant_grace(actor=leader, listing=listing,
                                instalments=schedule((10, "10000"), (40, "20000")) if instalments is None else instalments,
                                **kwargs)


def feed(api_for, liaison):
    return api_for(liaison).get("/api/v1/listings/feed/?limit=200").json()["results"]


def grace_actions(grace):
    return list(GraceEvent.objects.filter(grace=grace).order_by("id").values_list("action", flat=True))


def listing_actions(listing):
    return list(ListingEvent.objects.filter(listing=listing).order_by("id").values_list("action", "pushed"))


# ------------------------------------------------------------------------------------------------ acceptance


def test_published_listing_granted_missed_then_resumed_on_confirmation(api_for, clerk, leader, published,
                                                                       joint_liaison):
    assert name_search_queryset("王缓").exists()
    grace = grant(leader, published)
    published.refresh_from_db()
    assert published.state == ListingState.SUSPENDED and grace.was_published
    assert grace.ends_on == services.grace_end(today(), 3) and grace.instalments.count() == 2
    # Suspension pushed with the state suspended; off the public search; restriction order paused.
    entry = feed(api_for, joint_liaison)[-1]
    assert (entry["action"], entry["move"], entry["listing"]["state"]) == ("suspend", "suspend", "suspended")
    assert not name_search_queryset("王缓").exists()
    order = RestrictionOrder.objects.get(listing=published)
    assert order.state == RestrictionState.PAUSED
    assert grace_actions(grace) == ["grant"]

    # The first instalment is missed: the scan records it once and reminds the proposing clerk once.
    first = grace.instalments.get(number=1)
    after_due = first.due_on + DAY
    assert reminders.remind_graces(today=after_due) == {"events": 1, "reminders": 1}
    assert reminders.remind_graces(today=after_due) == {"events": 0, "reminders": 0}
    assert reminders.remind_graces(today=after_due + DAY) == {"events": 0, "reminders": 0}
    missed = GraceEvent.objects.get(grace=grace, action="missed")
    assert missed.data["instalment"] == first.pk and missed.actor is None
    notice = Notification.objects.get(kind="grace_missed")
    assert notice.recipient == clerk and "第1期" in notice.body and str(published.pk) in notice.link

    # The clerk confirms: the grace is broken, the listing resumed today, pushed, public again, order active.
    services.break_grace(actor=clerk, grace=grace, reason="第1期逾期未履行")
    grace.refresh_from_db()
    published.refresh_from_db()
    assert grace.state == GraceState.BROKEN and grace.ended_at is not None
    assert published.state == ListingState.PUBLISHED
    entry = feed(api_for, joint_liaison)[-1]
    assert (entry["action"], entry["listing"]["state"]) == ("resume", "published")
    assert name_search_queryset("王缓").exists()
    order.refresh_from_db()
    assert order.state == RestrictionState.ACTIVE
    assert grace_actions(grace) == ["grant", "missed", "break"]
    assert listing_actions(published) == [("propose", False), ("approve", True), ("suspend", True),
                                          ("resume", True)]
    # A broken grace ends: the scan no longer reminds it.
    assert reminders.remind_graces(today=grace.ends_on + 5 * DAY) == {"events": 0, "reminders": 0}


def test_proposed_listing_granted_is_not_pushed_and_a_break_publishes_it_today(api_for, clerk, leader, proposed,
                                                                               joint_liaison):
    grace = grant(leader, proposed)
    proposed.refresh_from_db()
    assert proposed.state == ListingState.SUSPENDED and not grace.was_published and proposed.published_on is None
    assert feed(api_for, joint_liaison) == []  # a never-published listing's suspension is not pushed
    assert listing_actions(proposed) == [("propose", False), ("suspend", False)]
    assert not RestrictionOrder.objects.exists()
    # It cannot be approved the ordinary way while the grace runs; the message says why.
    with pytest.raises(TransitionNotAllowed) as error:
        listing_services.approve_listing(actor=leader, listing=proposed)
    assert "暂缓惩戒" in error.value.message and "批准发布" in error.value.message

    services.break_grace(actor=clerk, grace=grace, reason="未按期履行")
    proposed.refresh_from_db()
    assert proposed.state == ListingState.PUBLISHED and proposed.published_on == today()
    assert proposed.ends_on == today().replace(year=today().year + 2) and proposed.approved_by == leader
    entries = feed(api_for, joint_liaison)
    assert len(entries) == 1
    assert (entries[0]["action"], entries[0]["listing"]["published_on"]) == ("resume", today().isoformat())
    assert entries[0]["data"]["published_on"] == today().isoformat()
    order = RestrictionOrder.objects.get(listing=proposed)
    assert order.state == RestrictionState.ACTIVE and order.issued_on == today()
    assert grace_actions(grace) == ["grant", "break"]


def test_all_paid_then_fulfilled_concludes_the_case_and_deletes_the_published_listing(api_for, clerk, leader, case,
                                                                                      published, joint_liaison):
    grace = grant(leader, published)
    for instalment in grace.instalments.all():
        with pytest.raises(ApplicationError):  # every instalment must be paid first
            services.fulfil_grace(actor=clerk, grace=grace)
        services.record_payment(actor=clerk, instalment=instalment, paid_on=today(), paid_amount=instalment.amount)
    with pytest.raises(PermissionDenied):  # confirming concludes the case: a clerk's
        services.fulfil_grace(actor=leader, grace=grace)
    services.fulfil_grace(actor=clerk, grace=grace)
    grace.refresh_from_db()
    case.refresh_from_db()
    published.refresh_from_db()
    assert grace.state == GraceState.FULFILLED
    assert case.status == CaseStatus.CONCLUDED and case.performed_amount == case.amount
    assert published.state == ListingState.DELETED and published.deletion_ground == "performed"
    entry = feed(api_for, joint_liaison)[-1]
    assert (entry["action"], entry["legal_ground"]) == ("delete", "performed")
    assert RestrictionOrder.objects.get(listing=published).state == RestrictionState.LIFTED
    assert grace_actions(grace) == ["grant", "pay", "pay", "fulfil"]
    actions = listing_actions(published)
    assert actions[:3] == [("propose", False), ("approve", True), ("suspend", True)]
    assert actions[-1] == ("delete", True) and ("removal_due", False) in actions
    # Nothing more to do: no reminder for a fulfilled grace.
    assert reminders.remind_graces(today=grace.ends_on + 5 * DAY) == {"events": 0, "reminders": 0}


def test_fulfilled_grace_of_a_never_published_listing_deletes_it_without_a_push(api_for, clerk, leader, proposed,
                                                                                 joint_liaison):
    grace = grant(leader, proposed, instalments=schedule((5, "30000")))  # a promise to pay by a date
    services.record_payment(actor=clerk, instalment=grace.instalments.get(), paid_on=today(), paid_amount="30000")
    services.fulfil_grace(actor=clerk, grace=grace)
    proposed.refresh_from_db()
    assert proposed.state == ListingState.DELETED
    assert listing_actions(proposed)[-1] == ("delete", False)
    assert feed(api_for, joint_liaison) == []


# ------------------------------------------------------------------------------------------------ refusals


def test_only_the_courts_leader_grants(clerk, leader, published):
    with pytest.raises(PermissionDenied):
        grant(clerk, published)
    other_leader = factories.LeaderFactory(organisation=factories.CourtFactory())
    with pytest.raises(PermissionDenied):
        grant(other_leader, published)
    published.refresh_from_db()
    assert published.state == ListingState.PUBLISHED and not GraceEvent.objects.exists()


def test_the_grace_is_bounded(leader, published):
    with pytest.raises(ApplicationError) as error:
        grant(leader, published, months=4)
    assert error.value.field == "months" and "1至3个月" in error.value.message
    with pytest.raises(ApplicationError) as error:  # due after the grace's last day
        grant(leader, published, instalments=[{"due_on": services.grace_end(today(), 3) + DAY, "amount": "100"}])
    assert error.value.field == "instalments" and "暂缓届满日" in error.value.message
    with pytest.raises(ApplicationError) as error:  # before the promise
        grant(leader, published, instalments=[{"due_on": today() - DAY, "amount": "100"}],
              promised_on=today() - 3 * DAY)
    assert "不能早于" in error.value.message
    for amount in ("0", "-5", "1.234", "abc"):
        with pytest.raises(ApplicationError):
            grant(leader, published, instalments=schedule((5, amount)))
    with pytest.raises(ApplicationError) as error:  # more than the unperformed amount
        grant(leader, published, instalments=schedule((5, "20000"), (6, "10000.01")))
    assert "超过未履行金额" in error.value.message
    with pytest.raises(ApplicationError):
        grant(leader, published, instalments=schedule(*[(1, "1")] * 37))
    with pytest.raises(ApplicationError):
        grant(leader, published, instalments=[])
    with pytest.raises(ApplicationError):
        grant(leader, published, promise="  ")
    with pytest.raises(ApplicationError):
        grant(leader, published, promised_on=today() + DAY)
    with pytest.raises(ApplicationError):
        grant(leader, published, promisor="neighbour")
    published.refresh_from_db()
    assert published.state == ListingState.PUBLISHED and not GraceEvent.objects.exists()


@override_settings(LINKAGE_GRACE_MAX_MONTHS=6, LINKAGE_GRACE_DEFAULT_MONTHS=2)
def test_default_and_maximum_months_come_from_settings(leader, published):
    grace = grant(leader, published, instalments=schedule((5, "100")))
    assert grace.ends_on == services.grace_end(today(), 2)
    assert services.max_months() == 6


def test_one_running_grace_and_wrong_states(clerk, leader, published):
    grace = grant(leader, published)
    with pytest.raises(ApplicationError) as error:
        grant(leader, published)
    assert "正在执行的暂缓期" in error.value.message
    services.break_grace(actor=clerk, grace=grace, reason="未履行")
    with pytest.raises(TransitionNotAllowed):
        services.break_grace(actor=clerk, grace=grace, reason="再次")
    with pytest.raises(TransitionNotAllowed):
        services.fulfil_grace(actor=clerk, grace=grace)
    with pytest.raises(TransitionNotAllowed):
        services.record_payment(actor=clerk, instalment=grace.instalments.first(), paid_on=today(),
                                paid_amount="10000")
    listing_services.shield_listing(actor=clerk, listing=published, reason="异议")
    with pytest.raises(TransitionNotAllowed) as error:
        grant(leader, published)
    assert "已屏蔽" in error.value.message


def test_payments_are_checked(clerk, leader, published):
    grace = grant(leader, published)
    first = grace.instalments.get(number=1)
    with pytest.raises(ApplicationError) as error:
        services.record_payment(actor=clerk, instalment=first, paid_on=today(), paid_amount="9999.99")
    assert error.value.field == "paid_amount"
    with pytest.raises(ApplicationError):
        services.record_payment(actor=clerk, instalment=first, paid_on=today() + DAY, paid_amount="10000")
    with pytest.raises(PermissionDenied):
        services.record_payment(actor=factories.ClerkFactory(organisation=factories.CourtFactory()),
                                instalment=first, paid_on=today(), paid_amount="10000")
    services.record_payment(actor=clerk, instalment=first, paid_on=today(), paid_amount="10000")
    with pytest.raises(ApplicationError):
        services.record_payment(actor=clerk, instalment=first, paid_on=today(), paid_amount="10000")
    first.refresh_from_db()
    assert first.paid_amount == Decimal("10000.00") and first.recorded_by == clerk
    with pytest.raises(ApplicationError):  # a break needs its reason
        services.break_grace(actor=clerk, grace=grace, reason=" ")
    with pytest.raises(PermissionDenied):
        services.break_grace(actor=factories.ClerkFactory(organisation=factories.CourtFactory()), grace=grace,
                             reason="x")


def test_a_lapsed_grace_is_recorded_and_reminded_once(clerk, leader, published):
    grace = grant(leader, published, instalments=schedule((3, "100")))
    services.record_payment(actor=clerk, instalment=grace.instalments.get(), paid_on=today(), paid_amount="100")
    assert reminders.remind_graces(today=grace.ends_on) == {"events": 0, "reminders": 0}
    assert reminders.remind_graces(today=grace.ends_on + DAY) == {"events": 1, "reminders": 1}
    assert reminders.remind_graces(today=grace.ends_on + 2 * DAY) == {"events": 0, "reminders": 0}
    assert grace_actions(grace) == ["grant", "pay", "lapsed"]
    assert "届满" in Notification.objects.get(kind="grace_missed").title


def test_the_daily_scan_is_on_the_beat_schedule_and_the_task_calls_the_service(settings, clerk, leader, published):
    from blacklist.tasks import remind_graces_task

    entry = settings.CELERY_BEAT_SCHEDULE["grace-reminders"]
    assert entry["task"] == remind_graces_task.name == "blacklist.tasks.remind_graces"
    grace = grant(leader, published)
    assert remind_graces_task() == {"events": 0, "reminders": 0}
    due = grace.instalments.get(number=1).due_on
    with time_machine.travel(datetime.datetime.combine(due + DAY, datetime.time(9)).astimezone(), tick=False):
        assert remind_graces_task() == {"events": 1, "reminders": 1}
        assert remind_graces_task() == {"events": 0, "reminders": 0}


def test_a_suspended_listing_blocks_a_second_proposal_and_a_removed_one_is_not_reminded(clerk, leader, case, proposed):
    grace = grant(leader, proposed)
    with pytest.raises(ApplicationError) as error:  # the suspended listing is still on the list
        listing_services.propose_listing(actor=clerk, debtor=case.parties.get(role="debtor"), ground=3, facts="再次")
    assert "尚未移出" in error.value.message
    listing_services.correct_listing(actor=clerk, listing=proposed, changes={"basis_number": "新文号"}, reason="笔误")
    listing_services.revoke_listing(actor=clerk, listing=proposed, reason="错误纳入")
    # Never published: neither the correction nor the revocation is pushed.
    assert listing_actions(proposed)[-2:] == [("correct", False), ("revoke", False)]
    assert reminders.remind_graces(today=grace.ends_on + DAY) == {"events": 0, "reminders": 0}


def test_fulfilment_of_a_case_with_notices_in_force_needs_the_lifting_ruling(clerk, leader, unit, case, published):
    from assistance.models import NoticeState
    from tests.assistance_factories import served_notice

    notice = served_notice(clerk=clerk, leader=leader, unit=unit, case=case, debtor=published.debtor)
    grace = grant(leader, published, instalments=schedule((5, "30000")))
    services.record_payment(actor=clerk, instalment=grace.instalments.get(), paid_on=today(), paid_amount="30000")
    with pytest.raises(ApplicationError) as error:
        services.fulfil_grace(actor=clerk, grace=grace)
    assert error.value.field == "lifting_ruling_number"
    grace.refresh_from_db()
    case.refresh_from_db()
    assert grace.state == GraceState.GRANTED and case.status == CaseStatus.IN_PROGRESS and case.performed_amount == 0
    services.fulfil_grace(actor=clerk, grace=grace, lifting_ruling_number="（2026）粤0103执777号之一")
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTING


def test_a_grace_whose_listing_left_the_list_takes_no_more_payments(clerk, leader, case, published):
    """The grace ended with its revoked listing: what the debtor pays now is the case's business, not the grace's."""
    grace = grant(leader, published, instalments=schedule((5, "30000")))
    listing_services.revoke_listing(actor=clerk, listing=published, reason="错误纳入")
    with pytest.raises(TransitionNotAllowed) as error:  # nothing to resume
        services.break_grace(actor=clerk, grace=grace, reason="未履行")
    assert "名单已移出，暂缓终止" in error.value.message
    with pytest.raises((ApplicationError, TransitionNotAllowed)):
        services.record_payment(actor=clerk, instalment=grace.instalments.get(), paid_on=today(), paid_amount="30000")
    with pytest.raises(TransitionNotAllowed):
        services.fulfil_grace(actor=clerk, grace=grace)
    grace.refresh_from_db()
    published.refresh_from_db()
    assert grace.state == GraceState.ENDED and published.state == ListingState.REVOKED
    assert not grace.instalments.filter(paid_on__isnull=False).exists()


@pytest.mark.parametrize("leave", ["revoke", "delete"])
def test_a_grace_ends_when_its_listing_leaves_the_list_otherwise(clerk, leader, published, leave):
    """Revoked as listed in error, or deleted on another ground, during a grace: the grace ends with the listing
    (its own event), the reminder scan no longer sees it and neither confirmation can be made."""
    grace = grant(leader, published)
    listing = published
    listing.refresh_from_db()
    if leave == "revoke":
        listing_services.revoke_listing(actor=clerk, listing=listing, reason="身份信息错误，错误纳入。")
    else:
        listing_services.delete_listing(actor=clerk, listing=listing, ground="terminated", arose_on=today())
    grace.refresh_from_db()
    assert grace.state == GraceState.ENDED and grace.ended_at is not None
    end = GraceEvent.objects.filter(grace=grace).last()
    assert (end.action, end.from_state, end.to_state, end.data) == ("end", "granted", "ended",
                                                                    {"listing_action": leave})
    assert end.action_display == "随名单移出终止"
    with pytest.raises(TransitionNotAllowed):
        services.break_grace(actor=clerk, grace=grace, reason="未按期履行")
    with time_machine.travel(datetime.datetime.combine(today() + 60 * DAY, datetime.time(10)), tick=False):
        reminders.remind_graces()
    assert not GraceEvent.objects.filter(grace=grace, action="missed").exists()


def test_a_grace_is_not_ended_by_moves_that_keep_the_listing_on_the_list(clerk, leader, published):
    grace = grant(leader, published)
    published.refresh_from_db()
    listing_services.correct_listing(actor=clerk, listing=published, changes={"facts": "隐匿财产"}, reason="笔误")
    grace.refresh_from_db()
    assert grace.state == GraceState.GRANTED
