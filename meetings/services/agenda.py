"""The matters brought to the joint meeting (议题): a case for coordination, a dispute between units, a contested
review suggestion; and the committee's decision to put one on a meeting's agenda or decline it. `machines.ITEM`
says who may move an item and when."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assistance.models import Notice, ReviewState
from cases.models import Case
from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied
from linkage.text import REASON_MAX, TEXT_MAX
from linkage.workdays import TIMEZONE, add_working_days
from members.models import Organisation

from ..machines import ITEM, MEETING
from ..models import AgendaItem, CoordinationGround, ItemKind, ItemState
from .common import consultation_working_days, text


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
    ITEM.record(item, "propose", actor, to_state=ItemState.PROPOSED,
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
    plan = text(enforcement_plan, "执行方案", "enforcement_plan", max_length=TEXT_MAX)
    description = text(description, "案件情况和需协调的问题", "description", max_length=TEXT_MAX)
    units = _clean_units(units, case.court.jurisdiction_id)
    if ground == CoordinationGround.MULTIPLE_UNITS and len(units) < 2:
        raise ApplicationError("涉及多个协助执行部门的案件，请选择至少两个涉及单位。", field="units")
    notices = _clean_notices(notices)
    if any(notice.case_id != case.pk for notice in notices):
        raise ApplicationError("关联的通知书应为本案的通知书。", field="notices")
    title = text(title, "议题", "title", required=False, max_length=200) or f"{case.number}执行协调"
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
    title = text(title, "争议事项", "title", max_length=200)
    description = text(description, "争议情况", "description", max_length=TEXT_MAX)
    summary = text(consultation_summary, "磋商情况（时间、参加人员和各方意见）", "consultation_summary", max_length=TEXT_MAX)
    started_on = require_past_date(parsing.date(consultation_started_on, "磋商开始日期", "consultation_started_on",
                                                 required=True),
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
    description = text(description, "争议情况", "description", max_length=TEXT_MAX)
    if AgendaItem.objects.filter(notices=notice, kind=ItemKind.REVIEW,
                                 state__in=[ItemState.PROPOSED, ItemState.ACCEPTED]).exists():
        raise ApplicationError("该通知书的审查建议争议已提请，尚待会议审议。", field="notice")
    title = text(title, "议题", "title", required=False, max_length=200) or (
        f"{notice.case.number}协助执行通知书（{notice.unit.short_name}，{notice.measure.name}）审查建议争议"
    )
    return _create_item(actor, organisation, units=[notice.unit], notices=[notice], kind=ItemKind.REVIEW,
                        case=notice.case, title=title,
                        description=f"{description}\n\n审查建议（{suggestion.get_state_display()}）：{suggestion.reason}")


@transaction.atomic
def link_notice(*, actor, item, notice):
    """The proposer links one more notice to a pending item (a notice of the item's case, or one addressed to an
    involved unit)."""
    item = ITEM.lock(item)
    ITEM.check(item, "notice_linked", actor)
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
    ITEM.note(item, "notice_linked", actor, data={"notice": notice.pk})
    return item


@transaction.atomic
def accept_item(*, actor, item, meeting):
    """The committee puts a proposed item on a meeting's agenda (a meeting in preparation or notified); it is
    numbered after the items already there."""
    item = ITEM.lock(item)
    meeting = MEETING.lock(meeting)
    ITEM.check(item, "accept", actor)
    if meeting.jurisdiction_id != item.jurisdiction_id:
        raise ApplicationError("只能列入本辖区的会议。", field="meeting")
    if not MEETING.allows(meeting, "item_accepted"):
        raise ApplicationError(f"会议“{meeting.title}”已{meeting.get_state_display()}，不能再增加议题。", field="meeting")
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    ITEM.move(item, "accept", actor, data={"meeting": meeting.pk, "position": position}, meeting=meeting,
              position=position, decided_by=actor, decided_at=timezone.now(), decision_reason="")
    MEETING.note(meeting, "item_accepted", actor, data={"item": item.pk, "position": position})
    return item


@transaction.atomic
def decline_item(*, actor, item, reason):
    """The committee declines to put an item on the agenda, saying why (the proposer reads it on the item)."""
    item = ITEM.lock(item)
    ITEM.check(item, "decline", actor)
    reason = text(reason, "不予列入的理由", "reason", max_length=REASON_MAX)
    return ITEM.move(item, "decline", actor, reason=reason, decided_by=actor, decided_at=timezone.now(),
                     decision_reason=reason)


@transaction.atomic
def withdraw_item(*, actor, item, reason):
    """The proposing unit withdraws its proposal before the committee has decided on it."""
    item = ITEM.lock(item)
    ITEM.check(item, "withdraw", actor)
    reason = text(reason, "撤回理由", "reason", max_length=REASON_MAX)
    return ITEM.move(item, "withdraw", actor, reason=reason)
