"""A unit's liaison checks a document from its inbox (issue 24 item 4): a code typed, or a received PDF uploaded,
answered inline with exactly what the public /verify/ page answers (the one check, `verification_views.answer`),
for a notice to any unit (the check is public), never with more; rate limited with the public page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assistance.models import NoticeState
from linkage import verification
from linkage.verification_models import IssuedDocument, IssuedDocumentKind
from tests.conftest import clear_own_cache

from .helpers import advance, draft_notice, file_case
from .test_notice_verification import ITEMS

pytestmark = pytest.mark.django_db
URL = "/inbox/verify/"


@pytest.fixture(autouse=True)
def fresh_windows():
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def issued(clerk, leader, unit):
    """A signed notice to `unit` (not to the liaison's own `other_unit`), with its stored bytes."""
    notice = advance(draft_notice(clerk, file_case(clerk), unit, items=ITEMS), NoticeState.SIGNED, clerk=clerk,
                     leader=leader)  # fmt: skip
    return IssuedDocument.objects.get(pk=verification.issued(notice, IssuedDocumentKind.ASSISTANCE_NOTICE).pk)


@pytest.fixture
def checker(client, other_liaison):
    client.force_login(other_liaison)
    return client


def result_block(body):
    """The answer's card and alerts, as rendered (the same partial on both pages)."""
    match = re.search(r'<div class="card mb-3" id="verify-result">.*?</div>\s*</div>', body, re.S)
    return match.group(0) if match else None


def test_url_is_the_inbox_form():
    assert reverse("assistance:inbox-verify") == URL


def test_a_code_of_a_notice_to_another_unit_answers_as_the_public_page(checker, issued):
    response = checker.post(URL, {"code": issued.grouped_code.lower()})
    assert response.status_code == 200
    body = response.content.decode()
    public = Client().get(reverse("verify:check-code", kwargs={"code": issued.code})).content.decode()
    assert result_block(body) is not None and result_block(body) == result_block(public)
    assert "有效" in result_block(body) and issued.addressee in body and issued.document_number in body
    assert 'id="inbox-list"' in body  # inline, above the inbox itself
    # Never more than the public page: no link to the notice, no amount, no account, no identity number.
    assert f"/notices/{issued.object_id}/" not in body
    for secret in ("6222020200112233445", "120,000", "120000", issued.sha256):
        assert secret not in body
    # A GET with ?code= answers the same (a link to a check).
    again = checker.get(URL, {"code": issued.grouped_code})
    assert again.status_code == 200 and result_block(again.content.decode()) == result_block(public)


def test_an_uploaded_pdf_is_found_by_its_bytes_and_checked(checker, issued):
    content = bytes(issued.content)
    response = checker.post(URL, {"pdf": SimpleUploadedFile("通知书.pdf", content, content_type="application/pdf")})
    body = response.content.decode()
    assert response.status_code == 200
    assert issued.grouped_code in body and "与签发文件完全一致。" in body
    assert 'data-signature="valid"' in body and "电子签名有效（签名单位：" in body

    changed = bytearray(content)
    changed[len(changed) // 3] ^= 0x01
    with_code = checker.post(
        URL,
        {"code": issued.grouped_code, "pdf": SimpleUploadedFile("通知书.pdf", bytes(changed), "application/pdf")},
    )
    body = with_code.content.decode()
    assert with_code.status_code == 200
    assert "与签发文件不一致（可能被篡改）。" in body and "电子签名无效或文件被改动。" in body

    # A scan (or any file that is not the issued bytes) cannot name its document: the code must be typed.
    scan = checker.post(URL, {"pdf": SimpleUploadedFile("扫描件.pdf", bytes(changed), "application/pdf")})
    assert scan.status_code == 404
    assert "请输入文书上的核验码查验（扫描件须输入核验码）" in scan.content.decode()
    assert result_block(scan.content.decode()) is None


def test_wrong_code_nothing_and_not_a_pdf(checker, issued):
    wrong = checker.post(URL, {"code": "2222-2222-2222"})
    assert wrong.status_code == 404 and "未找到该核验码对应的文书。" in wrong.content.decode()
    empty = checker.post(URL, {"code": " "})
    assert empty.status_code == 400 and "请输入文书上的核验码，或上传收到的PDF文件。" in empty.content.decode()
    gif = checker.post(URL, {"pdf": SimpleUploadedFile("x.pdf", b"GIF89a", "application/pdf")})
    assert gif.status_code == 400 and "请上传PDF文件。" in gif.content.decode()
    bare = checker.get(URL)
    assert bare.status_code == 302 and bare["Location"] == reverse("assistance:inbox")


def test_the_help_text_says_a_scan_is_checked_by_its_code(checker):
    body = checker.get(reverse("assistance:inbox")).content.decode()
    assert 'id="inbox-verify-form"' in body
    assert "扫描件或纸质文书无法逐字节比对，查验的是文书上的核验码" in body


def test_only_liaisons(client, clerk, committee_user, issued):
    for user in (clerk, committee_user):
        client.force_login(user)
        assert client.post(URL, {"code": issued.code}).status_code == 404
    client.logout()
    assert client.post(URL, {"code": issued.code}).status_code == 302  # to the login page


def test_rate_limited_together_with_the_public_page(checker, issued, settings):
    settings.VERIFY_RATE_PER_MINUTE = 3
    anonymous = Client()  # the same client address (the test client's)
    assert anonymous.get(reverse("verify:check-code", kwargs={"code": issued.code})).status_code == 200
    assert checker.post(URL, {"code": "2222-2222-2222"}).status_code == 404
    assert checker.post(URL, {"code": issued.code}).status_code == 200
    limited = checker.post(URL, {"code": issued.code})
    assert limited.status_code == 429 and "查验过于频繁，请稍后再试。" in limited.content.decode()
    assert limited["Retry-After"]
    assert result_block(limited.content.decode()) is None
    assert anonymous.get(reverse("verify:check-code", kwargs={"code": issued.code})).status_code == 429
