"""The PDF and the Excel export hold the same figures as the page: ranks, every criterion's score, totals and every
metric of every unit, for a live board and for a finalised one. The PDF is read back with pdfplumber, the
workbook with openpyxl, the page with the HTML parser."""

import io
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services
from assessment.presentation import COOPERATION_COLUMNS, NOTICE_COLUMNS
from members.models import Organisation

from .conftest import at

pytestmark = pytest.mark.django_db

YEAR = 2025
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class BoardPage(HTMLParser):
    """Collects {unit short name: {"rank", "total", "scores": {code: text}, "metrics": {key: text}}} from the page."""

    def __init__(self):
        super().__init__()
        self.units, self.table, self.current = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = attrs.get("id")
        elif tag == "tr" and "data-unit-name" in attrs:
            self.current = self.units.setdefault(attrs["data-unit-name"], {"scores": {}, "metrics": {}})
            if self.table == "ranking":
                self.current.update(rank=attrs["data-rank"], total=attrs["data-total"])
        elif tag == "td" and self.current is not None:
            if "data-criterion" in attrs:
                self.current["scores"][attrs["data-criterion"]] = attrs["data-value"]
            elif "data-metric" in attrs:
                self.current["metrics"][attrs["data-metric"]] = attrs["data-value"]

    def handle_endtag(self, tag):
        if tag == "tr":
            self.current = None


def shown(cell):
    """A cell as Excel displays it (the number format decides the decimals)."""
    if isinstance(cell.value, (int, float)) and cell.number_format == "0.00":
        return f"{cell.value:.2f}"
    return str(cell.value)


def page_figures(client, url):
    parser = BoardPage()
    parser.feed(client.get(url).content.decode())
    return parser.units


def pdf_tables(content):
    """Rows of every table in the PDF, by their unit column (rank tables: second column)."""
    rows = []
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend([[(cell or "").replace("\n", "") for cell in row] for row in table])
    return text, rows


@pytest.fixture
def scored(notices, clerk, committee_user, unit, other_unit, third_unit, court):
    notices.notice(unit, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    notices.notice(unit, at(2025, 3, 10), acknowledged=at(2025, 3, 12), replied=at(2025, 3, 19))
    notices.notice(unit, at(2025, 9, 30), acknowledged=at(2025, 10, 9), replied=at(2025, 10, 9, 15))
    notices.notice(other_unit, at(2025, 5, 6), acknowledged=at(2025, 5, 6, 11), replied=at(2025, 5, 7))
    notices.notice(other_unit, at(2025, 12, 30), acknowledged=at(2025, 12, 31), replied=at(2026, 1, 6))
    assessment = services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)
    services.start_scoring(actor=clerk, assessment=assessment)
    services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="reply_quality",
                               points="7.25", reason="回复未逐项填写")
    services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_unit", unit=other_unit,
                                evidence="全年按期回复，配合积极")
    services.propose_nomination(actor=clerk, assessment=assessment, kind="criticise_unit", unit=unit,
                                evidence="多次逾期回复")
    services.submit_scores(actor=clerk, assessment=assessment)
    services.adjust_score(actor=committee_user, assessment=assessment, unit=other_unit, criterion="committee",
                          points="8.5", reason="会议出席不全")
    return assessment


def check_same_figures(client, query=""):
    board_url = reverse("assessment:board", args=[YEAR]) + query
    page = page_figures(client, board_url)
    assert len(page) == 3 and all(unit["scores"] and unit["metrics"] for unit in page.values())

    pdf = client.get(reverse("assessment:pdf", args=[YEAR]) + query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text, rows = pdf_tables(pdf.content)
    ARTIFACTS.mkdir(exist_ok=True)  # kept for a look (pdftoppm): the layout is checked by eye
    (ARTIFACTS / "assessment-scoreboard.pdf").write_bytes(pdf.content)
    assert "年度执行联动工作考评结果的通报" in text
    criteria_codes = list(next(iter(page.values()))["scores"])
    for name, figures in page.items():
        ranked = [row for row in rows if len(row) == len(criteria_codes) + 3 and row[1] == name]
        assert len(ranked) == 1, name
        assert ranked[0][0] == figures["rank"] and ranked[0][-1] == figures["total"]
        assert ranked[0][2:-1] == [figures["scores"][code] for code in criteria_codes]
        for columns in (NOTICE_COLUMNS, COOPERATION_COLUMNS):
            metric_rows = [row for row in rows if len(row) == len(columns) + 1 and row[0] == name]
            assert len(metric_rows) == 1, (name, columns[0])
            assert metric_rows[0][1:] == [figures["metrics"][key] for key, _, _ in columns]

    workbook = load_workbook(io.BytesIO(client.get(reverse("assessment:xlsx", args=[YEAR]) + query).content))
    excel = {row[1].value: [shown(cell) for cell in row] for row in workbook["考评结果"].iter_rows(min_row=4)}
    excel_metrics = {row[0].value: [shown(cell) for cell in row[1:]] for row in workbook["考评指标"].iter_rows(min_row=2)}
    for name, figures in page.items():
        full = Organisation.objects.get(short_name=name).name
        values = excel[full]
        assert values[0] == figures["rank"]
        assert values[2:-1] == [figures["scores"][code] for code in criteria_codes]
        assert values[-1] == figures["total"]
        assert excel_metrics[full] == [figures["metrics"][key] for key, _, _ in NOTICE_COLUMNS + COOPERATION_COLUMNS]
    return page, text


def test_exports_hold_the_page_figures_live_and_finalised(client_for, committee_user, scored, unit):
    client = client_for(committee_user)
    page, text = check_same_figures(client)
    assert page[unit.short_name]["scores"]["reply_quality"] == "7.25"
    assert "审核稿" in text
    services.decide_nomination(actor=committee_user, nomination=scored.nominations.get(kind="commend_unit"),
                               approved=True)
    services.decide_nomination(actor=committee_user, nomination=scored.nominations.get(kind="criticise_unit"),
                               approved=True)
    services.finalise(actor=committee_user, assessment=scored)
    page, text = check_same_figures(client)
    assert "定稿第1版" in text and "协助执行工作先进单位" in text and "予以通报批评" in text
    assert "— 1 —" in text


def test_court_exports_too(client_for, clerk, scored):
    check_same_figures(client_for(clerk))


def test_scoreboard_xlsx_writes_formula_like_text_as_text(client_for, clerk, notices, unit, other_unit, court):
    """A unit name, a score's reason and a nomination's evidence typed as `=1+1` (or `@SUM(A1)`, `-2+3`) reach the
    workbook as text shown as typed, never as a formula Excel or LibreOffice would evaluate."""
    Organisation.objects.filter(pk=unit.pk).update(name="=1+1")
    notices.notice(unit, at(2025, 3, 3), acknowledged=at(2025, 3, 3, 11), replied=at(2025, 3, 4))
    assessment = services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)
    services.start_scoring(actor=clerk, assessment=assessment)
    services.enter_court_score(actor=clerk, assessment=assessment, unit=unit, criterion="reply_quality",
                               points="7.25", reason="@SUM(A1)")
    services.propose_nomination(actor=clerk, assessment=assessment, kind="commend_unit", unit=other_unit,
                                evidence="-2+3")

    response = client_for(clerk).get(reverse("assessment:xlsx", args=[YEAR]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    typed = {cell.value: cell for cell in cells if cell.value in ("=1+1", "@SUM(A1)", "-2+3")}
    assert set(typed) == {"=1+1", "@SUM(A1)", "-2+3"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in typed.values())
