"""Each outside channel against a stub receiver on loopback (a real HTTP server on 127.0.0.1): SMS (HttpSMSGateway),
企业微信 and 钉钉 group robots, and the signed webhook. A message to a unit's people makes one delivery per chat
group of the unit, and each delivery reaches its receiver once even when the first attempt fails or times out: the
retry carries the same idempotency key."""

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse

import pytest
import time_machine
from django.utils import timezone

from linkage import chat, tasks
from linkage.models import Delivery, DeliveryState, Notification
from linkage.notify import Message, notify
from members.models import ChatChannel
from members.recipients import unit_recipients
from tests import factories
from tests.chat_stub import ChatStub
from tests.sms_stub import SMSStub

pytestmark = pytest.mark.django_db
DINGTALK_SECRET = "SECdingtalk-secret-0123456789abcdef"
WEBHOOK_SECRET = "webhook-shared-secret-0123456789"


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CHAT_GATEWAY_TIMEOUT = 0.4


@pytest.fixture
def people(db):
    unit = factories.OrganisationFactory(measures=["inquiry"], short_name="公安局")
    liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A", email="a@police.cn")
    factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=liaison, email="a@police.cn",
                             mobile="13800000001")
    factories.ContactFactory(organisation=unit, role="B", name="乙联络", email="b@police.cn", mobile="13800000002")
    factories.LiaisonFactory(organisation=unit, liaison_role="B")  # a liaison account not on the roster
    return unit


def channel(unit, stub, kind, *, secret="", msgtype="text", name="执行联动工作群"):
    return ChatChannel.objects.create(organisation=unit, kind=kind, name=name, url=stub.url, secret=secret,
                                      msgtype=msgtype)


def serve_message(unit, capture, urgent=True):
    """The hand-over message a served notice sends the unit (urgent: no quiet hours to wait out in these tests)."""
    with capture(execute=True):
        notify(unit_recipients([unit.pk]), Message(kind="notice_served", title="【协助执行】（2026）粤0103执1号 查询存款",
                                                   body="请于期限内办理并在线回复。", link="/notices/1/", urgent=urgent))


def retry_later(minutes):
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True):
        tasks.retry_deliveries_task()


@pytest.fixture
def stubs():
    started = []

    def start(mode, **kwargs):
        stub = ChatStub(mode, **kwargs)
        started.append(stub)
        return stub

    yield start
    for stub in started:
        stub.close()


def test_sms_gateway_failing_once_sends_one_sms_with_one_key(people, eager, settings,
                                                              django_capture_on_commit_callbacks):
    gateway = SMSStub()
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "linkage.notify.HttpSMSGateway", gateway.url
    settings.SMS_GATEWAY_STATUS_URL, settings.SMS_GATEWAY_TOKEN = gateway.status_url, ""
    try:
        gateway.fail_next = 1
        serve_message(people, django_capture_on_commit_callbacks)
        sms = Delivery.objects.get(address="13800000001")
        assert sms.state == DeliveryState.PENDING and sms.attempts == 1 and "500" in sms.last_error
        retry_later(2)
        retry_later(10)
    finally:
        gateway.close()
    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and sms.attempts == 2
    assert [mobile for mobile, _ in gateway.phone].count("13800000001") == 1
    keys = [key for key, body in gateway.posts if body["mobile"] == "13800000001"]
    assert keys == [str(sms.idempotency_key)] * 2


def test_wecom_robot_one_message_per_unit_even_when_retried(people, eager, stubs,
                                                            django_capture_on_commit_callbacks):
    robot = stubs("wecom")
    group = channel(people, robot, "wecom", msgtype="markdown")
    robot.fail_next = 1
    serve_message(people, django_capture_on_commit_callbacks)

    # Four people of the unit got the bell/SMS/email; the group gets one message.
    deliveries = Delivery.objects.filter(channel="wecom")
    assert deliveries.count() == 1
    delivery = deliveries.get()
    assert delivery.address == f"chat:{group.pk}" and delivery.state == DeliveryState.PENDING
    assert Notification.objects.filter(kind="notice_served").count() == 2  # the two liaison accounts
    retry_later(2)
    retry_later(10)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 2
    assert len(robot.group) == 1 and len(robot.posts) == 2
    assert robot.keys() == [str(delivery.idempotency_key)] * 2
    post = robot.posts[-1]
    assert post["path"] == "/cgi-bin/webhook/send" and post["query"] == {"key": "wecom-robot-key-0001"}
    assert post["body"]["msgtype"] == "markdown"
    assert post["body"]["markdown"]["content"].startswith("**【协助执行】（2026）粤0103执1号 查询存款**\n请于期限内办理")


def test_a_robot_error_code_is_a_failure_retried(people, eager, stubs, django_capture_on_commit_callbacks):
    """A robot answers 200 with an errcode when it refuses (here 钉钉 rejecting the signature): not a send."""
    robot = stubs("dingtalk", secret=DINGTALK_SECRET)
    channel(people, robot, "dingtalk", secret="SECwrong-secret")  # the administrator pasted the wrong secret
    serve_message(people, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel="dingtalk")
    assert delivery.state == DeliveryState.PENDING and "310000" in delivery.last_error
    assert robot.group == [] and robot.bad_signatures == 1


def test_dingtalk_robot_signed_and_sent_once(people, eager, stubs, django_capture_on_commit_callbacks):
    robot = stubs("dingtalk", secret=DINGTALK_SECRET)
    channel(people, robot, "dingtalk", secret=DINGTALK_SECRET)
    robot.fail_next = 1
    serve_message(people, django_capture_on_commit_callbacks)
    retry_later(2)
    retry_later(10)

    delivery = Delivery.objects.get(channel="dingtalk")
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 2
    assert robot.bad_signatures == 0 and len(robot.group) == 1
    assert robot.keys() == [str(delivery.idempotency_key)] * 2
    query = robot.posts[-1]["query"]
    assert query["access_token"] == "dingtalk-token-0001" and query["timestamp"].isdigit() and query["sign"]
    assert robot.group[0] == {"msgtype": "text", "text": {"content": f"{delivery.subject}\n{delivery.body}"}}


def test_signed_webhook_timing_out_once_is_one_message(people, eager, stubs, django_capture_on_commit_callbacks):
    """The receiver takes the message but its answer comes after the client gave up: the retry carries the same
    Idempotency-Key and a valid signature, and the receiver keeps one message."""
    receiver = stubs("webhook", secret=WEBHOOK_SECRET, delay=1.2)
    channel(people, receiver, "webhook", secret=WEBHOOK_SECRET)
    receiver.slow_next = 1
    serve_message(people, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.state == DeliveryState.PENDING and "未应答" in delivery.last_error
    retry_later(2)
    retry_later(10)

    delivery.refresh_from_db()
    key = str(delivery.idempotency_key)
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 2
    assert receiver.keys() == [key, key] and receiver.bad_signatures == 0
    assert receiver.group == [{"idempotency_key": key, "title": delivery.subject, "text": delivery.body}]
    assert receiver.posts[0]["body"] == receiver.posts[1]["body"]  # the same body on every attempt


def test_webhook_with_a_wrong_secret_is_refused_and_retried(people, eager, stubs, django_capture_on_commit_callbacks):
    receiver = stubs("webhook", secret=WEBHOOK_SECRET)
    channel(people, receiver, "webhook", secret="not-the-shared-secret")
    serve_message(people, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.state == DeliveryState.PENDING and "401" in delivery.last_error
    assert receiver.group == [] and receiver.bad_signatures == 1


def test_every_active_channel_of_the_unit_gets_one_delivery(people, eager, stubs,
                                                            django_capture_on_commit_callbacks):
    wecom, hook = stubs("wecom"), stubs("webhook", secret=WEBHOOK_SECRET)
    channel(people, wecom, "wecom")
    channel(people, hook, "webhook", secret=WEBHOOK_SECRET, name="单位自有系统")
    off = channel(people, wecom, "wecom", name="已停用的群")
    off.active = False
    off.save()
    other = factories.OrganisationFactory(measures=["inquiry"])
    channel(other, wecom, "wecom", name="别的单位的群")
    serve_message(people, django_capture_on_commit_callbacks)

    assert sorted(Delivery.objects.filter(channel__in=["wecom", "webhook"]).values_list("recipient_name", flat=True)) \
        == ["单位自有系统", "执行联动工作群"]
    assert len(wecom.group) == 1 and len(hook.group) == 1


def test_a_channel_switched_off_after_the_message_is_not_sent(people, eager, stubs,
                                                              django_capture_on_commit_callbacks):
    robot = stubs("wecom")
    group = channel(people, robot, "wecom")
    robot.fail_next = 1
    serve_message(people, django_capture_on_commit_callbacks)
    ChatChannel.objects.filter(pk=group.pk).update(active=False)
    retry_later(2)
    delivery = Delivery.objects.get(channel="wecom")
    assert delivery.state == DeliveryState.PENDING and "已停用" in delivery.last_error
    assert robot.group == []


def test_dingtalk_signature_matches_the_documented_algorithm():
    """钉钉's published example: sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\\n" + secret)))."""
    url = chat.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECxyz", 1700000000000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=")
    sign = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["sign"][0]
    expected = base64.b64encode(hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()).decode()
    assert sign == expected
    assert chat.webhook_signature("k", "1", b"{}") == hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest()


def test_chat_text_is_cut_to_the_robot_limit():
    text = chat.cut_bytes("执" * 2000)
    assert len(text.encode()) <= chat.MAX_CONTENT_BYTES and text.endswith("…")
    assert json.dumps(text)  # still a valid string (no half character)


# ------------------------------------------------------------------------- who decides a group message, and when


def chat_rows():
    return list(Delivery.objects.filter(channel__in=["wecom", "dingtalk", "webhook"]).values_list("channel",
                                                                                                 "next_attempt_at"))


def test_the_group_message_goes_unless_every_account_holder_turned_chat_off(people, stubs):
    from linkage.preferences import save_preferences

    channel(people, stubs("wecom"), "wecom")
    holders = list(people.users.filter(role="liaison"))
    assert len(holders) == 2
    save_preferences(user=holders[0], quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"notice_served": {"chat": False}})
    notify(unit_recipients([people.pk]), Message(kind="notice_served", title="一", body="正文"))
    assert len(chat_rows()) == 1  # the other account holder keeps it
    save_preferences(user=holders[1], quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"notice_served": {"chat": False}})
    notify(unit_recipients([people.pk]), Message(kind="notice_served", title="二", body="正文"))
    assert len(chat_rows()) == 1  # both turned it off: the contact without an account does not outvote them
    notify(unit_recipients([people.pk]), Message(kind="meeting_notice", title="三", body="正文"))
    assert len(chat_rows()) == 2  # another kind still goes


def test_digest_kinds_do_not_go_to_the_group_one_by_one(people, stubs):
    channel(people, stubs("wecom"), "wecom")
    notify(unit_recipients([people.pk]), Message(kind="minutes_published", title="纪要", body="正文"))
    assert chat_rows() == []
    notify(unit_recipients([people.pk]), Message(kind="minutes_published", title="纪要更正", body="正文", urgent=True))
    assert [row[0] for row in chat_rows()] == ["wecom"]


def test_a_group_keeps_the_site_quiet_hours_unless_urgent(people, stubs, settings):
    from zoneinfo import ZoneInfo

    settings.NOTIFY_DEFAULT_QUIET_HOURS = "22:00-07:30"
    channel(people, stubs("wecom"), "wecom")
    night = datetime.datetime(2026, 10, 9, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(night, tick=False):
        notify(unit_recipients([people.pk]), serve_message_text(urgent=False))
        notify(unit_recipients([people.pk]), serve_message_text(urgent=True))
    assert sorted(chat_rows(), key=lambda row: row[1] is None) == [
        ("wecom", datetime.datetime(2026, 10, 10, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))), ("wecom", None)]


def serve_message_text(urgent):
    return Message(kind="notice_served", title="【协助执行】查询存款", body="请办理。", link="/notices/1/", urgent=urgent)


def test_chat_text_links_to_the_site_when_its_address_is_set(settings):
    from linkage.notify import chat_text

    settings.NOTIFY_SITE_URL = "https://zxld.example.gov.cn/"
    assert chat_text(serve_message_text(False)) == "请办理。\n详情：https://zxld.example.gov.cn/notices/1/"
    settings.NOTIFY_SITE_URL = ""
    assert chat_text(serve_message_text(False)) == "请办理。\n请登录执行联动平台查看。"
