"""The assistance services tell the unit's system (members/webhooks.py): a lifting notice signed, an extension
decided — one event each, to the addressed unit's subscribed endpoints only, written in the service's transaction."""

import pytest

from assistance import services
from assistance.models import LiftGround
from members.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.assistance.helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db


def hook(unit, *events):
    return WebhookEndpoint.objects.create(organisation=unit, name="单位系统", url="https://unit.example.cn/hooks",
                                          secret="s" * 32, event_types=list(events))


def test_a_signed_lifting_and_a_decided_extension_reach_the_unit(clerk, leader, unit, other_unit, liaison):
    endpoint = hook(unit, "notice.lifting_signed", "extension.decided")
    hook(other_unit, "notice.lifting_signed", "extension.decided", "notice.served")
    case = file_case(clerk)
    notice = advance(draft_notice(clerk, case, unit, measure="inquiry",
                                  items=[{"property_kind": "bank_account", "description": "查询存款"}]),
                     "served", clerk=clerk, leader=leader)
    assert not WebhookEvent.objects.exists()  # the unit did not subscribe to notice.served

    request = services.request_extension(actor=liaison, notice=notice, days=2, reason="需调取档案")
    services.decide_extension(actor=clerk, request=request, granted=False, reason="期限足够")
    event = WebhookEvent.objects.get()
    assert event.event_type == "extension.decided"
    assert event.data == {"id": request.pk, "notice": notice.pk, "url": f"/api/v1/notices/{notice.pk}/",
                          "granted": False, "days": 2, "due_at": event.data["due_at"]}
    assert event.data["due_at"].endswith("+08:00")

    notice = services.lift_notice(actor=clerk, notice=notice, ground=LiftGround.PERFORMED,
                                  ruling_number=f"{case.number}之一")
    assert WebhookEvent.objects.count() == 1  # drafted, not yet signed
    notice = services.sign_lifting(actor=leader, notice=notice)
    lifting = WebhookEvent.objects.get(event_type="notice.lifting_signed")
    assert lifting.data["id"] == notice.pk and lifting.data["state"] == "lifted" and lifting.data["lift_due_at"]
    assert lifting.occurred_at == notice.lifted_at
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [endpoint.pk, endpoint.pk]


def test_nothing_is_written_when_nobody_subscribes(clerk, leader, unit):
    case = file_case(clerk)
    advance(draft_notice(clerk, case, unit, measure="inquiry",
                        items=[{"property_kind": "bank_account", "description": "查询存款"}]),
            "served", clerk=clerk, leader=leader)
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
