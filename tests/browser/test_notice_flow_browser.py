"""Issue 3's acceptance in headless Chromium: the clerk files a case with a person and an organisation debtor and
drafts an inquiry to two units; the leader signs; the clerk serves; one unit's liaison (on a phone) signs for it
and replies with a found bank account and a scan; the clerk reads the reply and closes the notice; the history
shows every step with its actor and time; the other unit's liaison cannot open it (404)."""

import re

import pytest
from django.core.management import call_command

from assistance.models import Notice, NoticeState
from cases.models import Case
from members.models import User

from .conftest import login, open_nav, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


def test_notice_from_filing_to_closing(liwan, new_page, tmp_path):
    scan = tmp_path / "查询回执.pdf"
    scan.write_bytes(PDF_BYTES)

    # The clerk files the case.
    clerk = new_page()
    login(clerk, "clerk")
    open_nav(clerk, "案件")
    clerk.click("#file-case")
    clerk.wait_for_selector("#case-form")
    clerk.fill("#id_number", "(2026)粤0103执1001号")
    clerk.fill("#id_amount", "386000")
    clerk.fill("#id_filed_on", "2026-03-02")
    clerk.fill("#id_basis_issuer", "广州市荔湾区人民法院")
    clerk.fill("#id_basis_number", "（2025）粤0103民初4567号")
    clerk.fill("#id_obligation", "被执行人支付货款386000元及利息")
    clerk.fill("#id_applicants-0-name", "陈申请")
    clerk.fill("#id_applicants-0-id_number", "44010319850615123X")
    clerk.fill("#id_debtors-0-name", "欧阳燊")
    clerk.fill("#id_debtors-0-id_number", "11010519491231002X")
    clerk.select_option("#id_debtors-1-kind", "organisation")
    clerk.fill("#id_debtors-1-name", "广州市某某贸易有限公司")
    clerk.fill("#id_debtors-1-credit_code", "91110000600037341L")
    clerk.fill("#id_debtors-1-legal_representative", "李四")
    screenshot(clerk, "notice-flow-01-case-form")
    clerk.click("#save-case")
    clerk.wait_for_selector("#case-number")
    assert "已登记案件（2026）粤0103执1001号" in clerk.text_content("main")
    parties = clerk.text_content("#parties")
    assert "欧阳燊" in parties and "91110000600037341L" in parties and "李四" in parties
    case = Case.objects.get()

    # The clerk drafts an inquiry to the market regulator and the police.
    clerk.click("#draft-notice")
    clerk.wait_for_selector("#draft-form")
    assert clerk.locator("input[data-code=lw-market]").is_visible()
    # The publicity department cannot do an inquiry: the page's script hides it (waited for: the script runs after
    # the form is there, and a loaded machine showed the form before it had run).
    clerk.wait_for_selector("input[data-code=lw-publicity]", state="hidden", timeout=10000)
    clerk.select_option("#id_measure", "inquiry")
    clerk.check("input[data-code=lw-market]")
    clerk.check("input[data-code=lw-police]")
    clerk.select_option("#id_debtor", label="欧阳燊（11010519491231002X）")
    clerk.select_option("#id_items-0-property_kind", "bank_account")
    clerk.fill("#id_items-0-description", "查询被执行人名下银行账户、车辆、股权等财产")
    clerk.fill("#id_ruling_number", "（2026）粤0103执1001号之一")
    screenshot(clerk, "notice-flow-02-draft-form")
    clerk.click("#save-draft")
    clerk.wait_for_selector("#case-notices")
    assert "已起草2份协助执行通知书" in clerk.text_content("main")
    assert Notice.objects.filter(case=case, state=NoticeState.DRAFT).count() == 2
    market_notice = Notice.objects.get(case=case, unit__code="lw-market")
    police_notice = Notice.objects.get(case=case, unit__code="lw-police")

    # The leader signs both.
    leader = new_page()
    login(leader, "leader")
    assert "广州市荔湾区市场和质量监督管理局" in leader.text_content(
        "#drafts-to-sign"
    ) or market_notice.unit.short_name in leader.text_content("#drafts-to-sign")
    open_nav(leader, "待签发")
    leader.wait_for_selector(".batch")
    screenshot(leader, "notice-flow-03-to-sign")
    leader.click(".sign-batch")
    leader.wait_for_selector(".alert-success")
    assert "已签发2份" in leader.text_content("main")

    # The clerk serves both from the case page.
    clerk.reload()
    for _ in range(2):
        with clerk.expect_navigation():
            clerk.click('#case-notices button:has-text("送达")')
        assert "已送达" in clerk.text_content(".alert-success")
    assert Notice.objects.filter(case=case, state=NoticeState.SERVED).count() == 2
    screenshot(clerk, "notice-flow-04-case-served")

    # The market regulator's liaison, on a phone, finds it in the inbox, signs for it and replies.
    liaison = new_page(width=390, height=844)
    login(liaison, "lw-market-a")
    assert liaison.text_content("#count-new").strip() == "1"
    screenshot(liaison, "notice-flow-05-liaison-home-phone")
    open_nav(liaison, "收件箱")
    liaison.wait_for_selector("#inbox-list")
    assert "（2026）粤0103执1001号" in liaison.text_content("#inbox-list")
    screenshot(liaison, "notice-flow-06-inbox-phone")
    liaison.click(f"#inbox-list [data-notice='{market_notice.pk}']")
    liaison.wait_for_selector("#acknowledge-button")
    assert "欧阳燊" in liaison.text_content("#notice-debtor")
    liaison.click("#acknowledge-button")
    liaison.wait_for_selector("#reply-form")
    liaison.select_option("#id_outcome", "done")
    liaison.select_option("#id_results-0-property_kind", "bank_account")
    liaison.fill("#id_results-0-identifier", "6222020200112233445")
    liaison.fill("#id_results-0-institution", "中国工商银行广州荔湾支行")
    liaison.fill("#id_results-0-value", "52300.18")
    liaison.fill("#id_results-0-encumbrances", "无")
    liaison.fill("#id_text", "经查询，被执行人在我局登记信息中关联银行账户一个，详见回执。")
    liaison.set_input_files("#id_attachments", str(scan))
    screenshot(liaison, "notice-flow-07-reply-form-phone")
    liaison.click("#reply-button")
    liaison.wait_for_selector("#reply-card")
    assert "已回复办理结果" in liaison.text_content("main")
    assert "6222020200112233445" in liaison.text_content("#reply-results")
    screenshot(liaison, "notice-flow-08-replied-phone")

    # The police's liaison cannot open the market regulator's notice, its PDF or its scan.
    police = new_page()
    login(police, "lw-police-a")
    attachment = market_notice.attachments.get()
    for path in (
        f"/notices/{market_notice.pk}/",
        f"/notices/{market_notice.pk}/pdf/",
        f"/attachments/{attachment.pk}/",
    ):
        response = police.goto(f"{police.base_url}{path}")
        assert response.status == 404, path
    response = police.goto(f"{police.base_url}/notices/{police_notice.pk}/")
    assert response.status == 200  # its own unit's notice opens

    # The clerk reads the reply and closes the notice.
    clerk.goto(f"{clerk.base_url}/notices/{market_notice.pk}/")
    assert "中国工商银行广州荔湾支行" in clerk.text_content("#reply-results")
    assert "查询回执.pdf" in clerk.text_content("#reply-attachments")
    with clerk.expect_download() as download:
        clerk.click("#reply-attachments a")
    assert download.value.suggested_filename == "查询回执.pdf"
    clerk.fill("#id_reason", "已阅回复，财产线索转入执行")
    clerk.click("#close-button")
    clerk.wait_for_selector(".alert-success")
    market_notice.refresh_from_db()
    assert market_notice.state == NoticeState.CLOSED

    # The history shows every step with its actor and time.
    liaison_name = User.objects.get(username="lw-market-a").display_name
    events = clerk.locator("#history .history-event")
    steps = [events.nth(i).text_content() for i in range(events.count())]
    expected = [
        ("起草", "林佩文"),
        ("签发", "陈执行"),
        ("送达", "林佩文"),
        ("签收", liaison_name),
        ("回复", liaison_name),
        ("办结", "林佩文"),
    ]
    assert len(steps) == len(expected)
    for text, (action, actor) in zip(steps, expected, strict=True):
        assert action in text and actor in text and TIME.search(text), text
    screenshot(clerk, "notice-flow-09-closed-desktop")

    phone_clerk = new_page(width=390, height=844)
    login(phone_clerk, "clerk")
    phone_clerk.goto(f"{phone_clerk.base_url}/notices/{market_notice.pk}/")
    screenshot(phone_clerk, "notice-flow-10-closed-phone")
    phone_clerk.goto(f"{phone_clerk.base_url}/cases/{case.pk}/")
    screenshot(phone_clerk, "notice-flow-11-case-phone")
    phone_clerk.goto(f"{phone_clerk.base_url}/cases/{case.pk}/notices/new/")
    screenshot(phone_clerk, "notice-flow-11b-draft-form-phone")
    clerk.goto(f"{clerk.base_url}/notices/")
    screenshot(clerk, "notice-flow-12-notice-list")
    clerk.goto(f"{clerk.base_url}/")
    screenshot(clerk, "notice-flow-13-clerk-home")
