"""The blacklist's documents as issued documents (issue 24): the restriction order (issued as it is made, lifted
with its date and ground, its pause during a grace noted while it stays in force), the credit-repair certificate
(issued at the grant, served as issued to the clerk and to the party) and the judicial credit report (issued at
generation; a regenerated one supersedes the one before). Each: its QR code decodes to the check page of its code,
its PAdES signature validates, the downloads serve exactly the stored bytes, the check page says what it is."""

import datetime
import io
import re

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blacklist.credit_report import services as reports
from blacklist.grace import services as graces
from blacklist.models import RestrictionOrder, RestrictionState
from blacklist.repair import services as repairs
from blacklist.restrictions import documents as restriction_documents
from blacklist.restrictions import services as restrictions
from linkage import signing, verification
from linkage.numerals import chinese_date
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from tests.blacklist.test_credit_repair import DEBTOR_ID, make_case, publish, receive
from tests.blacklist.test_credit_repair_pages import check
from tests.verification_support import (  # noqa: F401 (public_base: an autouse fixture)
    BASE,
    assert_qr_names_the_check_page,
    check_page,
    page_images,
    public_base,
)

pytestmark = pytest.mark.django_db
ORDER = IssuedDocumentKind.RESTRICTION_ORDER
CERTIFICATE = IssuedDocumentKind.CREDIT_REPAIR_CERTIFICATE
REPORT = IssuedDocumentKind.CREDIT_REPORT


@pytest.fixture
def listing(clerk, leader):
    return publish(clerk, leader, make_case(clerk).parties.debtors().get())


def stored(issued):
    return bytes(IssuedDocument.objects.get(pk=issued.pk).content)


def status_of(code):
    return check_page(code)


def badge(body):
    """The status the check page shows (its badge)."""
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', body).group(1)


def assert_verifiable(issued, pdf, artifact):
    """The issued PDF: signed (valid against the jurisdiction's CA), with its check page's QR code on its last page,
    beside the seal, covering no text."""
    assert signing.validate_pdf(pdf).ok
    assert assert_qr_names_the_check_page(pdf, issued, artifact) == len(page_images(pdf)) - 1


# ------------------------------------------------------------------------------------------- restriction order


def test_the_order_is_issued_as_it_is_made_and_served_as_issued(clerk, leader, listing, client_for, api_for):
    order = listing.restriction_order
    issued = verification.issued(order, ORDER)
    assert issued is not None and issued.status == IssuedDocumentStatus.IN_FORCE
    assert (issued.document_number, issued.issuer_name, issued.addressee, issued.issued_on) == (
        order.case.number,
        order.case.court.name,
        "王堃",
        order.issued_on,
    )
    pdf = stored(issued)
    assert restriction_documents.restriction_order_pdf(order) == pdf
    assert client_for(clerk).get(reverse("blacklist:restriction-pdf", args=[order.pk])).content == pdf
    assert api_for(clerk).get(f"/api/v1/restrictions/{order.pk}/pdf/").content == pdf
    assert_verifiable(issued, pdf, "restriction-order-verification.png")

    body = status_of(issued.grouped_code)
    assert "限制消费令" in body and badge(body) == "有效" and order.case.number in body and "王堃" in body
    assert DEBTOR_ID not in body  # the order prints it; the check page never shows it

    # Issuing again (the listing's approval finds the order in force) issues nothing more.
    assert restrictions.issue_restriction_order(actor=clerk, debtor=order.debtor) == order
    assert IssuedDocument.objects.filter(kind=ORDER).count() == 1


def test_a_lifted_order_says_when_and_why_on_the_check_page(clerk, listing):
    order = listing.restriction_order
    code = verification.issued(order, ORDER).grouped_code
    before = stored(verification.issued(order, ORDER))
    restrictions.lift_restriction_order(actor=clerk, order=order, reason="被执行人已履行全部义务")
    body = status_of(code)
    assert badge(body) == "已解除"
    assert f"已于{chinese_date(timezone.localdate())}解除，解除理由：被执行人已履行全部义务" in body
    api = Client().get(reverse("api-verify", kwargs={"code": code})).json()
    assert api["status"] == "lifted" and "被执行人已履行全部义务" in api["status_note"]
    order.refresh_from_db()
    assert restriction_documents.restriction_order_pdf(order) == before  # still the issued file


def test_a_paused_order_stays_in_force_and_says_it_is_paused(clerk, leader, listing):
    order = listing.restriction_order
    code = verification.issued(order, ORDER).grouped_code
    today = timezone.localdate()
    grace = graces.grant_grace(
        actor=leader,
        listing=listing,
        promisor="debtor",
        promise="本人承诺分期履行。",
        promised_on=today,
        instalments=[{"due_on": today + datetime.timedelta(days=10), "amount": "10000"}],
    )
    order.refresh_from_db()
    assert order.state == RestrictionState.PAUSED
    body = status_of(code)
    assert badge(body) == "有效"
    assert f"自{chinese_date(today)}起因暂缓采取惩戒措施暂停执行" in body and "恢复执行" in body

    graces.break_grace(actor=clerk, grace=grace, reason="第1期逾期未履行")
    order.refresh_from_db()
    assert order.state == RestrictionState.ACTIVE
    body = status_of(code)
    assert badge(body) == "有效" and "暂停执行" not in body
    assert verification.issued(order, ORDER).status_note == ""


def test_an_order_without_listing_is_issued_to_the_organisation(clerk):
    case = make_case(
        clerk,
        number=802,
        debtors=[
            {
                "kind": "organisation",
                "name": "某某贸易有限公司",
                "credit_code": "91110000600037341L",
                "legal_representative": "李四",
            }
        ],
    )
    order = restrictions.issue_restriction_order(actor=clerk, debtor=case.parties.debtors().get())
    issued = verification.issued(order, ORDER)
    assert issued.addressee == "某某贸易有限公司" and issued.issued_on == order.issued_on
    assert signing.validate_pdf(stored(issued)).ok


def test_an_order_made_before_documents_were_issued_is_rendered_with_its_lifting(clerk, listing):
    order = listing.restriction_order
    IssuedDocument.objects.filter(kind=ORDER).delete()  # as if made before issue 24
    restrictions.lift_restriction_order(actor=clerk, order=order, reason="已履行")  # nothing to mark: no error
    order = RestrictionOrder.objects.get(pk=order.pk)
    with pdfplumber.open(io.BytesIO(restriction_documents.restriction_order_pdf(order))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "本限制消费令已于" in text and "核验码" not in text


# ----------------------------------------------------------------------------------- credit-repair certificate


def test_the_granted_certificate_is_issued_and_served_as_issued_to_clerk_and_party(clerk, leader, listing, client_for):
    repair = receive(clerk, listing)
    assert verification.issued(repair, CERTIFICATE) is None  # nothing before the grant
    repair = repairs.grant_repair(actor=leader, repair=repair, outcome="deleted")
    issued = verification.issued(repair, CERTIFICATE)
    assert (issued.document_number, issued.issuer_name, issued.addressee) == (
        repair.certificate_number,
        listing.court.name,
        "王堃",
    )
    assert issued.issued_on == timezone.localdate(repair.decided_at)
    pdf = stored(issued)
    assert client_for(clerk).get(reverse("blacklist:repair-certificate", args=[repair.pk])).content == pdf
    party = Client()
    assert check(party).status_code == 302
    certificate = reverse("blacklist:public-credit-certificate", args=[listing.debtor_id, repair.pk])
    assert party.get(certificate).content == pdf
    assert_verifiable(issued, pdf, "credit-repair-certificate-verification.png")

    body = status_of(issued.grouped_code)
    assert "信用修复证明" in body and badge(body) == "有效" and repair.certificate_number in body
    assert DEBTOR_ID not in body
    # The grant lifted the order: its own issued document says so.
    assert verification.issued(listing.restriction_order, ORDER).status == IssuedDocumentStatus.LIFTED


def test_a_refused_repair_issues_nothing(clerk, leader, listing):
    repair = repairs.refuse_repair(actor=leader, repair=receive(clerk, listing), reason="尚未履行。")
    assert verification.issued(repair, CERTIFICATE) is None
    assert not IssuedDocument.objects.filter(kind=CERTIFICATE).exists()


# --------------------------------------------------------------------------------------- judicial credit report


def test_the_report_is_issued_at_generation_and_a_new_one_supersedes_it(clerk, leader, listing, client_for, api_for):
    debtor = listing.debtor
    first = reports.regenerate_report(actor=clerk, party=debtor)
    issued = verification.issued(first, REPORT)
    assert (issued.document_number, issued.issuer_name, issued.addressee) == (
        first.number,
        debtor.case.court.name,
        "王堃",
    )
    pdf = stored(issued)
    assert client_for(clerk).get(reverse("blacklist:credit-report-pdf", args=[debtor.pk])).content == pdf
    assert api_for(clerk).get(f"/api/v1/parties/{debtor.pk}/credit-report.pdf").content == pdf
    assert_verifiable(issued, pdf, "credit-report-verification.png")
    assert "司法信用报告" in status_of(issued.grouped_code) and first.number in status_of(issued.grouped_code)

    # The JSON is the report's, unchanged by its issue.
    json = api_for(clerk).get(f"/api/v1/parties/{debtor.pk}/credit-report/").json()
    assert json["number"] == first.number and "verification" not in json and "code" not in json

    second = reports.regenerate_report(actor=leader, party=debtor)
    replaced = IssuedDocument.objects.get(pk=issued.pk)
    current = verification.issued(second, REPORT)
    assert replaced.status == IssuedDocumentStatus.SUPERSEDED and current.status == IssuedDocumentStatus.IN_FORCE
    body = status_of(issued.grouped_code)
    assert badge(body) == "已被替代" and second.number in body and current.grouped_code in body
    assert badge(status_of(current.grouped_code)) == "有效"
    assert client_for(clerk).get(reverse("blacklist:credit-report-pdf", args=[debtor.pk])).content == stored(current)


def test_concluding_the_case_issues_a_report_for_each_party(clerk, listing):
    from cases import services as case_services

    case = listing.debtor.case
    case_services.set_case_status(actor=clerk, case=case, status="concluded", reason="已履行完毕。")
    issued = IssuedDocument.objects.filter(kind=REPORT)
    assert issued.count() == case.parties.count()
    assert set(issued.values_list("status", flat=True)) == {IssuedDocumentStatus.IN_FORCE}
