"""An administrator and a liaison walk the roster and the directory in headless Chromium; a contact change
goes request → committee approval → effective, and the directory shows it."""

import pytest
from django.core.management import call_command

from members.models import Contact

from .conftest import login, open_nav, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


def test_admin_and_liaison_walk_roster_and_directory(liwan, new_page):
    admin = new_page()
    login(admin, "admin")
    assert "联系人不全的成员单位" in admin.text_content("main")
    open_nav(admin, "成员单位名册")
    admin.wait_for_selector("#roster-table")
    rows = admin.locator("#roster-table tbody tr")
    assert rows.count() == 28  # the seed's 25 and the demo grid's three subdistricts (members/demo.py)
    assert "广州市荔湾区人民法院" in admin.text_content("#roster-table")
    admin.fill("#id_q", "公安")
    admin.click("form >> text=查询")
    admin.wait_for_url("**/members/?q=*")
    assert admin.locator("#roster-table tbody tr").count() == 1
    admin.click("#roster-table a:has-text(\"公安局荔湾区分局\")")
    admin.wait_for_selector("#contact-history")
    assert "24小时内" in admin.text_content(".duties")
    open_nav(admin, "通讯录")
    admin.wait_for_selector("#directory-table")
    assert "A角" in admin.text_content("#directory-table")
    screenshot(admin, "admin-directory")
    admin.goto(f"{admin.base_url}/admin/linkage/auditentry/?q=admin")
    assert "/members/directory/" in admin.text_content("#result_list")

    liaison = new_page(width=390, height=844)  # a phone
    login(liaison, "lw-police-a")
    assert "本单位" in liaison.text_content("main")
    liaison.goto(f"{liaison.base_url}/members/")
    assert liaison.locator("#roster-table tbody tr").count() == 28
    liaison.goto(f"{liaison.base_url}/members/directory/")
    assert "广州市公安局荔湾区分局" in liaison.text_content("#directory-cards")
    screenshot(liaison, "liaison-directory-phone")
    liaison.goto(f"{liaison.base_url}/members/lw-police/contact-change/")
    liaison.select_option("#id_role", "B")
    liaison.fill("#id_name", "欧阳燊")
    liaison.fill("#id_mobile", "1391234")  # too short: refused, nothing written
    liaison.fill("#id_reason", "原B角调任")
    liaison.click("form >> text=提交申请")
    assert "手机号码应为以1开头的11位数字" in liaison.text_content("main")
    liaison.fill("#id_mobile", "13912345678")
    liaison.click("form >> text=提交申请")
    liaison.wait_for_url("**/members/lw-police/")
    assert "待审批" in liaison.text_content("#change-requests")

    committee = new_page()
    login(committee, "committee")
    assert "欧阳燊" in committee.text_content("#pending-changes")
    committee.goto(f"{committee.base_url}/members/contact-changes/")
    committee.fill("#change-request-table input[name=reason]", "同意调整")
    committee.click("#change-request-table >> text=批准")
    committee.wait_for_selector(".alert-success")
    assert Contact.objects.get(organisation__code="lw-police", role="B", ended_on__isnull=True).name == "欧阳燊"

    liaison.goto(f"{liaison.base_url}/members/directory/")
    assert "欧阳燊" in liaison.text_content("#directory-cards")
    liaison.goto(f"{liaison.base_url}/members/lw-police/")
    history = liaison.text_content("#contact-history")
    assert "欧阳燊" in history and "现任" in history
