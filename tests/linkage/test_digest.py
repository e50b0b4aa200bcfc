"""The daily digest: non-urgent messages of digest kinds get their bell row at once and wait; once a day each
recipient gets one email listing them; a second run sends nothing; what arrives after today's digest waits for
tomorrow's. Urgent messages and kinds the user takes out of the digest go at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail

from linkage import tasks
from linkage.digest import send_daily_digests
from linkage.models import Delivery, DeliveryState, Digest, DigestItem, Notification
from linkage.notify import Message, Recipient, notify
from linkage.preferences import save_preferences
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_SITE_URL = "https://zxld.example.gov.cn"


@pytest.fixture
def person(unit):
    user = factories.LiaisonFactory(organisation=unit, liaison_role="A", email="a@unit.cn")
    contact = factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=user, email="a@unit.cn",
                                       mobile="13800000001")
    return user, Recipient.from_contact(contact)


def minutes(number):
    return Message(kind="minutes_published", title=f"【会议纪要】第{number}次联席会议", body=f"纪要{number}",
                   link=f"/meetings/{number}/")


def test_one_email_with_n_items_and_a_second_run_sends_nothing(person, eager, django_capture_on_commit_callbacks):
    user, recipient = person
    with time_machine.travel(at(2026, 10, 8, 15, 0), tick=False):
        for number in (1, 2, 3):
            notify([recipient], minutes(number))
    assert Notification.objects.filter(recipient=user, kind="minutes_published").count() == 3  # bell at once
    assert not Delivery.objects.exists() and DigestItem.objects.count() == 3

    with time_machine.travel(at(2026, 10, 9, 8, 40), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests() == {"digests": 1, "items": 3}
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests() == {"digests": 0, "items": 0}  # beat ran it twice
            tasks.send_digests_task()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["a@unit.cn"] and email.subject == "执行联动每日汇总：2026年10月09日，共3条"
    for number in (1, 2, 3):
        assert f"【会议纪要发布】【会议纪要】第{number}次联席会议" in email.body
        assert f"https://zxld.example.gov.cn/meetings/{number}/" in email.body
    digest = Digest.objects.get()
    assert digest.item_count == 3 and digest.delivery.state == DeliveryState.SENT
    assert Delivery.objects.count() == 1 and not DigestItem.objects.filter(digest__isnull=True).exists()


def test_what_arrives_after_todays_digest_waits_for_tomorrows(person, eager, django_capture_on_commit_callbacks):
    _, recipient = person
    with time_machine.travel(at(2026, 10, 9, 8, 0), tick=False):
        notify([recipient], minutes(1))
    with time_machine.travel(at(2026, 10, 9, 8, 40), tick=False):
        send_daily_digests()
    with time_machine.travel(at(2026, 10, 9, 10, 0), tick=False):
        notify([recipient], minutes(2))
    with time_machine.travel(at(2026, 10, 9, 17, 0), tick=False):
        assert send_daily_digests() == {"digests": 0, "items": 0}
    with time_machine.travel(at(2026, 10, 10, 8, 40), tick=False):
        assert send_daily_digests() == {"digests": 1, "items": 1}
    assert list(Digest.objects.order_by("day").values_list("day", "item_count")) == [
        (datetime.date(2026, 10, 9), 1), (datetime.date(2026, 10, 10), 1)]


def test_urgent_messages_and_kinds_taken_out_of_the_digest_go_at_once(person):
    user, recipient = person
    notify([recipient], Message(kind="minutes_published", title="【会议纪要】更正", body="请立即查看", urgent=True))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]
    save_preferences(user=user, quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"minutes_published": {"digest": False}, "notice_replied": {"digest": True}})
    notify([recipient], minutes(1))
    notify([recipient], Message(kind="notice_replied", title="公安局已回复", body="已办结"))
    assert Delivery.objects.count() == 4
    assert list(DigestItem.objects.values_list("title", flat=True)) == ["公安局已回复"]


def test_a_digest_item_keeps_only_the_channels_the_user_keeps(person):
    user, recipient = person
    save_preferences(user=user, quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"minutes_published": {"email": False, "sms": False}})
    notify([recipient], minutes(1))
    assert not DigestItem.objects.exists() and not Delivery.objects.exists()
    assert Notification.objects.filter(recipient=user).count() == 1


def test_somebody_without_email_gets_one_sms_pointing_to_the_bell(unit, eager, django_capture_on_commit_callbacks):
    contact = factories.ContactFactory(organisation=unit, role="B", name="乙联络", email="", mobile="13800000002")
    with time_machine.travel(at(2026, 10, 8, 15, 0), tick=False):
        for number in (1, 2):
            notify([Recipient.from_contact(contact)], minutes(number))
    with time_machine.travel(at(2026, 10, 9, 8, 40), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            send_daily_digests()
    sms = Delivery.objects.get()
    assert sms.channel == "sms" and sms.address == "13800000002" and sms.state == DeliveryState.SENT
    assert sms.body == "【执行联动】您有2条通知汇总（10月09日），请登录系统查看站内通知。"


def test_the_digest_runs_daily_from_the_static_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["daily-digests"]
    assert entry["task"] == "linkage.tasks.send_digests"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {40}
