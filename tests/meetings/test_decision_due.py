"""Decision due → the responsible unit (kind `decision_due`): the reminder scan's due-day step is the hand-over
message, sent to the unit's A and B once per due date however often the scan runs; nobody else gets it, and a
decision already answered is not chased."""

import datetime

import pytest
import time_machine

from linkage.models import Notification
from meetings import reminders, services
from meetings.models import Decision

from .conftest import at, held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(world):
    """Due Friday 11 December 2026, on the police unit, in minutes published on 1 December."""
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        meeting = held_meeting(world)
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0],
                              task="协助查找被执行人下落", due_on=datetime.date(2026, 12, 11))
        services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕9号")
    return Decision.objects.get()


def scan_at(*moment):
    with time_machine.travel(at(*moment), tick=False):
        return reminders.scan_decision_reminders()


def test_the_unit_is_told_once_when_its_decision_is_due(world, decision):
    scan_at(2026, 12, 10, 9)  # the day before: a reminder, not yet the due message
    assert not Notification.objects.filter(kind="decision_due").exists()
    for _ in range(3):
        scan_at(2026, 12, 11, 9)
        scan_at(2026, 12, 11, 15)
    due = Notification.objects.filter(kind="decision_due")
    assert sorted(due.values_list("recipient_id", flat=True)) == sorted([world.liaisons[0].pk,
                                                                       world.b_liaisons[0].pk])
    message = due.get(recipient=world.liaisons[0])
    assert "协助查找被执行人下落" in message.body and "2026年12月11日" in message.body
    assert message.link == f"/decisions/{decision.pk}/"
    scan_at(2026, 12, 14, 9)  # overdue: a reminder of its own kind, not a second "due"
    assert due.count() == 2
    assert Notification.objects.filter(recipient=world.liaisons[0], kind="decision_overdue").count() == 1


def test_an_answered_decision_is_not_chased(world, decision):
    with time_machine.travel(at(2026, 12, 10, 10), tick=False):
        services.reply_to_decision(actor=world.liaisons[0], decision=decision, text="已布置查找")
    scan_at(2026, 12, 11, 9)
    assert not Notification.objects.filter(kind="decision_due").exists()
