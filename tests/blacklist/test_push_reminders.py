"""Unacknowledged pushes are reminded like notices: a push is due at the close of the 1st working day after it; the
unit's A contact on the day of the push, A and B on the deadline day, A, B and the responsible leader once it is
late — each step once, on working days from the morning hour, never after the unit acknowledged."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from blacklist import tasks
from blacklist.listings import reminders, services
from blacklist.models import ListingEvent
from cases import services as case_services
from linkage.models import Notification, Reminder
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ADULT = "44010319850615123X"


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def joint_unit(name, *, with_contacts=("A", "B", "L"), measures=("restrict_qualification",)):
    """A unit on the roster since 1 September, with a liaison account behind its A contact."""
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        unit = factories.OrganisationFactory(name=name, measures=list(measures))
    liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A")
    contacts = {role: factories.ContactFactory(organisation=unit, role=role, name=f"{name}{role}",
                                               user=liaison if role == "A" else None)
                for role in with_contacts}
    return unit, liaison, contacts


@pytest.fixture
def world(clerk, leader):
    unit, liaison, contacts = joint_unit("市场监督管理局")
    # An inquiry-only unit is not a joint-punishment unit: never reminded of pushes.
    joint_unit("公安分局", measures=("inquiry",))
    return {"unit": unit, "liaison": liaison, "contacts": contacts, "clerk": clerk, "leader": leader, "n": [0]}


def publish(world, moment):
    """Propose and approve a listing at `moment`: its publication is pushed then."""
    world["n"][0] += 1
    n = world["n"][0]
    with time_machine.travel(moment, tick=False):
        case = case_services.create_case(
            actor=world["clerk"], number=f"（2026）粤0103执{2000 + n}号", amount="1000", basis_issuer="某院",
            basis_number="（2025）粤0103民初1号", filed_on="2026-01-05",
            applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
            debtors=[{"kind": "person", "name": f"张{n}", "id_number": ADULT}],
        )
        listing = services.propose_listing(actor=world["clerk"], debtor=case.parties.debtors().get(), ground=3,
                                           facts="转移财产")
        services.approve_listing(actor=world["leader"], listing=listing)
    return ListingEvent.objects.get(listing=listing, pushed=True)


def sent(event, stage):
    return sorted(Reminder.objects.filter(object_id=event.pk, kind=f"push_{stage}")
                  .values_list("recipient_name", flat=True))


def test_the_ladder_each_step_once(world):
    # Pushed the last working day before National Day: due at the close of Thursday 8 October.
    event = publish(world, at(2026, 9, 30, 10))
    assert event.at == at(2026, 9, 30, 10)
    assert reminders.scan_push_reminders(at(2026, 9, 30, 9, 45))["events"] == 0  # not pushed yet
    for moment in (at(2026, 9, 30, 10, 15), at(2026, 9, 30, 10, 30)):  # the scan delivered twice
        reminders.scan_push_reminders(moment)
    assert sent(event, "before_due") == ["市场监督管理局A"]

    assert reminders.scan_push_reminders(at(2026, 10, 2, 10))["skipped"]  # holiday: nothing
    for _ in range(2):
        reminders.scan_push_reminders(at(2026, 10, 8, 9))
    assert sent(event, "due_day") == ["市场监督管理局A", "市场监督管理局B"]
    assert sent(event, "overdue") == []

    for _ in range(2):
        reminders.scan_push_reminders(at(2026, 10, 9, 9))
    assert sent(event, "overdue") == ["市场监督管理局A", "市场监督管理局B", "市场监督管理局L"]

    later = reminders.scan_push_reminders(at(2026, 10, 12, 9))
    assert later == {"skipped": False, "events": 0, "reminders": 0, "more": False}
    assert Reminder.objects.filter(object_id=event.pk).count() == 1 + 2 + 3
    assert set(Reminder.objects.values_list("due_at", flat=True)) == {at(2026, 10, 8, 23, 59, 59)}
    # Only joint-punishment units are reminded; the account behind the A contact has the three in the app.
    assert not Reminder.objects.filter(recipient_name__startswith="公安分局").exists()
    notes = Notification.objects.filter(recipient=world["liaison"]).order_by("id")
    assert [note.kind for note in notes] == ["push_before_due", "push_due_day", "push_overdue"]
    assert "张1" in notes[0].title and "发布" in notes[0].title and notes[0].link == "/listings/pushes/?pending=1"
    assert "2026年10月08日 23:59" in notes[0].body and "已超过签收期限" in notes[2].body


def test_an_acknowledged_push_is_not_reminded_again(world):
    event = publish(world, at(2026, 9, 30, 10))
    other_unit, _, _ = joint_unit("不动产登记中心")
    reminders.scan_push_reminders(at(2026, 9, 30, 11))
    assert len(sent(event, "before_due")) == 2  # each unit's A

    services.acknowledge_event(actor=world["liaison"], event=event)
    reminders.scan_push_reminders(at(2026, 10, 8, 9))
    reminders.scan_push_reminders(at(2026, 10, 9, 9))
    assert sent(event, "due_day") == ["不动产登记中心A", "不动产登记中心B"]
    assert sent(event, "overdue") == ["不动产登记中心A", "不动产登记中心B", "不动产登记中心L"]
    assert not Reminder.objects.filter(recipient_name__startswith="市场监督管理局", kind__in=[
        "push_due_day", "push_overdue"]).exists()


def test_nothing_on_a_holiday_or_before_the_morning_hour(world):
    # A listing expired by the night task on a holiday is pushed then; the first working morning it is due.
    event = publish(world, at(2026, 9, 30, 10))
    ListingEvent.objects.filter(pk=event.pk).update(at=at(2026, 10, 3, 1, 10))
    for day in range(3, 8):
        assert reminders.scan_push_reminders(at(2026, 10, day, 10))["skipped"]
    assert reminders.scan_push_reminders(at(2026, 10, 8, settings.REMINDER_HOUR - 1, 59))["skipped"]
    assert not Reminder.objects.exists()
    reminders.scan_push_reminders(at(2026, 10, 8, settings.REMINDER_HOUR))
    # Its deadline is today: it starts at the second step (a missed step is not sent late).
    assert sent(event, "before_due") == []
    assert sent(event, "due_day") == ["市场监督管理局A", "市场监督管理局B"]


def test_a_push_on_friday_is_due_on_monday(world):
    event = publish(world, at(2026, 11, 20, 16))  # Friday
    reminders.scan_push_reminders(at(2026, 11, 20, 17))
    assert sent(event, "before_due") == ["市场监督管理局A"]
    assert reminders.scan_push_reminders(at(2026, 11, 21, 10))["skipped"]  # Saturday
    reminders.scan_push_reminders(at(2026, 11, 23, 9))  # Monday: the deadline day
    assert sent(event, "due_day") == ["市场监督管理局A", "市场监督管理局B"] and sent(event, "overdue") == []
    reminders.scan_push_reminders(at(2026, 11, 24, 9))
    assert len(sent(event, "overdue")) == 3
    assert set(Reminder.objects.values_list("due_at", flat=True)) == {at(2026, 11, 23, 23, 59, 59)}


def test_who_is_not_reminded(world):
    event = publish(world, at(2026, 11, 20, 16))
    # Joined the roster after the push: not expected to acknowledge it.
    with time_machine.travel(at(2026, 11, 21, 9), tick=False):
        newcomer = factories.OrganisationFactory(name="新单位", measures=["publish"])
    factories.ContactFactory(organisation=newcomer, role="A", name="新单位A")
    # No current A contact: cannot be reminded, and does not keep the event claimed scan after scan.
    joint_unit("无联系人单位", with_contacts=("B",))
    first = reminders.scan_push_reminders(at(2026, 11, 23, 9))
    assert first["events"] == 1 and first["reminders"] == 2
    assert reminders.scan_push_reminders(at(2026, 11, 23, 10))["events"] == 0
    assert set(Reminder.objects.filter(object_id=event.pk).values_list("recipient_name", flat=True)) == {
        "市场监督管理局A", "市场监督管理局B"}
    # Too old to scan: a push more than LOOKBACK_DAYS back is left to the unit's push page.
    old = publish(world, at(2026, 9, 30, 10))
    reminders.scan_push_reminders(at(2026, 11, 24, 9))
    assert not Reminder.objects.filter(object_id=old.pk).exists()


def test_bounded_batches_continue_where_the_last_stopped(world):
    events = [publish(world, at(2026, 11, 20, 10, n)) for n in range(3)]
    first = reminders.scan_push_reminders(at(2026, 11, 23, 9), batch_size=2)
    assert (first["events"], first["more"]) == (2, True)
    second = reminders.scan_push_reminders(at(2026, 11, 23, 9, 1), batch_size=2)
    assert (second["events"], second["more"]) == (1, False)
    assert all(len(sent(event, "due_day")) == 2 for event in events)


def test_scan_query_count_does_not_grow(world, django_assert_num_queries):
    other_unit, _, _ = joint_unit("不动产登记中心")
    publish(world, at(2026, 11, 20, 10))
    reminders.scan_push_reminders(at(2026, 11, 20, 11))  # warms the content-type cache
    for n in range(10):
        publish(world, at(2026, 11, 20, 12, n))
    # 11 of its own, one for the units' work-chat groups and one for the recipients' notification preferences
    # (whatever their number), and one audit entry each for the bulk writes of notifications, deliveries and reminders
    with django_assert_num_queries(16):
        result = reminders.scan_push_reminders(at(2026, 11, 23, 9))
    assert result["events"] == 11 and result["reminders"] == 11 * 2 * 2  # 11 events × 2 units × A, B
    with django_assert_num_queries(16):
        result = reminders.scan_push_reminders(at(2026, 11, 24, 9))
    assert result["reminders"] == 11 * 2 * 3


def test_the_periodic_task_runs_the_scan_and_is_on_the_beat(world):
    event = publish(world, at(2026, 11, 20, 16))
    assert tasks.remind_unacknowledged_pushes_task(now_iso="2026-11-23T09:00:00+08:00")["reminders"] == 2
    assert tasks.remind_unacknowledged_pushes_task(now_iso="2026-11-23T09:15:00+08:00")["reminders"] == 0
    assert len(sent(event, "due_day")) == 2
    entry = settings.CELERY_BEAT_SCHEDULE["listing-push-reminders"]
    assert entry["task"] == tasks.remind_unacknowledged_pushes_task.name
    assert entry["task"] == "blacklist.tasks.remind_unacknowledged_pushes"
