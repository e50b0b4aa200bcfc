"""Webhook deliveries run by real Celery workers on Redis against PostgreSQL: the same chunk delivered twice (one
task id, as a broker redelivery) and the beat's retry scan, on two workers at once, post each event once — the
delivery row is claimed with SKIP LOCKED and moves to sent before anybody else can take it."""

import uuid

import pytest

from assistance import services
from cases import services as case_services
from examples.unit_robot import verify
from members.webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint
from tests import factories
from tests.webhook_stub import WebhookStub

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
SECRET = "unit-robot-secret-0123456789abcdef"



def test_two_workers_and_a_redelivery_post_each_event_once(celery_workers):
    receiver = WebhookStub()
    try:
        court = factories.CourtFactory()
        clerk = factories.ClerkFactory(organisation=court)
        leader = factories.LeaderFactory(organisation=court)
        units = [factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
                 for _ in range(3)]
        for unit in units:
            WebhookEndpoint.objects.create(organisation=unit, name="单位系统", url=receiver.url, secret=SECRET,
                                           event_types=["notice.served"])
        case = case_services.create_case(
            actor=clerk, number="（2026）粤0103执89号", amount="1000", basis_issuer="某院",
            basis_number="（2025）粤0103民初2号", filed_on="2026-03-02",
            applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
            debtors=[{"kind": "person", "name": "乙", "id_number": "44010319850615123X"}],
        )
        _, notices = services.draft_notices(
            actor=clerk, case=case, units=units, measure="inquiry", debtor=case.parties.debtors().get(),
            ruling_number="（2026）粤0103执89号", items=[{"property_kind": "bank_account", "description": "查询存款"}],
        )
        for notice in notices:
            services.sign_notice(actor=leader, notice=notice)
            services.serve_notice(actor=clerk, notice=notice)
        ids = list(WebhookDelivery.objects.values_list("pk", flat=True))
        assert len(ids) == 3 and receiver.posts == []  # no worker listened on the app's own broker

        workers = celery_workers(2)
        task_id = str(uuid.uuid4())
        results = [workers.send("members.tasks.deliver_webhooks", [ids], task_id=task_id) for _ in range(2)]
        results += [workers.send("members.tasks.retry_webhooks"), workers.send("members.tasks.deliver_webhooks", [ids])]
        assert len({result.id for result in results}) == 3  # the tasks ignore their results: wait for the queue
        workers.wait_idle()
    finally:
        receiver.close()
    assert len(receiver.posts) == 3
    event_ids = {verify(SECRET, headers, body)["id"] for headers, body in receiver.posts}
    assert len(event_ids) == 3
    assert set(WebhookDelivery.objects.values_list("state", "attempts")) == {(WebhookDeliveryState.SENT, 1)}
