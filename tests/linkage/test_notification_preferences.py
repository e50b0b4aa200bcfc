"""Each user's notification preferences: channels per kind, quiet hours (a non-urgent SMS at 23:00 waits until 07:30,
an urgent one goes now), defaults for whoever set nothing, one query for a whole batch, the kinds registry, and the
page where a user edits their own settings."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkage import kinds, notify
from linkage.models import Delivery, DeliveryState, DigestItem, Notification, NotificationPreference
from linkage.notify import Message, Recipient, notify_many
from linkage.preferences import parse_quiet_hours, quiet_until, save_preferences
from tests import factories
from tests.sms_stub import SMSStub

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def person(unit):
    user = factories.LiaisonFactory(organisation=unit, liaison_role="A", email="a@unit.cn")
    contact = factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=user, email="a@unit.cn",
                                       mobile="13800000001")
    return user, Recipient.from_contact(contact)


@pytest.fixture
def phone(settings):
    gateway = SMSStub()
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "linkage.notify.HttpSMSGateway", gateway.url
    settings.SMS_GATEWAY_STATUS_URL, settings.SMS_GATEWAY_TOKEN = gateway.status_url, ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield gateway
    gateway.close()


def quiet_at_night(user):
    save_preferences(user=user, quiet_hours_enabled=True, quiet_start=datetime.time(22, 0),
                     quiet_end=datetime.time(7, 30), choices={})


def served(urgent=False):
    return Message(kind="notice_served", title="【协助执行】查询存款", body="请办理。", link="/notices/1/", urgent=urgent)


# ------------------------------------------------------------------------------------------------- quiet hours


def test_a_non_urgent_sms_at_23_00_waits_until_07_30(person, phone, django_capture_on_commit_callbacks):
    user, recipient = person
    quiet_at_night(user)
    with time_machine.travel(at(2026, 10, 9, 23, 0), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            notify.notify([recipient], served())
    sms = Delivery.objects.get(channel="sms")
    assert sms.next_attempt_at == at(2026, 10, 10, 7, 30) and sms.attempts == 0
    assert Delivery.objects.get(channel="email").state == DeliveryState.SENT  # mail wakes nobody: it goes now
    assert Notification.objects.filter(recipient=user).count() == 1  # and the bell at once
    with time_machine.travel(at(2026, 10, 10, 7, 29), tick=True):
        notify.retry_due_deliveries()
    assert phone.phone == []
    with time_machine.travel(at(2026, 10, 10, 7, 31), tick=True):
        notify.retry_due_deliveries()
    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and phone.phone == [("13800000001", sms.body)]


@pytest.mark.parametrize("message", [served(urgent=True),
                                     Message(kind="reminder_overdue", title="【已逾期】查询存款", body="请立即办理。")])
def test_an_urgent_sms_goes_at_once_even_at_night(person, phone, message, django_capture_on_commit_callbacks):
    """Urgent by the sender (Message.urgent) or by its kind (the registry marks overdue reminders urgent)."""
    user, recipient = person
    quiet_at_night(user)
    with time_machine.travel(at(2026, 10, 9, 23, 0), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            notify.notify([recipient], message)
    sms = Delivery.objects.get(channel="sms")
    assert sms.next_attempt_at is None and sms.state == DeliveryState.SENT
    assert [mobile for mobile, _ in phone.phone] == ["13800000001"]


def test_outside_quiet_hours_the_sms_goes_now(person, phone, django_capture_on_commit_callbacks):
    user, recipient = person
    quiet_at_night(user)
    with time_machine.travel(at(2026, 10, 9, 21, 59), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify.notify([recipient], served())
    assert Delivery.objects.get(channel="sms").state == DeliveryState.SENT


def test_the_site_default_quiet_hours_hold_people_without_settings(unit, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_DEFAULT_QUIET_HOURS = "22:00-07:30"
    contact = factories.ContactFactory(organisation=unit, role="B", name="乙联络", email="", mobile="13800000002")
    with time_machine.travel(at(2026, 10, 9, 6, 0), tick=False):
        notify.notify([Recipient.from_contact(contact)], served())
    assert Delivery.objects.get(channel="sms").next_attempt_at == at(2026, 10, 9, 7, 30)


@pytest.mark.parametrize(("span", "moment", "until"), [
    ("22:00-07:30", at(2026, 1, 5, 22, 0), at(2026, 1, 6, 7, 30)),
    ("22:00-07:30", at(2026, 1, 5, 0, 10), at(2026, 1, 5, 7, 30)),
    ("22:00-07:30", at(2026, 1, 5, 7, 30), None),
    ("22:00-07:30", at(2026, 1, 5, 12, 0), None),
    ("12:00-14:00", at(2026, 1, 5, 13, 0), at(2026, 1, 5, 14, 0)),
    ("12:00-14:00", at(2026, 1, 5, 14, 0), None),
    ("", at(2026, 1, 5, 23, 0), None),
])
def test_quiet_hours_arithmetic(span, moment, until):
    assert quiet_until(parse_quiet_hours(span), moment) == until


# ------------------------------------------------------------------------------------------------- preferences


def test_a_kind_with_sms_turned_off_gets_no_sms(person, django_capture_on_commit_callbacks):
    user, recipient = person
    save_preferences(user=user, quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"notice_served": {"sms": False}})
    notify.notify([recipient], served())
    notify.notify([recipient], Message(kind="meeting_notice", title="【会议通知】联席会议", body="请参加。"))
    assert sorted(Delivery.objects.values_list("subject", "channel")) == [
        ("【会议通知】联席会议", "email"), ("【会议通知】联席会议", "sms"), ("【协助执行】查询存款", "email")]
    assert Notification.objects.filter(recipient=user).count() == 2  # the bell is always on


def test_defaults_when_nobody_set_anything(person):
    user, recipient = person
    notify.notify([recipient], served())
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]
    notify.notify([recipient], Message(kind="minutes_published", title="【会议纪要】", body="纪要"))
    assert DigestItem.objects.get().title == "【会议纪要】"  # a digest kind by default: no email/SMS of its own
    assert Delivery.objects.count() == 2


def test_a_batch_loads_every_recipients_preferences_in_one_query(unit):
    recipients = []
    for number in range(30):
        user = factories.LiaisonFactory(organisation=unit, email=f"u{number}@unit.cn")
        if number % 2:
            save_preferences(user=user, quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                             choices={"reminder_before_due": {"sms": False}})
        recipients.append(Recipient(key=f"user:{user.pk}", name=user.display_name, user_id=user.pk,
                                    email=user.email, mobile=f"139{number:08d}"))
    batch = [(recipients, Message(kind="reminder_before_due", title=f"提醒{i}", body="正文")) for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        notify_many(batch)
    preference_queries = [q for q in queries.captured_queries if "linkage_notificationpreference" in q["sql"]]
    assert len(preference_queries) == 1
    assert Delivery.objects.filter(channel="sms").count() == 15 * 5
    assert Delivery.objects.filter(channel="email").count() == 30 * 5


def test_unknown_kinds_fall_back_to_an_ordinary_message(person):
    _, recipient = person
    assert kinds.kind_info("brand_new_kind") == kinds.Kind("brand_new_kind", "其他通知", kinds.SYSTEM)
    notify.notify([recipient], Message(kind="brand_new_kind", title="新消息", body="正文"))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]


def test_the_registry_covers_every_kind_the_helpers_send():
    expected = {
        "notice_served", "notice_replied", "extension_requested", "review_raised", "notice_waiting_sign",
        "notice_returned", "lifting_waiting_sign", "lifting_served", "case_concluded", "listing_proposed",
        "decision_due", "digest", "renewal", "listing_removal", "meeting_notice", "meeting_changed",
        "meeting_cancelled", "minutes_published", "annual_report", "calendar", "screening_hit",
        *(f"reminder_{stage}" for stage in ("before_due", "due_day", "overdue", "escalation")),
        *(f"push_{stage}" for stage in ("before_due", "due_day", "overdue")),
        *(f"decision_{stage}" for stage in ("before_due", "due_day", "overdue", "escalation")),
    }
    assert expected <= set(kinds.KINDS)
    assert all(kinds.label(code) != kinds.UNKNOWN_LABEL for code in expected)
    assert not any(kind.urgent and kind.digest for kind in kinds.KINDS.values())


# ------------------------------------------------------------------------------------------------------- page


def test_the_page_shows_the_defaults_in_chinese(client_for, liaison):
    page = client_for(liaison).get("/notifications/preferences/").content.decode()
    assert "通知设置" in page and "免打扰时段" in page and "协助执行通知书送达" in page and "每日汇总" in page
    assert 'name="notice_served__sms" id="id_notice_served__sms" aria-label="协助执行通知书送达·短信" checked' in page
    assert 'name="minutes_published__digest" id="id_minutes_published__digest" aria-label="会议纪要发布·每日汇总" checked' in page
    assert 'value="22:00"' in page and 'value="07:30"' in page  # suggested, not enabled
    assert 'href="/notifications/preferences/"' in client_for(liaison).get("/notifications/").content.decode()


def form_data(**changes):
    data = {f"{code}__{channel}": "on" for code in kinds.KINDS for channel in ("email", "sms", "chat")}
    data.update({f"{code}__digest": "on" for code, kind in kinds.KINDS.items() if kind.digest})
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_a_user_saves_their_own_preferences(client_for, liaison, other_liaison):
    client = client_for(liaison)
    response = client.post("/notifications/preferences/", form_data(
        quiet_hours_enabled="on", quiet_start="22:30", quiet_end="07:00",
        notice_served__sms=None, minutes_published__digest=None, notice_replied__digest="on"))
    assert response.status_code == 302
    row = NotificationPreference.objects.get(user=liaison)
    assert row.quiet_hours_enabled and row.quiet_start == datetime.time(22, 30) and row.quiet_end == datetime.time(7)
    assert row.kinds == {
        "notice_served": {"email": True, "sms": False, "chat": True, "digest": False},
        "notice_replied": {"email": True, "sms": True, "chat": True, "digest": True},
        "minutes_published": {"email": True, "sms": True, "chat": True, "digest": False},
    }
    page = client.get("/notifications/preferences/").content.decode()
    assert "通知设置已保存。" in page
    assert 'aria-label="协助执行通知书送达·短信">' in page  # now unchecked
    # Somebody else's page shows their own (default) settings.
    other = client_for(other_liaison).get("/notifications/preferences/").content.decode()
    assert 'aria-label="协助执行通知书送达·短信" checked' in other
    assert not NotificationPreference.objects.filter(user=other_liaison).exists()


def test_an_urgent_kind_cannot_be_put_in_the_digest(client_for, liaison):
    client_for(liaison).post("/notifications/preferences/", form_data(reminder_overdue__digest="on"))
    assert NotificationPreference.objects.get(user=liaison).kinds == {}


@pytest.mark.parametrize(("start", "end", "message"), [
    ("22:00", "", "启用免打扰时段时，请填写开始和结束时间。"),
    ("08:00", "08:00", "免打扰的开始和结束时间不能相同。"),
    ("25:00", "07:00", "请输入有效的时间，如 22:00。"),
])
def test_bad_quiet_hours_are_refused_in_chinese_and_nothing_changes(client_for, liaison, start, end, message):
    response = client_for(liaison).post("/notifications/preferences/", form_data(
        quiet_hours_enabled="on", quiet_start=start, quiet_end=end, notice_served__sms=None))
    assert response.status_code == 200 and message in response.content.decode()
    assert not NotificationPreference.objects.filter(user=liaison).exists()


def test_the_page_needs_a_login(client):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_each_delivery_points_at_the_bell_row_of_its_own_recipient(unit):
    """A delivery records the in-app notification it accompanies — per recipient, also in a mixed batch where a
    roster contact without an account sits between two account holders."""
    first = factories.LiaisonFactory(organisation=unit, email="first@unit.cn")
    second = factories.LiaisonFactory(organisation=unit, email="second@unit.cn")
    people = [Recipient.from_user(first), Recipient(key="contact:x", name="无账号联系人", email="x@unit.cn"),
              Recipient.from_user(second)]
    result = notify_many([(people, served()), ([Recipient.from_user(second)], served())], sms=False)
    by_address = {}
    for delivery in Delivery.objects.order_by("pk"):
        by_address.setdefault(delivery.address, []).append(delivery.notification_id)
    assert by_address["x@unit.cn"] == [None]
    assert by_address["first@unit.cn"] == [result[0][f"user:{first.pk}"]]
    assert by_address["second@unit.cn"] == [result[0][f"user:{second.pk}"], result[1][f"user:{second.pk}"]]
    assert Notification.objects.get(pk=result[0][f"user:{first.pk}"]).recipient == first
    assert None not in (result[0][f"user:{first.pk}"], result[1][f"user:{second.pk}"])
