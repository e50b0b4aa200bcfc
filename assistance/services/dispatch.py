"""Urgent dispatch (立即出警), one service per move: the clerk's request, the police's acknowledgement and arrival,
the clerk's close, and the beat task's escalation of a request nobody acknowledged in time. Each locks the row and
moves through `DISPATCH_MACHINE` (assistance/dispatch.py), which checks the state and the actor and writes the event."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import require_clerk_of
from linkage import audit, parsing
from linkage.errors import ApplicationError, TransitionNotAllowed
from members.models import Organisation, OrganisationKind

from .. import dispatch_notifications as notifications
from ..dispatch import DISPATCH_MACHINE
from ..dispatch_models import PLACE_MAX, SITUATION_MAX, DispatchRequest, DispatchState


def police_unit_for(case):
    """The police unit (公安机关) of the case's jurisdiction: the active member unit of kind police, the first in the
    roster's order when a jurisdiction lists more than one. None when there is none."""
    return (Organisation.objects.filter(jurisdiction_id=case.court.jurisdiction_id, kind=OrganisationKind.POLICE,
                                        active=True).order_by("sort_order", "id").first())


@transaction.atomic
def request_dispatch(*, actor, case, place, situation=""):
    """A clerk of the case's court asks the jurisdiction's police unit to come at once; its A, B and leader hear
    of it on every channel, and it must be acknowledged within `settings.DISPATCH_ACK_MINUTES` minutes."""
    require_clerk_of(actor, case.court_id)
    case = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if case.is_concluded:
        raise TransitionNotAllowed(f"案件已{case.get_status_display()}，不能再请求出警。", state=case.status)
    place = parsing.text(place, "现场地点", "place", limit=PLACE_MAX)
    situation = parsing.text(situation, "现场情况", "situation", limit=SITUATION_MAX, required=False)
    police = police_unit_for(case)
    if police is None:
        raise ApplicationError("本辖区未登记公安机关成员单位，无法在线请求出警，请立即拨打110报警。")
    already = DispatchRequest.objects.open().filter(case=case).first()
    if already is not None:
        raise TransitionNotAllowed(f"本案已有未结束的出警请求（第{already.pk}号，{already.get_state_display()}），"
                                   "请在该请求页面跟进。", state=already.state)
    now = timezone.now()
    dispatch = DispatchRequest.objects.create(
        case=case, court_id=case.court_id, police=police, place=place, situation=situation, requested_by=actor,
        requested_at=now, ack_due_at=now + datetime.timedelta(minutes=settings.DISPATCH_ACK_MINUTES),
    )
    DISPATCH_MACHINE.record(dispatch, "request", actor, to_state=dispatch.state, at=now,
                            data={"ack_due_at": dispatch.ack_due_at.isoformat(), "police": police.code})
    notifications.dispatch_requested(dispatch)
    return dispatch


@transaction.atomic
def acknowledge_dispatch(*, actor, dispatch):
    """A liaison of the police unit acknowledges the request (已接警); the clerk who asked is told."""
    dispatch = DISPATCH_MACHINE.lock(dispatch)
    DISPATCH_MACHINE.move(dispatch, "acknowledge", actor, acknowledged_by=actor, acknowledged_at=timezone.now())
    notifications.dispatch_acknowledged(dispatch)
    return dispatch


@transaction.atomic
def arrive_dispatch(*, actor, dispatch, at=None):
    """A liaison of the police unit records that officers reached the scene (已到场); `at` a moment already past,
    not before the acknowledgement (default: now)."""
    dispatch = DISPATCH_MACHINE.lock(dispatch)
    DISPATCH_MACHINE.check(dispatch, "arrive", actor)
    now = timezone.now()
    arrived_at = at or now
    if arrived_at > now:
        raise ApplicationError("到场时间不能晚于现在。", field="arrived_at")
    if arrived_at < dispatch.acknowledged_at:
        raise ApplicationError("到场时间不能早于接警时间。", field="arrived_at")
    return DISPATCH_MACHINE.move(dispatch, "arrive", actor, role=False, at=arrived_at, arrived_by=actor,
                                 arrived_at=arrived_at)


@transaction.atomic
def close_dispatch(*, actor, dispatch, note):
    """The clerk closes the request when the scene is resolved, saying how (from any open state)."""
    dispatch = DISPATCH_MACHINE.lock(dispatch)
    DISPATCH_MACHINE.check(dispatch, "close", actor)
    note = parsing.text(note, "处置情况", "note", limit=SITUATION_MAX)
    return DISPATCH_MACHINE.move(dispatch, "close", actor, role=False, reason=note, closed_by=actor,
                                 closed_at=timezone.now(), close_note=note)


def escalate_unacknowledged(now=None, limit=200):
    """Escalate every request still unacknowledged at `now` whose time ran out, once each: the committee of the
    jurisdiction and the court's leaders are told. Each row in its own transaction, claimed with SKIP LOCKED and
    checked again under the lock, so a repeated or concurrent run escalates nothing twice. Returns the ids."""
    now = now or timezone.now()
    due = list(DispatchRequest.objects.filter(state=DispatchState.REQUESTED, escalated_at__isnull=True,
                                              ack_due_at__lte=now).order_by("ack_due_at").values_list("pk", flat=True)
               [:limit])
    escalated = []
    for pk in due:
        with transaction.atomic():
            dispatch = (DispatchRequest.objects.select_for_update(of=("self",), skip_locked=True)
                        .select_related(*DISPATCH_MACHINE.related)
                        .filter(pk=pk, state=DispatchState.REQUESTED, escalated_at__isnull=True, ack_due_at__lte=now)
                        .first())
            if dispatch is None:
                continue
            audit.remember_loaded(dispatch)
            DISPATCH_MACHINE.move(dispatch, "escalate", None, at=now, escalated_at=now,
                                  data={"ack_due_at": dispatch.ack_due_at.isoformat()})
            notifications.dispatch_unacknowledged(dispatch)
            escalated.append(pk)
    return escalated
