"""The annual assessment (年度考评) of member units' cooperation (荔政法〔2017〕72号 五: the court scores every unit each
year, the committee decides the scores, good units and people are commended, passive and slow units named).

One `Assessment` per jurisdiction and year carries the workflow (its table: `assessment/machines.py`), its criteria and weights
(`Criterion`), the scores people entered (`ScoreEntry`: the court's manual items, the committee's adjustments, each
with a reason), the commendations and criticism with their evidence (`Nomination`), and every change as an
`AssessmentEvent`. The metrics themselves are never stored: they are computed from the notices, reminders, list
pushes, screenings and meeting decisions (`assessment/metrics.py`). The one exception is the finalised scoreboard:
`ScoreboardVersion.data` freezes the whole board (metrics, scores, ranks, nominations, chart data) at the moment the
committee finalises, so later notices and calendar edits never change it; reopening and finalising again writes a
new version and keeps the old one. Rows are never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, BoundedTextField, NameValidator


class AssessmentState(models.TextChoices):
    PREPARING = "preparing", "准备中"
    SCORING = "scoring", "法院评分中"
    SUBMITTED = "submitted", "政法委审核中"
    FINALISED = "finalised", "已定稿"


ACTION_NAMES = {
    "create": "建立年度考评",
    "criteria_updated": "修改考评项目和分值",
    "start_scoring": "开始评分",
    "submit": "提交政法委审核",
    "return": "退回法院重新评分",
    "finalise": "定稿",
    "reopen": "重新打开",
    "score_entered": "法院评分",
    "score_adjusted": "政法委调整分数",
    "nomination_proposed": "提出建议名单",
    "nomination_withdrawn": "撤回建议",
    "nomination_approved": "政法委确定",
    "nomination_rejected": "政法委不予确定",
}


class Assessment(models.Model):
    """A jurisdiction's assessment of one year: the state of the workflow and who moved it (see the events)."""

    jurisdiction = models.ForeignKey(
        "members.Jurisdiction", verbose_name="辖区", on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("考评年度")
    state = models.CharField("状态", max_length=20, choices=AssessmentState.choices, default=AssessmentState.PREPARING)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度考评"
        verbose_name_plural = "年度考评"
        ordering = ["-year", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="one_assessment_per_jurisdiction_year"),
            models.CheckConstraint(condition=Q(year__gte=2004), name="assessment_year_known"),
        ]

    def __str__(self):
        return f"{self.jurisdiction.name}{self.year}年度执行联动工作考评"


class CriterionGroup(models.TextChoices):
    TIMELINESS = "timeliness", "及时性"
    COMPLETENESS = "completeness", "完整性"
    COOPERATION = "cooperation", "配合度"
    JUDGEMENT = "judgement", "政法委评价"


class CriterionSource(models.TextChoices):
    AUTO = "auto", "按指标自动计分"
    COURT = "court", "法院评分"
    COMMITTEE = "committee", "政法委评分"


class Criterion(models.Model):
    """One line of the year's scheme: its points and how it is scored — from a metric (`method` names the rule in
    `assessment/criteria.py`) or by hand, by the court or by the committee. Editable only before scoring starts."""

    assessment = models.ForeignKey(Assessment, verbose_name="年度考评", on_delete=models.PROTECT,
                                   related_name="criteria")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("考评项目", max_length=60)
    group = models.CharField("类别", max_length=20, choices=CriterionGroup.choices)
    points = models.DecimalField("分值", max_digits=5, decimal_places=2)
    source = models.CharField("评分方式", max_length=20, choices=CriterionSource.choices)
    method = models.CharField("计分规则", max_length=40, blank=True, help_text="自动计分项目所用的指标规则")
    description = models.CharField("评分说明", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "考评项目"
        verbose_name_plural = "考评项目"
        ordering = ["assessment", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="criterion_code_unique_in_assessment"),
            models.CheckConstraint(condition=Q(points__gte=0) & Q(points__lte=100), name="criterion_points_range"),
            models.CheckConstraint(condition=~Q(source="auto") | ~Q(method=""), name="auto_criterion_has_method"),
        ]

    def __str__(self):
        return f"{self.name}（{self.points}分）"


class ScoreStage(models.TextChoices):
    COURT = "court", "法院评分"
    COMMITTEE = "committee", "政法委调整"


class ScoreEntry(models.Model):
    """A score somebody gave a unit on one criterion, with the reason: the court's manual items while scoring, the
    committee's adjustments while reviewing (which override whatever the court or the metric gave). A newer entry
    for the same unit, criterion and stage replaces the current one; the old row stays, no longer current."""

    assessment = models.ForeignKey(Assessment, verbose_name="年度考评", on_delete=models.PROTECT,
                                   related_name="score_entries")
    unit = models.ForeignKey("members.Organisation", verbose_name="成员单位", on_delete=models.PROTECT,
                             related_name="+")
    criterion = models.ForeignKey(Criterion, verbose_name="考评项目", on_delete=models.PROTECT,
                                  related_name="entries")
    stage = models.CharField("环节", max_length=20, choices=ScoreStage.choices)
    points = models.DecimalField("得分", max_digits=5, decimal_places=2)
    reason = BoundedTextField("理由", max_chars=REASON_MAX)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评分人", on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField("评分时间")
    is_current = models.BooleanField("现行", default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "评分记录"
        verbose_name_plural = "评分记录"
        ordering = ["assessment", "unit", "criterion", "entered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "unit", "criterion", "stage"], condition=Q(is_current=True),
                                    name="one_current_score_per_stage"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.criterion.name} {self.points}（{self.get_stage_display()}）"


class NominationKind(models.TextChoices):
    COMMEND_UNIT = "commend_unit", "表彰单位"
    COMMEND_PERSON = "commend_person", "表彰个人"
    CRITICISE_UNIT = "criticise_unit", "通报批评"


class NominationState(models.TextChoices):
    PROPOSED = "proposed", "待政法委确定"
    APPROVED = "approved", "已确定"
    REJECTED = "rejected", "不予确定"
    WITHDRAWN = "withdrawn", "已撤回"


class Nomination(models.Model):
    """A commendation of a unit or a person, or the criticism of a passive or slow unit: proposed by the court with
    its evidence, decided by the committee (荔政法〔2017〕72号 五、3-4). `metrics` keeps the unit's figures as they were
    when proposed, so the evidence does not drift with later data."""

    assessment = models.ForeignKey(Assessment, verbose_name="年度考评", on_delete=models.PROTECT,
                                   related_name="nominations")
    kind = models.CharField("类别", max_length=20, choices=NominationKind.choices)
    unit = models.ForeignKey("members.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField("个人姓名", max_length=30, blank=True, validators=[NameValidator("个人姓名")])
    person_position = models.CharField("职务", max_length=50, blank=True)
    evidence = BoundedTextField("事实和依据", max_chars=REASON_MAX)
    metrics = models.JSONField("提出时的考评指标", default=dict, blank=True)
    state = models.CharField("状态", max_length=20, choices=NominationState.choices,
                             default=NominationState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField("提出时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = BoundedTextField("决定意见", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰与批评建议"
        verbose_name_plural = "表彰与批评建议"
        ordering = ["assessment", "kind", "proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="commend_person", person_name__gt="") | (~Q(kind="commend_person") & Q(person_name="")),
                name="person_named_only_for_personal_commendation",
            ),
        ]

    def __str__(self):
        subject = f"{self.unit.short_name} {self.person_name}".strip()
        return f"{self.get_kind_display()}：{subject}（{self.get_state_display()}）"


class ScoreboardVersion(models.Model):
    """A finalised scoreboard, frozen: `data` holds every figure shown on the page, the PDF and the Excel file at
    the moment of finalising (this is the only place the app stores computed figures, on purpose). Reopening keeps
    this row; the next finalisation writes version n+1."""

    assessment = models.ForeignKey(Assessment, verbose_name="年度考评", on_delete=models.PROTECT,
                                   related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    data = models.JSONField("定稿数据")
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="定稿人", on_delete=models.PROTECT,
                                     related_name="+")
    finalised_at = models.DateTimeField("定稿时间")
    reason = BoundedTextField("说明", blank=True, max_chars=REASON_MAX)
    reopened_at = models.DateTimeField("重新打开时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "定稿版本"
        verbose_name_plural = "定稿版本"
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="scoreboard_version_unique"),
        ]

    def __str__(self):
        return f"{self.assessment} 第{self.number}版"


class AssessmentEvent(EventBase):
    """One step of an assessment's history: who, when, which move, from which state to which, why, and about which
    unit or nomination. Rows are never changed."""

    assessment = models.ForeignKey(Assessment, verbose_name="年度考评", on_delete=models.PROTECT,
                                   related_name="events")
    unit = models.ForeignKey("members.Organisation", verbose_name="单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    nomination = models.ForeignKey(Nomination, verbose_name="建议", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="events")
    ACTIONS = ACTION_NAMES
    STATES = AssessmentState

    class Meta(EventBase.Meta):
        verbose_name = "考评记录"
        verbose_name_plural = "考评记录"
        ordering = ["assessment", "at", "id"]
        indexes = [models.Index(fields=["assessment", "at"], name="assessment_event_at")]


from .accountability_models import *  # noqa: E402,F401,F403  the yearly accountability documents (issue 23)
