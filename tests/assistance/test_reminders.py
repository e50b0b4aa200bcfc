"""Deadlines and reminders: the ladder A → A+B → A+B+leader → clerk+committee, each step once; nothing on a
non-working day; the digest groups a unit's items; renewals; calendar changes move open deadlines with events."""

import datetime
import http.server
import json
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from assistance import reminders, services
from assistance.models import Notice, NoticeEvent
from cases import services as case_services
from linkage import calendar_services, notify, tasks
from linkage.models import CalendarYear, Delivery, DeliveryState, DigestItem, Notification, Reminder
from tests import factories
from tests.sms_stub import SMSStub

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
# The deliveries of the reminders (not of the message that told the unit of the service).
REMINDED = Delivery.objects.exclude(subject__startswith="【新通知书】")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def world(court, clerk, leader):
    unit = factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
    liaison_a = factories.LiaisonFactory(organisation=unit, liaison_role="A", email="a@unit.cn")
    contacts = {
        "A": factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=liaison_a, email="a@unit.cn",
                                      mobile="13800000001"),
        "B": factories.ContactFactory(organisation=unit, role="B", name="乙联络", email="b@unit.cn", mobile=""),
        "L": factories.ContactFactory(organisation=unit, role="L", name="丙领导", email="", mobile="13800000003"),
    }
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=court.jurisdiction))
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    # Another jurisdiction's committee: never on this escalation list.
    factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执1234号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初1号",
        filed_on="2026-03-02", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "乙", "id_number": "44010319850615123X"}],
    )
    return {"unit": unit, "liaison": liaison_a, "contacts": contacts, "committee": committee, "case": case,
            "clerk": clerk, "leader": leader}


def serve(world, served_at, measure="inquiry"):
    _, (notice,) = services.draft_notices(
        actor=world["clerk"], case=world["case"], units=[world["unit"]], measure=measure,
        debtor=world["case"].parties.debtors().get(), ruling_number="（2026）粤0103执1234号",
        items=[{"property_kind": "bank_account", "identifier": "6222", "description": "查询存款"}],
    )
    services.sign_notice(actor=world["leader"], notice=notice)
    notice = services.serve_notice(actor=world["clerk"], notice=notice, at=served_at)
    # The unit is told of the service (notice_served): those messages go out now, through the logging gateway, so
    # the gateway tests below see the reminders' deliveries only.
    with override_settings(SMS_GATEWAY="linkage.notify.LoggingSMSGateway"):
        for pk in Delivery.objects.filter(state=DeliveryState.PENDING).values_list("pk", flat=True):
            notify.deliver(pk)
    return notice


def sent(notice, kind):
    return sorted(Reminder.objects.filter(object_id=notice.pk, kind=kind).values_list("recipient_name", flat=True))


def test_the_ladder_each_step_once(world, django_capture_on_commit_callbacks):
    # Served the last working day before National Day; 3 working days → due at the close of Sat 10-10 (make-up day).
    notice = serve(world, at(2026, 9, 30, 10))
    assert notice.due_at == at(2026, 10, 10, 23, 59, 59)
    for moment in (at(2026, 10, 9, 9), at(2026, 10, 9, 9, 30)):  # the scan delivered twice
        reminders.scan_notice_reminders(moment)
    assert sent(notice, "before_due") == ["甲联络"]

    for _ in range(2):
        reminders.scan_notice_reminders(at(2026, 10, 10, 9))
    assert sent(notice, "due_day") == sorted(["甲联络", "乙联络"])

    assert reminders.scan_notice_reminders(at(2026, 10, 11, 10))["skipped"]  # Sunday: nothing
    for _ in range(2):
        reminders.scan_notice_reminders(at(2026, 10, 12, 9))
    assert sent(notice, "overdue") == sorted(["甲联络", "乙联络", "丙领导"])

    reminders.scan_notice_reminders(at(2026, 10, 13, 9))  # overdue by 2 working days: still no escalation
    assert sent(notice, "escalation") == []
    for _ in range(2):
        reminders.scan_notice_reminders(at(2026, 10, 14, 9))
    assert sent(notice, "escalation") == sorted([world["clerk"].display_name, world["committee"].display_name])
    assert Reminder.objects.filter(object_id=notice.pk).count() == 1 + 2 + 3 + 2

    # In-app for account holders only; email and SMS for the addresses the roster holds.
    reminded = Notification.objects.filter(recipient=world["liaison"], kind__startswith="reminder_")
    assert reminded.count() == 3
    # Besides the three reminders, A was told once when the notice was served.
    assert Notification.objects.filter(recipient=world["liaison"], kind="notice_served").count() == 1
    channels = sorted(Delivery.objects.values_list("channel", "address"))
    assert ("sms", "13800000003") in channels and ("email", "b@unit.cn") in channels
    assert Delivery.objects.filter(address="a@unit.cn").count() == 3 + 1


def test_nothing_before_the_morning_hour_or_on_a_holiday(world):
    notice = serve(world, at(2026, 9, 30, 10))
    assert reminders.scan_notice_reminders(at(2026, 10, 9, 7, 59))["skipped"]
    assert reminders.scan_notice_reminders(at(2026, 10, 3, 10))["skipped"]  # National Day holiday
    assert not Reminder.objects.filter(object_id=notice.pk).exists()


def test_a_moved_deadline_starts_a_new_ladder(world):
    notice = serve(world, at(2026, 9, 30, 10))
    reminders.scan_notice_reminders(at(2026, 10, 10, 9))
    assert len(sent(notice, "due_day")) == 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: at(2026, 10, 10, 10))
        request = services.request_extension(actor=world["liaison"], notice=notice, days=2, reason="调档")
        services.decide_extension(actor=world["clerk"], request=request, granted=True, reason="同意")
    notice.refresh_from_db()
    reminders.scan_notice_reminders(at(2026, 10, 13, 9))  # the new due day
    assert Reminder.objects.filter(object_id=notice.pk, kind="due_day").count() == 4


def test_replied_notice_is_not_reminded(world):
    notice = serve(world, at(2026, 9, 30, 10))
    services.acknowledge_notice(actor=world["liaison"], notice=notice)
    services.reply_to_notice(actor=world["liaison"], notice=notice, outcome="not_found", text="未查到")
    reminders.scan_notice_reminders(at(2026, 10, 12, 9))
    assert not Reminder.objects.exists()


def test_scan_query_count_does_not_grow(world, django_assert_max_num_queries):
    for _ in range(3):
        serve(world, at(2026, 9, 30, 10))
    with django_assert_max_num_queries(60) as few:
        reminders.scan_notice_reminders(at(2026, 10, 12, 9))
    for _ in range(20):
        serve(world, at(2026, 9, 30, 11))
    with django_assert_max_num_queries(60) as many:
        result = reminders.scan_notice_reminders(at(2026, 10, 13, 9))
    # The first 3 had their overdue reminders yesterday: the scan does not even claim them.
    assert result["notices"] == 20 and result["reminders"] == 20 * 3
    assert len(many.captured_queries) == len(few.captured_queries)


def test_digest_groups_a_units_items_into_one_message(world):
    first = serve(world, at(2026, 9, 30, 10))
    second = serve(world, at(2026, 10, 8, 10))  # due at the close of Mon 10-12, within 2 working days
    for _ in range(2):
        reminders.send_unit_digests(at(2026, 10, 9, 9))
    digests = Reminder.objects.filter(kind="digest")
    assert sorted(digests.values_list("recipient_name", flat=True)) == sorted(["甲联络", "乙联络"])
    message = Notification.objects.get(recipient=world["liaison"], kind="digest")
    assert message.body.count(world["case"].number) == 2
    assert first.pk != second.pk
    # One digest mechanism: the to-do list is an item of each person's daily digest email, not a mail of its own.
    assert not Delivery.objects.filter(subject=message.title).exists()
    assert sorted(DigestItem.objects.filter(kind="digest").values_list("recipient_name", flat=True)) == sorted(
        ["甲联络", "乙联络"])


def test_renewal_reminder_goes_to_the_clerk_once(world):
    notice = serve(world, at(2026, 3, 2, 10), measure="freeze")
    services.acknowledge_notice(actor=world["liaison"], notice=notice)
    services.reply_to_notice(actor=world["liaison"], notice=notice, outcome="done", results=[
        {"identifier": "6222", "amount": "1000", "start_on": "2026-03-02", "end_on": "2026-12-10"}])
    assert reminders.scan_renewals(at(2026, 11, 2, 9))["reminders"] == 0  # 38 days ahead: too early
    assert reminders.scan_renewals(at(2026, 11, 12, 9))["reminders"] == 1
    assert reminders.scan_renewals(at(2026, 11, 13, 9))["reminders"] == 0
    assert Notification.objects.get(kind="renewal").recipient == world["clerk"]


def test_administrator_adding_a_holiday_moves_open_deadlines_with_events(world, admin_user):
    notice = serve(world, at(2026, 9, 30, 10))
    assert notice.due_at == at(2026, 10, 10, 23, 59, 59)
    calendar_services.save_calendar_day(actor=admin_user, date=datetime.date(2026, 10, 9), kind="holiday",
                                        name="临时休假")
    notice.refresh_from_db()
    # 10-08 Thu, (10-09 now a holiday), 10-10 make-up Sat, 10-12 Mon.
    assert notice.due_at == at(2026, 10, 12, 23, 59, 59)
    event = NoticeEvent.objects.get(notice=notice, action="deadline_moved")
    assert event.data["previous_due_at"].startswith("2026-10-10") and event.data["due_at"].startswith("2026-10-12")
    assert event.actor == admin_user and "临时休假" in event.reason


def test_loading_next_year_makes_provisional_deadlines_firm(world, admin_user):
    CalendarYear.objects.filter(year=2027).delete()
    with time_machine.travel(at(2027, 2, 8, 11), tick=False):
        notice = serve(world, at(2027, 2, 8, 10))
    assert notice.deadline_provisional
    calendar_services.save_calendar_day(actor=admin_user, date=datetime.date(2027, 2, 9), kind="holiday", name="春节")
    calendar_services.mark_year_loaded(actor=admin_user, year=2027, source="国办发明电〔2026〕7号")
    notice.refresh_from_db()
    assert notice.deadline_provisional is False
    assert notice.due_at == at(2027, 2, 12, 23, 59, 59)  # Tue 9th is now a holiday: 10, 11, 12
    assert NoticeEvent.objects.filter(notice=notice, action="deadline_moved").count() == 2


def test_only_the_administrator_edits_the_calendar(world):
    from linkage.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar_services.save_calendar_day(actor=world["clerk"], date=datetime.date(2026, 10, 9), kind="holiday")


def test_calendar_reminder_reaches_administrators_once_a_year(admin_user):
    from linkage.reminders import remind_administrators_of_calendar

    assert remind_administrators_of_calendar(2027) == 1
    assert remind_administrators_of_calendar(2027) == 0
    assert Notification.objects.get(recipient=admin_user).title == "请载入2027年法定节假日安排"


# ------------------------------------------------------------------------------------------------- channels


class FailingGateway:
    calls = 0

    def send(self, mobile, text, *, idempotency_key=""):
        FailingGateway.calls += 1
        raise ConnectionError("网关不可达")


def test_failed_sms_is_retried_with_backoff_then_shown_as_failed(settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY = "tests.assistance.test_reminders.FailingGateway"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify([notify.Recipient(key="x", name="某人", mobile="13800000000", email="x@y.cn")],
                      notify.Message(kind="t", title="测试", body="正文"))
    sms = Delivery.objects.get(channel="sms")
    email = Delivery.objects.get(channel="email")
    assert email.state == DeliveryState.SENT and len(mail.outbox) == 1  # the failing SMS blocked nothing
    assert sms.state == DeliveryState.PENDING and sms.attempts == 1 and "网关不可达" in sms.last_error
    first_retry = sms.next_attempt_at
    assert notify.retry_due_deliveries(now=first_retry - datetime.timedelta(seconds=1)) == []
    moment = first_retry
    for _ in range(4):
        notify.retry_due_deliveries(now=moment)
        sms.refresh_from_db()
        moment = sms.next_attempt_at or moment
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.utils.timezone.now", lambda m=moment: m)
            notify.retry_due_deliveries(now=moment)
        sms.refresh_from_db()
        if sms.state == DeliveryState.FAILED:
            break
    assert sms.state == DeliveryState.FAILED and sms.attempts == notify.MAX_ATTEMPTS


def test_http_sms_gateway_posts_to_the_configured_url():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.headers.get("Authorization"), self.headers.get("Idempotency-Key"),
                             json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    gateway = notify.HttpSMSGateway(url=f"http://127.0.0.1:{server.server_port}/send", token="secret")
    gateway.send("13800000000", "【执行联动】测试", idempotency_key="k-1")
    thread.join(5)
    server.server_close()
    assert received == [("Bearer secret", "k-1", {"mobile": "13800000000", "text": "【执行联动】测试",
                                                  "idempotency_key": "k-1"})]


def test_overdue_queryset_backs_the_lists(world):
    notice = serve(world, at(2026, 9, 30, 10))
    assert list(Notice.objects.overdue(on=at(2026, 10, 11, 0, 0))) == [notice]
    assert list(Notice.objects.due_between(at(2026, 10, 10), at(2026, 10, 11))) == [notice]


# ------------------------------------------------------------------------ idempotency: a message reaches a person once

CLIENT_TIMEOUT, STUB_DELAY = 0.4, 1.2


@pytest.fixture
def stub(settings):
    gateway = SMSStub(delay=STUB_DELAY)
    settings.SMS_GATEWAY = "linkage.notify.HttpSMSGateway"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_STATUS_URL = gateway.url, gateway.status_url
    settings.SMS_GATEWAY_TIMEOUT = CLIENT_TIMEOUT
    settings.SMS_GATEWAY_TOKEN = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield gateway
    gateway.close()


def run_retry_task(minutes_later, times=1):
    """The periodic retry task's body, as beat would run it `minutes_later` from now."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes_later), tick=True):
        for _ in range(times):
            tasks.retry_deliveries_task()


def remind_liaison_a(world, capture):
    """The real reminder path: the scan writes the reminder and its deliveries, sending starts after commit."""
    notice = serve(world, at(2026, 9, 30, 10))
    started = datetime.datetime.now()
    with capture(execute=True):
        reminders.scan_notice_reminders(at(2026, 10, 9, 9))
    assert sent(notice, "before_due") == ["甲联络"]
    return (datetime.datetime.now() - started).total_seconds()


def test_a_reminder_whose_answer_times_out_reaches_the_phone_once(world, stub, django_capture_on_commit_callbacks):
    """The gateway sends the SMS but answers after the client has given up: the delivery is "unknown", the retry
    task asks the status endpoint instead of sending again, and the phone has the reminder once."""
    elapsed = remind_liaison_a(world, django_capture_on_commit_callbacks)

    sms = REMINDED.get(channel="sms", address="13800000001")
    assert elapsed < STUB_DELAY  # the worker was not held for the slow gateway
    assert sms.state == DeliveryState.UNKNOWN and sms.get_state_display() == "结果待核实"
    assert REMINDED.get(channel="email", address="a@unit.cn").state == DeliveryState.SENT
    for minutes in (2, 10, 30, 90):  # beat runs the retry task again and again
        run_retry_task(minutes, times=2)

    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and sms.attempts == 1
    assert [mobile for mobile, _ in stub.phone] == ["13800000001"]
    key = str(sms.idempotency_key)
    assert stub.posts == [(key, {"mobile": "13800000001", "text": sms.body, "idempotency_key": key})]
    assert stub.status_queries == [key]


def test_a_send_the_gateway_never_got_is_sent_again_with_the_same_key(world, stub,
                                                                       django_capture_on_commit_callbacks):
    stub.lose_next = 1  # the first request is lost: no SMS, no answer
    remind_liaison_a(world, django_capture_on_commit_callbacks)
    sms = REMINDED.get(channel="sms")
    assert sms.state == DeliveryState.UNKNOWN and stub.phone == []

    run_retry_task(2)  # status: never received → pending again → sent in the same run, with the same key

    sms.refresh_from_db()
    assert stub.phone == [("13800000001", sms.body)]
    assert [header for header, _ in stub.posts] == [str(sms.idempotency_key)] * 2
    assert sms.state in (DeliveryState.UNKNOWN, DeliveryState.SENT)  # the second answer is slow too
    run_retry_task(10)
    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and sms.attempts == 2 and len(stub.phone) == 1


def test_a_failed_send_is_retried_with_the_same_key_and_each_delivery_has_its_own(world, stub,
                                                                                   django_capture_on_commit_callbacks):
    stub.delay, stub.fail_next = 0, 1  # a quick gateway that answers 500 once
    remind_liaison_a(world, django_capture_on_commit_callbacks)
    sms = REMINDED.get(channel="sms")
    assert sms.state == DeliveryState.PENDING and stub.phone == []

    run_retry_task(2)

    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and stub.phone == [("13800000001", sms.body)]
    assert [header for header, _ in stub.posts] == [str(sms.idempotency_key)] * 2
    keys = list(REMINDED.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) >= 2
    email = mail.outbox[-1]
    assert email.extra_headers["X-Idempotency-Key"] == str(REMINDED.get(channel="email").idempotency_key)


def test_without_a_status_endpoint_an_unknown_send_is_not_sent_again(world, stub, settings, admin_user, client_for,
                                                                     django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_STATUS_URL = ""
    remind_liaison_a(world, django_capture_on_commit_callbacks)
    for minutes in (2, 10, 30, 90, 200, 400, 800, 1600, 3200):
        run_retry_task(minutes)

    sms = REMINDED.get(channel="sms")
    assert sms.state == DeliveryState.UNKNOWN and sms.next_attempt_at is None  # left for the administrator
    assert len(stub.posts) == 1 and len(stub.phone) == 1
    assert "条短信网关未答复、多次核实仍无结果" in client_for(admin_user).get("/").content.decode()


def test_a_reminder_reaches_the_units_work_chat_group_once_per_step(world):
    """The ladder addresses the unit's contacts with the unit's work-chat groups: each step is one message in the
    group, however many of the unit's people it goes to; a switched-off group gets nothing."""
    from members.models import ChatChannel

    group = ChatChannel.objects.create(organisation=world["unit"], kind="webhook", name="市场监管执行联动群",
                                       url="https://127.0.0.1:9/hook", secret="s3cret")
    ChatChannel.objects.create(organisation=world["unit"], kind="wecom", name="已停用的群", active=False,
                               url="https://127.0.0.1:9/wecom")
    notice = serve(world, at(2026, 9, 30, 10))
    served_in_group = Delivery.objects.filter(address=group.address).count()  # the service itself: one message
    assert served_in_group == 1
    for _ in range(2):
        reminders.scan_notice_reminders(at(2026, 10, 10, 9))  # due day: A and B
    assert sent(notice, "due_day") == sorted(["甲联络", "乙联络"])
    in_group = Delivery.objects.filter(address=group.address).exclude(subject__startswith="【新通知书】")
    assert in_group.count() == 1 and in_group.get().channel == "webhook"
    assert Delivery.objects.filter(channel="wecom").count() == 0
