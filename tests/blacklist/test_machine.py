"""The listing's table says who may make which move: `LISTING_MACHINE.actions_for` offers each role exactly its
moves in each state (the pages' buttons and the API's `actions` come from it), and the correction request's table
does the same for its decisions."""

import datetime

import pytest

from blacklist.models import CORRECTION_MACHINE, LISTING_MACHINE, CorrectionRequest, CorrectionState, Listing
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db

STAFF_MOVES = {
    "proposed": ["withdraw", "correct"],
    "published": ["shield", "delete", "revoke", "correct"],
    "shielded": ["unshield", "delete", "revoke", "correct"],
    "deleted": [],
    "revoked": [],
    "expired": [],
    "withdrawn": [],
}


def listing_in(state, court):
    return Listing(state=state, court=court)  # the table reads the state and the court only


@pytest.mark.parametrize("state", list(STAFF_MOVES))
def test_each_role_of_the_court_is_offered_exactly_its_moves(court, clerk, leader, state):
    listing = listing_in(state, court)
    assert LISTING_MACHINE.actions_for(clerk, listing) == STAFF_MOVES[state]
    # The leader approves, and as court staff makes the clerk's moves too.
    approve = ["approve"] if state == "proposed" else []
    assert LISTING_MACHINE.actions_for(leader, listing) == approve + STAFF_MOVES[state]


@pytest.mark.parametrize("state", ["proposed", "published", "shielded"])
def test_nobody_outside_the_court_is_offered_a_move(court, committee_user, liaison, state):
    listing = listing_in(state, court)
    other_court = factories.CourtFactory(jurisdiction=court.jurisdiction)
    other_leader = factories.LeaderFactory(organisation=other_court)
    other_clerk = factories.ClerkFactory(organisation=other_court)
    for user in (other_leader, other_clerk, committee_user, liaison):
        assert LISTING_MACHINE.actions_for(user, listing) == []


def test_expiry_is_never_offered_to_a_user(court, leader):
    published = listing_in("published", court)
    assert LISTING_MACHINE.allows(published, "expire")
    assert "expire" not in LISTING_MACHINE.actions_for(leader, published)


def test_the_table_names_every_step_of_the_history():
    assert [LISTING_MACHINE.label(action) for action in ("propose", "approve", "correct", "removal_due")] == [
        "提请纳入", "批准发布", "更正", "出现删除事由"]


def test_a_correction_request_is_decided_once_and_reconsidered_once(court, clerk, leader):
    listing = listing_in("published", court)
    request = CorrectionRequest(listing=listing, state=CorrectionState.PENDING)
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=court.jurisdiction))
    assert CORRECTION_MACHINE.actions_for(clerk, request) == ["correct", "reject"]
    assert CORRECTION_MACHINE.actions_for(leader, request) == ["correct", "reject"]
    assert CORRECTION_MACHINE.actions_for(other_clerk, request) == []
    request.state = CorrectionState.REJECTED
    assert CORRECTION_MACHINE.actions_for(clerk, request) == ["reconsider"]
    request.reconsideration_requested_on = datetime.date(2026, 11, 2)
    # Asked once: what is left is recording the higher court's decision, once.
    assert CORRECTION_MACHINE.actions_for(clerk, request) == ["uphold", "reverse"]
    assert CORRECTION_MACHINE.actions_for(other_clerk, request) == []
    request.reconsideration_decided_on = datetime.date(2026, 11, 10)
    assert CORRECTION_MACHINE.actions_for(clerk, request) == []
    # Reversed: pending again, to be corrected, not rejected again.
    request.state = CorrectionState.PENDING
    assert CORRECTION_MACHINE.actions_for(clerk, request) == ["correct"]
    # An error the court found itself is never taken to reconsideration.
    found = CorrectionRequest(listing=listing, state=CorrectionState.REJECTED, found_by_court=True)
    assert CORRECTION_MACHINE.actions_for(clerk, found) == []
    request.state = CorrectionState.CORRECTED
    assert CORRECTION_MACHINE.actions_for(clerk, request) == []


def test_the_api_offers_the_callers_moves(api_for, clerk, leader, committee_user):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执778号", amount="80000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初98号", filed_on="2026-01-05", obligation="给付货款80000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": "44010319850615123X"}],
    )
    body = {"debtor": case.parties.get(name="张伟").pk, "ground": 3, "facts": "转移财产规避执行"}
    created = api_for(clerk).post("/api/v1/listings/", body, format="json").json()
    assert created["actions"] == ["withdraw", "correct"]
    path = f"/api/v1/listings/{created['id']}/"
    assert api_for(leader).get(path).json()["actions"] == ["approve", "withdraw", "correct"]
    assert api_for(committee_user).get(path).json()["actions"] == []
    published = api_for(leader).post(f"{path}approve/", {}, format="json").json()
    assert published["actions"] == ["shield", "delete", "revoke", "correct"]
