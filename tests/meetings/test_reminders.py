"""Open decisions are chased on the notices' ladder: A → A+B → A+B+leader → the committee, each step once per
recipient and due date, on working days from the morning hour; a reply stops it; a new due date starts it again."""

import datetime

import pytest
import time_machine

from linkage.models import Notification, Reminder
from meetings import reminders, services, tasks
from meetings.models import Decision
from tests import factories

from .conftest import at, held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(world):
    """A decision of published minutes, due Friday 11 December 2026, on the police unit."""
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        meeting = held_meeting(world)
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0],
                              task="协助查找被执行人下落", due_on=datetime.date(2026, 12, 11))
        services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕7号")
    return Decision.objects.get()


def sent(decision, kind):
    return sorted(Reminder.objects.filter(object_id=decision.pk, kind=kind,
                                          content_type__model="decision").values_list("recipient_name", flat=True))


def scan_at(*moment):
    with time_machine.travel(at(*moment), tick=False):
        return reminders.scan_decision_reminders()


def test_the_ladder_each_step_once_on_working_days(world, decision):
    short = world.units[0].short_name
    assert scan_at(2026, 12, 9, 9)["reminders"] == 0  # two working days ahead: nothing yet
    for _ in range(2):  # a scan delivered twice sends nothing twice
        scan_at(2026, 12, 10, 9)
    assert sent(decision, "before_due") == [f"{short}甲"]
    for _ in range(2):
        scan_at(2026, 12, 11, 9)
    assert sent(decision, "due_day") == sorted([f"{short}甲", f"{short}乙"])
    assert scan_at(2026, 12, 12, 10)["skipped"]  # Saturday
    assert scan_at(2026, 12, 14, 7, 30)["skipped"]  # before the morning hour
    for _ in range(2):
        scan_at(2026, 12, 14, 9)
    assert sent(decision, "overdue") == sorted([f"{short}甲", f"{short}乙", f"{short}领导"])
    scan_at(2026, 12, 15, 9)  # overdue by two working days: not yet escalated
    assert sent(decision, "escalation") == []
    for _ in range(2):
        scan_at(2026, 12, 16, 9)
    assert sent(decision, "escalation") == [world.committee.display_name]
    assert Reminder.objects.filter(object_id=decision.pk, content_type__model="decision").count() == 1 + 2 + 3 + 1
    # In-app for account holders (A and B are linked to liaison accounts; the leader contact is not).
    inbox = Notification.objects.filter(recipient=world.liaisons[0], kind__startswith="decision_")
    assert inbox.count() == 3
    assert all(f"/decisions/{decision.pk}/" == n.link for n in inbox)
    assert "已超过完成期限" in inbox.get(kind="decision_overdue").body


def test_another_jurisdictions_committee_is_not_on_the_escalation_list(world, decision):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    scan_at(2026, 12, 16, 9)
    assert stranger.display_name not in sent(decision, "escalation")


def test_a_reply_stops_the_ladder_and_a_new_due_date_starts_it_again(world, decision):
    scan_at(2026, 12, 11, 9)
    with time_machine.travel(at(2026, 12, 11, 10), tick=False):
        services.reply_to_decision(actor=world.liaisons[0], decision=decision, text="已查找")
    assert scan_at(2026, 12, 14, 9)["decisions"] == 0
    assert sent(decision, "overdue") == []
    with time_machine.travel(at(2026, 12, 14, 10), tick=False):
        services.send_back_decision(actor=world.committee, decision=decision, reason="未写明结果",
                                    due_on=datetime.date(2026, 12, 18))
    scan_at(2026, 12, 18, 9)
    assert Reminder.objects.filter(object_id=decision.pk, kind="due_day").count() == 4  # two per due date


def test_decisions_of_unpublished_minutes_are_not_chased(world):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        meeting = held_meeting(world)
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0], task="甲",
                              due_on=datetime.date(2026, 12, 2))
    assert scan_at(2026, 12, 8, 9)["decisions"] == 0


def test_a_court_responsible_for_a_decision_is_reminded_through_its_clerks(world):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        meeting = held_meeting(world)
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.court,
                              task="制定处置方案", due_on=datetime.date(2026, 12, 4))
        services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕8号")
    scan_at(2026, 12, 4, 9)
    assert Notification.objects.filter(recipient=world.clerk, kind="decision_due").count() == 1


def test_the_beat_task_runs_the_scan(world, decision):
    result = tasks.scan_decision_reminders_task.run(now_iso="2026-12-14T09:00:00+08:00")
    assert result["reminders"] == 3 and not result["skipped"]
    assert tasks.scan_decision_reminders_task.run(now_iso="2026-12-14T09:30:00+08:00")["reminders"] == 0


def test_the_beat_schedule_has_the_decision_scan(settings):
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "meetings.tasks.scan_decision_reminders"]
    assert len(entries) == 1
