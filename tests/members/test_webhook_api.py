"""`/api/v1/webhooks/` (docs/api.md): a unit's liaison registers and manages its own unit's endpoints, the
administrator everybody's; the secret is never read back; deliveries show the last answer and are replayed with the
same event id; bad input is refused in Chinese and changes nothing; anybody else sees nothing (404)."""

import pytest

from members.webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEvent
from tests import factories

pytestmark = pytest.mark.django_db

BODY = {"name": "银行总行查控系统", "url": "https://10.1.2.3/linkage/events", "event_types": ["notice.served"]}


@pytest.fixture(autouse=True)
def no_sending(monkeypatch):
    sent = []
    monkeypatch.setattr("members.webhooks.queue", lambda ids: sent.extend(ids))
    return sent


def delivered(endpoint):
    event = WebhookEvent.objects.create(event_type="notice.served", occurred_at="2026-12-01T10:00:00+08:00",
                                        data={"id": 1})
    return WebhookDelivery.objects.create(endpoint=endpoint, event=event, state=WebhookDeliveryState.FAILED,
                                          attempts=8, last_status=503, last_response="维护中")


def test_a_liaison_registers_its_own_units_endpoint_and_never_reads_the_secret(api_for, liaison, other_liaison):
    response = api_for(liaison).post("/api/v1/webhooks/", {**BODY, "unit": other_liaison.organisation_id,
                                                           "secret": "s" * 20})
    assert response.status_code == 201, response.json()
    body = response.json()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.organisation_id == liaison.organisation_id  # its own unit, whatever the body says
    assert endpoint.secret == "s" * 20 and "secret" not in body and "s" * 20 not in str(body)
    assert body["event_types"] == ["notice.served"] and body["active"] is True
    generated = api_for(liaison).post("/api/v1/webhooks/", BODY).json()
    assert len(WebhookEndpoint.objects.get(pk=generated["id"]).secret) >= 16
    assert [row["id"] for row in api_for(liaison).get("/api/v1/webhooks/").json()["results"]] == [
        body["id"], generated["id"]]
    assert api_for(other_liaison).get("/api/v1/webhooks/").json()["results"] == []
    assert api_for(other_liaison).get(f"/api/v1/webhooks/{body['id']}/").status_code == 404
    assert api_for(other_liaison).patch(f"/api/v1/webhooks/{body['id']}/", {"active": False}).status_code == 404


@pytest.mark.parametrize("change, field, message", [
    ({"url": "ftp://10.1.2.3/x"}, "url", None),
    ({"url": "http://10.1.2.3/x"}, "url", None),
    ({"secret": "short"}, "secret", "签名密钥至少16位。"),
    ({"secret": " " + "s" * 20}, "secret", "签名密钥首尾不能有空格。"),
    ({"event_types": []}, "event_types", "请至少选择一种订阅事件。"),
    ({"event_types": ["notice.eaten"]}, "event_types", None),
    ({"name": "  "}, "name", "请填写名称。"),
])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(api_for, liaison, change, field, message):
    before = WebhookEndpoint.objects.count()
    response = api_for(liaison).post("/api/v1/webhooks/", {**BODY, **change})
    assert response.status_code == 400 and field in response.json(), response.json()
    text = response.json()[field][0]
    assert (text == message) if message else any("\u4e00" <= char <= "\u9fff" for char in text)
    assert WebhookEndpoint.objects.count() == before


def test_only_liaisons_and_the_administrator_register(api_for, clerk, committee_user, admin_user, unit):
    assert api_for(clerk).post("/api/v1/webhooks/", BODY).status_code == 403
    assert api_for(committee_user).post("/api/v1/webhooks/", BODY).status_code == 403
    refused = api_for(admin_user).post("/api/v1/webhooks/", BODY)
    assert refused.status_code == 400 and refused.json() == {"unit": ["请选择单位。"]}
    made = api_for(admin_user).post("/api/v1/webhooks/", {**BODY, "unit": unit.pk})
    assert made.status_code == 201 and made.json()["unit"] == unit.pk
    assert WebhookEndpoint.objects.count() == 1
    assert api_for(clerk).get(f"/api/v1/webhooks/{made.json()['id']}/").status_code == 404


def test_switching_off_keeps_the_secret_and_a_replay_resends_the_same_event(api_for, liaison, no_sending):
    api = api_for(liaison)
    created = api.post("/api/v1/webhooks/", {**BODY, "secret": "k" * 24}).json()
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    delivery = delivered(endpoint)
    rows = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert rows["count"] == 1 and rows["results"][0]["event_id"] == str(delivery.event.event_id)
    assert (rows["results"][0]["state"], rows["results"][0]["last_status"]) == ("failed", 503)
    replayed = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    assert replayed.status_code == 200, replayed.json()
    assert replayed.json()["event_id"] == str(delivery.event.event_id)
    assert (replayed.json()["state"], replayed.json()["replays"], replayed.json()["attempts"]) == ("pending", 1, 0)
    assert no_sending == [delivery.pk]
    patched = api.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": False, "secret": ""})
    assert patched.status_code == 200 and patched.json()["active"] is False
    endpoint.refresh_from_db()
    assert endpoint.secret == "k" * 24
    refused = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    assert refused.status_code == 409 and refused.json()["state"] == "inactive"
    assert api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{10**9}/replay/").status_code == 404


def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(api_for, liaison):
    mine = WebhookEndpoint.objects.create(organisation=liaison.organisation, name="甲", url=BODY["url"],
                                          secret="m" * 20, event_types=["notice.served"])
    theirs = WebhookEndpoint.objects.create(organisation=factories.OrganisationFactory(), name="乙",
                                            url=BODY["url"], secret="t" * 20, event_types=["notice.served"])
    delivery = delivered(theirs)
    assert api_for(liaison).post(f"/api/v1/webhooks/{mine.pk}/deliveries/{delivery.pk}/replay/").status_code == 404
    assert WebhookDelivery.objects.get(pk=delivery.pk).replays == 0
