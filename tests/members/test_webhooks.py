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
    assert "最近应答（前500字）" in detail and "u6536u5230" in detail and SECRET not in detail
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
