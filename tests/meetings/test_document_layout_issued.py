"""The committee's briefing, the court's suggestion letter and the yearly accountability documents are laid out
like the four meeting documents (GB/T 9704-2012, measured by ``test_document_layout.check_layout``), with their
number from the issuer's register (``linkage.document_numbers``)."""

import pytest
import time_machine

from assistance.suggestion_documents import TITLE as LETTER_TITLE
from assistance.suggestion_documents import suggestion_pdf
from linkage.document_numbers import issuer_prefix
from meetings.briefing_views import briefing_pdf_bytes
from meetings.services import briefings
from tests.assistance.test_suggestion_letters import at, case, contacts, letter, overdue_notice, served  # noqa: F401

from .test_briefings import _draft, record  # noqa: F401 (fixture)
from .test_document_layout import NUMBER_RE, check_layout, keep

pytestmark = pytest.mark.django_db


def test_the_briefing_is_laid_out_to_gbt9704_with_the_committee_number(record):  # noqa: F811
    briefing = _draft(record)
    briefings.issue_briefing(actor=record.committee, briefing=briefing)
    briefing.refresh_from_db()
    pdf = briefing_pdf_bytes(briefing)
    keep("briefing", pdf)
    number, _ = check_layout(pdf, title=briefing.title, min_pages=2)
    assert NUMBER_RE.fullmatch(number) and number == briefing.document_number


def test_the_suggestion_letter_is_laid_out_to_gbt9704_with_the_court_number(letter, leader, clerk):  # noqa: F811
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        letter = served(letter, leader, clerk)
    pdf = suggestion_pdf(letter)
    keep("suggestion-letter", pdf)
    number, _ = check_layout(pdf, title=LETTER_TITLE)
    assert number == letter.document_number == f"{issuer_prefix(letter.court)}〔2026〕1号"


def test_a_title_is_never_cut_inside_brackets():
    from linkage.gbt9704 import TITLE_LINE_CHARS, _width, title_lines

    title = "关于提请对2025年度逾期不履行生效判决的行政机关所在县（市、区）予以考评扣分的函"
    lines = title_lines(title, ["行政机关", "生效判决", "考评扣分"])
    assert "".join(lines) == title and len(lines) >= 2
    assert all(_width(line) <= TITLE_LINE_CHARS for line in lines)
    assert any("（市、区）" in line for line in lines), lines
    assert min(_width(line) for line in lines) >= 4, lines  # no lone 函 on the last line
