"""A fair scoreboard, on a constructed year (2026) judged on Thursday 3 December 2026:

- `unit` (the police, who did the work): one inquiry of March answered late, one of 2 December still within its time
  (neither signed for nor answered yet), and one the court withdrew after an upheld review suggestion;
- `other_unit`: no notice at all in the year;
- `third_unit`: a single notice served on 2 December, not yet due.

A unit with no notices is not ranked (let alone first); an item not yet due costs nothing; withdrawn notices are
left out; finalising before the year's end is refused without an explicit confirmation that says how many items
are still open (service, page form, API); the committee's adjustment form starts on no criterion; the annual
report's on-time rate follows the same rule (`assistance.querysets.rated_condition`)."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessment import services
from assessment.board import build_board
from assessment.metrics import compute_metrics, notices_behind
from assessment.models import AssessmentState, ScoreboardVersion, ScoreEntry
from assessment.selectors import row_of
from assistance import services as notice_services
from assistance.models import Notice
from linkage.errors import ApplicationError
from meetings.reports import annual_figures, report_text

from .conftest import at

pytestmark = pytest.mark.django_db

YEAR = 2026
NOW = at(2026, 12, 3, 12)  # Thursday 3 December 2026, noon


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def year_2026(now, notices, unit, third_unit, clerk):
    liaison = notices.liaison(unit)
    late = notices.notice(unit, at(2026, 3, 2), acknowledged=at(2026, 3, 2, 11), replied=at(2026, 3, 12))
    withdrawn = notices.notice(unit, at(2026, 4, 7))
    with time_machine.travel(at(2026, 4, 7, 11), tick=False):
        suggestion = notice_services.raise_review_suggestion(actor=liaison, notice=withdrawn, reason="非本单位职责")
        notice_services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=True,
                                                 resolution="withdrawn", reason="成立")
    withdrawn.refresh_from_db()
    assert withdrawn.state == "withdrawn"
    # Served Wed 2 Dec: to be signed for by Thu 3 Dec (today), answered by Mon 7 Dec (3 working days).
    pending = notices.notice(unit, at(2026, 12, 2, 10))
    third = notices.notice(third_unit, at(2026, 12, 2, 10))
    return {"late": late, "withdrawn": withdrawn, "pending": pending, "third": third}


@pytest.fixture
def assessment(clerk, court):
    return services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)


def board(assessment, as_of=None):
    return build_board(assessment.jurisdiction, YEAR, assessment, as_of=as_of or NOW)


def test_a_unit_with_no_notices_is_not_ranked_first(year_2026, assessment, unit, other_unit, third_unit):
    data = board(assessment)
    rows = {row["unit"]["id"]: row for row in data["rows"]}
    police, idle, newcomer = rows[unit.pk], rows[other_unit.pk], rows[third_unit.pk]
    # The idle unit loses nothing anywhere (100) and the police lost points, yet the police are first.
    assert idle["total"] == "100.00" and Decimal(police["total"]) < 100
    assert data["rows"][0]["unit"]["id"] == unit.pk and police["rank"] == 1
    assert (idle["rank"], idle["standing"], idle["standing_display"]) == (None, "no_notices", "无协助任务")
    assert (newcomer["rank"], newcomer["standing"], newcomer["standing_display"]) == (None, "none_due", "暂无到期任务")
    # Unranked units follow the ranked ones, and stay out of the average.
    assert [row["rank"] for row in data["rows"]][1:] == [None, None]
    assert data["average_total"] == police["total"]
    assert "均不参加排名" in data["ranking_rule"]


def test_an_item_not_yet_due_costs_nothing(year_2026, assessment, unit):
    metrics = compute_metrics([unit.pk], YEAR, as_of=NOW)[unit.pk]
    # Received: the late one and the pending one (the withdrawn one is not counted).
    assert metrics["received"] == 2
    # The pending notice is within its time to be signed for (today) and to be answered (Mon 7 Dec): not judged.
    assert metrics["ack_due"] == 1 and metrics["acknowledged_in_time"] == 1
    assert metrics["assessed"] == 1 and metrics["replied_on_time"] == 0
    scores = row_of(board(assessment), unit.pk)["scores"]
    assert scores["ack_in_time"]["points"] == "10.00"  # 1 of 1 due
    assert scores["no_escalation"]["points"] == "5.00"
    assert scores["reply_on_time"]["points"] == "0.00"  # the late one: 0 of 1
    assert scores["reply_complete"]["points"] == "15.00"  # 1 of 1 due, answered

    # The next day (Fri 4 Dec, evening) the time to sign for it has run out: now it counts, and costs.
    friday = at(2026, 12, 4, 18)
    later = compute_metrics([unit.pk], YEAR, as_of=friday)[unit.pk]
    assert later["ack_due"] == 2 and later["assessed"] == 1
    assert row_of(board(assessment, friday), unit.pk)["scores"]["ack_in_time"]["points"] == "5.00"
    # Tue 8 Dec: the answer is overdue, so it counts toward the reply rates too.
    tuesday = at(2026, 12, 8, 9)
    assert compute_metrics([unit.pk], YEAR, as_of=tuesday)[unit.pk]["assessed"] == 2


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_withdrawn_notices_are_left_out_and_both_engines_follow_the_one_rule(year_2026, unit, third_unit, clerk,
                                                                            engine):
    received = set(notices_behind("received", unit.pk, YEAR, as_of=NOW, engine=engine).values_list("pk", flat=True))
    assert year_2026["withdrawn"].pk not in received
    # "Counts toward a rate" is one definition: the metrics' 应回复 equals `Notice.objects.rated()`.
    for each in (unit, third_unit):
        for moment in (NOW, at(2026, 12, 8, 9)):
            assessed = set(notices_behind("assessed", each.pk, YEAR, as_of=moment, engine=engine)
                           .values_list("pk", flat=True))
            rated = set(Notice.objects.filter(unit=each, served_at__year=YEAR).rated(moment)
                        .values_list("pk", flat=True))
            assert assessed == rated


def advance_to_review(assessment, clerk, leader):
    services.start_scoring(actor=clerk, assessment=assessment)
    services.submit_scores(actor=leader, assessment=assessment)


def test_early_finalisation_needs_a_confirmation_that_says_what_is_open(year_2026, assessment, clerk, leader,
                                                                       committee_user):
    advance_to_review(assessment, clerk, leader)
    early = services.early_finalisation(assessment)
    assert early == {"notices": 2, "decisions": 0, "total": 2, "year_end": "2026年12月31日"}
    with pytest.raises(ApplicationError, match="仍有2项事项未办结（通知书2件、会议议定事项0项）") as refused:
        services.finalise(actor=committee_user, assessment=assessment, reason="年底审定")
    assert refused.value.field == "confirm_early"
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED and not ScoreboardVersion.objects.exists()

    services.finalise(actor=committee_user, assessment=assessment, reason="年底审定", confirm_early=True)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.FINALISED
    event = assessment.events.get(action="finalise")
    assert event.data["early"] == {"notices": 2, "decisions": 0, "total": 2}


def test_after_the_year_no_confirmation_is_needed(year_2026, assessment, clerk, leader, committee_user):
    advance_to_review(assessment, clerk, leader)
    with time_machine.travel(at(2027, 1, 4, 9), tick=False):
        assert services.early_finalisation(assessment) is None
        services.finalise(actor=committee_user, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.FINALISED
    assert "early" not in assessment.events.get(action="finalise").data


def test_the_page_asks_for_the_confirmation(year_2026, assessment, clerk, leader, committee_user, client_for,
                                            other_unit):
    advance_to_review(assessment, clerk, leader)
    client = client_for(committee_user)
    page = client.get(reverse("assessment:board", args=[YEAR])).content.decode()
    assert 'name="confirm_early"' in page and "仍有2项事项未办结" in page
    assert "无协助任务" in page and "暂无到期任务" in page and "排名规则" in page
    url = reverse("assessment:move", args=[YEAR, "finalise"])
    refused = client.post(url, {"reason": "审定"}, follow=True).content.decode()
    assert "确需提前定稿的，请勾选确认后再定稿" in refused
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    client.post(url, {"reason": "审定", "confirm_early": "1"})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.FINALISED


def test_the_api_asks_for_the_confirmation(year_2026, assessment, clerk, leader, committee_user, api_for,
                                           other_unit):
    advance_to_review(assessment, clerk, leader)
    api = api_for(committee_user)
    url = f"/api/v1/assessments/{YEAR}/finalise/"
    refused = api.post(url, {"reason": "审定"}, format="json")
    assert refused.status_code == 400 and "仍有2项事项未办结" in str(refused.json())
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    done = api.post(url, {"reason": "审定", "confirm_early": True}, format="json")
    assert done.status_code == 200 and done.json()["final"] is True
    rows = {row["unit"]["id"]: row for row in done.json()["rows"]}
    assert [row["rank"] for row in done.json()["rows"]][1:] == [None, None]
    assert {row["standing"] for row in rows.values()} == {"ranked", "no_notices", "none_due"}


def test_the_adjustment_form_starts_on_no_criterion(year_2026, assessment, clerk, leader, committee_user, unit,
                                                    client_for):
    advance_to_review(assessment, clerk, leader)
    client = client_for(committee_user)
    page = client.get(reverse("assessment:unit", args=[YEAR, unit.pk])).content.decode()
    assert '<option value="" selected>（请选择考评项目）</option>' in page
    response = client.post(reverse("assessment:score", args=[YEAR, unit.pk]), {"points": "3", "reason": "调整"})
    assert response.status_code == 400 and "请选择考评项目" in response.content.decode()
    assert not ScoreEntry.objects.filter(assessment=assessment).exists()


def test_the_annual_report_follows_the_same_rule(year_2026, court, unit, third_unit):
    figures = annual_figures(court, YEAR, now=NOW)
    notices = figures["notices"]
    # Served 4 (incl. the withdrawn one); only the late one counts toward the rate: 0 on time of 1.
    assert (notices["total"], notices["withdrawn"], notices["rated"]) == (4, 1, 1)
    assert (notices["replied"], notices["on_time"], notices["late"], notices["overdue"]) == (1, 0, 1, 0)
    assert notices["on_time_rate"] == "0.0%"
    by_unit = {row["name"]: row for row in figures["by_unit"]}
    assert by_unit[third_unit.name]["on_time_rate"] == "—"  # nothing due yet: no rate, not 0%
    assert by_unit[unit.name]["rated"] == 1
    text = report_text(court, YEAR, figures)
    assert "（其中撤回1份）" in text and "已到办理期限或已回复的1份中按期回复率0.0%" in text
    # The same notices as the scoreboard's 应回复, for every unit.
    assert notices["rated"] == sum(compute_metrics([each.pk], YEAR, as_of=NOW)[each.pk]["assessed"]
                                   for each in (unit, third_unit))
    # A week later the pending answers are overdue: they count, and the rate falls with them.
    later = annual_figures(court, YEAR, now=at(2026, 12, 10, 9))["notices"]
    assert later["rated"] == 3 and later["on_time_rate"] == "0.0%" and later["overdue"] == 2


def test_a_push_not_yet_due_for_acknowledgement_costs_nothing(now, clerk, unit):
    """A joint-punishment unit: a push on Mon 30 Nov acknowledged late (Wed 2 Dec), one on Wed 2 Dec not yet
    acknowledged (its time runs to the end of Thu 3 Dec): only the first counts, until Friday."""
    from blacklist.models import ListingAcknowledgement, ListingEvent
    from members.models import Measure
    from tests import factories

    from .conftest import listing_for

    unit.measures.add(Measure.objects.get(code="publish"))
    listing = listing_for(clerk)
    late = ListingEvent.objects.create(listing=listing, at=at(2026, 11, 30, 15), action="approve", pushed=True)
    ListingEvent.objects.create(listing=listing, at=at(2026, 12, 2, 15), action="correct", pushed=True)
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        ListingAcknowledgement.objects.create(event=late, unit=unit,
                                              acknowledged_by=factories.LiaisonFactory(organisation=unit))
    m = compute_metrics([unit.pk], YEAR, as_of=NOW)[unit.pk]
    assert (m["pushes"], m["pushes_due"], m["pushes_acknowledged_in_time"]) == (2, 1, 0)
    m = compute_metrics([unit.pk], YEAR, as_of=at(2026, 12, 4, 9))[unit.pk]
    assert (m["pushes"], m["pushes_due"], m["pushes_acknowledged_in_time"]) == (2, 2, 0)


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_the_units_clock_stops_when_the_court_drafts_the_lifting_not_when_the_leader_signs(now, notices, unit, clerk,
                                                                                             leader, engine):
    """Served Mon 30 Nov, due at the close of Thu 3 Dec. The court drafts the lifting on Tue 1 Dec: the unit's part
    ends there, so a leader who signs only on Fri 4 Dec does not make the unit late; a lifting drafted after the
    deadline (Fri 4 Dec) leaves the unit late. While a lifting waits for the leader, it is not overdue either."""
    early, late = (notices.notice(unit, at(2026, 11, 30, 10)) for _ in range(2))
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        notice_services.lift_notice(actor=clerk, notice=early, ground="performed",
                                    ruling_number=f"{early.case.number}之一")
    friday = at(2026, 12, 4, 15)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        notice_services.lift_notice(actor=clerk, notice=late, ground="performed",
                                    ruling_number=f"{late.case.number}之一")

    def judged(moment):
        assessed = set(notices_behind("assessed", unit.pk, YEAR, as_of=moment, engine=engine)
                       .values_list("pk", flat=True))
        rated = set(Notice.objects.filter(unit=unit).rated(moment).values_list("pk", flat=True))
        assert assessed == rated  # one rule in both engines and in the annual report's queryset
        return assessed

    assert judged(friday) == {late.pk}  # both wait for the leader; only the late draft costs
    with time_machine.travel(friday, tick=False):
        notice_services.sign_lifting(actor=leader, notice=early)
        notice_services.sign_lifting(actor=leader, notice=late)
    assert judged(at(2026, 12, 8, 9)) == {late.pk}
    metrics = compute_metrics([unit.pk], YEAR, as_of=at(2026, 12, 8, 9), engine=engine)[unit.pk]
    assert metrics["overdue"] == 1
