"""Issue 24 in headless Chromium at a phone's width: a bank clerk opens /verify/, types the code off a signed notice
(lower case, with spaces, as people type), sees the document and that it is in force, then uploads the PDF it received
and is told it is the issued file with a valid electronic signature; a wrong code is refused without a hint. Another
unit's liaison checks the same code from its inbox and sees the same answer inline."""

import pytest

from assistance.models import NoticeState
from linkage import verification
from linkage.verification_models import IssuedDocument, IssuedDocumentKind
from tests import factories
from tests.assistance.helpers import advance, draft_notice, file_case
from tests.assistance.test_notice_verification import ITEMS
from tests.conftest import clear_own_cache

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued(clerk, leader, unit):
    clear_own_cache()
    notice = advance(
        draft_notice(clerk, file_case(clerk), unit, items=ITEMS), NoticeState.SIGNED, clerk=clerk, leader=leader
    )
    yield IssuedDocument.objects.get(pk=verification.issued(notice, IssuedDocumentKind.ASSISTANCE_NOTICE).pk)
    clear_own_cache()


def no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_check_a_notice_on_a_phone(issued, new_page, tmp_path):
    page = new_page(390, 844)
    page.goto(f"{page.base_url}/verify/")
    assert no_sideways_scroll(page)
    typed = " ".join(issued.grouped_code.lower().split("-"))
    page.fill("#id_code", typed)
    with page.expect_navigation():
        page.click("#verify-submit")
    assert page.url.endswith(f"/verify/{issued.code}/")
    assert "有效" in page.text_content("#verify-status")
    result = page.text_content("#verify-result")
    assert issued.document_number in result and issued.addressee in result and "协助执行通知书" in result
    assert no_sideways_scroll(page)
    screenshot(page, "verify-01-in-force")

    received = tmp_path / "协助执行通知书.pdf"
    received.write_bytes(bytes(issued.content))
    page.set_input_files("#id_pdf", str(received))
    with page.expect_navigation():
        page.click("#verify-upload-submit")
    assert page.text_content("#verify-comparison").strip() == "与签发文件完全一致。"
    assert page.text_content("#verify-signature").startswith(f"电子签名有效（签名单位：{issued.issuer_name}")
    assert no_sideways_scroll(page)
    screenshot(page, "verify-02-same-file")

    altered = tmp_path / "改过的.pdf"
    altered.write_bytes(bytes(issued.content).replace(b"%%EOF", b"%%EOF\n", 1))
    page.set_input_files("#id_pdf", str(altered))
    with page.expect_navigation():
        page.click("#verify-upload-submit")
    assert page.text_content("#verify-comparison").strip() == "与签发文件不一致（可能被篡改）。"
    assert page.text_content("#verify-signature").strip() == "电子签名无效或文件被改动。"
    screenshot(page, "verify-03-altered-file")

    page.fill("#id_code", "2222-2222-2222")
    with page.expect_navigation():
        page.click("#verify-submit")
    assert page.text_content("#verify-message").strip() == "未找到该核验码对应的文书。"
    assert page.locator("#verify-result").count() == 0


def test_a_liaison_checks_a_code_from_its_inbox(issued, new_page, tmp_path):
    other_unit = factories.OrganisationFactory(measures=["inquiry"])
    factories.LiaisonFactory(organisation=other_unit, liaison_role="A", username="inbox-checker")
    page = new_page(390, 844)
    login(page, "inbox-checker")
    page.goto(f"{page.base_url}/inbox/")
    assert "扫描件或纸质文书无法逐字节比对" in page.text_content("#inbox-verify-help")
    page.click("#inbox-verify summary")
    page.fill("#id_verify_code", issued.grouped_code.lower())
    with page.expect_navigation():
        page.click("#inbox-verify-submit")
    assert "有效" in page.text_content("#inbox-verify #verify-status")
    result = page.text_content("#inbox-verify #verify-result")
    assert issued.document_number in result and issued.addressee in result and "协助执行通知书" in result
    assert page.locator("#inbox-list").count() == 1  # the inbox is still there, under the answer
    assert no_sideways_scroll(page)
    screenshot(page, "verify-04-inbox-code")

    # The received file, uploaded without typing its code: found by its bytes, checked with its signature.
    received = tmp_path / "收到的通知书.pdf"
    received.write_bytes(bytes(issued.content))
    page.fill("#id_verify_code", "")
    page.set_input_files("#id_verify_pdf", str(received))
    with page.expect_navigation():
        page.click("#inbox-verify-submit")
    assert page.text_content("#inbox-verify #verify-comparison").strip() == "与签发文件完全一致。"
    assert page.text_content("#inbox-verify #verify-signature").startswith("电子签名有效")
    screenshot(page, "verify-05-inbox-upload")
