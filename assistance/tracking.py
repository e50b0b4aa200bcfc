"""The rules of finding a debtor or a vehicle with the police (the models: assistance/tracking_models.py; the
services: assistance/services/tracking.py).

The clock (Liwan 四(七)2-3, Yunfu item 2). A locate or vehicle request is not answered "24 hours from service": it
stays in force until the person or vehicle is found or the court cancels it. While it is in force the unit owes a
status reply every `Tracking.status_every_days` days (default `settings.TRACKING_STATUS_DAYS`, 30; stored on each
request when drafted, so a changed setting never moves a running clock). Once the police record the finding, the
measure's deadline rule (`DeadlineRule`, 24 hours by default, a unit may have its own) runs from the moment of the
finding, and the unit's report (its reply to the notice) closes that clock. `Notice.due_at` always holds the next
thing owed, so the one overdue rule (assistance/querysets.py) and the scoreboard's on-time rule (`replied_at <=
due_at`) judge these notices like any other: a report after found_at + 24 h is late and counted.
"""

from django.conf import settings

from linkage.errors import TransitionNotAllowed
from linkage.statemachine import Machine, Move, Role
from linkage.workdays import add_hours

from .deadlines import COMPUTE, rule_for
from .querysets import OPEN_STATES
from .tracking_models import (
    DetentionState,
    LocateReason,
    Tracking,
    TrackingEvent,
    TrackingState,
)

LOCATE, VEHICLE = "locate_person", "seize_vehicle"
TRACKED_MEASURES = frozenset({LOCATE, VEHICLE})


def status_every_days():
    return int(getattr(settings, "TRACKING_STATUS_DAYS", 30))


# ------------------------------------------------------------------------------------------------ machines

_POLICE = Role(lambda actor, tracking: actor.is_liaison and actor.organisation_id == tracking.notice.unit_id,
               "只有该协助执行单位的联络员可以办理。")
_CLERK = Role(lambda actor, tracking: actor.is_clerk and actor.organisation_id == tracking.notice.court_id,
              "只有本院执行员可以办理此事项。")
# Moves the police make while the request is in force: the notice must be served and still open.
_WHILE_OPEN = frozenset({"register_control", "status_report", "record_finding", "relay_finding", "cancel"})
_VEHICLE_ONLY = frozenset({"register_control", "hand_over"})


class TrackingMachine(Machine):
    """The tracking's table, and the rules the state alone cannot say: the notice's own state, and the moves that
    only a vehicle request has (布控录入, 移交) or that a vehicle needs first (the court receives a handed-over one)."""

    def refusal(self, tracking, action):
        notice = tracking.notice
        vehicle = notice.measure.code == VEHICLE
        if action in _VEHICLE_ONLY and not vehicle:
            return f"查找被执行人下落不能{self.label(action)}。"
        if action in _WHILE_OPEN and notice.state not in OPEN_STATES:
            return f"通知书当前状态为“{notice.get_state_display()}”，不能{self.label(action)}。"
        if action == "register_control" and tracking.control_registered_on:
            return "该车辆已录入布控，不能重复录入。"
        if action == "take_over" and vehicle and tracking.state != TrackingState.HANDED_OVER:
            return "车辆尚未移交，不能确认接收。"
        return ""

    def check(self, obj, action, actor=None, *, role=True):
        move = super().check(obj, action, actor, role=role)
        if message := self.refusal(obj, action):
            raise TransitionNotAllowed(message, state=obj.state)
        return move

    def may(self, user, obj, action):
        return super().may(user, obj, action) and not self.refusal(obj, action)


TRACKING_MACHINE = TrackingMachine(
    noun="查人扣车",
    moves={
        "register_control": Move({TrackingState.SEARCHING}, None, "布控录入", _POLICE),
        "status_report": Move({TrackingState.SEARCHING}, None, "情况反馈", _POLICE),
        "record_finding": Move({TrackingState.SEARCHING}, TrackingState.FOUND, "记录发现（查扣）", _POLICE),
        # A finding the court learnt of from somebody else (a grid liaison's report, grid/finding.py), which the
        # clerk passes on: the police's 24-hour rule runs from it all the same.
        "relay_finding": Move({TrackingState.SEARCHING}, TrackingState.FOUND, "转来发现线索", _CLERK),
        # Made by the unit's reply to the notice (services.reply_to_notice), which carries the details.
        "report": Move({TrackingState.SEARCHING, TrackingState.FOUND}, TrackingState.REPORTED, "通知法院", _POLICE),
        "hand_over": Move({TrackingState.REPORTED}, TrackingState.HANDED_OVER, "移交车辆", _POLICE),
        "take_over": Move({TrackingState.FOUND, TrackingState.REPORTED, TrackingState.HANDED_OVER},
                          TrackingState.TAKEN_OVER, "接收", _CLERK),
        "cancel": Move({TrackingState.SEARCHING, TrackingState.FOUND}, TrackingState.CANCELLED, "撤销协查", _CLERK),
    },
    event_model=TrackingEvent,
    event_field="tracking",
    related=("notice", "notice__unit", "notice__measure", "notice__court", "notice__case"),
    names={"create": "提出协查", "detention_suggested": "建议停止执行拘留", "detention_stopped": "决定停止执行拘留",
           "detention_continued": "决定继续执行拘留"},
)

_CLERK_OF_NOTICE = Role(lambda actor, suggestion: actor.is_clerk and actor.organisation_id == suggestion.notice.court_id,
                        "只有本院执行员可以决定。")

DETENTION_MACHINE = Machine(
    noun="建议停止执行拘留",
    moves={
        "stop": Move({DetentionState.PENDING}, DetentionState.STOPPED, "决定停止执行拘留", _CLERK_OF_NOTICE),
        "continue": Move({DetentionState.PENDING}, DetentionState.CONTINUED, "决定继续执行拘留", _CLERK_OF_NOTICE),
    },
    related=("notice", "notice__unit", "notice__court", "notice__case", "notice__measure"),
)

# The tracking states in which the police may suggest stopping a detention: the person is in hand.
DETENTION_STATES = (TrackingState.FOUND, TrackingState.REPORTED, TrackingState.TAKEN_OVER)


# ------------------------------------------------------------------------------------------------ the clock


def finding_deadline(notice, found_at):
    """(rule text, Deadline) of the report owed after a finding: the measure's rule for the unit from found_at."""
    rule = rule_for(notice.unit, notice.measure)
    return f"发现后{rule.text}内通知法院", COMPUTE[rule.count_unit](found_at, rule.count)


def status_deadline(tracking, start):
    """(rule text, Deadline) of the next status reply: `status_every_days` days from `start`."""
    days = tracking.status_every_days
    return f"查找期间每{days}日反馈一次情况", add_hours(start, 24 * days)


def tracked_deadline(notice, served_at):
    """The deadline of a tracked notice as things stand — from the finding once recorded, else the next status reply
    after the last one (or after service) — or None for a notice that is not tracked."""
    tracking = Tracking.objects.filter(notice_id=notice.pk).first()
    if tracking is None:
        return None
    if tracking.found_at:
        return finding_deadline(notice, tracking.found_at)
    return status_deadline(tracking, tracking.last_status_at or served_at)


# ------------------------------------------------------------------------------------------------ documents


def document_context(notice):
    """What the notice's PDF says about a tracked request (the ground and the 24-hour contact), or None. Reads the
    tracking the notice was loaded with (`select_related("tracking")`), so the document costs no further query."""
    try:
        tracking = notice.tracking
    except Tracking.DoesNotExist:
        return None
    vehicle = notice.measure.code == VEHICLE
    reasons = list(LocateReason)
    ground = ""
    if tracking.reason:
        number = reasons.index(LocateReason(tracking.reason)) + 1
        ground = f"被执行人符合请求公安机关配合查找下落的第（{number}）项情形：{tracking.get_reason_display()}"
        if tracking.reason_detail.strip():
            ground += f"（{tracking.reason_detail.strip().rstrip('。')}）"
        ground += "。"
    if vehicle:
        duty = ("请将被查封车辆信息录入稽查布控系统，在办理机动车登记业务或路面执法中发现该车辆时先行查扣，"
                "并于查扣后24小时内通知本院，与本院办理交接手续。")
    else:
        duty = "请协助查找被执行人下落；发现被执行人下落后，请先行查控，并于24小时内通知本院接收。"
    return {
        "ground": ground,
        "duty": duty,
        "contact_person": tracking.contact_person,
        "contact_phone": tracking.contact_phone,
        "contact": f"本院24小时联系人：{tracking.contact_person}，联系电话：{tracking.contact_phone}（24小时畅通）。",
        "status": f"查找期间，请每{tracking.status_every_days}日在线反馈一次查找情况。",
        "plate": tracking.plate,
    }
