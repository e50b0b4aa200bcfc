"""A liaison, on a phone, opens 通知设置 from the bell page, turns SMS off for served notices and sets quiet hours; a
mistake is refused in Chinese; the saved settings then decide what the next message sends. Screenshots at 390 and
1366 px."""

import pytest

from linkage.models import Delivery, NotificationPreference
from linkage.notify import Message, Recipient, notify
from tests import factories

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_liaison_edits_their_notification_settings(new_page):
    unit = factories.OrganisationFactory(measures=["inquiry"])
    liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A", username="pref-liaison",
                                       email="a@unit.cn")
    contact = factories.ContactFactory(organisation=unit, role="A", user=liaison, email="a@unit.cn",
                                       mobile="13800000001")
    page = new_page(width=390, height=844)
    login(page, "pref-liaison")
    page.goto(f"{page.base_url}/notifications/")
    page.click("#notification-preferences")
    page.wait_for_selector("#preference-table")
    assert page.is_checked("#id_notice_served__sms") and page.is_checked("#id_minutes_published__digest")
    screenshot(page, "notification-preferences-phone")

    page.uncheck("#id_notice_served__sms")
    page.check("#id_quiet_hours_enabled")
    page.fill("#id_quiet_end", "")
    page.click("#preference-form button[type=submit]")
    assert "启用免打扰时段时，请填写开始和结束时间。" in page.text_content("#preference-errors")
    assert not NotificationPreference.objects.filter(user=liaison).exists()

    page.fill("#id_quiet_start", "22:00")
    page.fill("#id_quiet_end", "07:30")
    page.uncheck("#id_notice_served__sms")
    page.click("#preference-form button[type=submit]")
    page.wait_for_selector("text=通知设置已保存。")
    assert not page.is_checked("#id_notice_served__sms") and page.is_checked("#id_quiet_hours_enabled")

    notify([Recipient.from_contact(contact)], Message(kind="notice_served", title="【协助执行】查询存款", body="请办理。"))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email"]

    wide = new_page()
    login(wide, "pref-liaison")
    wide.click("#account-menu")  # the account menu holds it
    wide.click("#nav-notification-preferences")
    wide.wait_for_selector("#preference-table")
    screenshot(wide, "notification-preferences")
