"""The assessment pages: who sees what (others' data is a 404), the board's ranking, charts and drill-down links,
scoring through the forms with Chinese refusals, the criteria page, and a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Assessment, ScoreEntry
from tests import factories

from .conftest import at

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def year_data(notices, unit, other_unit):
    """`unit`: an on-time inquiry and a late one; `other_unit`: one on time."""
    first = notices.notice(unit, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    late = notices.notice(unit, at(2025, 3, 10), acknowledged=at(2025, 3, 11), replied=at(2025, 3, 19))
    other = notices.notice(other_unit, at(2025, 5, 6), acknowledged=at(2025, 5, 6, 11), replied=at(2025, 5, 7))
    return {"first": first, "late": late, "other": other}


@pytest.fixture
def own_liaison(notices, unit):
    return notices.liaison(unit)


def board_url(year=YEAR):
    return reverse("assessment:board", args=[year])


def unit_url(unit, year=YEAR):
    return reverse("assessment:unit", args=[year, unit.pk])


def test_committee_sees_the_ranking_charts_and_figures(client_for, committee_user, year_data, unit, other_unit):
    page = client_for(committee_user).get(board_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 3 and "各单位按期回复率" in html and "回复用时分布" in html and "历年按期回复率" in html
    ranking = re.search(r'<table[^>]*id="ranking".*?</table>', html, re.S).group(0)
    assert unit.name in ranking and other_unit.name in ranking
    assert f'data-unit="{other_unit.pk}" data-unit-name="{other_unit.short_name}" data-rank="1"' in ranking
    # Every figure links to the notices behind it.
    link = reverse("assessment:notices", args=[YEAR, unit.pk]) + "?metric=replied_late"
    assert link in html
    assert "cdn" not in html.lower()


def test_court_and_administrator_see_the_board(client_for, clerk, admin_user, year_data):
    assert client_for(clerk).get(board_url()).status_code == 200
    assert client_for(admin_user).get(board_url()).status_code == 200


def test_liaison_sees_only_its_own_unit(client_for, own_liaison, year_data, unit, other_unit):
    client = client_for(own_liaison)
    assert client.get(board_url()).url == unit_url(unit)
    assert client.get(reverse("assessment:index")).url == unit_url(unit, timezone.localdate().year)
    page = client.get(unit_url(unit))
    assert page.status_code == 200
    html = page.content.decode()
    assert "第 2 名" in html and "共 2 个单位" in html
    assert other_unit.name not in html and other_unit.short_name not in html
    assert "按期回复" in re.search(r'id="pulled-down".*?</ul>', html, re.S).group(0)
    for url in [
        unit_url(other_unit),
        reverse("assessment:notices", args=[YEAR, other_unit.pk]),
        reverse("assessment:records", args=[YEAR, other_unit.pk, "pushes"]),
        reverse("assessment:pdf", args=[YEAR]),
        reverse("assessment:xlsx", args=[YEAR]),
        reverse("assessment:criteria", args=[YEAR]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assessment:score", args=[YEAR, unit.pk]), {}).status_code == 404
    assert client.post(reverse("assessment:move", args=[YEAR, "start_scoring"])).status_code == 404


def test_drill_down_lists_the_notices_behind_a_figure(client_for, clerk, own_liaison, year_data, unit):
    url = reverse("assessment:notices", args=[YEAR, unit.pk]) + "?metric=replied_late"
    for user in (clerk, own_liaison):
        html = client_for(user).get(url).content.decode()
        assert f'data-notice="{year_data["late"].pk}"' in html
        assert f'data-notice="{year_data["first"].pk}"' not in html
    assert client_for(clerk).get(reverse("assessment:notices", args=[YEAR, unit.pk]) + "?metric=bogus").status_code == 404


def test_another_jurisdiction_sees_none_of_it(client_for, year_data, unit):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别的辖区")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    client = client_for(stranger)
    assert unit.name not in client.get(board_url()).content.decode()  # its own (empty) board
    assert client.get(unit_url(unit)).status_code == 404
    assert client.get(reverse("assessment:notices", args=[YEAR, unit.pk])).status_code == 404


def test_nomination_of_another_jurisdiction_is_404(client_for, clerk, court, unit, year_data):
    assessment = services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)
    services.start_scoring(actor=clerk, assessment=assessment)
    nomination = services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_unit", unit=unit,
                                             evidence="全年无逾期")
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别的辖区")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    response = client_for(stranger).post(reverse("assessment:decide", args=[nomination.pk]), {"approved": "yes"})
    assert response.status_code == 404


def test_court_scores_through_the_form(client_for, clerk, unit, year_data):
    client = client_for(clerk)
    response = client.post(reverse("assessment:move", args=[YEAR, "start_scoring"]))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.state == "scoring"
    url = reverse("assessment:score", args=[YEAR, unit.pk])
    refused = client.post(url, {"criterion": "reply_quality", "points": "11", "reason": "超出满分"})
    assert refused.status_code == 400
    assert "得分应在0至10.00分之间" in refused.content.decode()
    missing = client.post(url, {"criterion": "reply_quality", "points": "8", "reason": ""})
    assert missing.status_code == 400 and "该字段是必填项" in missing.content.decode()
    assert not ScoreEntry.objects.exists()
    done = client.post(url, {"criterion": "reply_quality", "points": "8", "reason": "回复未附盖章材料"})
    assert done.status_code == 302
    page = client.get(unit_url(unit)).content.decode()
    assert "回复未附盖章材料" in page and 'data-value="8.00"' in page


def test_a_move_in_the_wrong_state_is_refused_with_a_message(client_for, committee_user, year_data):
    client = client_for(committee_user)
    response = client.post(reverse("assessment:move", args=[YEAR, "finalise"]), follow=True)
    assert "年度考评当前状态为“准备中”，不能定稿。" in response.content.decode()
    assert not Assessment.objects.exists()  # nothing was created by the refused move


def test_administrator_edits_the_criteria(client_for, admin_user, clerk, year_data):
    client = client_for(admin_user)
    url = reverse("assessment:criteria", args=[YEAR])
    page = client.get(url)
    assert page.status_code == 200 and "criteria-form" in page.content.decode()
    initial = page.context["formset"].initial
    data = {"criteria-TOTAL_FORMS": str(len(initial) + 1), "criteria-INITIAL_FORMS": str(len(initial)),
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "30", "reason": "调整权重"}
    for index, row in enumerate(initial):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    data["criteria-0-points"] = "35"
    wrong = client.post(url, data)
    assert wrong.status_code == 400 and "各考评项目分值合计应为100分，现为110分。" in wrong.content.decode()
    assert not Assessment.objects.exists()
    data["criteria-1-DELETE"] = "on"  # drop the 10-point item: 100 again
    assert client.post(url, data).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.criteria.get(code="reply_on_time").points == 35
    assert not assessment.criteria.get(code="ack_in_time").active
    # Once scoring has started the page is read-only.
    services.start_scoring(actor=clerk, assessment=assessment)
    html = client.get(url).content.decode()
    assert "criteria-form" not in html and "criteria-table" in html
    assert client_for(clerk).post(url, data).status_code == 404


def test_board_queries_do_not_grow_with_units(client_for, committee_user, notices, year_data):
    client = client_for(committee_user)
    client.get(board_url())
    with CaptureQueriesContext(connection) as few:
        client.get(board_url())
    for _ in range(4):
        extra = factories.OrganisationFactory(measures=["inquiry"])
        notices.notice(extra, at(2025, 6, 2), replied=at(2025, 6, 3))
    with CaptureQueriesContext(connection) as many:
        client.get(board_url())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) < 40


def test_records_pages(client_for, committee_user, unit, year_data):
    client = client_for(committee_user)
    for kind in ("pushes", "screenings", "decisions"):
        assert client.get(reverse("assessment:records", args=[YEAR, unit.pk, kind])).status_code == 200
    assert client.get(reverse("assessment:records", args=[YEAR, unit.pk, "other"])).status_code == 404


def test_finalised_versions_are_listed_and_others_are_404(client_for, clerk, committee_user, court, own_liaison,
                                                          year_data):
    assessment = services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)
    services.start_scoring(actor=clerk, assessment=assessment)
    services.submit_scores(actor=clerk, assessment=assessment)
    services.finalise(actor=committee_user, assessment=assessment)
    client = client_for(committee_user)
    page = client.get(reverse("assessment:version", args=[YEAR, 1]))
    assert page.status_code == 200 and "第1版定稿（历史版本）" in page.content.decode()
    assert client.get(reverse("assessment:version", args=[YEAR, 2])).status_code == 404
    assert client.get(reverse("assessment:pdf", args=[YEAR]) + "?version=9").status_code == 404
    # A liaison is sent to its own unit's page; another jurisdiction's committee has no such version.
    assert client_for(own_liaison).get(reverse("assessment:version", args=[YEAR, 1])).status_code == 302
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别的辖区")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    assert client_for(stranger).get(reverse("assessment:version", args=[YEAR, 1])).status_code == 404
