"""Finding a debtor or a vehicle with the police: the request's own facts at drafting, the police's control entry,
status replies, finding and hand-over, the court's taking over and cancellation, and the detention suggestion.
Each move locks its row, checks it on `TRACKING_MACHINE` / `DETENTION_MACHINE` (assistance/tracking.py) and writes
an event; a move that changes the unit's clock writes the notice's `deadline_moved` event too."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.notify import Message, notify
from linkage.text import REASON_MAX
from linkage.workdays import TIMEZONE, add_hours
from members.recipients import court_leaders, unit_recipients, user_recipients

from ..deadlines import deadline_fields, move_deadline
from ..machines import NOTICE_MACHINE
from ..models import ReplyOutcome
from ..tracking import (
    DETENTION_MACHINE,
    DETENTION_STATES,
    LOCATE,
    TRACKED_MEASURES,
    TRACKING_MACHINE,
    VEHICLE,
    finding_deadline,
    status_deadline,
    status_every_days,
)
from ..tracking_models import (
    DetentionState,
    DetentionSuggestion,
    LocateReason,
    Tracking,
    TrackingState,
    phone_validator,
)

DETENTION_HOURS = 24


def _text(value, label, field, *, required=True, limit=REASON_MAX):
    return parsing.text(value, label, field, limit=limit, required=required)


def clean_request(measure_code, tracking):
    """The tracking facts of a draft, checked; None for a measure that is not tracked. A locate request names one of
    the five reasons (Liwan 四(七)2); both name the court's 24-hour contact and a valid telephone."""
    if measure_code not in TRACKED_MEASURES:
        return None
    tracking = dict(tracking or {})
    reason = (tracking.get("reason") or "").strip()
    if measure_code == LOCATE and not reason:
        raise ApplicationError("查找被执行人下落须写明查找事由（五种情形之一）。", field="locate_reason")
    if reason and reason not in LocateReason.values:
        raise ApplicationError("查找事由无法识别，应为五种情形之一。", field="locate_reason")
    detail = _text(tracking.get("reason_detail"), "事由说明", "reason_detail", required=reason == LocateReason.OTHER)
    person = _text(tracking.get("contact_person"), "法院24小时联系人", "contact_person", limit=50)
    phone = (tracking.get("contact_phone") or "").strip()
    if not phone:
        raise ApplicationError("请填写24小时联系电话。", field="contact_phone")
    try:
        phone_validator(phone)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="contact_phone")
    plate = _text(tracking.get("plate"), "号牌号码", "plate", required=False, limit=20)
    return {"reason": reason, "reason_detail": detail, "contact_person": person, "contact_phone": phone,
            "plate": plate if measure_code == VEHICLE else "", "status_every_days": status_every_days()}


def create_tracking(notice, cleaned, actor, *, copy_of=None):
    """The request's tracking row beside a new draft (`cleaned` from `clean_request`, or the facts of `copy_of`)."""
    if copy_of is not None:
        cleaned = {name: getattr(copy_of, name) for name in ("reason", "reason_detail", "contact_person",
                                                            "contact_phone", "plate", "status_every_days")}
    if cleaned is None:
        return None
    tracking = Tracking.objects.create(notice=notice, **cleaned)
    TRACKING_MACHINE.note(tracking, "create", actor, data={"reason": tracking.reason})
    return tracking


def _moment(value, label, field, *, not_before=None, not_before_label=""):
    now = timezone.now()
    value = value or now
    if value > now:
        raise ApplicationError(f"{label}不能晚于现在。", field=field)
    require_past_date(value, label, field)
    if not_before is not None and value < not_before:
        raise ApplicationError(f"{label}不能早于{not_before_label}。", field=field)
    return value


def _lock(notice):
    """The notice's tracking, locked (and the notice, locked first: the clock moves on it)."""
    notice = NOTICE_MACHINE.lock(notice)
    tracking = Tracking.objects.filter(notice_id=notice.pk).first()
    if tracking is None:
        raise TransitionNotAllowed("该通知书不是查人扣车请求。", state=notice.state)
    tracking = TRACKING_MACHINE.lock(tracking)
    tracking.notice = notice
    return notice, tracking


# ------------------------------------------------------------------------------------------------ the police


@transaction.atomic
def register_control(*, actor, notice, registered_on, plate=""):
    """The police enter the vehicle into their control system (布控录入), on a date not in the future and not
    before service."""
    notice, tracking = _lock(notice)
    TRACKING_MACHINE.check(tracking, "register_control", actor)
    if registered_on is None:
        raise ApplicationError("请填写布控录入日期。", field="registered_on")
    require_past_date(registered_on, "布控录入日期", "registered_on")
    if registered_on < timezone.localtime(notice.served_at, TIMEZONE).date():
        raise ApplicationError("布控录入日期不能早于送达日期。", field="registered_on")
    plate = _text(plate, "号牌号码", "plate", required=False, limit=20) or tracking.plate
    return TRACKING_MACHINE.move(tracking, "register_control", actor, role=False, data={"on": registered_on.isoformat()},
                                 control_registered_on=registered_on, control_registered_by=actor, plate=plate)


@transaction.atomic
def report_status(*, actor, notice, text=""):
    """The periodic status reply while the request is in force (尚未发现): the next one is due `status_every_days`
    after this one."""
    notice, tracking = _lock(notice)
    TRACKING_MACHINE.check(tracking, "status_report", actor)
    text = _text(text, "查找情况", "text")
    now = timezone.now()
    TRACKING_MACHINE.move(tracking, "status_report", actor, role=False, reason=text, at=now, last_status_at=now,
                          status_reports=tracking.status_reports + 1)
    rule_text, deadline = status_deadline(tracking, now)
    move_deadline(notice, actor=actor, rule_text=rule_text, deadline=deadline, reason="查找情况反馈")
    return tracking


def _finding(notice, tracking, actor, found_at, place, *, recorded_at, action="record_finding", data=None):
    found_at = _moment(found_at, "发现时间", "found_at", not_before=notice.served_at, not_before_label="送达时间")
    place = _text(place, "发现（查扣）地点", "found_place", limit=200)
    TRACKING_MACHINE.move(tracking, action, actor, role=False, at=recorded_at,
                          data={"found_at": found_at.isoformat(), "place": place, **(data or {})}, found_at=found_at,
                          found_place=place, found_by=actor, found_recorded_at=recorded_at)
    return finding_deadline(notice, found_at)


@transaction.atomic
def record_finding(*, actor, notice, found_at=None, place="", relayed_from=""):
    """The police record where and when they found the person or seized the vehicle; the report is due within the
    measure's rule (24 hours) of `found_at`, and the clerk is told at once.

    `relayed_from` (who reported it, e.g. a community's grid liaison): a finding the court learnt of from somebody
    else, recorded by a clerk of the court (the `relay_finding` move) — the police's rule runs from `found_at` all
    the same, and the police unit's liaisons are told at once instead of the clerk."""
    notice, tracking = _lock(notice)
    source = _text(relayed_from, "线索来源", "relayed_from", required=False, limit=200)
    action = "relay_finding" if source else "record_finding"
    TRACKING_MACHINE.check(tracking, action, actor)
    rule_text, deadline = _finding(notice, tracking, actor, found_at, place, recorded_at=timezone.now(),
                                   action=action, data={"source": source} if source else None)
    if source:
        move_deadline(notice, actor=actor, rule_text=rule_text, deadline=deadline,
                      reason=f"法院转来发现线索（{source}）")
        notify(unit_recipients([notice.unit_id]), Message(
            kind="tracking_relayed", urgent=True,
            title=f"【发现被执行人线索】{notice.case.number} {notice.debtor.name}"[:120],
            body=(f"{notice.court.name}转来{source}的报告：被执行人{notice.debtor.name}于{_when(tracking.found_at)}"
                  f"出现在{tracking.found_place}。请立即核实查控，并于{_when(deadline.due_at)}前通知本院。"
                  f"联系人：{tracking.contact_person}，电话：{tracking.contact_phone}。"),
            link=_link(notice),
        ))
        return tracking
    move_deadline(notice, actor=actor, rule_text=rule_text, deadline=deadline, reason="公安机关记录发现")
    _tell_court(notice, "tracking_found", "【已发现】" if notice.measure.code == LOCATE else "【已查扣】",
                f"公安机关于{_when(tracking.found_at)}在{tracking.found_place}"
                f"{'发现被执行人' if notice.measure.code == LOCATE else '查扣车辆'}，"
                f"应于{_when(deadline.due_at)}前通知本院。请及时联系办理接收。")
    return tracking


def on_reply(notice, actor, outcome, results, now):
    """Called by `reply_to_notice` before the notice moves: a tracked notice's reply is the police's report. While
    searching it must report a finding (a status reply is `report_status`); a finding not yet recorded is recorded
    from the reply's result, so the report is judged against found_at + 24 h. Returns the notice's clock fields to
    save with the reply ({} when nothing changes)."""
    tracking = Tracking.objects.select_for_update().filter(notice_id=notice.pk).first()
    if tracking is None:
        return {}
    tracking.notice = notice
    found = next((row for row in results if row.get("found_at")), None)
    if tracking.state == TrackingState.SEARCHING:
        if outcome not in (ReplyOutcome.DONE, ReplyOutcome.PARTLY_DONE) or found is None:
            raise ApplicationError("查找（布控）期间请通过“情况反馈”报告进展；发现被执行人或查扣车辆后，"
                                   "回复时须写明发现（查扣）的时间和地点。", field="results")
        rule_text, deadline = _finding(notice, tracking, actor, found["found_at"], found.get("location"),
                                       recorded_at=now)
        fields = deadline_fields(rule_text, deadline)
    elif tracking.state == TrackingState.FOUND:
        fields = {}
    elif tracking.state == TrackingState.TAKEN_OVER:  # the court took the person over before the report came
        tracking.reported_at = now
        tracking.save(update_fields=["reported_at", "updated_at"])
        TRACKING_MACHINE.note(tracking, "report", actor, at=now)
        return {}
    else:
        raise TransitionNotAllowed(f"查控状态为“{tracking.get_state_display()}”，不能再回复。", state=tracking.state)
    TRACKING_MACHINE.move(tracking, "report", actor, role=False, at=now, reported_at=now)
    return fields


@transaction.atomic
def hand_over_vehicle(*, actor, notice, place="", at=None):
    """The police hand the seized vehicle over to the court (交接), at a place and a time."""
    notice, tracking = _lock(notice)
    TRACKING_MACHINE.check(tracking, "hand_over", actor)
    place = _text(place, "交接地点", "place", limit=200)
    at = _moment(at, "交接时间", "at", not_before=tracking.found_at, not_before_label="查扣时间")
    TRACKING_MACHINE.move(tracking, "hand_over", actor, role=False, data={"place": place, "at": at.isoformat()},
                          handover_place=place, handover_at=at, handed_over_by=actor)
    _tell_court(notice, "tracking_handed_over", "【车辆移交】",
                f"公安机关已于{_when(at)}在{place}移交被查扣车辆，请确认接收。")
    return tracking


# ------------------------------------------------------------------------------------------------ the court


@transaction.atomic
def take_over(*, actor, notice, at=None, note=""):
    """The court records taking the person over (接收), or acknowledges receipt of the handed-over vehicle."""
    notice, tracking = _lock(notice)
    TRACKING_MACHINE.check(tracking, "take_over", actor)
    at = _moment(at, "接收时间", "at", not_before=tracking.found_at, not_before_label="发现时间")
    note = _text(note, "说明", "note", required=False)
    return TRACKING_MACHINE.move(tracking, "take_over", actor, role=False, reason=note, data={"at": at.isoformat()},
                                 taken_over_at=at, taken_over_by=actor)


@transaction.atomic
def cancel_tracking(*, actor, notice, reason=""):
    """The court found the person (or no longer needs the search) and cancels the request (撤销协查): the notice
    is withdrawn — the unit's clock stops — and the unit's liaisons are told at once."""
    notice, tracking = _lock(notice)
    TRACKING_MACHINE.check(tracking, "cancel", actor)
    reason = _text(reason, "撤销理由", "reason")
    now = timezone.now()
    TRACKING_MACHINE.move(tracking, "cancel", actor, role=False, reason=reason, at=now, cancelled_at=now,
                          cancelled_by=actor, cancel_reason=reason)
    NOTICE_MACHINE.move(notice, "withdraw", actor, role=False, reason=f"撤销协查：{reason}", at=now, withdrawn_at=now)
    what = "查找被执行人下落" if notice.measure.code == LOCATE else "查扣车辆"
    notify(unit_recipients([notice.unit_id]), Message(
        kind="tracking_cancelled", title=f"【撤销协查】{notice.case.number} {notice.measure.name}",
        body=(f"{notice.court.name}{notice.case.number}（被执行人：{notice.debtor.name}）已撤销{what}协查请求，"
              f"理由：{reason}。请立即停止查找、撤销布控。联系人：{tracking.contact_person}，"
              f"电话：{tracking.contact_phone}。"),
        link=_link(notice),
    ))
    return tracking


# ------------------------------------------------------------------------------------------------ detention


@transaction.atomic
def suggest_stop_detention(*, actor, notice, reason=""):
    """The police suggest stopping a detention (建议停止执行拘留, e.g. on health grounds); the court must decide
    within 24 hours."""
    notice, tracking = _lock(notice)
    if not (actor.is_liaison and actor.organisation_id == notice.unit_id):
        raise PermissionDenied("只有该协助执行单位的联络员可以办理。")
    if notice.measure.code != LOCATE or tracking.state not in DETENTION_STATES:
        raise TransitionNotAllowed("只有已发现或已接收的被执行人，才能建议停止执行拘留。", state=tracking.state)
    if DetentionSuggestion.objects.filter(notice=notice, state=DetentionState.PENDING).exists():
        raise TransitionNotAllowed("已有待法院决定的停止执行拘留建议。", state=tracking.state)
    reason = _text(reason, "建议理由", "reason")
    now = timezone.now()
    suggestion = DetentionSuggestion.objects.create(
        notice=notice, reason=reason, raised_by=actor, raised_at=now, due_at=add_hours(now, DETENTION_HOURS).due_at,
    )
    TRACKING_MACHINE.note(tracking, "detention_suggested", actor, reason=reason, at=now,
                          data={"suggestion": suggestion.pk})
    recipients = user_recipients([notice.created_by, *court_leaders(notice.court_id)])
    if recipients:
        notify(recipients, Message(
            kind="detention_suggested", title=f"【建议停止执行拘留】{notice.case.number} {notice.debtor.name}",
            body=(f"{notice.unit.name}建议对被执行人{notice.debtor.name}停止执行拘留，理由：{reason}。"
                  f"请于{_when(suggestion.due_at)}前作出是否停止执行司法拘留的决定。"),
            link=_link(notice),
        ))
    return suggestion


@transaction.atomic
def decide_detention(*, actor, notice, stop, reason=""):
    """The court decides the pending suggestion: stop the detention or continue it (with reasons); the decision is
    recorded and sent back to the unit."""
    notice, tracking = _lock(notice)
    suggestion = DetentionSuggestion.objects.select_for_update().filter(
        notice=notice, state=DetentionState.PENDING).first()
    if suggestion is None:
        raise TransitionNotAllowed("没有待决定的停止执行拘留建议。", state=tracking.state)
    suggestion.notice = notice
    action = "stop" if stop else "continue"
    DETENTION_MACHINE.check(suggestion, action, actor)
    reason = _text(reason, "决定理由", "reason", required=not stop)
    now = timezone.now()
    DETENTION_MACHINE.move(suggestion, action, actor, role=False, decided_by=actor, decided_at=now,
                           decision_reason=reason)
    TRACKING_MACHINE.note(tracking, f"detention_{suggestion.state}", actor, reason=reason, at=now,
                          data={"suggestion": suggestion.pk, "late": now > suggestion.due_at})
    label = suggestion.get_state_display()
    notify(unit_recipients([notice.unit_id]), Message(
        kind="detention_decided", title=f"【{label}】{notice.case.number} {notice.debtor.name}",
        body=(f"{notice.court.name}对贵单位{_when(suggestion.raised_at)}提出的停止执行拘留建议，{label}"
              f"{'，理由：' + reason if reason else ''}。请通知拘留所。"),
        link=_link(notice),
    ))
    return suggestion


# ------------------------------------------------------------------------------------------------ messages


def _link(notice):
    return reverse("assistance:detail", args=[notice.pk])


def _when(moment):
    return f"{timezone.localtime(moment, TIMEZONE):%Y年%m月%d日 %H:%M}" if moment else ""


def _tell_court(notice, kind, prefix, text):
    recipients = user_recipients([notice.created_by])
    if recipients:
        notify(recipients, Message(kind=kind, title=f"{prefix}{notice.case.number} {notice.measure.name}",
                                   body=f"{notice.court.name}{notice.case.number}（{notice.unit.name}）：{text}",
                                   link=_link(notice)))

