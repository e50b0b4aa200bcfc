"""Outbound webhooks (issue 21 item 4) against a receiver on loopback: an event the unit subscribed to is posted
once, signed so the reference receiver's check passes (and a tampered body fails it); a receiver that is down gets
it once it is back, exactly once; retries back off exponentially and stop; a redirect is not followed; a replay
sends the same event id; only the unit's active, subscribed endpoints get anything."""

import datetime
import json

import pytest
from django.utils import timezone

from examples.unit_robot import Refused, SeenEvents, verify
from linkage.errors import ApplicationError
from members import tasks, webhooks
from members.webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEvent
from tests import factories
from tests.assistance_factories import served_notice
from tests.webhook_stub import WebhookStub, free_port

pytestmark = pytest.mark.django_db
SECRET = "unit-robot-secret-0123456789abcdef"


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.WEBHOOK_TIMEOUT = 2.0


@pytest.fixture
def stub():
    receiver = WebhookStub()
    yield receiver
    receiver.close()


def endpoint(unit, url, *, events=("notice.served",), active=True, secret=SECRET, name="银行总行查控系统"):
    return WebhookEndpoint.objects.create(organisation=unit, name=name, url=url, secret=secret,
                                          event_types=list(events), active=active)


def serve(clerk, leader, unit, capture):
    with capture(execute=True):
        return served_notice(clerk=clerk, leader=leader, unit=unit)


def later(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_a_served_notice_is_posted_signed_and_the_receiver_verifies_it(eager, stub, clerk, leader, unit,
                                                                       django_capture_on_commit_callbacks):
    hook = endpoint(unit, stub.url)
    notice = serve(clerk, leader, unit, django_capture_on_commit_callbacks)

    assert len(stub.posts) == 1
    headers, body = stub.posts[0]
    event = verify(SECRET, headers, body)  # the reference receiver's check
    stored = WebhookEvent.objects.get()
    assert event["id"] == headers["X-Linkage-Event-Id"] == str(stored.event_id)
    assert event["type"] == "notice.served" and event["occurred_at"].endswith("+08:00")
    assert event["data"] == {"id": notice.pk, "url": f"/api/v1/notices/{notice.pk}/", "measure": "inquiry",
                             "state": "served", "due_at": timezone.localtime(notice.due_at).isoformat()}
    assert headers["X-Linkage-Signature"].startswith("sha256=") and headers["Content-Type"].startswith(
        "application/json")
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == hook and delivery.state == WebhookDeliveryState.SENT and delivery.attempts == 1
    assert delivery.last_status == 200 and len(delivery.last_response) == 500  # the first 500 characters
    assert delivery.delivered_at and delivery.last_attempt_at

    tampered = body.replace(b'"measure":"inquiry"', b'"measure":"freeze"')
    assert tampered != body
    for bad_headers, bad_body, status in [
        (headers, tampered, 401),
        ({**headers, "X-Linkage-Signature": "sha256=" + "0" * 64}, body, 401),
        ({**headers, "X-Linkage-Timestamp": str(int(headers["X-Linkage-Timestamp"]) + 1)}, body, 401),
        ({**headers, "X-Linkage-Event-Id": "another"}, body, 400),
    ]:
        with pytest.raises(Refused) as refused:
            verify(SECRET, bad_headers, bad_body)
        assert refused.value.status == status
    with pytest.raises(Refused) as refused:
        verify("another-secret-0123456789", headers, body)
    assert refused.value.status == 401
    with pytest.raises(Refused) as refused:  # a genuine delivery captured and posted again ten minutes later
        verify(SECRET, headers, body, now=int(headers["X-Linkage-Timestamp"]) + 601)
    assert refused.value.status == 400


def test_only_the_units_active_subscribed_endpoints_get_the_event(eager, stub, clerk, leader, unit, other_unit,
                                                                  django_capture_on_commit_callbacks):
    endpoint(unit, stub.url, events=("extension.decided",), name="只订阅延期")
    endpoint(unit, stub.url, active=False, name="已停用")
    endpoint(other_unit, stub.url, name="别的单位")
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    serve(clerk, leader, other_unit, django_capture_on_commit_callbacks)
    assert len(stub.posts) == 1 and json.loads(stub.posts[0][1])["type"] == "notice.served"
    assert WebhookDelivery.objects.get().endpoint.name == "别的单位"
    switched_off_unit = factories.OrganisationFactory(measures=["inquiry"], active=False)
    endpoint(switched_off_unit, stub.url, name="停用单位")
    assert webhooks.emit("notice.served", organisation_ids=[switched_off_unit.pk], data={"id": 1}) is None
    assert WebhookEvent.objects.count() == 1


def test_nothing_is_sent_when_the_transaction_of_the_event_rolls_back(eager, stub, clerk, leader, unit,
                                                                      django_capture_on_commit_callbacks):
    endpoint(unit, stub.url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = served_notice(clerk=clerk, leader=leader, unit=unit)
        # the deliveries are queued after commit, not inside the serving transaction
        assert WebhookDelivery.objects.get().attempts == 0 and stub.posts == []
    assert len(callbacks) >= 1 and len(stub.posts) == 1
    assert notice.state == "served"


def test_a_receiver_that_is_down_gets_the_event_when_it_is_back_exactly_once(eager, clerk, leader, unit,
                                                                             django_capture_on_commit_callbacks):
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/linkage"
    endpoint(unit, url)
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDeliveryState.PENDING and delivery.attempts == 1
    assert delivery.last_status is None and delivery.last_response.startswith("无法连接")
    first_retry = delivery.next_attempt_at
    assert datetime.timedelta(seconds=25) < first_retry - delivery.last_attempt_at < datetime.timedelta(seconds=35)

    assert webhooks.retry_due() == []  # not due yet
    receiver = WebhookStub(port=port)
    try:
        assert webhooks.retry_due(now=later(31)) == [WebhookDeliveryState.SENT]
        assert webhooks.retry_due(now=later(3600)) == []
        assert webhooks.deliver(delivery.pk, now=later(3600)) is None
        assert tasks.retry_webhooks_task() == 0
    finally:
        receiver.close()
    assert len(receiver.posts) == 1
    headers, body = receiver.posts[0]
    assert verify(SECRET, headers, body)["id"] == str(WebhookEvent.objects.get().event_id)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDeliveryState.SENT and delivery.attempts == 2 and delivery.last_status == 200


def test_failures_back_off_exponentially_then_stop_and_a_redirect_is_not_followed(
        eager, stub, clerk, leader, unit, django_capture_on_commit_callbacks):
    endpoint(unit, stub.url)
    stub.answers = [(302, {"Location": stub.url + "/elsewhere"})] + [(500, {})] * 10
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status == 302 and delivery.state == WebhookDeliveryState.PENDING
    assert len(stub.posts) == 1  # the redirect was not followed
    gaps = []
    now = timezone.now()
    while delivery.state == WebhookDeliveryState.PENDING:
        gaps.append((delivery.next_attempt_at - now).total_seconds())
        now = delivery.next_attempt_at
        webhooks.retry_due(now=now)
        delivery.refresh_from_db()
    assert delivery.state == WebhookDeliveryState.FAILED and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert [round(gap) for gap in gaps] == [30, 60, 120, 240, 480, 960, 1920]
    assert delivery.last_status == 500 and delivery.next_attempt_at is None
    assert len(stub.posts) == webhooks.MAX_ATTEMPTS
    assert len({headers["X-Linkage-Event-Id"] for headers, _ in stub.posts}) == 1
    assert len({body for _, body in stub.posts}) == 1  # the same bytes every time; only the timestamp moves


def test_a_replay_sends_the_same_event_id_and_the_receiver_drops_it(eager, stub, clerk, leader, unit, admin_user,
                                                                    django_capture_on_commit_callbacks):
    endpoint(unit, stub.url)
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.replay(actor=admin_user, deliveries=[delivery]) == 1
    assert len(stub.posts) == 2
    (first_headers, first_body), (second_headers, second_body) = stub.posts
    assert first_headers["X-Linkage-Event-Id"] == second_headers["X-Linkage-Event-Id"] and first_body == second_body
    seen = SeenEvents()
    assert [seen.claim(verify(SECRET, headers, body)["id"]) for headers, body in stub.posts] == [True, False]
    delivery.refresh_from_db()
    assert delivery.state == WebhookDeliveryState.SENT and delivery.replays == 1 and delivery.attempts == 1
    assert WebhookEvent.objects.count() == 1

    with pytest.raises(ApplicationError, match="只有系统管理员"):
        webhooks.replay(actor=clerk, deliveries=[delivery])


def test_the_administrator_replays_from_the_delivery_list(eager, stub, clerk, leader, unit, admin_user, client,
                                                          django_capture_on_commit_callbacks):
    hook = endpoint(unit, stub.url)
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin_user)
    page = client.get("/admin/members/webhookdelivery/").content.decode()
    assert str(delivery.event.event_id) in page and "notice.served" in page and "已送达" in page
    detail = client.get(f"/admin/members/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "最近应答（前500字）" in detail and r"\u6536\u5230" in detail and SECRET not in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/members/webhookdelivery/", {"action": "replay", "_selected_action": [delivery.pk]},
                               follow=True)
    assert "已重新排队 1 条推送" in response.content.decode()
    assert len(stub.posts) == 2
    hook.active = False
    hook.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/members/webhookdelivery/", {"action": "replay", "_selected_action": [delivery.pk]},
                               follow=True)
    assert "已重新排队 0 条推送" in response.content.decode() and len(stub.posts) == 2


def test_a_delivery_another_worker_holds_is_skipped(eager, stub, clerk, leader, unit,
                                                    django_capture_on_commit_callbacks):
    """SKIP LOCKED: `deliver` returns at once, without posting, when the row is locked elsewhere."""
    import threading

    from django.db import connections, transaction

    endpoint(unit, "http://127.0.0.1:9/never")  # the first attempt fails: the delivery stays pending
    serve(clerk, leader, unit, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    WebhookEndpoint.objects.update(url=stub.url)
    assert delivery.state == WebhookDeliveryState.PENDING
    result = {}

    def other_worker():
        with transaction.atomic():
            result["skipped"] = webhooks.deliver(delivery.pk, now=later(3600))
        connections.close_all()

    # Our test transaction holds no lock on the row; lock it here and let another connection try.
    WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join(10)
    assert "skipped" in result
    assert result["skipped"] is None and stub.posts == []


ADD = "/admin/members/webhookendpoint/add/"


def endpoint_form(unit, **changes):
    data = {"organisation": unit.pk, "name": "银行总行查控系统", "url": "https://bank.example.cn/linkage/hooks",
            "secret": SECRET, "event_types": ["notice.served", "notice.lifting_signed"], "active": "on"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"url": "http://bank.example.cn/hooks"}, "url", "接收地址应使用 https://（仅本机地址或经配置允许的内网可使用 http://）。"),
    ({"url": "ftp://bank.example.cn/hooks"}, "url", "接收地址应以 https:// 开头。"),
    ({"url": "https://user:pw@bank.example.cn/hooks"}, "url", "接收地址中不能包含用户名或密码，请使用签名密钥验证。"),
    ({"url": "https://bank.example.cn:99999/hooks"}, "url", "接收地址格式不正确。"),
    ({"url": ""}, "url", "请填写接收地址。"),
    ({"secret": "short"}, "secret", "签名密钥至少16位。"),
    ({"event_types": None}, "event_types", "请至少选择一种订阅事件。"),
    ({"event_types": ["notice.withdrawn"]}, "event_types", "“notice.withdrawn”不是可订阅的事件。"),
    ({"name": ""}, "name", "请填写名称。"),
])
def test_registration_is_refused_in_chinese(admin_user, client, unit, settings, changes, field, message):
    settings.DEBUG = False
    client.force_login(admin_user)
    response = client.post(ADD, endpoint_form(unit, **changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not WebhookEndpoint.objects.exists()


def test_the_administrator_registers_an_endpoint_and_sees_the_secret_masked(admin_user, client, unit, settings):
    settings.DEBUG, settings.WEBHOOK_ALLOW_HTTP = False, False
    client.force_login(admin_user)
    assert client.post(ADD, endpoint_form(unit)).status_code == 302
    hook = WebhookEndpoint.objects.get()
    assert hook.secret == SECRET and hook.event_types == ["notice.served", "notice.lifting_signed"]
    listing = client.get("/admin/members/webhookendpoint/").content.decode()
    assert "事件推送地址" in listing and SECRET not in listing and "unit…ef（共34位）" in listing
    change = client.get(f"/admin/members/webhookendpoint/{hook.pk}/change/").content.decode()
    assert SECRET not in change and "留空则保持不变" in change
    assert client.post(f"/admin/members/webhookendpoint/{hook.pk}/change/",
                       endpoint_form(unit, secret="", event_types=["listing.*"])).status_code == 302
    hook.refresh_from_db()
    assert hook.secret == SECRET and hook.event_types == ["listing.*"]
    assert hook.wants("listing.publish") and hook.wants("listing.delete") and not hook.wants("notice.served")
    # http: on loopback always; elsewhere with the setting only; a blank secret on a new endpoint is generated
    assert client.post(ADD, endpoint_form(unit, url="http://127.0.0.1:8088/", secret="")).status_code == 302
    assert len(WebhookEndpoint.objects.get(url="http://127.0.0.1:8088/").secret) >= 40
    settings.WEBHOOK_ALLOW_HTTP = True
    assert client.post(ADD, endpoint_form(unit, url="http://10.1.2.3/hooks")).status_code == 302
    assert client.post(f"/admin/members/webhookendpoint/{hook.pk}/delete/").status_code == 403


def test_a_clerk_or_liaison_cannot_reach_the_webhook_pages(client, clerk, unit, liaison):
    hook = endpoint(unit, "https://bank.example.cn/hooks")
    for user in (clerk, liaison):
        client.force_login(user)
        for url in ("/admin/members/webhookendpoint/", f"/admin/members/webhookendpoint/{hook.pk}/change/",
                    "/admin/members/webhookdelivery/"):
            assert client.get(url).status_code in (302, 404)


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://bank.example.cn/hooks", True),
    ("http://127.0.0.1:8088/hooks", True),
    ("http://localhost/hooks", True),
    ("http://[::1]:8088/hooks", True),
    ("http://127.0.0.1.evil.example/hooks", False),
    ("http://10.0.0.8/hooks", False),
    ("https://bank.example.cn/hooks#part", False),
    ("bank.example.cn/hooks", False),
])
def test_which_urls_may_be_registered(settings, url, allowed):
    from linkage.webhooks import endpoint_url_error

    settings.DEBUG, settings.WEBHOOK_ALLOW_HTTP = False, False
    assert (endpoint_url_error(url) is None) is allowed


def test_the_beat_retries_webhooks_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retry-webhooks"]
    assert entry["task"] == tasks.retry_webhooks_task.name
    assert str(entry["schedule"]) == str(__import__("celery.schedules").schedules.crontab())
