"""The reference receiver (examples/unit_robot.py) against the live server on loopback: a notice served on the unit
reaches the unit's robot at once, which verifies it, signs for the inquiry and replies "not found" through the REST
API with its system account's token, within seconds of service; a replay of the event changes nothing."""

import time

import pytest

from assistance.models import Notice
from examples.unit_robot import UnitRobot
from linkage import tokens
from members import tasks, webhooks
from members.webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint
from tests import factories
from tests.assistance_factories import served_notice

SECRET = "unit-robot-secret-0123456789abcdef"


@pytest.fixture
def robot_world(reference_data, live_server, settings):
    settings.WEBHOOK_TIMEOUT = 10.0
    court = factories.CourtFactory()
    clerk = factories.ClerkFactory(organisation=court)
    leader = factories.LeaderFactory(organisation=court)
    unit = factories.OrganisationFactory(measures=["inquiry", "freeze"], short_name="银行")
    system = factories.LiaisonFactory(organisation=unit, liaison_role="A", is_system_account=True,
                                      username="bank-robot")
    admin = factories.UserFactory(role="admin", username="admin-robot", is_staff=True, is_superuser=True)
    key = tokens.issue_system_token(actor=admin, user=system, name="查控机器人").key
    robot = UnitRobot(secret=SECRET, token=key, api=f"{live_server.url}/api/v1")
    url = robot.start()
    WebhookEndpoint.objects.create(organisation=unit, name="银行查控机器人", url=url, secret=SECRET,
                                   event_types=["notice.served"])
    yield {"clerk": clerk, "leader": leader, "unit": unit, "robot": robot, "admin": admin, "system": system}
    robot.stop()


@pytest.mark.django_db(transaction=True)
def test_the_robot_acknowledges_and_replies_to_an_inquiry_within_seconds(robot_world):
    world = robot_world
    started = time.monotonic()
    notice = served_notice(clerk=world["clerk"], leader=world["leader"], unit=world["unit"])
    # What the worker does with the task queued on commit (run here: no worker listens in this test process).
    assert tasks.deliver_webhooks_task(list(WebhookDelivery.objects.values_list("pk", flat=True))) == ["sent"]
    deadline = started + 10
    while Notice.objects.get(pk=notice.pk).state != "replied" and time.monotonic() < deadline:
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    notice = Notice.objects.select_related("reply").get(pk=notice.pk)
    assert notice.state == "replied", world["robot"].handled
    assert elapsed < 10 and (notice.reply.replied_at - notice.served_at).total_seconds() < 5
    assert notice.acknowledged_by == world["system"] and notice.reply.replied_by == world["system"]
    assert notice.reply.outcome == "not_found" and "未查到" in notice.reply.text
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDeliveryState.SENT and delivery.last_status == 200
    assert '"done": "replied not_found"' in delivery.last_response
    assert [(kind, done) for _, kind, done in world["robot"].handled] == [("notice.served", "replied not_found")]

    # The administrator replays it: the robot recognises the event id and does nothing again.
    webhooks.replay(actor=world["admin"], deliveries=[delivery])
    assert tasks.retry_webhooks_task() == 1
    delivery.refresh_from_db()
    assert delivery.replays == 1 and delivery.state == WebhookDeliveryState.SENT
    assert '"duplicate": true' in delivery.last_response
    assert len(world["robot"].handled) == 1

    # A freeze notice is not the robot's to answer: it is received and left to the people.
    freeze = served_notice(clerk=world["clerk"], leader=world["leader"], unit=world["unit"], measure="freeze")
    assert tasks.retry_webhooks_task() == 1
    assert Notice.objects.get(pk=freeze.pk).state == "served"
    assert world["robot"].handled[-1][1:] == ("notice.served", "ignored")
