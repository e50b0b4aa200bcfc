"""The assessment's services: the default scheme, criteria edits, scores and adjustments, the workflow with its
refusals (wrong state → TransitionNotAllowed, wrong role → PermissionDenied, bad input → a Chinese message and
nothing written), the frozen and versioned board, commendations and criticism."""

from decimal import Decimal

import pytest

from assessment import services
from assessment.board import build_board
from assessment.models import AssessmentEvent, AssessmentState, Criterion, Nomination, ScoreboardVersion, ScoreEntry
from assessment.selectors import board_for, row_of
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from tests import factories

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def jurisdiction(court):
    return court.jurisdiction


@pytest.fixture
def assessment(clerk, jurisdiction):
    return services.open_assessment(actor=clerk, jurisdiction=jurisdiction, year=2025)


@pytest.fixture
def two_notices(notices, unit):
    """`unit` in 2025: one inquiry replied the next day (on time), one replied 4 working days late."""
    notices.notice(unit, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    notices.notice(unit, at(2025, 3, 10), acknowledged=at(2025, 3, 11), replied=at(2025, 3, 19))


def row_for(assessment, unit):
    return row_of(build_board(assessment.jurisdiction, assessment.year, assessment), unit.pk)


def test_default_scheme_is_100_points_over_four_groups(assessment):
    criteria = list(assessment.criteria.all())
    assert sum(c.points for c in criteria) == Decimal("100")
    assert {c.group for c in criteria} == {"timeliness", "completeness", "cooperation", "judgement"}
    assert {c.source for c in criteria} == {"auto", "court", "committee"}
    assert AssessmentEvent.objects.filter(assessment=assessment, action="create").count() == 1


def test_opening_twice_returns_the_same_assessment(assessment, clerk, jurisdiction):
    assert services.open_assessment(actor=clerk, jurisdiction=jurisdiction, year=2025) == assessment


def test_only_present_or_past_years(clerk, jurisdiction):
    with pytest.raises(ApplicationError, match="考评年度应在2004年至"):
        services.open_assessment(actor=clerk, jurisdiction=jurisdiction, year=2099)


def test_automatic_scores_follow_the_metrics(assessment, two_notices, unit, third_unit):
    row = row_for(assessment, unit)
    assert row["scores"]["reply_on_time"]["points"] == "12.50"  # 25 × 1/2
    assert row["scores"]["reply_complete"]["points"] == "15.00"  # both replied
    assert row["scores"]["ack_in_time"]["points"] == "10.00"
    assert row["scores"]["reply_quality"]["points"] == "10.00"  # manual, not yet scored: full
    assert row["total"] == "87.50"
    assert [item["code"] for item in row["pulled_down"]] == ["reply_on_time"]
    assert "按期回复1件" in row["pulled_down"][0]["reason"]
    # A unit with no notices loses nothing on items it had no work under.
    empty = row_for(assessment, third_unit)
    assert empty["total"] == "100.00" and empty["pulled_down"] == []
    assert "不扣分" in empty["scores"]["reply_on_time"]["explanation"]


def test_administrator_edits_criteria_before_scoring_only(assessment, admin_user, clerk):
    rows = [{"code": c.code, "name": c.name, "group": c.group, "points": c.points, "source": c.source,
             "method": c.method} for c in assessment.criteria.order_by("sort_order")]
    rows[0]["points"] = Decimal("30")
    with pytest.raises(ApplicationError, match="合计应为100分，现为105分"):
        services.update_criteria(actor=admin_user, assessment=assessment, criteria=rows)
    assert Criterion.objects.get(assessment=assessment, code=rows[0]["code"]).points == Decimal("25")
    with pytest.raises(PermissionDenied):
        services.update_criteria(actor=clerk, assessment=assessment, criteria=rows)
    rows[1]["points"] = Decimal("5")  # 10 → 5: total 100 again
    rows[-1]["name"] = "政法委评价"
    services.update_criteria(actor=admin_user, assessment=assessment, criteria=rows, reason="加重按期回复")
    assert assessment.criteria.get(code="reply_on_time").points == Decimal("30")
    event = assessment.events.get(action="criteria_updated")
    assert event.actor == admin_user and event.reason == "加重按期回复"
    assert event.data["before"][0]["points"] == "25.00" and event.data["after"][0]["points"] == "30"

    services.start_scoring(actor=clerk, assessment=assessment)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.update_criteria(actor=admin_user, assessment=assessment, criteria=rows)
    assert refused.value.state == "scoring"


def test_criteria_refuse_an_automatic_item_without_a_rule(assessment, admin_user):
    rows = [{"code": "a", "name": "甲", "group": "timeliness", "points": "100", "source": "auto", "method": ""}]
    with pytest.raises(ApplicationError, match="须选择计分规则"):
        services.update_criteria(actor=admin_user, assessment=assessment, criteria=rows)


def test_court_scores_with_a_reason_and_refusals_change_nothing(assessment, clerk, unit, committee_user):
    with pytest.raises(TransitionNotAllowed):  # scoring has not started
        services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="reply_quality",
                                   points="8", reason="回复不完整")
    services.start_scoring(actor=clerk, assessment=assessment)
    for points, reason, criterion, message in [
        ("12", "超出", "reply_quality", "0至10.00分之间"),
        ("abc", "非数字", "reply_quality", "应为数字"),
        ("8", " ", "reply_quality", "请填写评分理由"),
        ("8", "自动项", "reply_on_time", "不是法院评分项目"),
        ("8", "政法委项", "committee", "不是法院评分项目"),
    ]:
        with pytest.raises(ApplicationError, match=message):
            services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion=criterion,
                                       points=points, reason=reason)
    with pytest.raises(PermissionDenied):
        services.enter_court_score(actor=committee_user, assessment=assessment, unit=unit, criterion="reply_quality",
                                   points="8", reason="x")
    assert not ScoreEntry.objects.exists()
    services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="reply_quality",
                               points="8", reason="两份回复未附盖章材料")
    services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="reply_quality",
                               points="7.5", reason="三份回复未附盖章材料")
    entries = ScoreEntry.objects.filter(unit=unit).order_by("id")
    assert [(e.points, e.is_current) for e in entries] == [(Decimal("8"), False), (Decimal("7.5"), True)]
    score = row_for(assessment, unit)["scores"]["reply_quality"]
    assert score["points"] == "7.50" and score["explanation"] == "三份回复未附盖章材料" and score["source"] == "court"


def test_a_unit_of_another_jurisdiction_cannot_be_scored(assessment, clerk):
    stranger = factories.OrganisationFactory(jurisdiction=factories.JurisdictionFactory(code="other", name="别处"))
    services.start_scoring(actor=clerk, assessment=assessment)
    with pytest.raises(ApplicationError, match="不是本辖区参加考评的成员单位"):
        services.enter_court_score(actor=clerk, assessment=assessment, unit=stranger, criterion="reply_quality",
                                   points="8", reason="x")


def test_workflow_freezes_and_versions_the_board(assessment, clerk, leader, committee_user, unit, notices,
                                                  two_notices):
    services.start_scoring(actor=clerk, assessment=assessment)
    services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="cooperation",
                               points="4", reason="一次未出席联席会议")  # of 5 since the letters took 5 of its 10
    with pytest.raises(PermissionDenied):
        services.submit_scores(actor=committee_user, assessment=assessment)
    services.submit_scores(actor=leader, assessment=assessment, reason="报请审核")
    with pytest.raises(TransitionNotAllowed) as refused:
        services.submit_scores(actor=clerk, assessment=assessment)
    assert refused.value.state == "submitted"
    with pytest.raises(TransitionNotAllowed):  # the court scores no more once submitted
        services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="cooperation",
                                   points="8", reason="x")
    with pytest.raises(ApplicationError, match="请填写调整理由"):
        services.adjust_score(actor=committee_user, assessment=assessment, unit=unit, criterion="reply_on_time",
                              points="20", reason="")
    services.adjust_score(actor=committee_user, assessment=assessment, unit=unit, criterion="reply_on_time",
                          points="20", reason="逾期系因系统升级，酌情加分")
    services.adjust_score(actor=committee_user, assessment=assessment, unit=unit, criterion="committee",
                          points="9", reason="配合积极")
    live = row_for(assessment, unit)
    assert live["scores"]["reply_on_time"]["points"] == "20.00"
    assert live["scores"]["reply_on_time"]["adjustment"]["from"] == "12.50"
    assert live["scores"]["committee"]["points"] == "9.00"  # of 10 (the grid item took 5)
    assert live["scores"]["suggestions"]["points"] == "5.00"  # no judicial suggestion letter
    assert live["total"] == "93.00"  # 20 + 10 + 5 + 15 + 10 + 5 + 5 + 5 + 4 + 5 (grid: not a subdistrict) + 9

    services.finalise(actor=committee_user, assessment=assessment, reason="联席会议审定")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.FINALISED
    version = ScoreboardVersion.objects.get(assessment=assessment)
    assert version.number == 1 and version.data["final"] is True

    # Later data: a notice served in 2025 and answered late. The finalised board does not move.
    notices.notice(unit, at(2025, 12, 1), replied=at(2025, 12, 20))
    frozen = row_of(board_for(assessment.jurisdiction, 2025, assessment), unit.pk)
    assert frozen["total"] == "93.00" and frozen["metrics"]["received"] == 2
    assert row_for(assessment, unit)["metrics"]["received"] == 3  # the live computation sees it

    with pytest.raises(TransitionNotAllowed):
        services.adjust_score(actor=committee_user, assessment=assessment, unit=unit, criterion="committee",
                              points="10", reason="x")
    with pytest.raises(ApplicationError, match="请填写重新打开的理由"):
        services.reopen(actor=committee_user, assessment=assessment, reason="")
    services.reopen(actor=committee_user, assessment=assessment, reason="补录年底通知书")
    services.finalise(actor=committee_user, assessment=assessment)
    versions = list(assessment.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].reopened_at is not None and versions[0].data["rows"] == version.data["rows"]
    latest = row_of(board_for(assessment.jurisdiction, 2025, assessment), unit.pk)
    assert latest["metrics"]["received"] == 3 and latest != frozen
    actions = list(assessment.events.values_list("action", flat=True))
    assert actions == ["create", "start_scoring", "score_entered", "submit", "score_adjusted", "score_adjusted",
                       "finalise", "reopen", "finalise"]
    submit = assessment.events.get(action="submit")
    assert (submit.actor, submit.from_state, submit.to_state, submit.reason) == (leader, "scoring", "submitted",
                                                                                 "报请审核")


def test_committee_returns_scores_to_the_court(assessment, clerk, committee_user):
    services.start_scoring(actor=clerk, assessment=assessment)
    with pytest.raises(TransitionNotAllowed):
        services.return_to_court(actor=committee_user, assessment=assessment, reason="x")
    services.submit_scores(actor=clerk, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.return_to_court(actor=clerk, assessment=assessment, reason="x")
    services.return_to_court(actor=committee_user, assessment=assessment, reason="请补充日常配合评分理由")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SCORING
    with pytest.raises(TransitionNotAllowed):
        services.finalise(actor=committee_user, assessment=assessment)


def test_commendations_and_criticism(assessment, clerk, committee_user, unit, other_unit, two_notices):
    with pytest.raises(TransitionNotAllowed):  # not before scoring starts
        services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_unit", unit=unit,
                                    evidence="全年按期回复")
    services.start_scoring(actor=clerk, assessment=assessment)
    with pytest.raises(ApplicationError, match="表彰个人须填写姓名"):
        services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_person", unit=unit,
                                    evidence="多次协助查找被执行人")
    with pytest.raises(ApplicationError, match="请写明事实和依据"):
        services.propose_nomination(actor=clerk, assessment=assessment, kind="criticise_unit", unit=other_unit,
                                    evidence="")
    with pytest.raises(PermissionDenied):
        services.propose_nomination(actor=committee_user, assessment=assessment, kind="commend_unit", unit=unit,
                                    evidence="x")
    person = services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_person", unit=unit,
                                         person_name="欧阳燊", person_position="科长", evidence="多次协助查找被执行人")
    assert person.metrics["received"] == 2  # the unit's figures are kept with the proposal as evidence
    criticism = services.propose_nomination(actor=clerk, assessment=assessment, kind="criticise_unit",
                                            unit=other_unit, evidence="三次逾期被督办")
    spare = services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_unit", unit=other_unit,
                                        evidence="误报")
    services.withdraw_nomination(actor=clerk, nomination=spare, reason="提错单位")
    with pytest.raises(TransitionNotAllowed):  # the committee decides only once submitted
        services.decide_nomination(actor=committee_user, nomination=person, approved=True)
    services.submit_scores(actor=clerk, assessment=assessment)
    with pytest.raises(ApplicationError, match="尚未确定"):
        services.finalise(actor=committee_user, assessment=assessment)
    services.decide_nomination(actor=committee_user, nomination=person, approved=True)
    with pytest.raises(ApplicationError, match="请填写不予确定的理由"):
        services.decide_nomination(actor=committee_user, nomination=criticism, approved=False)
    services.decide_nomination(actor=committee_user, nomination=criticism, approved=False, reason="逾期有正当理由")
    with pytest.raises(TransitionNotAllowed):
        services.decide_nomination(actor=committee_user, nomination=criticism, approved=True)
    services.finalise(actor=committee_user, assessment=assessment)
    states = dict(Nomination.objects.values_list("pk", "state"))
    assert states == {person.pk: "approved", criticism.pk: "rejected", spare.pk: "withdrawn"}
    frozen = board_for(assessment.jurisdiction, 2025, assessment)
    assert [(n["person_name"], n["state"]) for n in frozen["nominations"] if n["kind"] == "commend_person"] == [
        ("欧阳燊", "approved")]
    assert assessment.events.filter(action__startswith="nomination_").count() == 6


def test_other_jurisdictions_court_and_committee_may_not_act(assessment):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别的辖区")
    clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=elsewhere))
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    with pytest.raises(PermissionDenied):
        services.start_scoring(actor=clerk, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.open_assessment(actor=committee, jurisdiction=assessment.jurisdiction, year=2025)
