"""The scoreboard's 通报 as an issued document (issue 24, `assessment.issuing`): each finalised version is issued at
finalising with the QR code of its check page (decoded with zxing-cpp), signed; the downloads (page and API, the
latest or a named version) serve its stored bytes; finalising again after a reopening issues the next version's and
marks the earlier one 已被替代; a board under review is not issued."""

import io

import pdfplumber
import pytest
from django.urls import reverse

from assessment import services
from linkage import signing, verification
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus
from tests.meetings.test_document_verification import qr_texts
from tests.verification_support import BASE, public_base  # noqa: F401 (an autouse fixture)

from .test_exports import YEAR, scored  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
KIND = IssuedDocumentKind.SCOREBOARD


def decide_all(assessment, committee_user):
    for nomination in assessment.nominations.filter(state="proposed"):
        services.decide_nomination(actor=committee_user, nomination=nomination, approved=True)


def test_each_finalised_version_is_issued_and_the_next_supersedes_it(
    scored,  # noqa: F811
    committee_user,
    clerk,
    client_for,
    api_for,
    client,
):
    pdf_url = reverse("assessment:pdf", args=[YEAR])
    review = client_for(committee_user).get(pdf_url).content
    assert qr_texts(review) == []  # a board under review is no issued document
    decide_all(scored, committee_user)
    services.finalise(actor=committee_user, assessment=scored)
    first_version = scored.versions.get(number=1)
    first = verification.document_for(first_version, KIND)
    assert first.status == IssuedDocumentStatus.IN_FORCE and first.addressee == "各执行联动成员单位"
    assert first.issuer_code == committee_user.organisation.code
    served = client_for(committee_user).get(pdf_url).content
    assert served == bytes(first.content)
    assert qr_texts(served, "scoreboard") == [verification.check_url(first.code)]
    assert signing.validate_pdf(served).ok
    with pdfplumber.open(io.BytesIO(served)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert first.grouped_code in text and first.document_number in text
    assert api_for(clerk).get(reverse("api-assessment-pdf", args=[YEAR])).content == served
    client.logout()
    page = client.get(reverse("verify:check-code", kwargs={"code": first.grouped_code})).content.decode()
    assert "考核结果通报" in page and first.document_number in page and "有效" in page

    services.reopen(actor=committee_user, assessment=scored, reason="补录一项会议出席情况")
    assert verification.issued(first_version, KIND).status == IssuedDocumentStatus.IN_FORCE  # reopening is no new one
    services.finalise(actor=committee_user, assessment=scored)
    second = verification.document_for(scored.versions.get(number=2), KIND)
    first.refresh_from_db()
    assert first.status == IssuedDocumentStatus.SUPERSEDED and second.grouped_code in first.status_note
    assert second.status == IssuedDocumentStatus.IN_FORCE and second.document_number != first.document_number
    latest = client_for(committee_user).get(pdf_url).content
    assert latest == bytes(second.content) and qr_texts(latest) == [verification.check_url(second.code)]
    assert client_for(committee_user).get(pdf_url + "?version=1").content == served  # the earlier 通报, as issued
    client.logout()
    page = client.get(reverse("verify:check-code", kwargs={"code": first.grouped_code})).content.decode()
    assert "已被替代" in page
