"""The notices as issued documents (issue 24): the leader's signature issues the notice with its code and QR code,
the download serves the issued bytes, the check page says it is in force, then lifted once the lifting notice is
signed (itself issued), withdrawn when withdrawn; uploads of the issued bytes match and altered ones do not."""

import io

import pdfplumber
import pytest
import time_machine
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.documents import NOTICE_TEMPLATE, notice_document_context, notice_pdf
from assistance.models import NoticeState
from linkage import verification
from linkage.errors import TransitionNotAllowed
from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from tests.assistance.test_periods import at, served_freeze
from tests.factories import OrganisationFactory
from tests.verification_support import (  # noqa: F401 (public_base: an autouse fixture)
    ARTIFACTS,
    BASE,
    assert_qr_names_the_check_page,
    public_base,
)

from .helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db
ITEMS = [
    {
        "property_kind": "bank_account",
        "description": "冻结被执行人在中国工商银行广州荔湾支行开立的账户内存款",
        "identifier": "6222020200112233445",
        "holder": "中国工商银行广州荔湾支行",
        "amount": "120000.00",
        "period_months": 12,
    }
]


@pytest.fixture
def notice(clerk, unit):
    return draft_notice(clerk, file_case(clerk), unit, items=ITEMS)


def first_page_image(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return pdf.pages[0].to_image(resolution=200).original.convert("RGB")


def status_of(client, code):
    response = client.get(reverse("verify:check-code", kwargs={"code": code}))
    assert response.status_code == 200
    return response.content.decode()


def upload(client, code, data):
    response = client.post(
        reverse("verify:check-code", kwargs={"code": code}),
        {"pdf": SimpleUploadedFile("通知书.pdf", data, content_type="application/pdf")},
    )
    return response.content.decode()


def test_a_draft_is_not_issued_and_keeps_its_watermark(notice):
    assert not IssuedDocument.objects.exists()
    context = notice_document_context(notice)
    assert context["is_draft"]
    pdf = notice_pdf(notice)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = document.pages[0].extract_text()
    assert "草稿" in text and "核验码" not in text


def test_signing_issues_the_notice_whose_qr_code_names_the_check_page(client, clerk, leader, notice, api_for):
    notice = advance(notice, NoticeState.SIGNED, clerk=clerk, leader=leader)
    issued = verification.issued(notice, IssuedDocumentKind.ASSISTANCE_NOTICE)
    assert issued is not None
    assert (issued.document_number, issued.addressee, issued.issuer_name) == (
        notice.case.number,
        notice.unit.name,
        notice.court.name,
    )
    assert issued.issued_on == timezone.localdate(notice.signed_at)  # the date printed (Asia/Shanghai)
    stored = bytes(IssuedDocument.objects.get(pk=issued.pk).content)

    # The download (page and API) is the issued file, byte for byte.
    assert notice_pdf(notice) == stored
    page = client_for_clerk(client, clerk).get(reverse("assistance:pdf", kwargs={"pk": notice.pk}))
    assert page.content == stored
    assert api_for(clerk).get(f"/api/v1/notices/{notice.pk}/pdf/").content == stored

    # Its first page carries the QR code of the check page, and the grouped code in words, covering no text.
    assert assert_qr_names_the_check_page(stored, issued, "notice-verification-first-page.png") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "notice-verification-signed.pdf").write_bytes(stored)  # the stamp is an annotation: pdftoppm shows it
    with pdfplumber.open(io.BytesIO(stored)) as pdf:
        assert "扫码或登录 zxld.example.gov.cn/verify/ 输入核验码查验真伪" in pdf.pages[0].extract_text().replace("\n", "")

    anonymous = client.__class__()
    body = status_of(anonymous, issued.grouped_code)
    assert "有效" in body and notice.unit.name in body and notice.case.number in body
    assert "6222020200112233445" not in body and "120,000" not in body and "44010319850615123X" not in body


def client_for_clerk(client, clerk):
    client.force_login(clerk)
    return client


def test_the_check_follows_the_notice_to_its_lifting(clerk, leader, notice, settings):
    anonymous = Client()
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    issued = verification.issued(notice, IssuedDocumentKind.ASSISTANCE_NOTICE)
    code = issued.grouped_code
    stored = bytes(IssuedDocument.objects.get(pk=issued.pk).content)
    assert notice_pdf(notice) == stored  # served: still the issued bytes
    assert "有效" in status_of(anonymous, code)

    # Uploads: the exact bytes match; one byte changed, or the same notice rendered again, do not.
    assert "与签发文件完全一致" in upload(anonymous, code, stored)
    altered = bytearray(stored)
    altered[len(altered) // 2] ^= 0x20
    assert "与签发文件不一致（可能被篡改）" in upload(anonymous, code, bytes(altered))
    # A page re-rendered by a forger: the same layout and code, one fact changed (the account's holder).
    context = notice_document_context(notice)
    forged_items = [
        {**item, "text": item["text"].replace("中国工商银行广州荔湾支行", "中国建设银行广州荔湾支行")}
        for item in context["items"]
    ]
    rerendered = render_pdf(
        NOTICE_TEMPLATE,
        {**context, "items": forged_items, "verification": verification.verification_context(issued.code)},
    )
    assert rerendered[:5] == b"%PDF-" and rerendered != stored
    assert "与签发文件不一致（可能被篡改）" in upload(anonymous, code, rerendered)

    services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=f"{notice.case.number}之一")
    assert "有效" in status_of(anonymous, code)  # a lifting waiting for the leader changes nothing yet
    services.sign_lifting(actor=leader, notice=notice)
    notice.refresh_from_db()
    lifting = verification.issued(notice, IssuedDocumentKind.LIFTING_NOTICE)
    assert lifting is not None and lifting.status == IssuedDocumentStatus.IN_FORCE
    body = status_of(anonymous, code)
    assert "已解除" in body
    lifted_on = chinese_date(notice.lifted_at)
    assert f"已于{lifted_on}以{notice.case.number}解除协助执行通知书（核验码 {lifting.grouped_code}）解除" in body
    assert f"{notice.case.number}之一执行裁定书" in body
    api = anonymous.get(reverse("api-verify", kwargs={"code": code})).json()
    assert api["status"] == "lifted" and lifted_on in api["status_note"]

    # The lifting notice is issued too: its download is its stored bytes, with its own QR code.
    from assistance.documents import lifting_notice_pdf

    lifting_bytes = bytes(IssuedDocument.objects.get(pk=lifting.pk).content)
    assert lifting_notice_pdf(notice) == lifting_bytes
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(first_page_image(lifting_bytes))]
    assert decoded == [f"{BASE}/verify/{lifting.grouped_code}/"]
    assert "有效" in status_of(anonymous, lifting.grouped_code)
    assert "解除协助执行通知书" in status_of(anonymous, lifting.grouped_code)


def test_a_withdrawn_notice_is_withdrawn_on_the_check_page(client, clerk, leader, notice):
    notice = advance(notice, NoticeState.SIGNED, clerk=clerk, leader=leader)
    code = verification.issued(notice, IssuedDocumentKind.ASSISTANCE_NOTICE).grouped_code
    services.withdraw_notice(actor=clerk, notice=notice, reason="文书有误")
    body = status_of(client, code)
    assert "已撤回" in body
    notice.refresh_from_db()
    pdf = notice_pdf(notice)  # the record copy: rendered with its 已撤回 watermark
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert "已撤回" in document.pages[0].extract_text()


def test_a_withdrawn_draft_issues_nothing(clerk, leader, notice):
    services.withdraw_notice(actor=clerk, notice=notice, reason="不再需要")
    assert not IssuedDocument.objects.exists()


def test_signing_twice_through_the_service_is_refused_and_issues_once(clerk, leader, notice):
    advance(notice, NoticeState.SIGNED, clerk=clerk, leader=leader)
    with pytest.raises(TransitionNotAllowed):
        services.sign_notice(actor=leader, notice=notice)
    assert IssuedDocument.objects.count() == 1


def test_a_renewal_is_its_own_document_and_supersedes_nothing(client, clerk, leader, court):
    unit = OrganisationFactory(measures=["inquiry", "freeze", "seal"], jurisdiction=court.jurisdiction)
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        original = served_freeze(clerk, leader, file_case(clerk), unit)
        renewal = services.draft_renewal(actor=clerk, notice=original)
        services.sign_notice(actor=leader, notice=renewal)
    first = verification.issued(original, IssuedDocumentKind.ASSISTANCE_NOTICE)
    second = verification.issued(renewal, IssuedDocumentKind.RENEWAL_NOTICE)
    assert first is not None and second is not None and first.code != second.code
    assert first.status == second.status == IssuedDocumentStatus.IN_FORCE
    assert "续行查封（冻结）通知书" in status_of(client, second.grouped_code)
    renewal.refresh_from_db()
    stored = bytes(IssuedDocument.objects.get(pk=second.pk).content)
    assert notice_pdf(renewal) == stored
    with pdfplumber.open(io.BytesIO(stored)) as pdf:
        assert "续行冻结通知书" in pdf.pages[0].extract_text().replace(" ", "")
