"""`/api/v1/assessments/{year}/`: the board by role, scoring all-or-nothing, 409 with the state, finalising freezes."""

import pytest

from assessment.models import Assessment, ScoreEntry

from .conftest import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/2025/"


@pytest.fixture
def year_data(notices, unit, other_unit):
    notices.notice(unit, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    notices.notice(unit, at(2025, 3, 10), acknowledged=at(2025, 3, 11), replied=at(2025, 3, 19))
    notices.notice(other_unit, at(2025, 5, 6), acknowledged=at(2025, 5, 6, 11), replied=at(2025, 5, 7))


def test_committee_and_court_get_every_unit(api_for, committee_user, clerk, year_data, unit, other_unit):
    for user in (committee_user, clerk):
        response = api_for(user).get(URL)
        assert response.status_code == 200
        data = response.json()
        assert data["year"] == 2025 and data["state"] == "preparing" and data["final"] is False
        assert [row["unit"]["id"] for row in data["rows"]] == [other_unit.pk, unit.pk]
        row = data["rows"][1]
        assert row["rank"] == 2 and row["total"] == "87.50"
        assert row["metrics"]["received"] == 2 and row["metrics"]["replied_on_time"] == 1
        assert row["metrics"]["reply_days_avg"] == 4.0  # 1 and 7 working days
        scores = {score["criterion"]: score for score in row["scores"]}
        assert scores["reply_on_time"]["points"] == "12.50" and scores["reply_on_time"]["source"] == "auto"
        assert row["pulled_down"][0]["code"] == "reply_on_time"


def test_liaison_gets_only_its_row(api_for, notices, year_data, unit, other_unit):
    data = api_for(notices.liaison(unit)).get(URL).json()
    assert [row["unit"]["id"] for row in data["rows"]] == [unit.pk]
    assert data["rows"][0]["rank"] == 2 and data["unit_count"] == 2
    assert str(other_unit.pk) not in str([row["unit"] for row in data["rows"]])


def test_anonymous_and_unknown_year(client, api_for, committee_user):
    assert client.get(URL).status_code in (401, 403)
    assert api_for(committee_user).get("/api/v1/assessments/2099/").status_code == 404
    assert api_for(committee_user).get("/api/v1/assessments/1999/").status_code == 404


def test_scores_are_all_or_nothing_and_states_answer_409(api_for, clerk, committee_user, year_data, unit, other_unit):
    court = api_for(clerk)
    refused = court.post(URL + "scores/", {"scores": [{"unit": unit.pk, "criterion": "reply_quality", "points": "8",
                                                      "reason": "未附盖章材料"}]}, format="json")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "年度考评当前状态为“准备中”，不能评分。", "state": "preparing"}
    assert not Assessment.objects.exists()
    started = court.post(URL + "start-scoring/", {}, format="json")
    assert started.status_code == 200 and started.json()["state"] == "scoring"
    bad = court.post(URL + "scores/", {"scores": [
        {"unit": unit.pk, "criterion": "reply_quality", "points": "8", "reason": "未附盖章材料"},
        {"unit": other_unit.pk, "criterion": "reply_quality", "points": "18", "reason": "超出"},
    ]}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"scores": ["第2项：“办理质量”的得分应在0至10.00分之间。"]}
    assert not ScoreEntry.objects.exists()
    missing = court.post(URL + "scores/", {"scores": [{"unit": unit.pk, "criterion": "reply_quality"}]},
                         format="json")
    assert missing.status_code == 400 and "得分" in str(missing.json())
    ok = court.post(URL + "scores/", {"scores": [
        {"unit": unit.pk, "criterion": "reply_quality", "points": "8", "reason": "未附盖章材料"}]}, format="json")
    assert ok.status_code == 200
    row = next(r for r in ok.json()["rows"] if r["unit"]["id"] == unit.pk)
    assert row["total"] == "85.50"
    assert api_for(committee_user).post(URL + "finalise/", {}, format="json").status_code == 409
    assert court.post(URL + "finalise/", {}, format="json").status_code == 403
    assert court.post(URL + "submit/", {"reason": "报审"}, format="json").status_code == 200


def test_committee_adjusts_and_finalises_then_the_board_is_frozen(api_for, clerk, committee_user, notices,
                                                                   year_data, unit):
    court, committee = api_for(clerk), api_for(committee_user)
    court.post(URL + "start-scoring/", {}, format="json")
    court.post(URL + "submit/", {}, format="json")
    adjusted = committee.post(URL + "scores/", {"scores": [
        {"unit": unit.pk, "criterion": "reply_on_time", "points": "20", "reason": "逾期系系统故障"}]}, format="json")
    assert adjusted.status_code == 200
    assert committee.post(URL + "reopen/", {"reason": "x"}, format="json").status_code == 409
    final = committee.post(URL + "finalise/", {"reason": "审定"}, format="json").json()
    assert final["final"] is True and final["version"] == 1 and final["state"] == "finalised"
    before = next(r for r in final["rows"] if r["unit"]["id"] == unit.pk)
    assert before["total"] == "95.00" and before["final"] is True
    notices.notice(unit, at(2025, 11, 3), replied=at(2025, 11, 20))  # later data
    after = committee.get(URL).json()
    assert next(r for r in after["rows"] if r["unit"]["id"] == unit.pk) == before
    reopened = committee.post(URL + "reopen/", {"reason": "补录通知书"}, format="json").json()
    assert reopened["final"] is False
    assert next(r for r in reopened["rows"] if r["unit"]["id"] == unit.pk)["metrics"]["received"] == 3


def test_nominations_over_the_api(api_for, clerk, committee_user, year_data, unit):
    court, committee = api_for(clerk), api_for(committee_user)
    court.post(URL + "start-scoring/", {}, format="json")
    missing = court.post(URL + "nominations/", {"kind": "commend_person", "unit": unit.pk, "evidence": "事迹"},
                         format="json")
    assert missing.status_code == 400 and missing.json() == {"person_name": ["表彰个人须填写姓名。"]}
    created = court.post(URL + "nominations/", {"kind": "commend_person", "unit": unit.pk, "person_name": "王堃",
                                                "evidence": "协助查控车辆三台"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == "proposed"
    decide = f"{URL}nominations/{created.json()['id']}/decide/"
    assert committee.post(decide, {"approved": True}, format="json").status_code == 409  # not submitted yet
    court.post(URL + "submit/", {}, format="json")
    assert committee.post(decide, {"approved": True}, format="json").json()["state"] == "approved"
    assert committee.post(f"{URL}nominations/999999/decide/", {"approved": True}, format="json").status_code == 404


def test_schema_lists_the_assessment_paths(client):
    import json

    schema = json.loads(client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    for path in ("/api/v1/assessments/{year}/", "/api/v1/assessments/{year}/scores/",
                 "/api/v1/assessments/{year}/finalise/"):
        assert path in schema["paths"]


def test_another_jurisdiction_sees_its_own_board_only(api_for, year_data, unit):
    from tests import factories

    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别的辖区")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    data = api_for(stranger).get(URL).json()
    assert data["jurisdiction"]["code"] == "elsewhere" and data["rows"] == []
    outsider = factories.LiaisonFactory(organisation=factories.OrganisationFactory(jurisdiction=elsewhere))
    rows = api_for(outsider).get(URL).json()["rows"]  # its own jurisdiction, its own row only
    assert [row["unit"]["id"] for row in rows] == [outsider.organisation_id]
    assert unit.pk not in [row["unit"]["id"] for row in rows]


def test_the_scoreboard_pdf_by_api_is_the_pages(api_for, client_for, committee_user, notices, year_data, unit):
    """The same document as the page's, to those who see the whole board; a unit and another year's nonsense get
    404 (issue 21 item 3)."""
    response = api_for(committee_user).get("/api/v1/assessments/2025/scoreboard.pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    page = client_for(committee_user).get("/assessment/2025/scoreboard.pdf")
    assert page["Content-Disposition"] == response["Content-Disposition"]
    assert api_for(notices.liaison(unit)).get("/api/v1/assessments/2025/scoreboard.pdf").status_code == 404
    assert api_for(committee_user).get("/api/v1/assessments/1800/scoreboard.pdf").status_code == 404
