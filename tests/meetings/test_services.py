"""Every change is one service: it checks the role and the state (TransitionNotAllowed → 409), refuses bad input in
Chinese without writing anything, and records who/when/why in an event row."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assistance import services as notice_services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from meetings import services
from meetings.models import (
    AgendaItem,
    AgendaItemEvent,
    Attendance,
    Decision,
    DecisionEvent,
    DecisionReply,
    DecisionState,
    ItemState,
    Meeting,
    MeetingEvent,
    MeetingState,
)
from tests import factories
from tests.assistance.helpers import advance, draft_notice

from .conftest import held_meeting, make_meeting, published_meeting

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def actions(meeting):
    return list(MeetingEvent.objects.filter(meeting=meeting).order_by("at", "id").values_list("action", flat=True))


# -------------------------------------------------------------------------------------------- meetings


def test_a_meeting_from_preparation_to_published_minutes_records_every_step(world):
    meeting = make_meeting(world)
    assert meeting.state == MeetingState.DRAFT
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    services.hold_meeting(actor=world.committee, meeting=meeting)
    attendance = Attendance.objects.get(meeting=meeting, organisation=world.units[2])
    services.record_attendance(actor=world.committee, attendance=attendance, status="on_leave", person_name="王堃")
    services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0], task="查找下落",
                          due_on=timezone.localdate() + datetime.timedelta(days=10))
    meeting = services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪[2026]01号"
                                       .replace("01", "1"))
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PUBLISHED
    assert meeting.document_number == "荔政法纪〔2026〕1号"  # stored in canonical form
    assert meeting.scheduled_at and meeting.held_at and meeting.published_at
    assert actions(meeting) == ["create", "attendance_added", "attendance_added", "attendance_added", "schedule",
                                "hold", "attendance_changed", "decision_added", "publish"]
    event = MeetingEvent.objects.get(meeting=meeting, action="publish")
    assert (event.actor, event.from_state, event.to_state) == (world.committee, "held", "published")


def test_scheduling_and_publishing_tell_the_units_liaisons_in_the_app(world):
    meeting = make_meeting(world, units=world.units[:2])
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    notices = Notification.objects.filter(kind="meeting_notice")
    assert {n.recipient for n in notices} == {*world.liaisons[:2], *world.b_liaisons[:2]}
    assert all(meeting.title in n.title and f"/meetings/{meeting.pk}/" == n.link for n in notices)
    assert not Notification.objects.filter(recipient=world.liaisons[2]).exists()  # not invited
    services.hold_meeting(actor=world.committee, meeting=meeting)
    services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[2], task="配合调查",
                          due_on=timezone.localdate() + datetime.timedelta(days=5))
    services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕2号")
    published = Notification.objects.filter(kind="minutes_published")
    # The attending units and the responsible unit (not invited, but it must act) are told.
    assert {n.recipient for n in published} == {*world.liaisons, *world.b_liaisons}
    own = published.get(recipient=world.liaisons[2])
    assert "第1项 配合调查" in own.body


@pytest.mark.parametrize("move", ["hold", "publish"])
def test_a_move_from_the_wrong_state_is_refused_and_changes_nothing(world, move):
    meeting = make_meeting(world)
    before = MeetingEvent.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        if move == "hold":
            services.hold_meeting(actor=world.committee, meeting=meeting)
        else:
            services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕3号")
    assert error.value.status_code == 409
    assert "筹备中" in error.value.message
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT and meeting.document_number == ""
    assert MeetingEvent.objects.count() == before


def test_only_the_committee_of_the_jurisdiction_convenes(world):
    with pytest.raises(PermissionDenied):
        services.create_meeting(actor=world.clerk, kind="annual", title="年度会议", starts_at=timezone.now(),
                                place="会议室", convenor="书记", chair="副书记")
    meeting = make_meeting(world)
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    stranger = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere))
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(actor=stranger, meeting=meeting)
    with pytest.raises(ApplicationError, match="本辖区"):
        services.add_attendance(actor=world.committee, meeting=meeting,
                                organisation=factories.OrganisationFactory(jurisdiction=elsewhere))


@pytest.mark.parametrize("field, value, message", [
    ("kind", "party", "会议类型"),
    ("title", "  ", "请填写会议名称"),
    ("starts_at", "下周一", "召开时间格式"),
    ("place", "", "请填写会议地点"),
])
def test_bad_meeting_input_is_refused_in_chinese_naming_the_field(world, field, value, message):
    data = {"kind": "annual", "title": "年度总结会议", "starts_at": timezone.now(), "place": "会议室",
            "convenor": "书记", "chair": "副书记", field: value}
    with pytest.raises(ApplicationError, match=message) as error:
        services.create_meeting(actor=world.committee, **data)
    assert error.value.field == field
    assert not Meeting.objects.exists()


def test_a_notice_needs_units_and_a_meeting_cannot_be_held_before_its_day(world):
    meeting = make_meeting(world, units=[], starts_at=timezone.now() + datetime.timedelta(days=3))
    with pytest.raises(ApplicationError, match="请先确定参会单位"):
        services.schedule_meeting(actor=world.committee, meeting=meeting)
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.units[0])
    with pytest.raises(ApplicationError, match="已在参会单位中"):
        services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.units[0])
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    with pytest.raises(ApplicationError, match="尚未到会期"):
        services.hold_meeting(actor=world.committee, meeting=meeting)
    assert Meeting.objects.get().state == MeetingState.SCHEDULED


def test_withdrawn_invitation_stays_as_a_marked_row(world):
    meeting = make_meeting(world)
    row = Attendance.objects.get(meeting=meeting, organisation=world.units[1])
    with pytest.raises(ApplicationError, match="理由"):
        services.withdraw_attendance(actor=world.committee, attendance=row, reason="")
    services.withdraw_attendance(actor=world.committee, attendance=row, reason="邀请有误")
    row.refresh_from_db()
    assert row.withdrawn_at is not None
    assert Attendance.objects.filter(meeting=meeting).count() == 3  # nothing deleted
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.units[1])  # invited again


def test_publishing_needs_a_valid_unique_number_and_someone_present(world):
    meeting = held_meeting(world)
    # (a blank number is not an error: the minutes take the committee's next number, test_document_layout.py)
    for bad, message in [("荔政法纪〔2026〕第3号", "第"), ("2026-3", "发文字号")]:
        with pytest.raises(ApplicationError, match=message) as error:
            services.publish_minutes(actor=world.committee, meeting=meeting, document_number=bad)
        assert error.value.field == "document_number"
    published_meeting(world, number="荔政法纪〔2026〕5号", title="另一次会议")
    with pytest.raises(ApplicationError, match="已被使用"):
        services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕5号")
    for row in meeting.attendances.all():
        services.record_attendance(actor=world.committee, attendance=row, status="on_leave")
    with pytest.raises(ApplicationError, match="出席单位"):
        services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕6号")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


def test_cancelling_a_meeting_sends_its_items_back_to_the_proposals(world):
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major",
                                              description="财产难以处置", enforcement_plan="拍卖房产")
    meeting = make_meeting(world, starts_at=timezone.now() + datetime.timedelta(days=2))
    services.accept_item(actor=world.committee, item=item, meeting=meeting)
    with pytest.raises(ApplicationError, match="取消理由"):
        services.cancel_meeting(actor=world.committee, meeting=meeting, reason="")
    services.cancel_meeting(actor=world.committee, meeting=meeting, reason="领导另有公务")
    item.refresh_from_db()
    assert (item.state, item.meeting, item.position) == (ItemState.PROPOSED, None, None)
    assert list(item.events.values_list("action", flat=True)) == ["propose", "accept", "release"]


# ---------------------------------------------------------------------------------------- agenda items


def test_the_court_proposes_a_case_with_its_enforcement_plan(world):
    notice = draft_notice(world.clerk, world.case, world.units[0], measure="inquiry",
                          items=[{"property_kind": "real_estate", "description": "查询房产"}])
    with pytest.raises(ApplicationError, match="执行方案"):
        services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="情况",
                                           enforcement_plan=" ")
    with pytest.raises(ApplicationError, match="至少两个涉及单位"):
        services.propose_case_coordination(actor=world.clerk, case=world.case, ground="multiple_units",
                                           description="情况", enforcement_plan="方案", units=world.units[:1])
    with pytest.raises(PermissionDenied):
        services.propose_case_coordination(actor=world.liaisons[0], case=world.case, ground="major",
                                           description="情况", enforcement_plan="方案")
    item = services.propose_case_coordination(
        actor=world.clerk, case=world.case, ground="multiple_units", description="被执行人名下房产被多方查封",
        enforcement_plan="一、公安协助查找；二、住建暂停网签", units=world.units[:2], notices=[notice],
    )
    assert item.state == ItemState.PROPOSED and item.proposing_organisation == world.court
    assert item.title == "（2026）粤0103执2001号执行协调"
    assert list(item.notices.all()) == [notice]
    event = AgendaItemEvent.objects.get(item=item)
    assert event.actor == world.clerk and event.data["case"] == world.case.pk
    with pytest.raises(ApplicationError, match="已提请协调"):
        services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="再次",
                                           enforcement_plan="方案")


def test_a_dispute_goes_to_the_meeting_only_after_consultation_failed_within_its_limit(world, settings):
    settings.MEETINGS_CONSULTATION_WORKING_DAYS = 10
    today = timezone.localdate()
    data = {"units": world.units[:2], "title": "查封房产的协助职责争议", "description": "双方对由谁办理存在分歧",
            "consultation_summary": "11月2日双方磋商，未达成一致"}
    recent = today - datetime.timedelta(days=3)
    with pytest.raises(ApplicationError, match="先由双方磋商") as error:
        services.escalate_dispute(actor=world.liaisons[0], consultation_started_on=recent, **data)
    assert error.value.field == "consultation_started_on"
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        services.escalate_dispute(actor=world.liaisons[0], consultation_started_on=today + datetime.timedelta(days=1),
                                  **data)
    with pytest.raises(ApplicationError, match="磋商情况"):
        services.escalate_dispute(actor=world.liaisons[0], consultation_started_on="2026-10-09",
                                  **{**data, "consultation_summary": ""})
    with pytest.raises(PermissionDenied, match="争议一方"):
        services.escalate_dispute(actor=world.liaisons[2], consultation_started_on="2026-10-09", **data)
    with pytest.raises(ApplicationError, match="至少两个"):
        services.escalate_dispute(actor=world.liaisons[0], consultation_started_on="2026-10-09",
                                  **{**data, "units": world.units[:1]})
    assert not AgendaItem.objects.exists()

    item = services.escalate_dispute(actor=world.liaisons[0], consultation_started_on="2026-10-09", **data)
    assert item.consultation_started_on == datetime.date(2026, 10, 9)
    # 10 working days from Fri 9 Oct 2026 (day 0; Sat 10 Oct is a make-up working day): the close of Thu 22 Oct.
    assert timezone.localtime(item.consultation_due_at).date() == datetime.date(2026, 10, 22)
    assert item.proposing_organisation == world.units[0]
    # The court may escalate a dispute between two units it is not a party to.
    services.escalate_dispute(actor=world.clerk, consultation_started_on="2026-10-09",
                              **{**data, "units": world.units[1:], "title": "另一争议"})


def test_a_contested_review_suggestion_can_be_brought_by_the_unit(world):
    notice = draft_notice(world.clerk, world.case, world.units[0], measure="freeze",
                          items=[{"property_kind": "bank_account", "identifier": "6222", "description": "冻结存款"}])
    advance(notice, "acknowledged", clerk=world.clerk, leader=world.leader, liaison=world.liaisons[0])
    with pytest.raises(ApplicationError, match="没有待审查或未被采纳的审查建议"):
        services.propose_contested_review(actor=world.liaisons[0], notice=notice, description="有异议")
    suggestion = notice_services.raise_review_suggestion(actor=world.liaisons[0], notice=notice,
                                                         reason="账户为社保专户，不应冻结")
    notice_services.decide_review_suggestion(actor=world.clerk, suggestion=suggestion, upheld=False,
                                             reason="非社保专户")
    with pytest.raises(PermissionDenied):
        services.propose_contested_review(actor=world.liaisons[1], notice=notice, description="有异议")
    item = services.propose_contested_review(actor=world.liaisons[0], notice=notice, description="本局仍有异议")
    assert item.kind == "review" and list(item.notices.all()) == [notice]
    assert "账户为社保专户" in item.description and "不成立" in item.description
    assert list(item.units.all()) == [world.units[0]]


def test_the_committee_accepts_or_declines_with_a_reason(world):
    first = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="甲",
                                               enforcement_plan="方案")
    meeting = make_meeting(world, starts_at=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.accept_item(actor=world.clerk, item=first, meeting=meeting)
    with pytest.raises(ApplicationError, match="不予列入的理由"):
        services.decline_item(actor=world.committee, item=first, reason="")
    services.accept_item(actor=world.committee, item=first, meeting=meeting)
    first.refresh_from_db()
    assert (first.state, first.meeting, first.position) == (ItemState.ACCEPTED, meeting, 1)
    with pytest.raises(TransitionNotAllowed):
        services.decline_item(actor=world.committee, item=first, reason="重复")
    dispute = services.escalate_dispute(actor=world.liaisons[0], units=world.units[:2], title="争议",
                                        description="说明", consultation_started_on="2026-10-09",
                                        consultation_summary="未达成一致")
    services.decline_item(actor=world.committee, item=dispute, reason="双方已达成一致，无需上会")
    dispute.refresh_from_db()
    assert dispute.state == ItemState.DECLINED and dispute.decision_reason == "双方已达成一致，无需上会"
    assert dispute.decided_by == world.committee
    published = published_meeting(world, title="已印发的会议", number="荔政法纪〔2026〕9号")
    other = services.escalate_dispute(actor=world.liaisons[1], units=world.units[1:], title="争议二", description="说明",
                                      consultation_started_on="2026-10-09", consultation_summary="未达成一致")
    with pytest.raises(ApplicationError, match="不能再增加议题"):
        services.accept_item(actor=world.committee, item=other, meeting=published)
    services.withdraw_item(actor=world.liaisons[1], item=other, reason="已自行解决")
    assert AgendaItem.objects.get(pk=other.pk).state == ItemState.WITHDRAWN


def test_publishing_marks_the_agenda_discussed(world):
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="甲",
                                              enforcement_plan="方案")
    meeting = make_meeting(world)
    services.accept_item(actor=world.committee, item=item, meeting=meeting)
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    services.hold_meeting(actor=world.committee, meeting=meeting)
    services.add_decision(actor=world.committee, meeting=meeting, item=item, responsible_unit=world.units[0],
                          task="协助查找", due_on=timezone.localdate())
    services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕4号")
    item.refresh_from_db()
    assert item.state == ItemState.DISCUSSED
    assert item.decisions.get().item == item


# ------------------------------------------------------------------------------------------- decisions


def test_decisions_are_recorded_only_while_the_meeting_is_held_and_with_valid_input(world):
    meeting = make_meeting(world)
    with pytest.raises(TransitionNotAllowed, match="议定事项在会议召开后"):
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0], task="甲",
                              due_on=timezone.localdate())
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    services.hold_meeting(actor=world.committee, meeting=meeting)
    # The day before the meeting's own (local) day: it began an hour ago, which after midnight is yesterday.
    yesterday = timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=1)
    cases = [
        ({"task": "", "due_on": timezone.localdate()}, "task", "议定事项内容"),
        ({"task": "甲", "due_on": yesterday}, "due_on", "不能早于会议召开日期"),
        ({"task": "甲", "due_on": "明天"}, "due_on", "YYYY-MM-DD"),
        ({"task": "甲", "due_on": timezone.localdate(), "responsible_unit": world.committee.organisation},
         "responsible_unit", "责任单位"),
    ]
    for data, field, message in cases:
        data = {"responsible_unit": world.units[0], **data}
        with pytest.raises(ApplicationError, match=message) as error:
            services.add_decision(actor=world.committee, meeting=meeting, **data)
        assert error.value.field == field
    assert not Decision.objects.exists()
    first = services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[0],
                                  task="甲", due_on=timezone.localdate())
    second = services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.court,
                                   task="法院制定处置方案", due_on=timezone.localdate())
    assert (first.position, second.position) == (1, 2)
    services.cancel_decision(actor=world.committee, decision=first, reason="记录有误")
    first.refresh_from_db()
    assert first.state == DecisionState.CANCELLED and first.cancelled_at
    assert Decision.objects.count() == 2  # kept


def test_the_unit_replies_and_the_committee_completes_or_sends_back(world):
    meeting = published_meeting(world)
    decision = meeting.decisions.get(position=1)
    liaison = world.liaisons[0]
    with pytest.raises(PermissionDenied):
        services.reply_to_decision(actor=world.liaisons[1], decision=decision, text="不是本单位")
    with pytest.raises(ApplicationError, match="请填写落实情况") as error:
        services.reply_to_decision(actor=liaison, decision=decision, text="  ")
    assert error.value.field == "text"
    with pytest.raises(ApplicationError, match="不是可接受的文件类型"):
        services.reply_to_decision(actor=liaison, decision=decision, text="已落实",
                                   attachment=SimpleUploadedFile("说明.exe", b"MZ\x90\x00"))
    assert not DecisionReply.objects.exists()
    reply = services.reply_to_decision(actor=liaison, decision=decision, text="已找到被执行人并通知法院",
                                       attachment=SimpleUploadedFile("情况说明.pdf", PDF))
    decision.refresh_from_db()
    assert decision.state == DecisionState.REPLIED and decision.replied_at == reply.replied_at
    assert reply.attachment.original_name == "情况说明.pdf" and reply.attachment.content_type == "application/pdf"
    with pytest.raises(TransitionNotAllowed) as error:
        services.reply_to_decision(actor=liaison, decision=decision, text="再次回复")
    assert error.value.status_code == 409

    with pytest.raises(PermissionDenied):
        services.complete_decision(actor=liaison, decision=decision)
    with pytest.raises(ApplicationError, match="退回理由"):
        services.send_back_decision(actor=world.committee, decision=decision, reason="")
    with pytest.raises(ApplicationError, match="不能早于今天"):
        services.send_back_decision(actor=world.committee, decision=decision, reason="不完整",
                                    due_on=timezone.localdate() - datetime.timedelta(days=1))
    new_due = timezone.localdate() + datetime.timedelta(days=30)
    services.send_back_decision(actor=world.committee, decision=decision, reason="请补充查找经过", due_on=new_due)
    decision.refresh_from_db()
    assert decision.state == DecisionState.OPEN and decision.due_on == new_due
    services.reply_to_decision(actor=world.b_liaisons[0], decision=decision, text="补充：已于某日找到")
    services.complete_decision(actor=world.committee, decision=decision, reason="已落实")
    decision.refresh_from_db()
    assert decision.state == DecisionState.DONE and decision.done_at is not None
    events = list(DecisionEvent.objects.filter(decision=decision).order_by("at", "id")
                  .values_list("action", "from_state", "to_state", "actor"))
    assert events == [
        ("create", "", "open", world.committee.pk),
        ("reply", "open", "replied", liaison.pk),
        ("send_back", "replied", "open", world.committee.pk),
        ("reply", "open", "replied", world.b_liaisons[0].pk),
        ("complete", "replied", "done", world.committee.pk),
    ]
    assert DecisionEvent.objects.get(decision=decision, action="send_back").data["due_on"] == new_due.isoformat()
    assert decision.replies.count() == 2


def test_a_court_named_responsible_replies_through_its_clerk(world):
    meeting = held_meeting(world)
    decision = services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.court,
                                     task="法院提出处置方案", due_on=timezone.localdate())
    with pytest.raises(TransitionNotAllowed, match="纪要印发后"):
        services.reply_to_decision(actor=world.clerk, decision=decision, text="已提出")
    services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕8号")
    services.reply_to_decision(actor=world.clerk, decision=decision, text="已提出")
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.REPLIED


def test_overdue_is_derived_from_the_due_day(world):
    today = timezone.localdate()
    meeting = published_meeting(world, decisions=[(0, "甲", today), (1, "乙", today + datetime.timedelta(days=1))])
    first, second = meeting.decisions.order_by("position")
    assert not first.is_overdue(today) and first.is_overdue(today + datetime.timedelta(days=1))
    assert list(Decision.objects.overdue(today + datetime.timedelta(days=2))) == [first, second]
    services.reply_to_decision(actor=world.liaisons[0], decision=first, text="已办")
    assert list(Decision.objects.overdue(today + datetime.timedelta(days=2))) == [second]
