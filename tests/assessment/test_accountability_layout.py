"""The yearly accountability documents (organs report, deduction letter, officials list) are laid out like the
meeting documents (GB/T 9704-2012, measured by ``tests.meetings.test_document_layout.check_layout``), numbered in
one series with the court's other documents (``linkage.document_numbers``)."""

import pytest
import time_machine

from assessment import accountability as services
from assessment.accountability_documents import pdf_context
from linkage.document_numbers import DocumentNumber
from linkage.pdf import render_pdf
from tests.meetings.test_document_layout import check_layout, keep

from .test_accountability import NOW, world, year  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", ["organs_report", "deduction_letter", "officials_list"])
def test_each_accountability_document_is_laid_out_to_gbt9704(year, kind):  # noqa: F811
    w = year
    report = services.issue(actor=w["leader"], document=services.generate(actor=w["clerk"], kind="organs_report",
                                                                          year=2025))
    document = report if kind == "organs_report" else services.issue(
        actor=w["leader"], document=services.generate(actor=w["clerk"], kind=kind, year=2025))
    pdf = render_pdf("pdf/accountability.html", pdf_context(document))
    keep(f"accountability-{kind}", pdf)
    number, _ = check_layout(pdf, title=document.title, min_pages=2)  # the case table is the attachment page
    assert number == document.number == DocumentNumber.objects.get(subject=document.number_subject).text
    expected = 1 if kind == "organs_report" else 2  # after the report, in the court's one series
    assert number.endswith(f"〔2026〕{expected}号")
