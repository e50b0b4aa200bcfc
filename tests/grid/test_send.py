"""Sending a grid task, the grid liaison's first opening, and the court's cancellation: who may, what each kind
needs, and who hears of it (once)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case
from grid import services
from grid.models import GridTask, GridTaskState
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Delivery, Notification
from linkage.text import REASON_MAX
from tests import factories

from .conftest import local
from .factories import CommunityFactory, GridLiaisonFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def test_sending_records_the_event_and_tells_the_grid_liaison_once(send, clerk, grid_liaison, debtor, community):
    task = send("locate", instructions="请核实其近期是否在家居住")
    assert (task.state, task.sent_by, task.party, task.subdistrict_id) == (
        GridTaskState.SENT, clerk, debtor, community.subdistrict_id)
    assert [event.action for event in task.events.all()] == ["send"]
    bell = Notification.objects.get(recipient=grid_liaison)
    assert bell.kind == "grid_task_sent" and bell.link == f"/grid/tasks/{task.pk}/"
    assert "王堃" in bell.body and "请核实其近期是否在家居住" in bell.body
    sms = Delivery.objects.filter(channel="sms", address=grid_liaison.mobile)
    assert sms.count() == 1 and sms.get().body.endswith(f"/grid/tasks/{task.pk}/") and "王堃" in sms.get().body
    services.mark_viewed(actor=grid_liaison, task=task)
    assert Notification.objects.filter(recipient=grid_liaison).count() == 1


@pytest.mark.parametrize("kind, extra, asked", [
    ("locate", {}, "协助查找下落"),
    ("serve", {"document_title": "执行通知书", "place": "宝华路12号"}, "协助送达"),  # a kind named 协助… says it once
])
def test_the_message_asks_for_the_kind_once(send, grid_liaison, kind, extra, asked):
    send(kind, **extra)
    bell = Notification.objects.get(recipient=grid_liaison)
    assert asked in bell.title and asked in bell.body and "协助协助" not in bell.title + bell.body


def test_posting_the_list_needs_no_debtor_and_a_leader_may_send(send, leader):
    task = send("post", actor=leader, party=None)
    assert task.party is None and task.sent_by == leader


@pytest.mark.parametrize("kind, fields, field", [
    ("locate", {"party": None}, "party"),
    ("serve", {"document_title": ""}, "document_title"),
    ("serve", {"place": " "}, "place"),
    ("witness", {"scheduled_at": None}, "scheduled_at"),
    ("witness", {"scheduled_at": "2026-01-01T10:00:00+08:00"}, "scheduled_at"),
    ("witness", {"scheduled_at": "不是时间"}, "scheduled_at"),
    ("witness", {"place": "", "scheduled_at": timezone.now() + datetime.timedelta(days=2)}, "place"),
    ("witness", {"scheduled_at": timezone.now() + datetime.timedelta(days=200)}, "scheduled_at"),
    ("locate", {"instructions": "要" * (REASON_MAX + 1)}, "instructions"),
    ("locate", {"place": "地" * 201}, "place"),
    ("nonsense", {}, "kind"),
    ("locate", {"party": "abc"}, "party"),
    ("locate", {"community": "abc"}, "community"),
])
def test_each_kind_needs_its_fields(send, kind, fields, field):
    with pytest.raises(ApplicationError) as error:
        send(kind, **fields)
    assert error.value.field == field
    assert not GridTask.objects.exists()


def test_a_witness_task_needs_a_future_visit_and_a_place(send):
    task = send("witness", scheduled_at=timezone.now() + datetime.timedelta(days=2), place="荔湾区某商铺")
    assert task.scheduled_at is not None and task.place == "荔湾区某商铺"


def test_the_debtor_must_be_a_debtor_of_the_case(send, case):
    applicant = case.parties.applicants().get()
    with pytest.raises(ApplicationError, match="不是本案的被执行人"):
        send("locate", party=applicant)


def test_only_the_case_courts_staff_may_send(send, liaison, grid_liaison):
    other_clerk = factories.ClerkFactory()
    for actor in (other_clerk, liaison, grid_liaison):
        with pytest.raises(PermissionDenied, match="只有本院工作人员"):
            send("locate", actor=actor)


def test_a_concluded_case_sends_nothing(send, case):
    Case.objects.filter(pk=case.pk).update(status="concluded")
    with pytest.raises(TransitionNotAllowed, match="不能再发出"):
        send("locate")


def test_the_community_must_be_active_and_of_the_courts_jurisdiction(send, community):
    elsewhere = CommunityFactory(subdistrict=SubdistrictFactory(jurisdiction=factories.JurisdictionFactory(code="far")))
    GridLiaisonFactory(community=elsewhere)
    with pytest.raises(ApplicationError, match="本院辖区内在册") as error:
        send("locate", community=elsewhere)
    assert error.value.field == "community"
    community.active = False
    community.save()
    with pytest.raises(ApplicationError, match="本院辖区内在册"):
        send("locate", community=community)


def test_a_community_without_a_grid_liaison_is_refused(send, subdistrict):
    bare = CommunityFactory(subdistrict=subdistrict)
    with pytest.raises(ApplicationError, match="尚未登记网格员"):
        send("locate", community=bare)


def test_the_same_open_task_is_not_sent_twice(send):
    first = send("locate")
    with pytest.raises(TransitionNotAllowed, match=f"第{first.pk}号"):
        send("locate")
    send("serve")  # another kind is another task


def test_the_first_opening_by_the_grid_liaison_is_recorded_once(send, grid_liaison, clerk):
    task = send("locate")
    services.mark_viewed(actor=clerk, task=task)
    task.refresh_from_db()
    assert task.viewed_at is None
    with time_machine.travel(local(2026, 12, 1, 9, 0), tick=False):
        services.mark_viewed(actor=grid_liaison, task=task)
    services.mark_viewed(actor=grid_liaison, task=task)
    task.refresh_from_db()
    assert task.viewed_at == local(2026, 12, 1, 9, 0)
    assert task.events.filter(action="view").count() == 1
    other = GridLiaisonFactory(community=CommunityFactory(subdistrict=task.subdistrict))
    services.mark_viewed(actor=other, task=GridTask.objects.get(pk=task.pk))
    assert task.events.filter(action="view").count() == 1


def test_the_court_cancels_with_a_reason_and_the_grid_liaison_is_told(send, leader, grid_liaison):
    task = send("locate")
    with pytest.raises(ApplicationError, match="请填写撤回理由"):
        services.cancel_task(actor=leader, task=task, reason=" ")
    services.cancel_task(actor=leader, task=task, reason="被执行人已主动履行")
    task.refresh_from_db()
    assert (task.state, task.cancelled_by, task.cancel_reason) == (GridTaskState.CANCELLED, leader, "被执行人已主动履行")
    assert task.events.get(action="cancel").reason == "被执行人已主动履行"
    bell = Notification.objects.get(recipient=grid_liaison, kind="grid_task_cancelled")
    assert "被执行人已主动履行" in bell.body
    with pytest.raises(TransitionNotAllowed, match="不能撤回"):
        services.cancel_task(actor=leader, task=task, reason="再撤一次")


def test_another_courts_clerk_and_the_grid_liaison_cannot_cancel(send, grid_liaison):
    task = send("locate")
    for actor in (factories.ClerkFactory(), grid_liaison):
        with pytest.raises(PermissionDenied, match="只有发出该事项的法院工作人员可以撤回"):
            services.cancel_task(actor=actor, task=task, reason="不需要了")
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT
