"""The tables of the meetings app: for a meeting, an agenda item, a decision and an annual report, which moves each
state allows and who may make each. The services move rows only through these; the pages and their buttons ask
`actions_for(user, row)`. A move whose target is None changes no state (an amendment, allowed in those states).

Who does what (荔政法〔2017〕72号 三): the committee of the jurisdiction convenes the meeting, decides the agenda, records
and follows up the decisions; the proposing unit withdraws its own proposal; the responsible unit (a court through
its clerks) replies to its decisions; the court's clerk drafts and sends the annual report.
"""

from linkage.statemachine import Machine, Move, Role, clerk_of, committee_of

from .models import (
    DECISION_ACTIONS,
    ITEM_ACTIONS,
    MEETING_ACTIONS,
    REPORT_ACTIONS,
    AgendaItemEvent,
    AnnualReportEvent,
    DecisionEvent,
    DecisionState,
    ItemState,
    MeetingEvent,
    MeetingState,
    ReportState,
)

COMMITTEE_ONLY = "只有政法委可以办理联席会议事务。"
OTHER_JURISDICTION = "只能办理本辖区的联席会议事务。"

committee = committee_of("jurisdiction_id", COMMITTEE_ONLY, OTHER_JURISDICTION)
committee_of_meeting = committee_of("meeting.jurisdiction_id", COMMITTEE_ONLY, OTHER_JURISDICTION)


def _of_proposer(actor, item):
    return (actor.is_clerk or actor.is_liaison) and actor.organisation_id == item.proposing_organisation_id


def _of_responsible_unit(actor, decision):
    # A unit acts through its liaisons; a court (itself a unit a decision may name) through its clerks.
    return (actor.is_liaison or actor.is_clerk) and actor.organisation_id == decision.responsible_unit_id


PREPARING = {MeetingState.DRAFT, MeetingState.SCHEDULED}
OPEN_FOR_RECORDS = {MeetingState.DRAFT, MeetingState.SCHEDULED, MeetingState.HELD}

MEETING = Machine(
    noun="会议",
    event_model=MeetingEvent,
    event_field="meeting",
    related=("jurisdiction",),
    moves={
        "update": Move(PREPARING, None, "修改会议信息", committee),
        "attendance_added": Move(OPEN_FOR_RECORDS, None, "再增加参会单位", committee),
        "attendance_changed": Move(OPEN_FOR_RECORDS, None, "再登记出席情况", committee),
        "attendance_removed": Move(PREPARING, None, "取消邀请", committee,
                                   refusal="会议召开后不能取消邀请；未到会的请登记为请假。"),
        "item_accepted": Move(PREPARING, None, "再增加议题", committee),
        "schedule": Move({MeetingState.DRAFT}, MeetingState.SCHEDULED, MEETING_ACTIONS["schedule"], committee),
        "hold": Move({MeetingState.SCHEDULED}, MeetingState.HELD, MEETING_ACTIONS["hold"], committee),
        "decision_added": Move({MeetingState.HELD}, None, "记录议定事项", committee,
                               refusal="会议当前状态为“{state}”：议定事项在会议召开后、纪要印发前记录。"),
        "summary_updated": Move({MeetingState.HELD}, None, "编写纪要正文", committee,
                                refusal="会议召开后、纪要印发前才能编写纪要正文。"),
        "publish": Move({MeetingState.HELD}, MeetingState.PUBLISHED, MEETING_ACTIONS["publish"], committee),
        "cancel": Move(PREPARING, MeetingState.CANCELLED, MEETING_ACTIONS["cancel"], committee),
    },
    names=MEETING_ACTIONS,
)

ITEM = Machine(
    noun="议题",
    event_model=AgendaItemEvent,
    event_field="item",
    moves={
        "notice_linked": Move({ItemState.PROPOSED, ItemState.ACCEPTED}, None, "再关联通知书",
                              Role(_of_proposer, "只有提请单位可以关联通知书。")),
        "accept": Move({ItemState.PROPOSED}, ItemState.ACCEPTED, ITEM_ACTIONS["accept"], committee),
        "decline": Move({ItemState.PROPOSED}, ItemState.DECLINED, ITEM_ACTIONS["decline"], committee),
        "withdraw": Move({ItemState.PROPOSED}, ItemState.WITHDRAWN, ITEM_ACTIONS["withdraw"],
                         Role(_of_proposer, "只有提请单位可以撤回。")),
        # Made by the committee through the meeting: publishing its minutes, calling it off.
        "discuss": Move({ItemState.ACCEPTED}, ItemState.DISCUSSED, ITEM_ACTIONS["discuss"], committee),
        "release": Move({ItemState.ACCEPTED}, ItemState.PROPOSED, ITEM_ACTIONS["release"], committee),
    },
    names=ITEM_ACTIONS,
)

DECISION = Machine(
    noun="议定事项",
    event_model=DecisionEvent,
    event_field="decision",
    related=("meeting", "responsible_unit"),
    moves={
        "reply": Move({DecisionState.OPEN}, DecisionState.REPLIED, DECISION_ACTIONS["reply"],
                      Role(_of_responsible_unit, "只有责任单位的联络员可以办理。")),
        "complete": Move({DecisionState.REPLIED}, DecisionState.DONE, DECISION_ACTIONS["complete"],
                         committee_of_meeting),
        "send_back": Move({DecisionState.REPLIED}, DecisionState.OPEN, DECISION_ACTIONS["send_back"],
                          committee_of_meeting),
        "cancel": Move({DecisionState.OPEN}, DecisionState.CANCELLED, DECISION_ACTIONS["cancel"], committee_of_meeting),
    },
    names=DECISION_ACTIONS,
)

report_clerk = clerk_of("court_id", "只有本院执行员可以起草和报送年度执行联动工作报告。")

REPORT = Machine(
    noun="报告",
    event_model=AnnualReportEvent,
    event_field="report",
    related=("court",),
    moves={
        "edit": Move({ReportState.DRAFT}, None, REPORT_ACTIONS["edit"], report_clerk, refusal="报告已报送，不能再修改。"),
        "regenerate": Move({ReportState.DRAFT}, None, REPORT_ACTIONS["regenerate"], report_clerk,
                           refusal="报告已报送，不能重新生成。"),
        "send": Move({ReportState.DRAFT}, ReportState.SENT, REPORT_ACTIONS["send"], report_clerk),
    },
    names=REPORT_ACTIONS,
)

