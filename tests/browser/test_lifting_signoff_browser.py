"""Issue 19's loop in headless Chromium, as each role lives it: the clerk serves → liaison A sees the bell count → signs
for the notice → replies → the clerk concludes the case (ground and lifting ruling number) → the leader finds the
lifting in the queue and signs it → the unit is told and acknowledges the lifting online."""

import pytest
from django.core.management import call_command

from assistance import services
from assistance.models import Notice, NoticeState
from cases import services as case_services
from members.models import Organisation, User

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RULING = "（2026）粤0103执2001号之一"


@pytest.fixture
def signed_notice(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    clerk, leader = User.objects.get(username="clerk"), User.objects.get(username="leader")
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执2001号", amount="50000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初88号", filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"}],
    )
    _, (notice,) = services.draft_notices(
        actor=clerk, case=case, units=[Organisation.objects.get(code="lw-market")], measure="inquiry",
        debtor=case.parties.debtors().get(), ruling_number="（2026）粤0103执2001号",
        items=[{"property_kind": "bank_account", "description": "查询被执行人名下银行账户"}],
    )
    return services.sign_notice(actor=leader, notice=notice)


def bell_count(page):
    badge = page.locator("#bell-count")
    return badge.text_content().strip() if badge.count() else "0"


def test_served_replied_concluded_lifted_and_acknowledged(signed_notice, new_page):
    notice = signed_notice
    detail = f"/notices/{notice.pk}/"

    liaison = new_page(width=390, height=844)
    login(liaison, "lw-market-a")
    before = int(bell_count(liaison))

    # The clerk serves the signed notice from its page.
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(clerk.base_url + detail)
    clerk.click("#serve-button")
    clerk.wait_for_selector(".alert-success")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.SERVED

    # Liaison A sees the bell count go up, opens the notice from the bell, signs for it and replies.
    liaison.reload()
    assert int(bell_count(liaison)) == before + 1
    screenshot(liaison, "lifting-01-liaison-bell-phone")
    liaison.goto(liaison.base_url + "/notifications/")
    assert "【新通知书】（2026）粤0103执2001号" in liaison.text_content("main")
    liaison.goto(liaison.base_url + detail)
    liaison.click("#acknowledge-button")
    liaison.wait_for_selector("#reply-form")
    liaison.select_option("#id_outcome", "not_found")
    liaison.fill("#id_text", "经查询，未发现被执行人名下银行账户。")
    liaison.click("#reply-button")
    liaison.wait_for_selector("#reply-card")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.REPLIED

    # The clerk concludes the case with its ground and the lifting ruling.
    clerk.goto(f"{clerk.base_url}/cases/{notice.case_id}/")
    clerk.select_option("#id_status", "concluded")
    clerk.fill("#id_reason", "被执行人已全部履行")
    clerk.fill("#id_lifting_ruling_number", "(2026)粤0103执2001号之一")
    with clerk.expect_navigation():
        clerk.click("#case-status-card button[type=submit]")
    assert "案件状态已更新为“执行完毕”" in clerk.text_content("main")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.LIFTING

    # The leader is told, finds the lifting in the queue, previews it and signs it.
    leader = new_page()
    login(leader, "leader")
    assert int(bell_count(leader)) >= 1
    leader.goto(leader.base_url + "/notices/to-sign/")
    rows = leader.text_content("#liftings")
    assert "（2026）粤0103执2001号" in rows and RULING in rows
    screenshot(leader, "lifting-02-leader-queue")
    with leader.expect_navigation():
        leader.click("#liftings button:has-text('签发解除')")
    assert "已签发解除" in leader.text_content(".alert-success")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.LIFTED

    # The unit is told and acknowledges the lifting online.
    liaison.goto(liaison.base_url + "/notifications/")
    text = liaison.text_content("main")
    assert "【案件执行完毕】" in text and "【解除协助执行】" in text
    liaison.goto(liaison.base_url + detail)
    assert RULING in liaison.text_content("#lifted-alert")
    assert liaison.locator("#lifting-pdf").count() == 1
    screenshot(liaison, "lifting-03-liaison-acknowledge-phone")
    liaison.click("#acknowledge-lifting-button")
    liaison.wait_for_selector("#lift-acknowledged")
    assert "已确认解除" in liaison.text_content(".alert-success")
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFT_ACKNOWLEDGED and notice.lift_acknowledged_by.username == "lw-market-a"
