"""Issue 7's acceptance in headless Chromium: the court starts scoring, scores a manual item with a reason and
submits; the committee adjusts one unit with a reason and finalises; a notice added afterwards does not change the
finalised board; a unit's liaison sees only its own row (another unit's page is a 404). Screenshots of the board
and of the unit page go to test-artifacts/ (the charts are checked by eye there)."""

import re

import pytest
from django.core.management import call_command

from assessment.models import Assessment, ScoreboardVersion
from members.models import Organisation, User
from tests.assessment.conftest import NoticeBuilder, at

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


@pytest.fixture
def year_of_notices(liwan):
    """A 2025 of notices: the police answer one on time and one late (across National Day), the market regulator
    answers on time, the tax bureau lets one run overdue."""
    builder = NoticeBuilder(User.objects.get(username="clerk"), User.objects.get(username="leader"))
    police = Organisation.objects.get(code="lw-police")
    market = Organisation.objects.get(code="lw-market")
    for liaison_unit, code in ((police, "lw-police-a"), (market, "lw-market-a")):
        builder.use_liaison(liaison_unit, User.objects.get(username=code))
    builder.notice(police, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    builder.notice(police, at(2025, 9, 30), acknowledged=at(2025, 10, 9), replied=at(2025, 10, 20))
    builder.notice(market, at(2025, 5, 6), acknowledged=at(2025, 5, 6, 11), replied=at(2025, 5, 7))
    builder.notice(market, at(2025, 12, 30), acknowledged=at(2025, 12, 31), replied=at(2026, 1, 5))
    return builder, police, market


def totals(page):
    return {row.get_attribute("data-unit-name"): (row.get_attribute("data-rank"), row.get_attribute("data-total"))
            for row in page.locator("#ranking tbody tr[data-unit]").all()}


def test_court_scores_committee_adjusts_and_finalises(year_of_notices, new_page):
    builder, police, market = year_of_notices
    board_path = f"/assessment/{YEAR}/"

    # The court starts scoring, scores the police's reply quality with a reason, and submits.
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(clerk.base_url + board_path)
    assert clerk.text_content("#board-state").strip() == "准备中"
    clerk.click("#move-start_scoring button")
    clerk.wait_for_selector("text=已开始评分")
    assert clerk.text_content("#board-state").strip() == "法院评分中"
    clerk.click(f"#ranking a:text('{police.name}')")
    clerk.wait_for_selector("#score-form")
    clerk.select_option("#id_criterion", "reply_quality")
    clerk.fill("#id_points", "12")
    clerk.fill("#id_reason", "回复未附盖章材料")
    clerk.click("#save-score")
    assert "得分应在0至10.00分之间" in clerk.text_content("#score-form")  # refused, nothing saved
    clerk.fill("#id_points", "8")
    clerk.click("#save-score")
    clerk.wait_for_selector(f"text=已评分：{police.name}")
    assert "回复未附盖章材料" in clerk.text_content("#unit-scores")
    clerk.goto(clerk.base_url + board_path)
    clerk.fill("#reason-submit", "请审核")
    clerk.click("#move-submit button")
    clerk.wait_for_selector("text=已提交政法委审核")

    # The committee adjusts the police's on-time score with a reason and finalises.
    committee = new_page(1440, 900)
    login(committee, "committee")
    committee.click("#nav-assessment")
    committee.wait_for_selector("#ranking")
    assert committee.text_content("#board-state").strip() == "政法委审核中"
    committee.click(f"#ranking a:text('{police.name}')")
    committee.wait_for_selector("#score-form")
    committee.select_option("#id_criterion", "reply_on_time")
    committee.fill("#id_points", "23")
    committee.fill("#id_reason", "国庆假期后系统故障致逾期，酌情调整")
    committee.click("#save-score")
    committee.wait_for_selector(f"text=已调整：{police.name}")
    assert "国庆假期后系统故障致逾期" in committee.text_content("#unit-scores")
    committee.goto(committee.base_url + board_path)
    adjusted = committee.locator(f"#ranking tr[data-unit='{police.pk}'] td[data-criterion='reply_on_time']")
    assert adjusted.get_attribute("data-value") == "23.00" and "调" in adjusted.text_content()
    committee.fill("#reason-finalise", "联席会议审定")
    committee.click("#move-finalise button")
    committee.wait_for_selector("#final-badge")
    assert committee.text_content("#final-badge").strip() == "定稿第1版"
    assert committee.locator("#chart-on-time svg").count() == 1
    assert committee.locator("#chart-histogram svg rect").count() >= 8
    assert committee.locator("#chart-trend svg").count() == 1
    screenshot(committee, "assessment-01-finalised-board")
    frozen = totals(committee)
    assessment = Assessment.objects.get(year=YEAR)
    assert assessment.state == "finalised" and ScoreboardVersion.objects.filter(assessment=assessment).count() == 1

    # A notice served in 2025 and answered late is added afterwards: the finalised board does not move.
    builder.notice(police, at(2025, 11, 3), acknowledged=at(2025, 11, 10), replied=at(2025, 11, 28))
    committee.reload()
    assert totals(committee) == frozen
    received = committee.locator(f"#metrics tr[data-unit-name='{police.short_name}'] td[data-metric='received']")
    assert received.get_attribute("data-value") == "2"

    # The police's liaison sees only its own row, its rank and what pulled it down.
    liaison = new_page(390, 844)
    login(liaison, "lw-police-a")
    liaison.goto(liaison.base_url + "/assessment/")
    liaison.wait_for_selector("#unit-rank")
    body = liaison.text_content("main")
    rank, total = frozen[police.short_name]
    assert f"第 {rank} 名" in body and total in liaison.text_content("#unit-total")
    assert "按期回复" in liaison.text_content("#pulled-down")
    assert market.name not in body and market.short_name not in body
    assert liaison.locator("#ranking").count() == 0
    screenshot(liaison, "assessment-02-liaison-own-row")
    other = liaison.goto(f"{liaison.base_url}/assessment/{YEAR}/units/{market.pk}/")
    assert other.status == 404
    board = liaison.goto(liaison.base_url + board_path)
    assert re.search(rf"/assessment/{YEAR}/units/{police.pk}/$", board.url)
