"""Issue 24 in headless Chromium at a phone's width: a bank clerk opens /verify/, types the code off a signed notice
(lower case, with spaces, as people type), sees the document and that it is in force, then uploads the PDF it received
and is told it is the issued file; a wrong code is refused without a hint."""

import pytest

from assistance.models import NoticeState
from linkage import verification
from linkage.verification_models import IssuedDocument, IssuedDocumentKind
from tests.assistance.helpers import advance, draft_notice, file_case
from tests.assistance.test_notice_verification import ITEMS
from tests.conftest import clear_own_cache

from .conftest import screenshot

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
    screenshot(page, "verify-02-same-file")

    altered = tmp_path / "改过的.pdf"
    altered.write_bytes(bytes(issued.content).replace(b"%%EOF", b"%%EOF\n", 1))
    page.set_input_files("#id_pdf", str(altered))
    with page.expect_navigation():
        page.click("#verify-upload-submit")
    assert page.text_content("#verify-comparison").strip() == "与签发文件不一致（可能被篡改）。"

    page.fill("#id_code", "2222-2222-2222")
    with page.expect_navigation():
        page.click("#verify-submit")
    assert page.text_content("#verify-message").strip() == "未找到该核验码对应的文书。"
    assert page.locator("#verify-result").count() == 0
