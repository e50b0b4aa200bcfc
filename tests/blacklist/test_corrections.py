"""Correction requests (纠错): reviewed within 15 days, reconsideration asked within 10 days."""

import datetime

import pytest

from blacklist.corrections import services as corrections
from blacklist.listings import services
from blacklist.models import ListingState
from cases import services as case_services
from linkage.errors import ApplicationError, TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(clerk, leader):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执800号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初8号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": "44010319850615123X"}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    return services.approve_listing(actor=leader, listing=listing)


def test_review_deadline_is_15_days_rolling_past_a_holiday(clerk, listing):
    # Received 2026-09-16: 15 days end on 10-01, a National Day holiday → the next working day, 10-08.
    request = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张伟",
                                                  content="身份证号码有误", received_on=datetime.date(2026, 9, 16))
    assert request.due_on == datetime.date(2026, 10, 8)


def test_answered_on_time_and_late(clerk, listing):
    on_time = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张伟", content="姓名有误",
                                                  received_on=datetime.date(2026, 11, 2))
    corrections.decide_correction_request(actor=clerk, request=on_time, corrected=True, reason="核实属实",
                                       changes={"name": "张玮"}, decided_on=datetime.date(2026, 11, 10))
    on_time.refresh_from_db()
    listing.refresh_from_db()
    assert on_time.answered_on_time and listing.name == "张玮"
    assert listing.events.filter(action="correct", pushed=True).exists()
    late = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张玮", content="未履行金额有误",
                                               received_on=datetime.date(2026, 10, 1))
    corrections.decide_correction_request(actor=clerk, request=late, corrected=False, reason="经核实无误",
                                       decided_on=datetime.date(2026, 11, 20))
    late.refresh_from_db()
    assert late.answered_on_time is False
    with pytest.raises(TransitionNotAllowed):
        corrections.decide_correction_request(actor=clerk, request=late, corrected=True, reason="再议")


def test_upheld_request_without_changes_revokes_the_listing(clerk, listing):
    request = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张伟", content="不应纳入")
    corrections.decide_correction_request(actor=clerk, request=request, corrected=True, reason="不符合条件")
    listing.refresh_from_db()
    assert listing.state == ListingState.REVOKED


def test_reconsideration_within_ten_days(clerk, listing):
    request = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张伟", content="x",
                                                  received_on=datetime.date(2026, 11, 2))
    with pytest.raises(ApplicationError):
        corrections.decide_correction_request(actor=clerk, request=request, corrected=False, reason="")
    corrections.decide_correction_request(actor=clerk, request=request, corrected=False, reason="无误",
                                       decided_on=datetime.date(2026, 11, 5))
    with pytest.raises(ApplicationError) as error:
        corrections.request_reconsideration(actor=clerk, request=request, requested_on=datetime.date(2026, 11, 17))
    assert "十日内" in error.value.message
    corrections.request_reconsideration(actor=clerk, request=request, requested_on=datetime.date(2026, 11, 16))
    request.refresh_from_db()
    assert request.reconsideration_due_on == datetime.date(2026, 12, 1)
