"""A grid liaison's finding and the police's 24-hour locate rule (issue 25 item 3): the police unit's liaisons and
the clerk hear of a finding at once when the police are searching for the debtor; the clerk forwards it, and the
police's tracking records it as found at the time the debtor was seen, so their 24 hours run from then."""

import datetime

import pytest
import time_machine

from assistance.models import NoticeState
from assistance.services import tracking as tracking_services
from assistance.tracking_models import LocateReason, Tracking, TrackingState
from grid import services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from tests import factories
from tests.assistance.helpers import advance, draft_notice

from .conftest import local

pytestmark = pytest.mark.django_db

SERVED = local(2026, 11, 2, 9, 0)
SENT = local(2026, 11, 2, 10, 0)
SEEN = local(2026, 11, 3, 7, 40)
ANSWERED = local(2026, 11, 3, 8, 0)
FOUND = {"found": True, "seen_at": SEEN.isoformat(), "place": "多宝路菜市场东门"}


@pytest.fixture
def police(court):
    return factories.OrganisationFactory(measures=["locate_person"], jurisdiction=court.jurisdiction,
                                         name="广州市公安局荔湾区分局", short_name="荔湾公安")


@pytest.fixture
def police_liaison(police):
    return factories.LiaisonFactory(organisation=police, liaison_role="A")


@pytest.fixture
def locate_notice(clerk, leader, case, police, police_liaison):
    """The court's locate request to the police about the debtor, served and searching."""
    notice = draft_notice(clerk, case, police, measure="locate_person",
                          items=[{"property_kind": "person", "description": "查找被执行人下落", "identifier": "荔湾区"}],
                          tracking={"reason": LocateReason.ABSCONDED, "contact_person": "林佩文",
                                    "contact_phone": "13912345678"})
    with time_machine.travel(SERVED, tick=False):
        return advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)


@pytest.fixture
def found(send, grid_liaison):
    with time_machine.travel(SENT, tick=False):
        task = send("locate")
    with time_machine.travel(ANSWERED, tick=False):
        return services.answer_task(actor=grid_liaison, task=task, answer=FOUND)


def test_a_finding_goes_at_once_to_the_police_searching_and_to_the_clerk(locate_notice, found, police_liaison, clerk):
    to_police = Notification.objects.get(recipient=police_liaison, kind="grid_debtor_found")
    assert "多宝路菜市场东门" in to_police.body and "11月03日 07:40" in to_police.body
    assert to_police.link == f"/notices/{locate_notice.pk}/"
    to_clerk = Notification.objects.get(recipient=clerk, kind="grid_debtor_found")
    assert to_clerk.link == f"/grid/tasks/{found.pk}/" and "24小时" in to_clerk.body


def test_no_police_message_without_a_searching_request(found, clerk):
    assert not Notification.objects.filter(kind="grid_debtor_found").exists()
    assert Notification.objects.filter(recipient=clerk, kind="grid_task_answered").count() == 1


def test_forwarding_starts_the_police_rule_from_the_time_seen(locate_notice, found, clerk, police_liaison):
    with time_machine.travel(local(2026, 11, 3, 8, 30), tick=False):
        tracking = services.forward_finding(actor=clerk, task=found)
    tracking = Tracking.objects.get(pk=tracking.pk)
    assert tracking.state == TrackingState.FOUND
    assert (tracking.found_at, tracking.found_place, tracking.found_by) == (SEEN, "多宝路菜市场东门", clerk)
    relay = tracking.events.get(action="relay_finding")
    assert relay.actor == clerk and "网格员陈网格" in relay.data["source"]
    locate_notice.refresh_from_db()
    assert locate_notice.due_at == SEEN + datetime.timedelta(hours=24)
    assert locate_notice.events.filter(action="deadline_moved").exists()
    note = found.events.get(action="forward")
    assert note.actor == clerk and note.data["tracking"] == tracking.pk
    relayed = Notification.objects.get(recipient=police_liaison, kind="tracking_relayed")
    assert "2026年11月04日 07:40" in relayed.body and "多宝路菜市场东门" in relayed.body
    assert not services.may_forward(clerk, found)
    with pytest.raises(TransitionNotAllowed, match="已转公安机关"):
        services.forward_finding(actor=clerk, task=found)
    assert Notification.objects.filter(kind="tracking_relayed").count() == 1


def test_forwarding_without_a_searching_request_is_refused(found, clerk):
    assert not services.may_forward(clerk, found)
    with pytest.raises(TransitionNotAllowed, match="请起草查找被执行人下落的协助执行通知书"):
        services.forward_finding(actor=clerk, task=found)
    assert not found.events.filter(action="forward").exists()


def test_forwarding_a_request_no_longer_searching_is_refused(locate_notice, found, clerk, police_liaison):
    tracking_services.record_finding(actor=police_liaison, notice=locate_notice, found_at=None, place="荔湾区某宾馆")
    with pytest.raises(TransitionNotAllowed, match="没有正在查找"):
        services.forward_finding(actor=clerk, task=found)


def test_only_a_finding_is_forwarded_by_the_sending_court(locate_notice, send, found, clerk, leader,
                                                           grid_liaison):
    for actor in (factories.ClerkFactory(), grid_liaison, leader):
        assert not services.may_forward(actor, found)
        with pytest.raises(PermissionDenied, match="只有发出该事项的法院的执行员"):
            services.forward_finding(actor=actor, task=found)
    assert services.may_forward(clerk, found)
    with time_machine.travel(SENT, tick=False):
        serve = send("serve")
    with pytest.raises(TransitionNotAllowed, match="只有网格员回复“已发现”"):
        services.forward_finding(actor=clerk, task=serve)
    assert Tracking.objects.get(notice=locate_notice).state == TrackingState.SEARCHING


def test_a_sighting_before_the_police_were_served_cannot_start_their_rule(clerk, leader, case, police, send,
                                                                         grid_liaison, police_liaison):
    with time_machine.travel(SENT, tick=False):
        task = send("locate")
    with time_machine.travel(ANSWERED, tick=False):
        task = services.answer_task(actor=grid_liaison, task=task, answer=FOUND)
        notice = draft_notice(clerk, case, police, measure="locate_person",
                              items=[{"property_kind": "person", "description": "查找下落", "identifier": "荔湾区"}],
                              tracking={"reason": LocateReason.ABSCONDED, "contact_person": "林佩文",
                                        "contact_phone": "13912345678"})
        advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    with time_machine.travel(local(2026, 11, 3, 9, 0), tick=False):
        with pytest.raises(ApplicationError, match="发现时间不能早于送达时间"):
            services.forward_finding(actor=clerk, task=task)
    assert Tracking.objects.get(notice=notice).state == TrackingState.SEARCHING
