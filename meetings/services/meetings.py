"""The meeting itself: preparing it, inviting the units and recording who came, the notice, holding it, the
minutes' text and their publication, calling it off. Only the committee of the meeting's jurisdiction acts here;
`machines.MEETING` says in which states."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from linkage import parsing
from linkage.dates import earliest_fact_date, local_date
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.identifiers import normalize_document_number
from linkage.notify import Message, notify_many
from linkage.text import REASON_MAX
from linkage.workdays import TIMEZONE
from members.models import Organisation
from members.recipients import recipients_by_unit
from members.selectors import jurisdiction_id_of

from .. import issuing, numbering, webhooks
from ..machines import ITEM, MEETING, committee
from ..models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    DecisionState,
    ItemState,
    Meeting,
    MeetingKind,
    MeetingState,
)
from .common import active_attendances, invited_attendances, name, text, unit_recipients

MEETING_FIELDS = ("kind", "title", "starts_at", "place", "convenor", "chair")


def _clean_meeting_fields(data):
    cleaned = {}
    if "kind" in data:
        if data["kind"] not in MeetingKind.values:
            raise ApplicationError("请选择会议类型：年度总结会议、案件协调会议、争议协调会议或临时会议。", field="kind")
        cleaned["kind"] = data["kind"]
    if "title" in data:
        cleaned["title"] = text(data["title"], "会议名称", "title", max_length=200)
    if "starts_at" in data:
        starts_at = parsing.moment(data["starts_at"], "召开时间", "starts_at", required=True)
        if local_date(starts_at) < earliest_fact_date():
            raise ApplicationError(f"召开时间不能早于{earliest_fact_date():%Y年%m月%d日}。", field="starts_at")
        cleaned["starts_at"] = starts_at
    if "place" in data:
        cleaned["place"] = text(data["place"], "会议地点", "place", max_length=200)
    if "convenor" in data:
        cleaned["convenor"] = name(data["convenor"], "召集人", "convenor", max_length=100)
    if "chair" in data:
        cleaned["chair"] = name(data["chair"], "主持人", "chair", max_length=100)
    return cleaned


@transaction.atomic
def create_meeting(*, actor, kind, title, starts_at, place, convenor, chair):
    """The committee prepares a meeting of its jurisdiction (state 筹备中): nobody else sees it until its notice
    goes out."""
    committee.require(actor, Meeting(jurisdiction_id=jurisdiction_id_of(actor)))
    fields = _clean_meeting_fields(
        {"kind": kind, "title": title, "starts_at": starts_at, "place": place, "convenor": convenor, "chair": chair}
    )
    meeting = Meeting.objects.create(jurisdiction_id=jurisdiction_id_of(actor), created_by=actor, **fields)
    MEETING.record(meeting, "create", actor, to_state=MeetingState.DRAFT,
                   data={"kind": meeting.kind, "starts_at": meeting.starts_at.isoformat()})
    return meeting


@transaction.atomic
def update_meeting(*, actor, meeting, **changes):
    """The committee corrects the meeting's particulars before it is held (a changed date or place after the
    notice went out is told to the invited units again)."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "update", actor)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    cleaned = _clean_meeting_fields(changes)
    changed = {key: value for key, value in cleaned.items() if getattr(meeting, key) != value}
    if changed:
        before = {key: getattr(meeting, key) for key in changed}
        MEETING.move(meeting, "update", actor, data={"fields": sorted(changed)}, **changed)
        if meeting.state == MeetingState.SCHEDULED:
            issuing.reissue_meeting_notice(meeting)  # the notice prints every one of these fields
            _announce_change(meeting, before)
    return meeting


def _check_status(status):
    if status not in AttendanceStatus.values:
        raise ApplicationError("出席情况只能是出席、请假或列席。", field="status")


@transaction.atomic
def add_attendance(*, actor, meeting, organisation, person_name="", position="", status=AttendanceStatus.ATTENDING):
    """The committee invites a unit (and names who it sends) to a meeting before its minutes are published.
    A unit is on a meeting once."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "attendance_added", actor)
    if not isinstance(organisation, Organisation) or organisation.jurisdiction_id != meeting.jurisdiction_id \
            or not organisation.active:
        raise ApplicationError("请选择本辖区在册的成员单位。", field="organisation")
    _check_status(status)
    person_name = name(person_name, "参会人员姓名", "person_name", required=False, max_length=30)
    position = text(position, "职务", "position", required=False, max_length=50)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, organisation=organisation, person_name=person_name, position=position, status=status
            )
    except IntegrityError:
        raise ApplicationError(f"“{organisation.name}”已在参会单位中。", field="organisation")
    MEETING.note(meeting, "attendance_added", actor,
                 data={"attendance": attendance.pk, "organisation": organisation.pk, "status": status,
                       "person_name": person_name})
    if meeting.state == MeetingState.SCHEDULED:
        _announce(meeting, only=[organisation.pk])
    return attendance


@transaction.atomic
def record_attendance(*, actor, attendance, status, person_name=None, position=None):
    """The committee records who came: 出席, 请假 or 列席, and the person's name and position."""
    meeting = MEETING.lock(attendance.meeting)
    attendance = Attendance.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=attendance.pk)
    MEETING.check(meeting, "attendance_changed", actor)
    if attendance.withdrawn_at:
        raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，不能再登记出席情况。",
                                   state=meeting.state)
    _check_status(status)
    changes = {"status": status}
    if person_name is not None:
        changes["person_name"] = name(person_name, "参会人员姓名", "person_name", required=False, max_length=30)
    if position is not None:
        changes["position"] = text(position, "职务", "position", required=False, max_length=50)
    before = {key: getattr(attendance, key) for key in changes}
    for key, value in changes.items():
        setattr(attendance, key, value)
    attendance.save(update_fields=list(changes))
    MEETING.note(meeting, "attendance_changed", actor,
                 data={"attendance": attendance.pk, "organisation": attendance.organisation_id, "before": before,
                       "after": changes})
    return attendance


@transaction.atomic
def withdraw_attendance(*, actor, attendance, reason):
    """An invitation sent by mistake is withdrawn before the meeting is held; the row stays, marked."""
    meeting = MEETING.lock(attendance.meeting)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    move = MEETING.check(meeting, "attendance_removed", actor)
    if attendance.withdrawn_at:
        raise TransitionNotAllowed(move.refusal, state=meeting.state)
    reason = text(reason, "取消邀请的理由", "reason", max_length=REASON_MAX)
    attendance.withdrawn_at = timezone.now()
    attendance.save(update_fields=["withdrawn_at"])
    MEETING.note(meeting, "attendance_removed", actor, reason=reason,
                 data={"attendance": attendance.pk, "organisation": attendance.organisation_id})
    return attendance


def _when(moment):
    starts = timezone.localtime(moment, TIMEZONE)
    return f"{starts:%Y年%m月%d日 %H:%M}"


# What each invited unit is asked to do, by its attendance status, when the meeting is announced or moved.
NOTICE_ASKS = {
    AttendanceStatus.ATTENDING: "请贵单位按时参加；不能参加的，请提前向会议召集单位请假。",
    AttendanceStatus.ON_LEAVE: "贵单位已请假，可不参加；会议纪要印发后将送达贵单位。",
    AttendanceStatus.OBSERVING: "请贵单位按时列席。",
}
CHANGE_ASKS = {
    AttendanceStatus.ATTENDING: "请贵单位按变更后的安排参加。",
    AttendanceStatus.ON_LEAVE: "贵单位已请假，可不参加。",
    AttendanceStatus.OBSERVING: "请贵单位按变更后的安排列席。",
}


def _notify_meeting(meeting, *, kind, title, body, only=None):
    """One message per invited unit (`invited_attendances`: never the committee itself), whose body is
    `body(status)`: what happened, and what that unit is asked to do."""
    by_status = defaultdict(list)
    for organisation_id, status in invited_attendances(meeting).values_list("organisation_id", "status"):
        if only is None or organisation_id in only:
            by_status[status].append(organisation_id)
    link = reverse("meetings:detail", args=[meeting.pk])
    batch = [(unit_recipients(units), Message(kind=kind, title=title, body=body(status), link=link))
             for status, units in by_status.items()]
    return notify_many([(recipients, message) for recipients, message in batch if recipients])


def _announce(meeting, only=None):
    """The meeting notice (会议通知) as a message: when, where, who convenes and chairs."""
    facts = (f"定于{_when(meeting.starts_at)}在{meeting.place}召开{meeting.title}（{meeting.get_kind_display()}），"
             f"召集人：{meeting.convenor}，主持人：{meeting.chair}。")
    return _notify_meeting(meeting, kind="meeting_notice", title=f"【会议通知】{meeting.title}",
                           body=lambda status: facts + NOTICE_ASKS.get(status, ""), only=only)


def _announce_change(meeting, before):
    """A postponement (or an earlier time) and/or a change of place, saying what changed from what to what."""
    moved = "starts_at" in before and before["starts_at"] != meeting.starts_at
    relocated = "place" in before and before["place"] != meeting.place
    if not (moved or relocated):
        return {}
    old_time = before.get("starts_at", meeting.starts_at)
    old_place = before.get("place", meeting.place)
    what = []
    if moved:
        later = meeting.starts_at > old_time
        what.append(f"{'延期' if later else '提前'}至{_when(meeting.starts_at)}")
    if relocated:
        what.append(f"地点改为{meeting.place}")
    if moved and relocated:
        label = "会议延期并变更地点" if meeting.starts_at > old_time else "会议时间、地点变更"
    elif moved:
        label = "会议延期" if meeting.starts_at > old_time else "会议时间变更"
    else:
        label = "会议地点变更"
    facts = (f"原定于{_when(old_time)}在{old_place}召开的{meeting.title}（{meeting.get_kind_display()}），"
             f"现{'，'.join(what)}。")
    return _notify_meeting(meeting, kind="meeting_changed", title=f"【{label}】{meeting.title}",
                           body=lambda status: facts + CHANGE_ASKS.get(status, ""))


def _announce_cancellation(meeting, reason):
    facts = (f"原定于{_when(meeting.starts_at)}在{meeting.place}召开的{meeting.title}（{meeting.get_kind_display()}）"
             f"已取消，取消理由：{reason.rstrip('。')}。贵单位无需派员参加；如另行召开，将另行通知。")
    return _notify_meeting(meeting, kind="meeting_cancelled", title=f"【会议取消】{meeting.title}",
                           body=lambda status: facts)


@transaction.atomic
def schedule_meeting(*, actor, meeting):
    """The committee sends the meeting notice (会议通知): the meeting becomes visible to the invited units, whose
    liaisons are told in the app (and by email/SMS where the roster has an address). Needs at least one unit."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "schedule", actor)
    if not invited_attendances(meeting).exists():
        raise ApplicationError("请先确定参会单位（政法委以外的成员单位），再发出会议通知。", field="attendance")
    MEETING.move(meeting, "schedule", actor, scheduled_at=timezone.now())
    numbering.number_notice(meeting)
    issuing.issue_meeting_notice(meeting)
    _announce(meeting)
    return meeting


@transaction.atomic
def hold_meeting(*, actor, meeting):
    """The committee records that the meeting took place (not before its day); attendance and decisions are
    then recorded until the minutes are published."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "hold", actor)
    if timezone.localtime(meeting.starts_at, TIMEZONE).date() > timezone.localdate():
        raise ApplicationError(
            f"会议定于{timezone.localtime(meeting.starts_at, TIMEZONE):%Y年%m月%d日}召开，尚未到会期，不能登记为已召开。",
            field="starts_at",
        )
    return MEETING.move(meeting, "hold", actor, held_at=timezone.now())


@transaction.atomic
def cancel_meeting(*, actor, meeting, reason):
    """The committee calls a meeting off before it is held; its agenda items go back to the pending proposals."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "cancel", actor)
    reason = text(reason, "取消理由", "reason", max_length=REASON_MAX)
    was_scheduled = meeting.state == MeetingState.SCHEDULED
    MEETING.move(meeting, "cancel", actor, reason=reason, cancelled_at=timezone.now())
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, state=ItemState.ACCEPTED):
        ITEM.move(item, "release", actor, reason=reason, data={"meeting": meeting.pk}, meeting=None, position=None)
    if was_scheduled:
        numbering.withdraw_notice(meeting)  # the notice keeps its number: it is never given out again
        issuing.withdraw_meeting_notice(meeting, reason)
        _announce_cancellation(meeting, reason)
    return meeting


@transaction.atomic
def update_summary(*, actor, meeting, summary):
    """The committee writes the minutes' body (会议概况和议定意见) before publishing them."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "summary_updated", actor)
    meeting.summary = (summary or "").strip()
    meeting.save(update_fields=["summary", "updated_at"])
    MEETING.note(meeting, "summary_updated", actor, data={"length": len(meeting.summary)})
    return meeting


@transaction.atomic
def publish_minutes(*, actor, meeting, document_number, summary=None):
    """The committee publishes the minutes (印发会议纪要) under a unique document number (荔政法〔2026〕3号), typed or,
    left blank, the next of the committee's register (``meetings.numbering``). The
    decisions become binding: each responsible unit sees its decisions in its inbox and the reminder ladder
    starts; the items on the agenda are marked discussed; the units on the meeting and the responsible units are
    told in the app."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "publish", actor)
    if (document_number or "").strip():
        try:
            document_number = normalize_document_number(document_number)
        except ValidationError as error:
            raise ApplicationError(f"纪要文号：{error.messages[0]}", field="document_number")
        if Meeting.objects.filter(document_number=document_number).exclude(pk=meeting.pk).exists():
            raise ApplicationError(f"文号 {document_number} 已被使用。", field="document_number")
    else:
        document_number = ""
    if not active_attendances(meeting).filter(status=AttendanceStatus.ATTENDING).exists():
        raise ApplicationError("请先登记出席单位，再印发会议纪要。", field="attendance")
    # Left blank, the minutes take the committee's next number of the year; a number typed by hand is entered in
    # the register so that the sequence never gives it out again.
    document_number = numbering.number_minutes(meeting, document_number)
    if summary is not None:
        meeting.summary = (summary or "").strip()
    MEETING.move(meeting, "publish", actor, data={"document_number": document_number},
                 document_number=document_number, summary=meeting.summary, published_at=timezone.now())
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, state=ItemState.ACCEPTED):
        ITEM.move(item, "discuss", actor, data={"meeting": meeting.pk, "document_number": document_number})
    issuing.issue_minutes(meeting)
    webhooks.decisions_assigned(meeting)
    _notify_publication(meeting)
    return meeting


def _notify_publication(meeting):
    decisions = list(meeting.decisions.exclude(state=DecisionState.CANCELLED).select_related("responsible_unit"))
    attending = set(invited_attendances(meeting).values_list("organisation_id", flat=True))
    responsible = {decision.responsible_unit_id for decision in decisions}
    people = recipients_by_unit(attending | responsible)
    link = reverse("meetings:detail", args=[meeting.pk])
    batch = []
    for unit_id in attending | responsible:
        recipients = people.get(unit_id)
        if not recipients:
            continue
        own = [decision for decision in decisions if decision.responsible_unit_id == unit_id]
        body = f"{meeting.title}会议纪要（{meeting.document_number}）已印发。"
        if own:
            body += "贵单位负责落实：" + "；".join(
                f"第{decision.position}项 {decision.task}（{decision.due_on:%Y年%m月%d日}前）" for decision in own
            ) + "。请按期落实并在线回复落实情况。"
        batch.append((recipients, Message(kind="minutes_published", title=f"【会议纪要】{meeting.title}", body=body,
                                          link=link)))
    notify_many(batch)
