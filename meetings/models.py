"""Joint meetings (联席会议): the meeting with its attendance and agenda, the items brought to it (a case for
coordination, a dispute between units, a contested review suggestion), the decisions it takes and follows up like
notices, and the court's annual report to the committee.

Each stateful model's table (its moves and who may make each) is a `linkage.statemachine.Machine` in
`meetings/machines.py`; the history labels are the `*_ACTIONS` here. Every move is one service in
`meetings/services/` that locks the row, checks the move and writes an event row (who, when, from, to, why). Nothing is deleted: a mistaken row is cancelled or withdrawn.
Overdue is never stored: it is derived from `Decision.due_on` and the clock (`DecisionQuerySet.overdue`).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.dates import PastDateValidator
from linkage.statemachine import EventBase
from linkage.text import DOCUMENT_MAX, REASON_MAX, TEXT_MAX, BoundedTextField, NameValidator

from .querysets import AgendaItemQuerySet, AnnualReportQuerySet, DecisionQuerySet, MeetingQuerySet

# ------------------------------------------------------------------------------------------------ meetings


class MeetingKind(models.TextChoices):
    ANNUAL = "annual", "年度总结会议"
    COORDINATION = "coordination", "案件协调会议"
    DISPUTE = "dispute", "争议协调会议"
    AD_HOC = "ad_hoc", "临时会议"


class MeetingState(models.TextChoices):
    DRAFT = "draft", "筹备中"
    SCHEDULED = "scheduled", "已通知"
    HELD = "held", "已召开"
    PUBLISHED = "published", "纪要已印发"
    CANCELLED = "cancelled", "已取消"


MEETING_ACTIONS = {
    "create": "创建会议",
    "update": "修改会议信息",
    "schedule": "发出会议通知",
    "hold": "登记会议已召开",
    "publish": "印发会议纪要",
    "cancel": "取消会议",
    "attendance_added": "增加参会单位",
    "attendance_changed": "登记出席情况",
    "attendance_removed": "取消邀请",
    "item_accepted": "列入议题",
    "decision_added": "记录议定事项",
    "decision_cancelled": "撤销议定事项",
    "summary_updated": "修改纪要正文",
}


class Meeting(models.Model):
    """One joint meeting of a jurisdiction: convened by the committee, with its attendance, agenda and decisions.
    The minutes' document number is given when the minutes are published and is unique."""

    jurisdiction = models.ForeignKey(
        "members.Jurisdiction", verbose_name="辖区", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    starts_at = models.DateTimeField("召开时间")
    place = models.CharField("会议地点", max_length=200)
    convenor = models.CharField("召集人", max_length=100, validators=[NameValidator("召集人")])
    chair = models.CharField("主持人", max_length=100, validators=[NameValidator("主持人")])
    state = models.CharField("状态", max_length=20, choices=MeetingState.choices, default=MeetingState.DRAFT)
    document_number = models.CharField("纪要文号", max_length=60, blank=True)
    summary = BoundedTextField("纪要正文", blank=True, help_text="会议概况和议定意见；议定事项逐项列于其后", max_chars=DOCUMENT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    scheduled_at = models.DateTimeField("通知时间", null=True, blank=True)
    held_at = models.DateTimeField("登记召开时间", null=True, blank=True)
    published_at = models.DateTimeField("纪要印发时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "-starts_at"], name="meeting_jurisdiction_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"], condition=~Q(document_number=""), name="meeting_document_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | ~Q(document_number=""), name="published_minutes_have_number"
            ),
        ]

    def __str__(self):
        return f"{self.title}（{timezone.localtime(self.starts_at):%Y-%m-%d}）"

    @property
    def is_open_for_records(self):
        """Attendance and decisions may still be recorded (before the minutes are published)."""
        return self.state in (MeetingState.DRAFT, MeetingState.SCHEDULED, MeetingState.HELD)


class AttendanceStatus(models.TextChoices):
    ATTENDING = "attending", "出席"
    ON_LEAVE = "on_leave", "请假"
    OBSERVING = "observing", "列席"


class Attendance(models.Model):
    """A unit (and the person it sends) at a meeting: 出席, 请假 or 列席. A row added by mistake is withdrawn
    (`withdrawn_at`), never deleted."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="attendances")
    organisation = models.ForeignKey(
        "members.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="meeting_attendances"
    )
    person_name = models.CharField("姓名", max_length=30, blank=True, validators=[NameValidator("姓名")])
    position = models.CharField("职务", max_length=50, blank=True)
    status = models.CharField("出席情况", max_length=20, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.ATTENDING)
    withdrawn_at = models.DateTimeField("取消邀请时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "参会情况"
        verbose_name_plural = "参会情况"
        ordering = ["meeting", "organisation__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], condition=Q(withdrawn_at__isnull=True),
                name="one_attendance_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "meeting"], name="attendance_unit_meeting")]

    def __str__(self):
        return f"{self.organisation.short_name} {self.person_name}（{self.get_status_display()}）"


# ------------------------------------------------------------------------------------------ agenda items


class ItemKind(models.TextChoices):
    COORDINATION = "coordination", "案件协调"
    DISPUTE = "dispute", "部门争议"
    REVIEW = "review", "审查建议争议"


class CoordinationGround(models.TextChoices):
    """荔政法〔2017〕72号 三（四）: which cases the court brings to the joint meeting."""

    MAJOR = "major", "重大、疑难、复杂的执行案件"
    STABILITY = "stability", "可能影响社会稳定的案件"
    MULTIPLE_UNITS = "multiple_units", "涉及多个协助执行部门的案件"


class ItemState(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    ACCEPTED = "accepted", "已列入议程"
    DISCUSSED = "discussed", "已审议"
    DECLINED = "declined", "不予列入"
    WITHDRAWN = "withdrawn", "已撤回"


ITEM_ACTIONS = {
    "propose": "提请",
    "accept": "列入会议议程",
    "decline": "不予列入",
    "withdraw": "撤回",
    "discuss": "会议已审议",
    "release": "会议取消，退回待审核",
    "notice_linked": "关联通知书",
}


class AgendaItem(models.Model):
    """A matter brought to the joint meeting: a case with the court's enforcement plan (三（四）), a dispute between
    units after consultation failed within its time limit (三（六）), or a notice whose review suggestion is
    contested. The committee puts it on a meeting's agenda or declines it with a reason."""

    kind = models.CharField("议题类型", max_length=20, choices=ItemKind.choices)
    jurisdiction = models.ForeignKey(
        "members.Jurisdiction", verbose_name="辖区", on_delete=models.PROTECT, related_name="agenda_items"
    )
    title = models.CharField("议题", max_length=200)
    description = BoundedTextField("情况说明", max_chars=TEXT_MAX)
    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    ground = models.CharField("提请理由", max_length=20, choices=CoordinationGround.choices, blank=True)
    enforcement_plan = BoundedTextField("执行方案", blank=True, max_chars=TEXT_MAX)
    units = models.ManyToManyField(
        "members.Organisation", verbose_name="涉及单位", blank=True, related_name="agenda_items"
    )
    notices = models.ManyToManyField(
        "assistance.Notice", verbose_name="关联通知书", blank=True, related_name="agenda_items"
    )
    consultation_started_on = models.DateField(
        "磋商开始日期", null=True, blank=True, validators=[PastDateValidator("磋商开始日期")]
    )
    consultation_due_at = models.DateTimeField("磋商时限届满", null=True, blank=True)
    consultation_summary = BoundedTextField("磋商情况", blank=True, max_chars=TEXT_MAX)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提请人", on_delete=models.PROTECT, related_name="+"
    )
    proposing_organisation = models.ForeignKey(
        "members.Organisation", verbose_name="提请单位", on_delete=models.PROTECT, related_name="proposed_items"
    )
    proposed_at = models.DateTimeField("提请时间", auto_now_add=True)
    state = models.CharField("状态", max_length=20, choices=ItemState.choices, default=ItemState.PROPOSED)
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    position = models.PositiveSmallIntegerField("议程序号", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = BoundedTextField("审核意见", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["state", "jurisdiction"], name="item_state_jurisdiction")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "discussed"]) | Q(meeting__isnull=False),
                name="agenda_item_on_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dispute") | Q(consultation_started_on__isnull=False),
                name="dispute_has_consultation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="coordination") | (Q(case__isnull=False) & ~Q(enforcement_plan="")),
                name="coordination_has_case_and_plan",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


# --------------------------------------------------------------------------------------------- decisions


class DecisionState(models.TextChoices):
    OPEN = "open", "待落实"
    REPLIED = "replied", "已回复"
    DONE = "done", "已办结"
    CANCELLED = "cancelled", "已撤销"


DECISION_ACTIONS = {
    "create": "记录议定事项",
    "reply": "回复落实情况",
    "complete": "确认办结",
    "send_back": "退回继续落实",
    "cancel": "撤销",
}


class Decision(models.Model):
    """One decision of a meeting (议定事项): a responsible unit, a task, a due date. Followed up like a notice: the
    unit's liaisons see it once the minutes are published, reply, and are reminded on the same ladder; the
    committee marks it done or sends it back. Overdue (open past `due_on`) is derived, never stored.

    The field names are a contract: the annual assessment reads `responsible_unit`, `due_on`, `state`,
    `replied_at` and `done_at`."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="decisions")
    item = models.ForeignKey(
        AgendaItem, verbose_name="议题", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField("序号")
    responsible_unit = models.ForeignKey(
        "members.Organisation", verbose_name="责任单位", on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    task = BoundedTextField("议定事项", max_chars=REASON_MAX)
    due_on = models.DateField("完成期限")
    state = models.CharField("状态", max_length=20, choices=DecisionState.choices, default=DecisionState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["meeting", "position"]
        indexes = [
            models.Index(fields=["responsible_unit", "state", "due_on"], name="decision_unit_state_due"),
            models.Index(fields=["state", "due_on"], name="decision_state_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="decision_position_unique"),
            models.CheckConstraint(condition=~Q(state="done") | Q(done_at__isnull=False), name="done_decision_dated"),
        ]

    def __str__(self):
        return f"{self.meeting.title} 第{self.position}项（{self.responsible_unit.short_name}）"

    @property
    def due_at(self):
        """The close of the due day, Asia/Shanghai: the moment the reminder ladder is keyed on."""
        from linkage.workdays import TIMEZONE

        return datetime.datetime.combine(self.due_on, datetime.time(23, 59, 59), tzinfo=TIMEZONE)

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.state == DecisionState.OPEN and self.due_on < today


def reply_attachment_path(instance, filename):
    # Outside the web root under an unguessable name; the original name is kept in the row.
    return f"decisions/{instance.reply.decision_id}/{uuid.uuid4().hex}"


class DecisionReply(models.Model):
    """The responsible unit's account of what it did. A decision sent back is answered again: every reply is
    kept."""

    decision = models.ForeignKey(Decision, verbose_name="议定事项", on_delete=models.PROTECT, related_name="replies")
    text = BoundedTextField("落实情况", max_chars=TEXT_MAX)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回复人", on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField("回复时间")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "落实情况回复"
        verbose_name_plural = "落实情况回复"
        ordering = ["decision", "replied_at", "id"]

    def __str__(self):
        return f"{self.decision} 的回复"


class DecisionReplyAttachment(models.Model):
    """A scan (PDF or image) with a reply, served only to those who may see the decision."""

    reply = models.OneToOneField(DecisionReply, verbose_name="回复", on_delete=models.PROTECT,
                                 related_name="attachment")
    file = models.FileField("文件", upload_to=reply_attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "回复附件"
        verbose_name_plural = "回复附件"

    def __str__(self):
        return self.original_name


# ----------------------------------------------------------------------------------------- annual report


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已报送"


REPORT_ACTIONS = {"create": "生成报告", "edit": "修改报告", "regenerate": "重新生成数据", "send": "报送政法委"}


class AnnualReport(models.Model):
    """The court's yearly report of the linkage work to the committee (荔政法〔2017〕72号 三（三）: 区人民法院每年将执行
    联动工作情况进行总结，并向区委政法委报告). `figures` freezes the year's numbers as generated; `text` is what the
    clerk edited and sent."""

    court = models.ForeignKey(
        "members.Organisation", verbose_name="法院", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    text = BoundedTextField("报告正文", max_chars=DOCUMENT_MAX)
    figures = models.JSONField("年度数据", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    generated_at = models.DateTimeField("数据生成时间")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "年度执行联动工作报告"
        verbose_name_plural = "年度执行联动工作报告"
        ordering = ["-year", "court_id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "year"], name="one_report_per_court_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="report_year_range"),
        ]

    def __str__(self):
        return self.title


# ------------------------------------------------------------------------------------------------ events


class MeetingEvent(EventBase):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="events")
    ACTIONS = MEETING_ACTIONS
    STATES = MeetingState

    class Meta(EventBase.Meta):
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"


class AgendaItemEvent(EventBase):
    item = models.ForeignKey(AgendaItem, verbose_name="议题", on_delete=models.PROTECT, related_name="events")
    ACTIONS = ITEM_ACTIONS
    STATES = ItemState

    class Meta(EventBase.Meta):
        verbose_name = "议题记录"
        verbose_name_plural = "议题记录"


class DecisionEvent(EventBase):
    decision = models.ForeignKey(Decision, verbose_name="议定事项", on_delete=models.PROTECT, related_name="events")
    ACTIONS = DECISION_ACTIONS
    STATES = DecisionState

    class Meta(EventBase.Meta):
        verbose_name = "议定事项记录"
        verbose_name_plural = "议定事项记录"


class AnnualReportEvent(EventBase):
    report = models.ForeignKey(AnnualReport, verbose_name="报告", on_delete=models.PROTECT, related_name="events")
    ACTIONS = REPORT_ACTIONS
    STATES = ReportState

    class Meta(EventBase.Meta):
        verbose_name = "报告记录"
        verbose_name_plural = "报告记录"

from .briefing_models import *  # noqa: E402,F401,F403 - the committee's briefings (通报)
