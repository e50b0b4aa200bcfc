"""Listing rules of 法释〔2017〕7号: minors, ground 1 refusals, periods, deletion deadlines, expiry, the feed events."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from blacklist.listings import services
from blacklist.models import Listing, ListingEvent, ListingState
from cases import services as case_services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ADULT = "44010319850615123X"
MINOR = "440103201003014561"  # born 2010-03-01
LEAP = "440103200802290015"  # born 2008-02-29


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执555号", amount="200000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初88号", filed_on="2026-01-05", obligation="给付货款200000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "张伟", "id_number": ADULT},
            {"kind": "person", "name": "小明", "id_number": MINOR},
            {"kind": "person", "name": "闰生", "id_number": LEAP},
            {"kind": "organisation", "name": "某某贸易有限公司", "credit_code": "91110000600037341L",
             "legal_representative": "李四"},
        ],
    )


def debtor(case, name):
    return case.parties.get(name=name)


def test_published_fields_are_filled_from_the_case(clerk, case):
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="转移财产",
                                       decided_on=datetime.date(2026, 11, 24))
    assert (listing.name, listing.id_number, listing.sex, listing.age) == ("张伟", ADULT, "男", 41)
    assert listing.case_number == "（2026）粤0103执555号" and listing.unperformed_amount == 200000
    organisation = services.propose_listing(actor=clerk, debtor=debtor(case, "某某贸易有限公司"), ground=2,
                                            facts="伪造证据")
    assert (organisation.credit_code, organisation.legal_representative, organisation.age) == (
        "91110000600037341L", "李四", None)


def test_a_minor_on_the_decision_date_is_refused(clerk, case):
    with pytest.raises(ApplicationError) as error:
        services.propose_listing(actor=clerk, debtor=debtor(case, "小明"), ground=3, facts="x")
    assert "未满十八周岁" in error.value.message
    # Born 29 February 2008: still 17 on 28 February 2026, 18 on 1 March.
    with pytest.raises(ApplicationError):
        services.propose_listing(actor=clerk, debtor=debtor(case, "闰生"), ground=3, facts="x",
                                 decided_on=datetime.date(2026, 2, 28))
    services.propose_listing(actor=clerk, debtor=debtor(case, "闰生"), ground=3, facts="x",
                             decided_on=datetime.date(2026, 3, 1))
    assert Listing.objects.count() == 1


@pytest.mark.parametrize("refusal", ["security_covers_debt", "frozen_property_covers_debt",
                                     "later_in_performance_order"])
def test_ground_one_refusals(clerk, case, refusal):
    with pytest.raises(ApplicationError) as error:
        services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=1, facts="有能力不履行",
                                 **{refusal: True})
    assert "不得以第一项情形" in error.value.message
    assert not Listing.objects.exists()
    # The same facts under ground 3 are not barred by these rules.
    services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="转移财产", **{refusal: True})


def test_periods(clerk, leader, case):
    with pytest.raises(ApplicationError):
        services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=1, facts="x", period_years=2)
    with pytest.raises(ApplicationError):
        services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x", period_years=6)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="转移财产")
        services.approve_listing(actor=leader, listing=listing)
    listing.refresh_from_db()
    assert (listing.state, listing.published_on, listing.ends_on) == (
        ListingState.PUBLISHED, datetime.date(2026, 3, 2), datetime.date(2028, 3, 2))
    extended = services.propose_listing(actor=clerk, debtor=debtor(case, "某某贸易有限公司"), ground=2, facts="暴力抗法",
                                        period_years=5)
    assert extended.period_years == 5
    no_period = services.propose_listing(actor=clerk, debtor=debtor(case, "闰生"), ground=1, facts="拒不履行")
    services.approve_listing(actor=leader, listing=no_period)
    no_period.refresh_from_db()
    assert no_period.ends_on is None


def test_only_a_leader_of_the_court_approves(clerk, case):
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x")
    for actor in (clerk, factories.LeaderFactory()):
        with pytest.raises(PermissionDenied):
            services.approve_listing(actor=actor, listing=listing)
    listing.refresh_from_db()
    assert listing.state == ListingState.PROPOSED


def test_deletion_deadline_counts_working_days_across_the_holiday(clerk, leader, case):
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x")
    services.approve_listing(actor=leader, listing=listing)
    # Performed on 2026-09-30: 3 working days are 10-08, 10-09 and the make-up Saturday 10-10.
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, tzinfo=SH), tick=False):
        services.delete_listing(actor=clerk, listing=listing, ground="performed", arose_on=datetime.date(2026, 9, 30))
    listing.refresh_from_db()
    assert listing.removal_due_at == datetime.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SH)
    event = listing.events.get(action="delete")
    assert event.pushed and event.data["on_time"] is False  # done on Monday 10-12: late


def test_wrong_moves_are_refused(clerk, leader, case):
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x")
    with pytest.raises(TransitionNotAllowed) as error:
        services.delete_listing(actor=clerk, listing=listing, ground="performed", arose_on=datetime.date(2026, 1, 1))
    assert error.value.state == "proposed"
    with pytest.raises(ApplicationError):
        services.delete_listing(actor=clerk, listing=listing, ground="nonsense", arose_on=datetime.date(2026, 1, 1))


def test_expiry_is_run_by_the_periodic_function(clerk, leader, case):
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, tzinfo=SH), tick=False):
        listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x",
                                           decided_on=datetime.date(2024, 3, 4))
        services.approve_listing(actor=leader, listing=listing)
    assert services.expire_due_listings(datetime.date(2026, 3, 4)) == 0  # the last day of the period
    assert services.expire_due_listings(datetime.date(2026, 3, 5)) == 1
    assert services.expire_due_listings(datetime.date(2026, 3, 6)) == 0
    listing.refresh_from_db()
    assert listing.state == ListingState.EXPIRED and listing.events.get(action="expire").pushed


def test_every_move_units_must_know_is_a_pushed_event_in_order(clerk, leader, case):
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x")
    services.approve_listing(actor=leader, listing=listing)
    services.correct_listing(actor=clerk, listing=listing, changes={"name": "张伟伟"}, reason="姓名录入错误")
    services.shield_listing(actor=clerk, listing=listing, reason="当事人异议核实中")
    services.unshield_listing(actor=clerk, listing=listing, reason="核实无误")
    services.revoke_listing(actor=clerk, listing=listing, reason="不符合纳入条件")
    pushed = list(ListingEvent.objects.filter(pushed=True).values_list("action", flat=True))
    assert pushed == ["approve", "correct", "shield", "unshield", "revoke"]
    assert list(ListingEvent.objects.filter(pushed=False).values_list("action", flat=True)) == ["propose"]


def test_correcting_a_proposed_listing_is_recorded_but_not_pushed(clerk, leader, case):
    """Units never received a listing that was only proposed, so there is nothing wrong for them to correct."""
    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="x")
    services.correct_listing(actor=clerk, listing=listing, changes={"name": "张伟伟"}, reason="姓名录入错误")
    correction = listing.events.get(action="correct")
    assert not correction.pushed and correction.data["after"] == {"name": "张伟伟"}
    services.approve_listing(actor=leader, listing=listing)
    assert list(ListingEvent.objects.filter(pushed=True).values_list("action", flat=True)) == ["approve"]


def test_a_ground_arising_starts_the_removal_clock_reminds_and_shows_breaches(clerk, leader, case, client_for):
    from django.urls import reverse

    from cases.models import CaseStatus
    from linkage.models import Notification

    listing = services.propose_listing(actor=clerk, debtor=debtor(case, "张伟"), ground=3, facts="转移财产")
    services.approve_listing(actor=leader, listing=listing)
    with time_machine.travel(datetime.datetime(2026, 9, 30, 10, tzinfo=SH), tick=False):
        case_services.update_case(actor=clerk, case=case, performed_amount="200000")
    listing.refresh_from_db()
    assert listing.deletion_ground == "performed" and listing.ground_arose_on == datetime.date(2026, 9, 30)
    assert listing.removal_due_at == datetime.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SH)
    assert listing.state == ListingState.PUBLISHED  # the court still has to delete it
    # The priority queue's one reminder rule: the clerk once the deletion is due within a working day (10-09, the
    # next working day being the make-up Saturday 10-10), once.
    from blacklist.corrections.reminders import remind_priority_queue

    with time_machine.travel(datetime.datetime(2026, 10, 9, 9, tzinfo=SH), tick=False):
        assert remind_priority_queue() == 1 and remind_priority_queue() == 0
    assert Notification.objects.get(kind="listing_removal").recipient == clerk
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, tzinfo=SH), tick=False):
        page = client_for(leader).get(reverse("home")).content.decode()
    # The leader's home: the deletion is on the credit-error queue, overdue (red, counted).
    assert "信用纠错优先办理" in page and "逾期 1" in page and "延迟解除" in page
    # A second ground does not move the clock.
    case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED, reason="已全部履行")
    listing.refresh_from_db()
    assert listing.ground_arose_on == datetime.date(2026, 9, 30)
