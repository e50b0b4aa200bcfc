"""Issue 23's briefings (工作通报) in headless Chromium: the committee drafts the period's briefing from the record (the
market regulator's overdue notice is in its second section), edits the requirements section, issues it; the
market regulator's liaison finds it unread in its briefing list and reads it (a liaison sees no draft); the
committee's receipt table shows that one read and every other addressee still unread, and the committee reminds
the unread (once a day). The issue and remind buttons' messages are made from the service's result."""

import datetime

import pytest
from django.utils import timezone

from meetings.briefing_models import Briefing, BriefingRecipient, BriefingState
from members.models import User

from .conftest import liwan_overdue_notice, login, open_nav, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "（2026）粤0103执6601号"
REQUIREMENTS = "各成员单位要在收到通报后五个工作日内完成逾期通知书的清理，并将整改情况报区委政法委。"


@pytest.fixture
def overdue(db):
    """Liwan, the demo accounts, and an inquiry notice left overdue by the market regulator."""
    return liwan_overdue_notice(NUMBER, days=40)


def test_briefing_drafted_edited_issued_read_and_receipted(overdue, new_page):
    today = timezone.localdate()
    committee = new_page()
    login(committee, "committee")
    open_nav(committee, "工作通报")
    assert "没有通报。" in committee.text_content("#briefing-list")

    # A period ending after today is refused at the form.
    committee.get_by_label("通报期间自").fill((today - datetime.timedelta(days=60)).isoformat())
    committee.get_by_label("通报期间至").fill((today + datetime.timedelta(days=1)).isoformat())
    with committee.expect_navigation():
        committee.get_by_role("button", name="根据记录生成通报草稿").click()
    assert "通报期间不能晚于今天。" in committee.text_content("#briefing-create")
    assert not Briefing.objects.exists()
    committee.get_by_label("通报期间至").fill(today.isoformat())
    with committee.expect_navigation():
        committee.get_by_role("button", name="根据记录生成通报草稿").click()
    assert "已根据记录生成通报草稿，请修改后印发。" in committee.text_content(".alert-success")
    assert committee.text_content("#briefing-state") == "草稿"
    assert (
        "广州市荔湾区市场和质量监督管理局1份"
        in committee.get_by_label("二、逾期未办理协助执行通知书情况").input_value()
    )
    briefing = Briefing.objects.get()
    url = f"{committee.base_url}/briefings/{briefing.pk}/"
    assert committee.url == url
    assert committee.locator("#briefing-receipts").count() == 0  # no receipts for a draft

    # An addressee sees nothing of a draft.
    market = new_page(390, 844)
    login(market, "lw-market-a")
    assert market.goto(url).status == 404

    # The opening is required; then the requirements section is rewritten.
    opening = committee.get_by_label("导语")
    opening.fill("")
    committee.get_by_role("button", name="保存修改").click()  # the browser keeps the form and says why
    assert opening.evaluate("field => field.validity.valueMissing") and committee.url == url
    assert Briefing.objects.get().opening  # nothing changed
    committee.reload()
    committee.get_by_label("四、工作要求").fill(REQUIREMENTS)
    with committee.expect_navigation():
        committee.get_by_role("button", name="保存修改").click()
    assert "通报已保存。" in committee.text_content(".alert-success")
    assert committee.get_by_label("四、工作要求").input_value() == REQUIREMENTS

    with committee.expect_navigation():
        committee.get_by_role("button", name="印发通报").click()
    recipients = BriefingRecipient.objects.filter(briefing=briefing).count()
    assert recipients > 40  # both liaisons of every unit and the court's leader
    assert f"通报已印发，已送达{recipients}名接收人。" in committee.text_content(".alert-success")
    assert committee.text_content("#briefing-state") == "已印发"
    assert committee.locator("#briefing-form").count() == 0  # frozen
    assert REQUIREMENTS in committee.text_content("#briefing-text")
    screenshot(committee, "briefing-01-issued")

    # The liaison: unread in its list, read on opening.
    market.goto(f"{market.base_url}/")
    open_nav(market, "工作通报")
    row = market.locator("#briefing-list a", has_text=briefing.title)
    assert "未读" in row.text_content()
    with market.expect_navigation():
        row.click()
    assert market.url == url
    assert REQUIREMENTS in market.text_content("#briefing-text")
    assert "二、逾期未办理协助执行通知书情况" in market.text_content("#briefing-text")
    assert "首次阅读" in market.text_content("#briefing-receipt")
    assert market.locator("#briefing-form, #issue-briefing, #briefing-receipts").count() == 0
    screenshot(market, "briefing-02-read-phone")
    market.goto(f"{market.base_url}/briefings/")
    assert "已读" in market.locator("#briefing-list a", has_text=briefing.title).text_content()

    # The committee's receipts: that one read, every other addressee unread.
    committee.goto(url)
    with committee.expect_navigation():
        committee.get_by_role("link", name="阅读回执").click()
    assert committee.text_content("#unread-count") == str(recipients - 1)
    reader = User.objects.get(username="lw-market-a")
    read_row = committee.locator("#receipt-table tbody tr", has_text=reader.display_name).filter(
        has_text="广州市荔湾区市场和质量监督管理局"
    )
    assert read_row.count() == 1
    assert "未读" not in read_row.text_content() and "table-danger" not in (read_row.get_attribute("class") or "")
    assert committee.locator("#receipt-table tbody tr.table-danger").count() == recipients - 1
    screenshot(committee, "briefing-03-receipts")
    with committee.expect_navigation():
        committee.get_by_role("button", name="提醒未读接收人").click()
    assert f"已提醒{recipients - 1}名未读的接收人。" in committee.text_content(".alert-success")
    assert "今天已提醒" in committee.text_content("#remind-unread")
    assert committee.locator("#remind-unread").is_disabled()
    assert Briefing.objects.get().state == BriefingState.ISSUED
    assert BriefingRecipient.objects.get(briefing=briefing, user=reader).read_at is not None
