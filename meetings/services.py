"""Every change to a meeting, an agenda item, a decision or an annual report is one service here: keyword-only
arguments, an actor, one transaction; it locks the row (`select_for_update`), checks the move against the model's
transition table, saves with `update_fields` and writes an event row (who, when, from, to, why). A refusal raises
`ApplicationError` (400), `PermissionDenied` (403) or `TransitionNotAllowed` (409) with a Chinese message and
changes nothing. Views, the API, commands and tasks all call these."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assistance.attachments import inspect_upload
from assistance.models import Notice, ReviewState
from cases.models import Case
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.identifiers import normalize_document_number
from linkage.notify import Message, Recipient, notify
from linkage.text import REASON_MAX, TEXT_MAX, require_name
from linkage.workdays import TIMEZONE, add_working_days
from members.models import Contact, Organisation, User
from members.selectors import jurisdiction_id_of

from .models import (
    DECISION_ACTIONS,
    DECISION_TRANSITIONS,
    ITEM_ACTIONS,
    ITEM_TRANSITIONS,
    MEETING_ACTIONS,
    MEETING_TRANSITIONS,
    REPORT_TRANSITIONS,
    AgendaItem,
    AgendaItemEvent,
    AnnualReport,
    AnnualReportEvent,
    Attendance,
    AttendanceStatus,
    CoordinationGround,
    Decision,
    DecisionEvent,
    DecisionReply,
    DecisionReplyAttachment,
    DecisionState,
    ItemKind,
    ItemState,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingState,
    ReportState,
)

# 荔政法〔2017〕72号 三（六）: disputes go to consultation first; only when it has failed within the prescribed time
# limit are they submitted to the joint meeting. The seed names no number: this product default is configurable.
DEFAULT_CONSULTATION_WORKING_DAYS = 10


def consultation_working_days():
    return int(getattr(settings, "MEETINGS_CONSULTATION_WORKING_DAYS", DEFAULT_CONSULTATION_WORKING_DAYS))


# ---------------------------------------------------------------------------------------------- helpers


def _text(value, label, field, *, required=True, max_length=None):
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。", field=field)
    if max_length and len(value) > max_length:
        raise ApplicationError(f"{label}不能超过{max_length}字（现有{len(value)}字）。", field=field)
    return value


def _name(value, label, field, *, required=True, max_length=None):
    return require_name(_text(value, label, field, required=required, max_length=max_length), label, field)


def _date(value, label, field):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, TIMEZONE).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ApplicationError(f"{label}格式应为 YYYY-MM-DD。", field=field)


def _moment(value, label, field):
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(str(value or "").strip())
        if moment is None:
            raise ApplicationError(f"{label}格式应为 YYYY-MM-DD HH:MM。", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, TIMEZONE)
    return moment


def _check(obj, transitions, action, names, what):
    allowed_from, to_state = transitions[action]
    if obj.state not in allowed_from:
        raise TransitionNotAllowed(
            f"{what}当前状态为“{obj.get_state_display()}”，不能{names[action]}。", state=obj.state
        )
    return to_state


def _event(model, owner_field, owner, action, actor, *, from_state="", to_state="", reason="", data=None, at=None):
    return model.objects.create(
        **{owner_field: owner}, at=at or timezone.now(), actor=actor, action=action, from_state=from_state,
        to_state=to_state, reason=reason or "", data=data or {},
    )


def _meeting_event(meeting, action, actor, **kwargs):
    kwargs.setdefault("from_state", meeting.state)
    kwargs.setdefault("to_state", meeting.state)
    return _event(MeetingEvent, "meeting", meeting, action, actor, **kwargs)


def _item_event(item, action, actor, **kwargs):
    kwargs.setdefault("from_state", item.state)
    kwargs.setdefault("to_state", item.state)
    return _event(AgendaItemEvent, "item", item, action, actor, **kwargs)


def _decision_event(decision, action, actor, **kwargs):
    kwargs.setdefault("from_state", decision.state)
    kwargs.setdefault("to_state", decision.state)
    return _event(DecisionEvent, "decision", decision, action, actor, **kwargs)


def _move(obj, transitions, names, what, action, actor, event, *, reason="", data=None, **fields):
    to_state = _check(obj, transitions, action, names, what)
    from_state = obj.state
    obj.state = to_state
    for key, value in fields.items():
        setattr(obj, key, value)
    obj.save(update_fields=["state", *fields, "updated_at"])
    event(obj, action, actor, from_state=from_state, to_state=to_state, reason=reason, data=data)
    return obj


def _lock_meeting(meeting):
    return Meeting.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=meeting.pk)


def _lock_item(item):
    return AgendaItem.objects.select_for_update().get(pk=item.pk)


def _lock_decision(decision):
    return Decision.objects.select_for_update(of=("self",)).select_related("meeting", "responsible_unit").get(pk=decision.pk)


def _require_committee(actor, jurisdiction_id=None):
    """Only the committee convenes meetings and decides what goes on the agenda; of its own jurisdiction."""
    if not actor.is_committee or actor.organisation_id is None:
        raise PermissionDenied("只有政法委可以办理联席会议事务。")
    if jurisdiction_id is not None and jurisdiction_id_of(actor) != jurisdiction_id:
        raise PermissionDenied("只能办理本辖区的联席会议事务。")


def _require_member_of(actor, organisation_id, message="只有责任单位的联络员可以办理。"):
    """A unit acts through its liaisons; a court (itself a unit a decision may name) through its clerks."""
    if not ((actor.is_liaison or actor.is_clerk) and actor.organisation_id == organisation_id):
        raise PermissionDenied(message)


def unit_recipients(organisation_ids):
    """The A and B contacts of the units, and any liaison account of theirs not on the roster (deduplicated by
    account), for the messages about a meeting."""
    recipients, seen_users, seen_keys = [], set(), set()
    for contact in Contact.objects.current().filter(organisation_id__in=organisation_ids, role__in=["A", "B"]):
        recipient = Recipient.from_contact(contact)
        recipients.append(recipient)
        seen_keys.add(recipient.key)
        if contact.user_id:
            seen_users.add(contact.user_id)
    for user in User.objects.filter(organisation_id__in=organisation_ids, role="liaison", is_active=True):
        if user.pk not in seen_users:
            recipients.append(Recipient.from_user(user))
    return recipients


# --------------------------------------------------------------------------------------------- meetings


MEETING_FIELDS = ("kind", "title", "starts_at", "place", "convenor", "chair")


def _clean_meeting_fields(data):
    cleaned = {}
    if "kind" in data:
        if data["kind"] not in MeetingKind.values:
            raise ApplicationError("请选择会议类型：年度总结会议、案件协调会议、争议协调会议或临时会议。", field="kind")
        cleaned["kind"] = data["kind"]
    if "title" in data:
        cleaned["title"] = _text(data["title"], "会议名称", "title", max_length=200)
    if "starts_at" in data:
        cleaned["starts_at"] = _moment(data["starts_at"], "召开时间", "starts_at")
    if "place" in data:
        cleaned["place"] = _text(data["place"], "会议地点", "place", max_length=200)
    if "convenor" in data:
        cleaned["convenor"] = _name(data["convenor"], "召集人", "convenor", max_length=100)
    if "chair" in data:
        cleaned["chair"] = _name(data["chair"], "主持人", "chair", max_length=100)
    return cleaned


@transaction.atomic
def create_meeting(*, actor, kind, title, starts_at, place, convenor, chair):
    """The committee prepares a meeting of its jurisdiction (state 筹备中): nobody else sees it until its notice
    goes out."""
    _require_committee(actor)
    fields = _clean_meeting_fields(
        {"kind": kind, "title": title, "starts_at": starts_at, "place": place, "convenor": convenor, "chair": chair}
    )
    meeting = Meeting.objects.create(jurisdiction_id=jurisdiction_id_of(actor), created_by=actor, **fields)
    _meeting_event(meeting, "create", actor, from_state="", to_state=MeetingState.DRAFT,
                   data={"kind": meeting.kind, "starts_at": meeting.starts_at.isoformat()})
    return meeting


@transaction.atomic
def update_meeting(*, actor, meeting, **changes):
    """The committee corrects the meeting's particulars before it is held (a changed date or place after the
    notice went out is told to the invited units again)."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.SCHEDULED):
        raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，不能修改会议信息。",
                                   state=meeting.state)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    cleaned = _clean_meeting_fields(changes)
    changed = {key: value for key, value in cleaned.items() if getattr(meeting, key) != value}
    for key, value in changed.items():
        setattr(meeting, key, value)
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
        _meeting_event(meeting, "update", actor, data={"fields": sorted(changed)})
        if meeting.state == MeetingState.SCHEDULED and {"starts_at", "place"} & set(changed):
            _notify_meeting(meeting, kind="meeting_changed", title_prefix="【会议变更】")
    return meeting


@transaction.atomic
def add_attendance(*, actor, meeting, organisation, person_name="", position="", status=AttendanceStatus.ATTENDING):
    """The committee invites a unit (and names who it sends) to a meeting before its minutes are published.
    A unit is on a meeting once."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    if not meeting.is_open_for_records:
        raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，不能再增加参会单位。",
                                   state=meeting.state)
    if not isinstance(organisation, Organisation) or organisation.jurisdiction_id != meeting.jurisdiction_id \
            or not organisation.active:
        raise ApplicationError("请选择本辖区在册的成员单位。", field="organisation")
    if status not in AttendanceStatus.values:
        raise ApplicationError("出席情况只能是出席、请假或列席。", field="status")
    person_name = _name(person_name, "参会人员姓名", "person_name", required=False, max_length=30)
    position = _text(position, "职务", "position", required=False, max_length=50)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, organisation=organisation, person_name=person_name, position=position, status=status
            )
    except IntegrityError:
        raise ApplicationError(f"“{organisation.name}”已在参会单位中。", field="organisation")
    _meeting_event(meeting, "attendance_added", actor,
                   data={"attendance": attendance.pk, "organisation": organisation.pk, "status": status,
                         "person_name": person_name})
    if meeting.state == MeetingState.SCHEDULED:
        _notify_meeting(meeting, kind="meeting_notice", title_prefix="【会议通知】", only=[organisation.pk])
    return attendance


@transaction.atomic
def record_attendance(*, actor, attendance, status, person_name=None, position=None):
    """The committee records who came: 出席, 请假 or 列席, and the person's name and position."""
    meeting = _lock_meeting(attendance.meeting)
    attendance = Attendance.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=attendance.pk)
    _require_committee(actor, meeting.jurisdiction_id)
    if not meeting.is_open_for_records or attendance.withdrawn_at:
        raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，不能再登记出席情况。",
                                   state=meeting.state)
    if status not in AttendanceStatus.values:
        raise ApplicationError("出席情况只能是出席、请假或列席。", field="status")
    changes = {"status": status}
    if person_name is not None:
        changes["person_name"] = _name(person_name, "参会人员姓名", "person_name", required=False, max_length=30)
    if position is not None:
        changes["position"] = _text(position, "职务", "position", required=False, max_length=50)
    before = {key: getattr(attendance, key) for key in changes}
    for key, value in changes.items():
        setattr(attendance, key, value)
    attendance.save(update_fields=list(changes))
    _meeting_event(meeting, "attendance_changed", actor,
                   data={"attendance": attendance.pk, "organisation": attendance.organisation_id, "before": before,
                         "after": changes})
    return attendance


@transaction.atomic
def withdraw_attendance(*, actor, attendance, reason):
    """An invitation sent by mistake is withdrawn before the meeting is held; the row stays, marked."""
    meeting = _lock_meeting(attendance.meeting)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    _require_committee(actor, meeting.jurisdiction_id)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.SCHEDULED) or attendance.withdrawn_at:
        raise TransitionNotAllowed("会议召开后不能取消邀请；未到会的请登记为请假。", state=meeting.state)
    reason = _text(reason, "取消邀请的理由", "reason", max_length=REASON_MAX)
    attendance.withdrawn_at = timezone.now()
    attendance.save(update_fields=["withdrawn_at"])
    _meeting_event(meeting, "attendance_removed", actor, reason=reason,
                   data={"attendance": attendance.pk, "organisation": attendance.organisation_id})
    return attendance


def _active_attendances(meeting):
    return meeting.attendances.filter(withdrawn_at__isnull=True).select_related("organisation")


def _notify_meeting(meeting, *, kind, title_prefix, only=None):
    from django.urls import reverse

    units = list(_active_attendances(meeting).values_list("organisation_id", flat=True))
    if only is not None:
        units = [unit for unit in units if unit in only]
    recipients = unit_recipients(units)
    if not recipients:
        return {}
    starts = timezone.localtime(meeting.starts_at, TIMEZONE)
    message = Message(
        kind=kind,
        title=f"{title_prefix}{meeting.title}",
        body=(f"定于{starts:%Y年%m月%d日 %H:%M}在{meeting.place}召开{meeting.title}（{meeting.get_kind_display()}），"
              f"召集人：{meeting.convenor}，主持人：{meeting.chair}。请贵单位按时参加；不能参加的，请提前向会议召集单位请假。"),
        link=reverse("meetings:detail", args=[meeting.pk]),
    )
    return notify(recipients, message)


@transaction.atomic
def schedule_meeting(*, actor, meeting):
    """The committee sends the meeting notice (会议通知): the meeting becomes visible to the invited units, whose
    liaisons are told in the app (and by email/SMS where the roster has an address). Needs at least one unit."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    _check(meeting, MEETING_TRANSITIONS, "schedule", MEETING_ACTIONS, "会议")
    if not _active_attendances(meeting).exists():
        raise ApplicationError("请先确定参会单位，再发出会议通知。", field="attendance")
    _move(meeting, MEETING_TRANSITIONS, MEETING_ACTIONS, "会议", "schedule", actor, _meeting_event,
          scheduled_at=timezone.now())
    _notify_meeting(meeting, kind="meeting_notice", title_prefix="【会议通知】")
    return meeting


@transaction.atomic
def hold_meeting(*, actor, meeting):
    """The committee records that the meeting took place (not before its day); attendance and decisions are
    then recorded until the minutes are published."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    _check(meeting, MEETING_TRANSITIONS, "hold", MEETING_ACTIONS, "会议")
    if timezone.localtime(meeting.starts_at, TIMEZONE).date() > timezone.localdate():
        raise ApplicationError(
            f"会议定于{timezone.localtime(meeting.starts_at, TIMEZONE):%Y年%m月%d日}召开，尚未到会期，不能登记为已召开。",
            field="starts_at",
        )
    return _move(meeting, MEETING_TRANSITIONS, MEETING_ACTIONS, "会议", "hold", actor, _meeting_event,
                 held_at=timezone.now())


@transaction.atomic
def cancel_meeting(*, actor, meeting, reason):
    """The committee calls a meeting off before it is held; its agenda items go back to the pending proposals."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    _check(meeting, MEETING_TRANSITIONS, "cancel", MEETING_ACTIONS, "会议")
    reason = _text(reason, "取消理由", "reason", max_length=REASON_MAX)
    was_scheduled = meeting.state == MeetingState.SCHEDULED
    _move(meeting, MEETING_TRANSITIONS, MEETING_ACTIONS, "会议", "cancel", actor, _meeting_event, reason=reason,
          cancelled_at=timezone.now())
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, state=ItemState.ACCEPTED):
        _move(item, ITEM_TRANSITIONS, ITEM_ACTIONS, "议题", "release", actor, _item_event, reason=reason,
              data={"meeting": meeting.pk}, meeting=None, position=None)
    if was_scheduled:
        _notify_meeting(meeting, kind="meeting_cancelled", title_prefix="【会议取消】")
    return meeting


@transaction.atomic
def update_summary(*, actor, meeting, summary):
    """The committee writes the minutes' body (会议概况和议定意见) before publishing them."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    if meeting.state != MeetingState.HELD:
        raise TransitionNotAllowed("会议召开后、纪要印发前才能编写纪要正文。", state=meeting.state)
    meeting.summary = (summary or "").strip()
    meeting.save(update_fields=["summary", "updated_at"])
    _meeting_event(meeting, "summary_updated", actor, data={"length": len(meeting.summary)})
    return meeting


@transaction.atomic
def publish_minutes(*, actor, meeting, document_number, summary=None):
    """The committee publishes the minutes (印发会议纪要) under a unique document number (荔政法〔2026〕3号). The
    decisions become binding: each responsible unit sees its decisions in its inbox and the reminder ladder
    starts; the items on the agenda are marked discussed; the units on the meeting and the responsible units are
    told in the app."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    _check(meeting, MEETING_TRANSITIONS, "publish", MEETING_ACTIONS, "会议")
    try:
        document_number = normalize_document_number(document_number or "")
    except ValidationError as error:
        raise ApplicationError(f"纪要文号：{error.messages[0]}", field="document_number")
    if Meeting.objects.filter(document_number=document_number).exclude(pk=meeting.pk).exists():
        raise ApplicationError(f"文号 {document_number} 已被使用。", field="document_number")
    if not _active_attendances(meeting).filter(status=AttendanceStatus.ATTENDING).exists():
        raise ApplicationError("请先登记出席单位，再印发会议纪要。", field="attendance")
    if summary is not None:
        meeting.summary = (summary or "").strip()
    now = timezone.now()
    _move(meeting, MEETING_TRANSITIONS, MEETING_ACTIONS, "会议", "publish", actor, _meeting_event,
          data={"document_number": document_number}, document_number=document_number, summary=meeting.summary,
          published_at=now)
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, state=ItemState.ACCEPTED):
        _move(item, ITEM_TRANSITIONS, ITEM_ACTIONS, "议题", "discuss", actor, _item_event,
              data={"meeting": meeting.pk, "document_number": document_number})
    _notify_publication(meeting)
    return meeting


def _notify_publication(meeting):
    from django.urls import reverse

    decisions = list(meeting.decisions.exclude(state=DecisionState.CANCELLED).select_related("responsible_unit"))
    attending = set(_active_attendances(meeting).values_list("organisation_id", flat=True))
    responsible = {decision.responsible_unit_id for decision in decisions}
    for unit_id in attending | responsible:
        recipients = unit_recipients([unit_id])
        if not recipients:
            continue
        own = [decision for decision in decisions if decision.responsible_unit_id == unit_id]
        body = f"{meeting.title}会议纪要（{meeting.document_number}）已印发。"
        if own:
            body += "贵单位负责落实：" + "；".join(
                f"第{decision.position}项 {decision.task}（{decision.due_on:%Y年%m月%d日}前）" for decision in own
            ) + "。请按期落实并在线回复落实情况。"
        notify(recipients, Message(kind="minutes_published", title=f"【会议纪要】{meeting.title}", body=body,
                                   link=reverse("meetings:detail", args=[meeting.pk])))


# ----------------------------------------------------------------------------------------- agenda items


def _proposing_organisation(actor):
    if not (actor.is_clerk or actor.is_liaison) or actor.organisation_id is None:
        raise PermissionDenied("只有法院执行员或成员单位联络员可以提请联席会议审议。")
    return actor.organisation


def _clean_notices(notices, *, field="notices"):
    notices = list(notices or [])
    for notice in notices:
        if not isinstance(notice, Notice):
            raise ApplicationError("关联的通知书无法识别。", field=field)
    return notices


def _clean_units(units, jurisdiction_id, *, field="units"):
    units = list(units or [])
    if len({unit.pk for unit in units}) != len(units):
        raise ApplicationError("涉及单位有重复。", field=field)
    for unit in units:
        if not isinstance(unit, Organisation) or unit.jurisdiction_id != jurisdiction_id or not unit.active:
            raise ApplicationError("涉及单位应为本辖区在册的成员单位。", field=field)
    return units


def _create_item(actor, organisation, *, units=(), notices=(), **fields):
    item = AgendaItem.objects.create(
        proposed_by=actor, proposing_organisation=organisation, jurisdiction_id=organisation.jurisdiction_id, **fields
    )
    if units:
        item.units.set(units)
    if notices:
        item.notices.set(notices)
    _item_event(item, "propose", actor, from_state="", to_state=ItemState.PROPOSED,
                data={"kind": item.kind, "units": [unit.pk for unit in units],
                      "notices": [notice.pk for notice in notices], **({"case": item.case_id} if item.case_id else {})})
    return item


@transaction.atomic
def propose_case_coordination(*, actor, case, ground, enforcement_plan, description, title="", units=(), notices=()):
    """The court proposes a case for coordination with its enforcement plan (荔政法〔2017〕72号 三（四）: major,
    difficult or complex cases, cases that may affect social stability, cases needing several units). Only a clerk
    of the case's court; a case needing several units names at least two; linked notices must be the case's."""
    if not isinstance(case, Case):
        raise ApplicationError("请选择案件。", field="case")
    case = Case.objects.select_related("court").get(pk=case.pk)
    if not (actor.is_clerk and actor.organisation_id == case.court_id):
        raise PermissionDenied("只有本院执行员可以提请协调本院的执行案件。")
    if not case.is_open:
        raise ApplicationError(f"案件状态为“{case.get_status_display()}”，无需提请协调。", field="case")
    if ground not in CoordinationGround.values:
        raise ApplicationError("请选择提请理由：重大疑难复杂、可能影响社会稳定或涉及多个协助执行部门。", field="ground")
    plan = _text(enforcement_plan, "执行方案", "enforcement_plan", max_length=TEXT_MAX)
    description = _text(description, "案件情况和需协调的问题", "description", max_length=TEXT_MAX)
    units = _clean_units(units, case.court.jurisdiction_id)
    if ground == CoordinationGround.MULTIPLE_UNITS and len(units) < 2:
        raise ApplicationError("涉及多个协助执行部门的案件，请选择至少两个涉及单位。", field="units")
    notices = _clean_notices(notices)
    if any(notice.case_id != case.pk for notice in notices):
        raise ApplicationError("关联的通知书应为本案的通知书。", field="notices")
    title = _text(title, "议题", "title", required=False, max_length=200) or f"{case.number}执行协调"
    if AgendaItem.objects.filter(case=case, kind=ItemKind.COORDINATION,
                                 state__in=[ItemState.PROPOSED, ItemState.ACCEPTED]).exists():
        raise ApplicationError(f"案件{case.number}已提请协调，尚待会议审议。", field="case")
    return _create_item(actor, case.court, units=units, notices=notices, kind=ItemKind.COORDINATION, case=case,
                        ground=ground, enforcement_plan=plan, description=description, title=title)


def consultation_deadline(started_on):
    """When the consultation time limit ends: N working days after the day consultation started (that day is
    day 0), at the close of the N-th working day."""
    start = datetime.datetime.combine(started_on, datetime.time(9, 0), tzinfo=TIMEZONE)
    return add_working_days(start, consultation_working_days()).due_at


@transaction.atomic
def escalate_dispute(*, actor, units, title, description, consultation_started_on, consultation_summary,
                     case=None, notices=()):
    """A unit or the court submits a dispute between units in writing to the joint meeting, after the parties
    consulted first and the consultation failed within its time limit (荔政法〔2017〕72号 三（六）). Records when
    consultation started and refuses before its time limit has run out; a unit may escalate only a dispute it is
    a party to."""
    organisation = _proposing_organisation(actor)
    units = _clean_units(units, organisation.jurisdiction_id)
    if len(units) < 2:
        raise ApplicationError("部门之间的争议须选择至少两个争议单位。", field="units")
    if actor.is_liaison and organisation.pk not in {unit.pk for unit in units}:
        raise PermissionDenied("成员单位只能提交本单位作为争议一方的争议事项。")
    title = _text(title, "争议事项", "title", max_length=200)
    description = _text(description, "争议情况", "description", max_length=TEXT_MAX)
    summary = _text(consultation_summary, "磋商情况（时间、参加人员和各方意见）", "consultation_summary", max_length=TEXT_MAX)
    started_on = require_past_date(_date(consultation_started_on, "磋商开始日期", "consultation_started_on"),
                                   "磋商开始日期", "consultation_started_on")
    today = timezone.localdate()
    if started_on > today:
        raise ApplicationError("磋商开始日期不能晚于今天。", field="consultation_started_on")
    due_at = consultation_deadline(started_on)
    if timezone.now() <= due_at:
        raise ApplicationError(
            f"争议应先由双方磋商：磋商自{started_on:%Y年%m月%d日}开始，规定时限为{consultation_working_days()}个工作日，"
            f"至{timezone.localtime(due_at, TIMEZONE):%Y年%m月%d日}届满；届满仍磋商不成的，方可提交联席会议。",
            field="consultation_started_on",
        )
    if case is not None:
        if not isinstance(case, Case):
            raise ApplicationError("关联的案件无法识别。", field="case")
        if actor.is_clerk and case.court_id != organisation.pk:
            raise ApplicationError("只能关联本院的案件。", field="case")
    if case is not None and actor.is_liaison:
        raise ApplicationError("成员单位提交争议时不能关联案件，可关联本单位收到的通知书。", field="case")
    notices = _clean_notices(notices)
    unit_ids = {unit.pk for unit in units}
    visible = set(Notice.objects.visible_to(actor).filter(pk__in=[n.pk for n in notices]).values_list("pk", flat=True))
    if any(notice.unit_id not in unit_ids or notice.pk not in visible for notice in notices):
        raise ApplicationError("关联的通知书应为争议单位收到的通知书。", field="notices")
    return _create_item(actor, organisation, units=units, notices=notices, kind=ItemKind.DISPUTE, case=case,
                        title=title, description=description, consultation_started_on=started_on,
                        consultation_due_at=due_at, consultation_summary=summary)


CONTESTED_REVIEW_STATES = (ReviewState.PENDING, ReviewState.NOT_UPHELD)


@transaction.atomic
def propose_contested_review(*, actor, notice, description, title=""):
    """A notice whose review suggestion (审查建议) is contested — still pending, or not upheld and the unit still
    disagrees — is brought to the meeting by the court's clerk or the addressed unit's liaison. The unit must keep
    assisting meanwhile (法发〔2010〕15号 art. 20)."""
    if not isinstance(notice, Notice):
        raise ApplicationError("请选择通知书。", field="notice")
    notice = Notice.objects.select_related("case", "unit", "court", "measure").get(pk=notice.pk)
    organisation = _proposing_organisation(actor)
    if organisation.pk not in (notice.court_id, notice.unit_id):
        raise PermissionDenied("只有发出通知书的法院或收到通知书的单位可以提请。")
    if actor.is_liaison and not notice.served_at:
        raise PermissionDenied("只有发出通知书的法院或收到通知书的单位可以提请。")
    suggestion = notice.review_suggestions.filter(state__in=CONTESTED_REVIEW_STATES).order_by("-raised_at").first()
    if suggestion is None:
        raise ApplicationError("该通知书没有待审查或未被采纳的审查建议，不能作为争议提请。", field="notice")
    description = _text(description, "争议情况", "description", max_length=TEXT_MAX)
    if AgendaItem.objects.filter(notices=notice, kind=ItemKind.REVIEW,
                                 state__in=[ItemState.PROPOSED, ItemState.ACCEPTED]).exists():
        raise ApplicationError("该通知书的审查建议争议已提请，尚待会议审议。", field="notice")
    title = _text(title, "议题", "title", required=False, max_length=200) or (
        f"{notice.case.number}协助执行通知书（{notice.unit.short_name}，{notice.measure.name}）审查建议争议"
    )
    return _create_item(actor, organisation, units=[notice.unit], notices=[notice], kind=ItemKind.REVIEW,
                        case=notice.case, title=title,
                        description=f"{description}\n\n审查建议（{suggestion.get_state_display()}）：{suggestion.reason}")


@transaction.atomic
def link_notice(*, actor, item, notice):
    """The proposer links one more notice to a pending item (a notice of the item's case, or one addressed to an
    involved unit)."""
    item = _lock_item(item)
    if not ((actor.is_clerk or actor.is_liaison) and actor.organisation_id == item.proposing_organisation_id):
        raise PermissionDenied("只有提请单位可以关联通知书。")
    if item.state not in (ItemState.PROPOSED, ItemState.ACCEPTED):
        raise TransitionNotAllowed(f"议题当前状态为“{item.get_state_display()}”，不能再关联通知书。", state=item.state)
    if not isinstance(notice, Notice):
        raise ApplicationError("关联的通知书无法识别。", field="notice")
    if not Notice.objects.visible_to(actor).filter(pk=notice.pk).exists():
        raise ApplicationError("关联的通知书无法识别。", field="notice")
    involved = set(item.units.values_list("pk", flat=True))
    if not ((item.case_id and notice.case_id == item.case_id) or notice.unit_id in involved):
        raise ApplicationError("只能关联本议题案件的通知书，或涉及单位收到的通知书。", field="notice")
    if item.notices.filter(pk=notice.pk).exists():
        raise ApplicationError("该通知书已关联。", field="notice")
    item.notices.add(notice)
    _item_event(item, "notice_linked", actor, data={"notice": notice.pk})
    return item


@transaction.atomic
def accept_item(*, actor, item, meeting):
    """The committee puts a proposed item on a meeting's agenda (a meeting in preparation or notified); it is
    numbered after the items already there."""
    item = _lock_item(item)
    meeting = _lock_meeting(meeting)
    _require_committee(actor, item.jurisdiction_id)
    _check(item, ITEM_TRANSITIONS, "accept", ITEM_ACTIONS, "议题")
    if meeting.jurisdiction_id != item.jurisdiction_id:
        raise ApplicationError("只能列入本辖区的会议。", field="meeting")
    if meeting.state not in (MeetingState.DRAFT, MeetingState.SCHEDULED):
        raise ApplicationError(f"会议“{meeting.title}”已{meeting.get_state_display()}，不能再增加议题。", field="meeting")
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    now = timezone.now()
    _move(item, ITEM_TRANSITIONS, ITEM_ACTIONS, "议题", "accept", actor, _item_event,
          data={"meeting": meeting.pk, "position": position}, meeting=meeting, position=position, decided_by=actor,
          decided_at=now, decision_reason="")
    _meeting_event(meeting, "item_accepted", actor, data={"item": item.pk, "position": position})
    return item


@transaction.atomic
def decline_item(*, actor, item, reason):
    """The committee declines to put an item on the agenda, saying why (the proposer reads it on the item)."""
    item = _lock_item(item)
    _require_committee(actor, item.jurisdiction_id)
    _check(item, ITEM_TRANSITIONS, "decline", ITEM_ACTIONS, "议题")
    reason = _text(reason, "不予列入的理由", "reason", max_length=REASON_MAX)
    return _move(item, ITEM_TRANSITIONS, ITEM_ACTIONS, "议题", "decline", actor, _item_event, reason=reason,
                 decided_by=actor, decided_at=timezone.now(), decision_reason=reason)


@transaction.atomic
def withdraw_item(*, actor, item, reason):
    """The proposing unit withdraws its proposal before the committee has decided on it."""
    item = _lock_item(item)
    if not ((actor.is_clerk or actor.is_liaison) and actor.organisation_id == item.proposing_organisation_id):
        raise PermissionDenied("只有提请单位可以撤回。")
    _check(item, ITEM_TRANSITIONS, "withdraw", ITEM_ACTIONS, "议题")
    reason = _text(reason, "撤回理由", "reason", max_length=REASON_MAX)
    return _move(item, ITEM_TRANSITIONS, ITEM_ACTIONS, "议题", "withdraw", actor, _item_event, reason=reason)


# -------------------------------------------------------------------------------------------- decisions


@transaction.atomic
def add_decision(*, actor, meeting, responsible_unit, task, due_on, item=None):
    """The committee records a decision of a held meeting (议定事项): a responsible unit of the jurisdiction, the
    task, and a due date not before the meeting. Numbered in order; binding once the minutes are published."""
    meeting = _lock_meeting(meeting)
    _require_committee(actor, meeting.jurisdiction_id)
    if meeting.state != MeetingState.HELD:
        raise TransitionNotAllowed(
            f"会议当前状态为“{meeting.get_state_display()}”：议定事项在会议召开后、纪要印发前记录。", state=meeting.state
        )
    if not isinstance(responsible_unit, Organisation) or responsible_unit.jurisdiction_id != meeting.jurisdiction_id \
            or not responsible_unit.active or responsible_unit.kind == "committee":
        raise ApplicationError("责任单位应为本辖区在册的成员单位或法院。", field="responsible_unit")
    task = _text(task, "议定事项内容", "task", max_length=2000)
    due_on = _date(due_on, "完成期限", "due_on")
    meeting_day = timezone.localtime(meeting.starts_at, TIMEZONE).date()
    if due_on < meeting_day:
        raise ApplicationError(f"完成期限不能早于会议召开日期（{meeting_day:%Y年%m月%d日}）。", field="due_on")
    if item is not None:
        item = AgendaItem.objects.filter(pk=getattr(item, "pk", None), meeting=meeting).first()
        if item is None:
            raise ApplicationError("所选议题不在本次会议议程中。", field="item")
    position = (meeting.decisions.aggregate(last=Max("position"))["last"] or 0) + 1
    decision = Decision.objects.create(meeting=meeting, item=item, position=position,
                                       responsible_unit=responsible_unit, task=task, due_on=due_on, created_by=actor)
    _decision_event(decision, "create", actor, from_state="", to_state=DecisionState.OPEN,
                    data={"due_on": due_on.isoformat(), "responsible_unit": responsible_unit.pk})
    _meeting_event(meeting, "decision_added", actor, data={"decision": decision.pk, "position": position})
    return decision


@transaction.atomic
def cancel_decision(*, actor, decision, reason):
    """The committee cancels a decision recorded by mistake (before the minutes are published) or no longer
    needed (while it is still open); it stays in the history."""
    decision = _lock_decision(decision)
    _require_committee(actor, decision.meeting.jurisdiction_id)
    reason = _text(reason, "撤销理由", "reason", max_length=REASON_MAX)
    _move(decision, DECISION_TRANSITIONS, DECISION_ACTIONS, "议定事项", "cancel", actor, _decision_event,
          reason=reason, cancelled_at=timezone.now())
    _meeting_event(decision.meeting, "decision_cancelled", actor, reason=reason, data={"decision": decision.pk})
    return decision


@transaction.atomic
def reply_to_decision(*, actor, decision, text, attachment=None):
    """A liaison of the responsible unit (a clerk, when the court is responsible) reports what the unit did, with
    an optional scan; the decision waits for the committee to confirm it done or send it back."""
    decision = _lock_decision(decision)
    _require_member_of(actor, decision.responsible_unit_id)
    if decision.meeting.state != MeetingState.PUBLISHED:
        raise TransitionNotAllowed("会议纪要印发后才能回复落实情况。", state=decision.state)
    _check(decision, DECISION_TRANSITIONS, "reply", DECISION_ACTIONS, "议定事项")
    text = _text(text, "落实情况", "text", max_length=5000)
    now = timezone.now()
    checked = inspect_upload(attachment) if attachment else None  # checked before anything is written
    reply = DecisionReply.objects.create(decision=decision, text=text, replied_by=actor, replied_at=now)
    if checked:
        content_type, size, digest = checked
        stored = DecisionReplyAttachment(reply=reply, original_name=(attachment.name or "附件")[:200],
                                         content_type=content_type, size=size, sha256=digest)
        stored.file.save(attachment.name or "upload", attachment, save=False)
        stored.save()
    on_time = now <= decision.due_at
    _move(decision, DECISION_TRANSITIONS, DECISION_ACTIONS, "议定事项", "reply", actor, _decision_event,
          data={"reply": reply.pk, "on_time": on_time, "attachment": bool(attachment)}, replied_at=now)
    return reply


@transaction.atomic
def complete_decision(*, actor, decision, reason=""):
    """The committee confirms, after reading the reply, that the decision has been carried out (办结)."""
    decision = _lock_decision(decision)
    _require_committee(actor, decision.meeting.jurisdiction_id)
    return _move(decision, DECISION_TRANSITIONS, DECISION_ACTIONS, "议定事项", "complete", actor, _decision_event,
                 reason=(reason or "").strip(), done_at=timezone.now())


@transaction.atomic
def send_back_decision(*, actor, decision, reason, due_on=None):
    """The committee finds the reply insufficient and sends the decision back, saying why; it may set a new due
    date (not in the past), which starts the reminder ladder again."""
    decision = _lock_decision(decision)
    _require_committee(actor, decision.meeting.jurisdiction_id)
    _check(decision, DECISION_TRANSITIONS, "send_back", DECISION_ACTIONS, "议定事项")
    reason = _text(reason, "退回理由", "reason", max_length=REASON_MAX)
    fields = {}
    data = {}
    if due_on not in (None, ""):
        due_on = _date(due_on, "新的完成期限", "due_on")
        if due_on < timezone.localdate():
            raise ApplicationError("新的完成期限不能早于今天。", field="due_on")
        data = {"previous_due_on": decision.due_on.isoformat(), "due_on": due_on.isoformat()}
        fields["due_on"] = due_on
    return _move(decision, DECISION_TRANSITIONS, DECISION_ACTIONS, "议定事项", "send_back", actor, _decision_event,
                 reason=reason, data=data, **fields)


# ---------------------------------------------------------------------------------------- annual report


def _require_court_clerk(actor, court_id=None):
    if not actor.is_clerk or actor.organisation_id is None or (court_id is not None and actor.organisation_id != court_id):
        raise PermissionDenied("只有本院执行员可以起草和报送年度执行联动工作报告。")


@transaction.atomic
def create_annual_report(*, actor, year):
    """The court clerk generates the year's report to the committee from the year's records: the figures are
    frozen in the report, the text is a draft the clerk edits before sending. One report per court and year."""
    from .reports import annual_figures, report_text, report_title

    _require_court_clerk(actor)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("年度应为四位数字。", field="year")
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ApplicationError(f"年度应在2000年至{today.year}年之间。", field="year")
    court = actor.organisation
    if AnnualReport.objects.filter(court=court, year=year).exists():
        raise ApplicationError(f"{year}年度报告已生成，请在原报告上修改。", field="year")
    figures = annual_figures(court, year)
    now = timezone.now()
    report = AnnualReport.objects.create(court=court, year=year, title=report_title(court, year),
                                         text=report_text(court, year, figures), figures=figures, created_by=actor,
                                         generated_at=now)
    _event(AnnualReportEvent, "report", report, "create", actor, to_state=ReportState.DRAFT,
           data={"year": year, "notices": figures["notices"]["total"]})
    return report


def _lock_report(report):
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("court").get(pk=report.pk)


@transaction.atomic
def edit_annual_report(*, actor, report, text, title=None):
    """The clerk edits the draft's title and text; the frozen figures stay as generated."""
    report = _lock_report(report)
    _require_court_clerk(actor, report.court_id)
    if report.state != ReportState.DRAFT:
        raise TransitionNotAllowed("报告已报送，不能再修改。", state=report.state)
    report.text = _text(text, "报告正文", "text", max_length=50000)
    fields = ["text", "updated_at"]
    if title is not None:
        report.title = _text(title, "标题", "title", max_length=200)
        fields.append("title")
    report.save(update_fields=fields)
    _event(AnnualReportEvent, "report", report, "edit", actor, from_state=report.state, to_state=report.state,
           data={"length": len(report.text)})
    return report


@transaction.atomic
def regenerate_annual_report(*, actor, report):
    """The clerk refreshes a draft's figures from the records (late replies, a meeting held since); the text is
    generated again from them, replacing the edited one (the edit history keeps who changed what)."""
    from .reports import annual_figures, report_text

    report = _lock_report(report)
    _require_court_clerk(actor, report.court_id)
    if report.state != ReportState.DRAFT:
        raise TransitionNotAllowed("报告已报送，不能重新生成。", state=report.state)
    report.figures = annual_figures(report.court, report.year)
    report.text = report_text(report.court, report.year, report.figures)
    report.generated_at = timezone.now()
    report.save(update_fields=["figures", "text", "generated_at", "updated_at"])
    _event(AnnualReportEvent, "report", report, "regenerate", actor, from_state=report.state, to_state=report.state)
    return report


@transaction.atomic
def send_annual_report(*, actor, report):
    """The clerk sends the report to the committee (报送): it is frozen and the committee's users are told."""
    from django.urls import reverse

    report = _lock_report(report)
    _require_court_clerk(actor, report.court_id)
    to_state = _check(report, REPORT_TRANSITIONS, "send", {"send": "报送"}, "报告")
    from_state = report.state
    report.state, report.sent_by, report.sent_at = to_state, actor, timezone.now()
    report.save(update_fields=["state", "sent_by", "sent_at", "updated_at"])
    _event(AnnualReportEvent, "report", report, "send", actor, from_state=from_state, to_state=to_state)
    committee = User.objects.filter(role="committee", is_active=True,
                                    organisation__jurisdiction_id=report.court.jurisdiction_id)
    notify([Recipient.from_user(user) for user in committee],
           Message(kind="annual_report", title=f"【年度报告】{report.title}",
                   body=f"{report.court.name}已报送{report.year}年度执行联动工作情况报告。",
                   link=reverse("meetings:report-detail", args=[report.pk])),
           sms=False)
    return report
