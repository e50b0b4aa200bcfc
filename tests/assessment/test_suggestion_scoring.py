"""Judicial suggestion letters count in the annual assessment (issue 23 item 1): a letter served on a unit in the year
costs it a point of the "司法建议函" criterion, one not answered within its time limit (answered late, or unanswered
once due) a point more, down to zero for the item; a letter of another year, a draft or a withdrawn letter costs
nothing, and one still within its time costs only the letter's own point. The figures show on the board, the unit's
page, the drill-down of letters and the Excel file."""

import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from assessment import services
from assessment.board import build_board
from assessment.criteria import DEFAULT_CRITERIA, RULES, auto_points
from assessment.metrics import compute_metrics
from assessment.selectors import row_of
from assistance.services import suggestions as letters
from tests import factories
from tests.assistance_factories import CaseFactory

from .conftest import at

pytestmark = pytest.mark.django_db
YEAR = 2025
AS_OF = at(2026, 2, 2)


class LetterBuilder:
    def __init__(self, clerk, leader):
        self.clerk, self.leader = clerk, leader

    def letter(self, unit, served, *, replied=None, withdrawn=None, reply_days=30):
        with time_machine.travel(served, tick=False):
            case = CaseFactory(court=self.clerk.organisation, created_by=self.clerk)
            letter = letters.draft_letter(
                actor=self.clerk,
                case=case,
                unit=unit,
                ground="refused",
                suggestions="建议你单位依法及时协助执行。",
                facts="拒绝协助查询存款。",
                reply_days=reply_days,
            )
            if withdrawn:
                return letters.withdraw_letter(actor=self.clerk, letter=letter, reason="另行处理")
            letters.sign_letter(actor=self.leader, letter=letter)
            letter = letters.serve_letter(actor=self.clerk, letter=letter)
        if replied:
            liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A")
            with time_machine.travel(replied, tick=False):
                letter = letters.reply_to_letter(actor=liaison, letter=letter, text="已整改，并对相关人员批评教育。")
        letter.refresh_from_db()
        return letter


@pytest.fixture
def year_letters(clerk, leader, unit, other_unit):
    """`unit` in 2025: one letter answered on time, one never answered (overdue by `AS_OF`), and one of 2024
    answered late (another year); `other_unit` none at all."""
    build = LetterBuilder(clerk, leader)
    on_time = build.letter(unit, at(YEAR, 3, 3), replied=at(YEAR, 3, 20))
    overdue = build.letter(unit, at(YEAR, 6, 2))
    earlier = build.letter(unit, at(YEAR - 1, 11, 4), replied=at(YEAR - 1, 12, 30))
    build.letter(unit, at(YEAR, 7, 1), withdrawn=True)  # never served: not the unit's
    return {"on_time": on_time, "overdue": overdue, "earlier": earlier, "build": build}


@pytest.fixture
def assessment(clerk, court):
    return services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)


def test_the_default_scheme_has_the_criterion_and_still_adds_up_to_100():
    rows = {code: (points, source, method) for code, _, _, points, source, method, _ in DEFAULT_CRITERIA}
    assert rows["suggestions"] == ("5", "auto", "suggestion_letters")
    assert rows["cooperation"][0] == "5"  # the court's own item gave up the 5 points the letters now score
    assert sum(Decimal(points) for points, _, _ in rows.values()) == Decimal("100")


def test_metrics_count_the_year_of_service_and_the_overdue_ones(year_letters, unit, other_unit):
    metrics = compute_metrics([unit.pk, other_unit.pk], YEAR, as_of=AS_OF)
    assert year_letters["on_time"].due_at > year_letters["on_time"].replied_at
    assert {
        key: metrics[unit.pk][key]
        for key in ("suggestions", "suggestions_replied", "suggestions_replied_on_time", "suggestions_overdue")
    } == {"suggestions": 2, "suggestions_replied": 1, "suggestions_replied_on_time": 1, "suggestions_overdue": 1}
    assert metrics[other_unit.pk]["suggestions"] == metrics[other_unit.pk]["suggestions_overdue"] == 0
    # 2024: the letter answered late counts there, and only there.
    earlier = compute_metrics([unit.pk], YEAR - 1, as_of=AS_OF)[unit.pk]
    assert (earlier["suggestions"], earlier["suggestions_replied_on_time"], earlier["suggestions_overdue"]) == (1, 0, 1)


def test_a_letter_within_its_time_costs_only_its_own_point(clerk, leader, unit):
    build = LetterBuilder(clerk, leader)
    letter = build.letter(unit, at(YEAR, 12, 29))
    before_due = letter.due_at.replace(hour=9)
    metrics = compute_metrics([unit.pk], YEAR, as_of=before_due)[unit.pk]
    assert (metrics["suggestions"], metrics["suggestions_overdue"]) == (1, 0)
    assert auto_points("5", "suggestion_letters", metrics)[0] == Decimal("4.00")
    late = compute_metrics([unit.pk], YEAR, as_of=at(2026, 3, 2))[unit.pk]
    assert (late["suggestions"], late["suggestions_overdue"]) == (1, 1)
    # Answered after its deadline: still overdue, and replied.
    with time_machine.travel(at(2026, 3, 3), tick=False):
        letters.reply_to_letter(
            actor=factories.LiaisonFactory(organisation=unit, liaison_role="A"), letter=letter, text="已整改。"
        )
    replied = compute_metrics([unit.pk], YEAR, as_of=at(2026, 3, 4))[unit.pk]
    assert (replied["suggestions_replied"], replied["suggestions_replied_on_time"], replied["suggestions_overdue"]) == (
        1,
        0,
        1,
    )


def test_the_board_deducts_exact_points(assessment, year_letters, unit, other_unit):
    board = build_board(assessment.jurisdiction, YEAR, assessment, as_of=AS_OF)
    own, other = row_of(board, unit.pk), row_of(board, other_unit.pk)
    score = own["scores"]["suggestions"]
    assert (score["points"], score["max"], score["source"], score["share"]) == ("2.00", "5.00", "auto", 0.4)
    assert score["explanation"] == "收到司法建议函2件（每件扣1分），其中未在期限内回复1件（每件再扣1分），应扣3分"
    assert other["scores"]["suggestions"]["points"] == "5.00"
    assert other["scores"]["suggestions"]["explanation"] == "本年度未收到司法建议函，不扣分"
    # Neither unit had a notice, so every other item is full: the letters are the whole difference.
    assert own["total"] == "97.00" and other["total"] == "100.00"
    assert own["pulled_down"] == [
        {"code": "suggestions", "name": "司法建议函", "lost": "3.00", "reason": score["explanation"], "adjusted": False}
    ]
    assert own["groups"]["cooperation"] == "22.00"  # 5 + 5 + 2 + 5 + 5 (court's item and the grid item untouched)


def test_the_deduction_stops_at_zero_and_follows_the_items_weight():
    many = {"suggestions": 4, "suggestions_overdue": 3}
    points, share, explanation = auto_points("5", "suggestion_letters", many)
    assert (points, share) == (Decimal("0.00"), 0.0)
    assert explanation.endswith("应扣7分，扣完本项5分为止")
    assert auto_points("10", "suggestion_letters", many)[0] == Decimal("3.00")
    assert auto_points("10", "suggestion_letters", {"suggestions": 0, "suggestions_overdue": 0})[:2] == (
        Decimal("10"),
        None,
    )
    assert RULES["suggestion_letters"][0].deducts


def test_a_committee_adjustment_overrides_the_deduction(assessment, year_letters, unit, clerk, court):
    committee = factories.CommitteeFactory(jurisdiction=court.jurisdiction)
    reviewer = factories.CommitteeUserFactory(organisation=committee)
    services.start_scoring(actor=clerk, assessment=assessment)
    services.submit_scores(actor=clerk, assessment=assessment)
    services.adjust_score(
        actor=reviewer,
        assessment=assessment,
        unit=unit,
        criterion="suggestions",
        points="4",
        reason="逾期未回复系因机构改革，酌情少扣",
    )
    row = row_of(build_board(assessment.jurisdiction, YEAR, assessment, as_of=AS_OF), unit.pk)
    assert row["scores"]["suggestions"]["points"] == "4.00"
    assert row["scores"]["suggestions"]["adjustment"]["from"] == "2.00"


def test_the_figures_show_on_the_pages_and_in_the_excel_file(client_for, clerk, court, unit, year_letters):
    committee = factories.CommitteeFactory(jurisdiction=court.jurisdiction)
    reviewer = factories.CommitteeUserFactory(organisation=committee)
    with time_machine.travel(AS_OF, tick=False):
        unit_page = client_for(reviewer).get(reverse("assessment:unit", args=[YEAR, unit.pk])).content.decode()
        assert "司法建议函" in unit_page and "建议函未按期回复" in unit_page
        assert reverse("assessment:records", args=[YEAR, unit.pk, "suggestions"]) in unit_page
        records = client_for(reviewer).get(reverse("assessment:records", args=[YEAR, unit.pk, "suggestions"]))
        html = records.content.decode()
        assert records.status_code == 200
        assert year_letters["on_time"].document_number in html and year_letters["overdue"].document_number in html
        assert year_letters["earlier"].document_number not in html  # another year's
        assert html.count("<tr><td>") == 2
        xlsx = client_for(clerk).get(reverse("assessment:xlsx", args=[YEAR]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content))[
        "考评指标"
    ]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("司法建议函") + 1
    overdue_column = headers.index("建议函未按期回复") + 1
    values = {
        sheet.cell(row=r, column=1).value: (
            sheet.cell(row=r, column=column).value,
            sheet.cell(row=r, column=overdue_column).value,
        )
        for r in range(2, sheet.max_row + 1)
    }
    assert values[unit.name] in ((2, 1), ("2", "1"))


def test_the_letters_page_names_a_letter_only_to_whom_may_see_it(
    client_for, admin_user, unit, other_unit, year_letters
):
    url = reverse("assessment:records", args=[YEAR, unit.pk, "suggestions"])
    own = factories.LiaisonFactory(organisation=unit, liaison_role="B")
    with time_machine.travel(AS_OF, tick=False):
        html = client_for(own).get(url).content.decode()
        assert year_letters["overdue"].document_number in html
        admin_html = client_for(admin_user).get(url).content.decode()  # sees the board, not the court's letters
        assert admin_html.count("（无权查看）") == 2 and year_letters["overdue"].document_number not in admin_html
        stranger = factories.LiaisonFactory(organisation=other_unit, liaison_role="A")
        assert client_for(stranger).get(url).status_code == 404
