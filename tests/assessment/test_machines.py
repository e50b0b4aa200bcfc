"""The assessment's table gives each role exactly the moves it may make, in each state: the administrator edits the
criteria while preparing; the court scores, nominates and submits; the committee reviews, decides and finalises; a
committee (or court) of another jurisdiction, and a unit's liaison, get none."""

import pytest

from assessment.machines import ASSESSMENT, NOMINATION
from assessment.models import Assessment, AssessmentState, Nomination, NominationState
from tests import factories


@pytest.fixture
def people(court, clerk, leader, committee_user, admin_user, liaison):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    return {
        "admin": admin_user, "clerk": clerk, "leader": leader, "committee": committee_user, "liaison": liaison,
        "stranger": factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere)),
        "other_court": factories.ClerkFactory(organisation=factories.CourtFactory(
            code="elsewhere-court", name="别处法院", short_name="别院", jurisdiction=elsewhere)),
    }


NOBODY_ELSE = {"liaison": [], "stranger": [], "other_court": []}
COURT_SCORING = ["score_entered", "nomination_proposed", "nomination_withdrawn", "submit"]
COMMITTEE_REVIEW = ["return", "score_adjusted", "nomination_approved", "nomination_rejected", "finalise"]


@pytest.mark.parametrize("state, admin, court_moves, committee", [
    (AssessmentState.PREPARING, ["criteria_updated"], ["start_scoring"], []),
    (AssessmentState.SCORING, [], COURT_SCORING, []),
    (AssessmentState.SUBMITTED, [], ["nomination_proposed", "nomination_withdrawn"], COMMITTEE_REVIEW),
    (AssessmentState.FINALISED, [], [], ["reopen"]),
])
def test_each_role_gets_exactly_its_moves(people, court, state, admin, court_moves, committee):
    assessment = Assessment(jurisdiction_id=court.jurisdiction_id, year=2026, state=state)
    assert {name: ASSESSMENT.actions_for(user, assessment) for name, user in people.items()} == {
        "admin": admin, "clerk": court_moves, "leader": court_moves, "committee": committee, **NOBODY_ELSE,
    }


@pytest.mark.parametrize("state, court_moves, committee", [
    (NominationState.PROPOSED, ["withdraw"], ["approve", "reject"]),
    (NominationState.APPROVED, [], []),
    (NominationState.WITHDRAWN, [], []),
])
def test_a_nomination_is_withdrawn_by_the_court_and_decided_by_the_committee(people, court, state, court_moves,
                                                                             committee):
    nomination = Nomination(assessment=Assessment(jurisdiction_id=court.jurisdiction_id, year=2026), state=state)
    assert {name: NOMINATION.actions_for(user, nomination) for name, user in people.items()} == {
        "admin": [], "clerk": court_moves, "leader": court_moves, "committee": committee, **NOBODY_ELSE,
    }
