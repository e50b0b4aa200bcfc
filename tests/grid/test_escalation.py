"""Overdue grid tasks climb once, after their due day has ended, to their own subdistrict's A/B contacts and the
clerk who sent them; the grid liaison is reminded once on the due day; the beat runs both."""

import pytest
import time_machine
from django.conf import settings

from grid import services
from grid.escalation import escalate_overdue, remind_due_today
from grid.models import GridTask, GridTaskState
from grid.tasks import escalate_grid_tasks_task, remind_grid_tasks_due_task
from linkage.models import Delivery, Notification

from .conftest import local
from .factories import CommunityFactory, GridLiaisonFactory, SubdistrictContactFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db

# Sent Wednesday 30 September 2026: the National Day week passes, Saturday 10 October (a make-up working day) is
# the third working day, the due day.
SENT = local(2026, 9, 30, 14, 0)
DUE_DAY_END = local(2026, 10, 10, 23, 59, 59)
NEXT_DAY = local(2026, 10, 11, 0, 5)


@pytest.fixture
def task(send):
    with time_machine.travel(SENT, tick=False):
        return send("locate")


def sms_to(*mobiles):
    return Delivery.objects.filter(channel="sms", address__in=mobiles)


def test_escalation_happens_once_and_only_after_the_due_day_ended(task, subdistrict_contacts, clerk):
    assert task.due_on == DUE_DAY_END.date()
    for moment in (local(2026, 10, 9, 12, 0), DUE_DAY_END):
        with time_machine.travel(moment, tick=False):
            assert escalate_overdue() == []
    with time_machine.travel(NEXT_DAY, tick=False):
        assert escalate_overdue() == [task.pk]
        assert escalate_overdue() == []
    task.refresh_from_db()
    assert task.escalated_at == NEXT_DAY and task.state == GridTaskState.SENT
    event = task.events.get(action="escalate")
    assert event.actor is None and event.data == {"due_on": "2026-10-10"}
    assert sms_to("13800000001", "13800000002").count() == 2
    bell = Notification.objects.get(recipient=clerk, kind="grid_task_overdue")
    assert "10月10日" in bell.body and bell.link == f"/grid/tasks/{task.pk}/"
    with time_machine.travel(local(2026, 10, 12, 9, 0), tick=False):
        assert escalate_overdue() == []
    assert Notification.objects.filter(kind="grid_task_overdue").count() == 1


def test_escalation_reaches_its_own_subdistrict_and_not_another(task, subdistrict_contacts, court):
    elsewhere = SubdistrictFactory(jurisdiction=court.jurisdiction)
    SubdistrictContactFactory(organisation=elsewhere, role="A", mobile="13800000009")
    GridLiaisonFactory(community=CommunityFactory(subdistrict=elsewhere))
    own_grid_liaison = task.community.grid_liaison
    with time_machine.travel(NEXT_DAY, tick=False):
        escalate_overdue()
    assert sms_to("13800000001", "13800000002").filter(subject__contains="逾期督办").count() == 2
    assert not sms_to("13800000009").exists()
    # The grid liaison is not one of the subdistrict's A/B contacts.
    assert not Notification.objects.filter(recipient=own_grid_liaison, kind="grid_task_overdue").exists()


def test_answered_and_cancelled_tasks_are_not_escalated(task, send, clerk, grid_liaison):
    with time_machine.travel(SENT, tick=False):
        cancelled = send("serve")
    with time_machine.travel(local(2026, 10, 9, 9, 0), tick=False):
        services.answer_task(actor=grid_liaison, task=task,
                             answer={"found": False, "note": "多次走访未见"})
        services.cancel_task(actor=clerk, task=cancelled, reason="已直接送达")
    with time_machine.travel(NEXT_DAY, tick=False):
        assert escalate_overdue() == []


def test_an_escalated_task_can_still_be_answered_late(task, grid_liaison):
    with time_machine.travel(NEXT_DAY, tick=False):
        escalate_overdue()
    with time_machine.travel(local(2026, 10, 12, 9, 0), tick=False):
        services.answer_task(actor=grid_liaison, task=GridTask.objects.get(pk=task.pk),
                             answer={"found": False, "note": "多次走访未见"})
    task.refresh_from_db()
    assert (task.state, task.answered_on_time) == (GridTaskState.ANSWERED, False)
    assert GridTask.objects.overdue(local(2026, 10, 12, 0, 0).date()).count() == 0


def test_the_grid_liaison_is_reminded_once_on_the_due_day(task, grid_liaison):
    with time_machine.travel(local(2026, 10, 9, 8, 30), tick=False):
        assert remind_due_today() == []
    with time_machine.travel(local(2026, 10, 10, 8, 30), tick=False):
        assert remind_due_today() == [task.pk]
        assert remind_due_today() == []
    bell = Notification.objects.get(recipient=grid_liaison, kind="grid_task_due_today")
    assert bell.link == f"/grid/tasks/{task.pk}/"
    assert task.events.filter(action="reminded").count() == 1


def test_the_beat_runs_the_scans(task, subdistrict_contacts):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["grid-task-escalations"]["task"] == escalate_grid_tasks_task.name == "grid.tasks.escalate_grid_tasks"
    assert schedule["grid-task-due-reminders"]["task"] == remind_grid_tasks_due_task.name
    assert remind_grid_tasks_due_task("2026-10-10T08:30:00+08:00") == {"reminded": [task.pk]}
    assert escalate_grid_tasks_task("2026-10-10T23:00:00+08:00") == {"escalated": []}
    assert escalate_grid_tasks_task("2026-10-11T00:30:00+08:00") == {"escalated": [task.pk]}
    assert escalate_grid_tasks_task("2026-10-11T01:30:00+08:00") == {"escalated": []}
