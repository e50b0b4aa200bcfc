"""Each decision of the minutes reaches its responsible unit's system when the minutes are published, not before
(a unit cannot read a decision of unpublished minutes)."""

import datetime

import pytest
from django.utils import timezone

from meetings import services
from members.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent

from .conftest import held_meeting

pytestmark = pytest.mark.django_db


def test_decisions_are_assigned_when_the_minutes_are_published(world):
    police, housing, market = world.units
    endpoints = {unit.pk: WebhookEndpoint.objects.create(
        organisation=unit, name="单位系统", url="https://unit.example.cn/hooks", secret="s" * 32,
        event_types=["decision.assigned"]) for unit in (police, market)}
    meeting = held_meeting(world)
    due = timezone.localdate() + datetime.timedelta(days=14)
    first = services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=police, task="协助查找",
                                  due_on=due)
    services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=housing, task="暂停网签",
                          due_on=due)
    dropped = services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=market, task="误录",
                                    due_on=due)
    services.cancel_decision(actor=world.committee, decision=dropped, reason="录入错误")
    assert not WebhookEvent.objects.exists()
    meeting = services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕7号")
    event = WebhookEvent.objects.get()  # housing has no endpoint; market's decision was cancelled
    assert event.event_type == "decision.assigned" and event.occurred_at == meeting.published_at
    assert event.data == {"id": first.pk, "url": f"/api/v1/decisions/{first.pk}/", "meeting": meeting.pk,
                          "document_number": "荔政法纪〔2026〕7号", "due_on": due.isoformat()}
    assert WebhookDelivery.objects.get().endpoint == endpoints[police.pk]
