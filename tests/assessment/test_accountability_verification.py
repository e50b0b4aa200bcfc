"""The yearly accountability documents (organs report, deduction letter, officials list) as issued documents (issue
24): issuing (签发印发) issues the document with its verification code — signed, its bytes stored and served from then
on; the check page names it, its number, its addressee and says it is in force. A draft is not issued.

They are laid out on pdf/official_document.html, whose verification block belongs to that layout:
`test_accountability_qr_code_names_the_check_page` decodes the QR code (run it with that block in place)."""
# ruff: noqa: F811 — the fixtures imported from the accountability tests are the arguments' names

import io

import pdfplumber
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from assessment import accountability as services
from assessment.accountability_documents import accountability_pdf
from linkage import signing, verification
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from tests.assistance.test_letter_verification import assert_qr_names_the_check_page, public_base  # noqa: F401

from .test_accountability import NOW, world, year  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
KIND = IssuedDocumentKind.ACCOUNTABILITY
KINDS = ["organs_report", "deduction_letter", "officials_list"]


def _issued(w, kind):
    """The year 2025's document of `kind`, generated from the record as of February 2026 and issued now (the
    signing key is valid from when the test run made it); the deduction letter after its report."""
    with time_machine.travel(NOW, tick=False):
        report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    report = services.issue(actor=w["leader"], document=report)
    if kind == "organs_report":
        return report
    with time_machine.travel(NOW, tick=False):
        document = services.generate(actor=w["clerk"], kind=kind, year=2025)
    return services.issue(actor=w["leader"], document=document)


def test_a_draft_is_not_issued(year):
    with time_machine.travel(NOW, tick=False):
        draft = services.generate(actor=year["clerk"], kind="organs_report", year=2025)
    assert verification.issued(draft, KIND) is None
    with pdfplumber.open(io.BytesIO(accountability_pdf(draft))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "草稿" in text and "核验码" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_issuing_issues_the_document_and_its_download_is_the_issued_file(year, kind):
    w = year
    document = _issued(w, kind)
    issued = verification.issued(document, KIND)
    assert (issued.document_number, issued.addressee, issued.issuer_name, issued.issuer_code) == (
        document.number,
        document.addressee,
        w["court"].name,
        w["court"].code,
    )
    assert issued.status == IssuedDocumentStatus.IN_FORCE
    stored = bytes(IssuedDocument.objects.get(pk=issued.pk).content)
    assert signing.validate_pdf(stored).ok
    assert accountability_pdf(document) == stored
    client = Client()
    client.force_login(w["clerk"])
    response = client.get(reverse("assessment:accountability-pdf", args=[document.pk]))
    assert response.status_code == 200 and response.content == stored
    with pdfplumber.open(io.BytesIO(stored)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "草稿" not in text and document.number in text

    response = Client().get(reverse("verify:check-code", kwargs={"code": issued.grouped_code}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "责任追究文书" in body and document.number in body and document.addressee in body and "有效" in body
    # Each document is its own: the deduction letter issued later leaves the report's code in force.
    assert IssuedDocument.objects.filter(kind=KIND, status=IssuedDocumentStatus.IN_FORCE).count() == (
        1 if kind == "organs_report" else 2
    )


def test_issuing_twice_is_refused_and_issues_once(year):
    document = _issued(year, "organs_report")
    with pytest.raises(Exception):  # noqa: B017 — an issued document is no draft: refused, whatever the class
        services.issue(actor=year["leader"], document=document)
    assert IssuedDocument.objects.filter(kind=KIND).count() == 1


def test_a_refused_issue_issues_nothing(year):
    with time_machine.travel(NOW, tick=False):
        draft = services.generate(actor=year["clerk"], kind="organs_report", year=2025)
    with pytest.raises(Exception):  # noqa: B017 — a clerk may not issue
        services.issue(actor=year["clerk"], document=draft)
    assert not IssuedDocument.objects.filter(kind=KIND).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_accountability_qr_code_names_the_check_page(year, kind):
    """Needs the verification block of pdf/official_document.html (the GB/T 9704 layout's own)."""
    document = _issued(year, kind)
    issued = verification.document_for(document, KIND)
    assert_qr_names_the_check_page(bytes(issued.content), issued, f"accountability-{kind}-verification.png")
