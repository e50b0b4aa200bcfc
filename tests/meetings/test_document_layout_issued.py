"""The committee's briefing, the court's suggestion letter and the yearly accountability documents are laid out
like the four meeting documents (GB/T 9704-2012, measured by ``test_document_layout.check_layout``), with their
number from the issuer's register (``linkage.document_numbers``)."""

import pytest

from meetings.briefing_views import briefing_pdf_bytes
from meetings.services import briefings

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
