"""Each meetings table gives each role exactly the moves it may make, in a few states: the committee of the
jurisdiction manages, the proposing unit withdraws its own item, the responsible unit replies, the court's clerk
sends its report; a committee reviewer of another jurisdiction, and anybody else, gets none."""

import pytest

from meetings.machines import DECISION, ITEM, MEETING, REPORT
from meetings.models import (
    AgendaItem,
    AnnualReport,
    Decision,
    DecisionState,
    ItemState,
    Meeting,
    MeetingState,
    ReportState,
)
from tests import factories


@pytest.fixture
def people(court, clerk, leader, committee_user, unit, liaison, other_liaison):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    return {"committee": committee_user, "stranger": stranger, "clerk": clerk, "leader": leader,
            "liaison": liaison, "other_liaison": other_liaison}


def actions(machine, people, row):
    return {name: machine.actions_for(user, row) for name, user in people.items()}


@pytest.mark.parametrize("state, committee", [
    (MeetingState.DRAFT, ["update", "attendance_added", "attendance_changed", "attendance_removed", "item_accepted",
                          "schedule", "cancel"]),
    (MeetingState.SCHEDULED, ["update", "attendance_added", "attendance_changed", "attendance_removed",
                              "item_accepted", "hold", "cancel"]),
    (MeetingState.HELD, ["attendance_added", "attendance_changed", "decision_added", "summary_updated", "publish"]),
    (MeetingState.PUBLISHED, []),
    (MeetingState.CANCELLED, []),
])
def test_only_the_committee_of_the_jurisdiction_moves_a_meeting(people, court, state, committee):
    meeting = Meeting(jurisdiction_id=court.jurisdiction_id, state=state)
    assert actions(MEETING, people, meeting) == {
        "committee": committee, "stranger": [], "clerk": [], "leader": [], "liaison": [], "other_liaison": [],
    }


@pytest.mark.parametrize("state, committee, proposer", [
    (ItemState.PROPOSED, ["accept", "decline"], ["notice_linked", "withdraw"]),
    (ItemState.ACCEPTED, ["discuss", "release"], ["notice_linked"]),
    (ItemState.DISCUSSED, [], []),
    (ItemState.DECLINED, [], []),
])
def test_an_item_is_decided_by_the_committee_and_withdrawn_by_its_proposer(people, court, unit, state, committee,
                                                                           proposer):
    item = AgendaItem(jurisdiction_id=court.jurisdiction_id, proposing_organisation=unit, state=state)
    assert actions(ITEM, people, item) == {
        "committee": committee, "stranger": [], "clerk": [], "leader": [], "liaison": proposer, "other_liaison": [],
    }


@pytest.mark.parametrize("state, committee, unit_moves", [
    (DecisionState.OPEN, ["cancel"], ["reply"]),
    (DecisionState.REPLIED, ["complete", "send_back"], []),
    (DecisionState.DONE, [], []),
    (DecisionState.CANCELLED, [], []),
])
def test_a_decision_is_answered_by_its_unit_and_followed_up_by_the_committee(people, court, unit, state, committee,
                                                                             unit_moves):
    meeting = Meeting(jurisdiction_id=court.jurisdiction_id, state=MeetingState.PUBLISHED)
    decision = Decision(meeting=meeting, responsible_unit=unit, state=state)
    assert actions(DECISION, people, decision) == {
        "committee": committee, "stranger": [], "clerk": [], "leader": [], "liaison": unit_moves,
        "other_liaison": [],
    }


def test_a_court_answers_its_own_decisions_through_its_clerks(people, court):
    meeting = Meeting(jurisdiction_id=court.jurisdiction_id, state=MeetingState.PUBLISHED)
    decision = Decision(meeting=meeting, responsible_unit=court, state=DecisionState.OPEN)
    assert actions(DECISION, people, decision)["clerk"] == ["reply"]
    assert actions(DECISION, people, decision)["leader"] == []


@pytest.mark.parametrize("state, clerk_moves", [
    (ReportState.DRAFT, ["edit", "regenerate", "send"]),
    (ReportState.SENT, []),
])
def test_the_report_is_the_clerks_of_its_court(people, court, state, clerk_moves):
    report = AnnualReport(court=court, state=state)
    other_court = factories.CourtFactory(code="other-court", name="另一法院", short_name="另院")
    assert actions(REPORT, people, report) == {
        "committee": [], "stranger": [], "clerk": clerk_moves, "leader": [], "liaison": [], "other_liaison": [],
    }
    assert REPORT.actions_for(factories.ClerkFactory(organisation=other_court), report) == []
