"""Assistance notices (协助执行通知书) from draft to reply, with their items, events, replies, attachments,
extension requests and review suggestions.

The moves of a notice, an extension request and a review suggestion, and who may make each, are the machines at
`assistance/machines.py` (`NOTICE_MACHINE`, `EXTENSION_MACHINE`, `REVIEW_MACHINE`); every move is one service in
`assistance/services/` that locks the row, checks the move and writes a `NoticeEvent` (who, when, from, to, why).
Overdue is never stored: it is derived from `due_at` and the clock (`assistance/querysets.py`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.dates import PastDateValidator
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField

from .querysets import OPEN_STATES, NoticeQuerySet, is_overdue


class NoticeState(models.TextChoices):
    DRAFT = "draft", "草稿"
    RETURNED = "returned", "退回修改"
    SIGNED = "signed", "已签发"
    SERVED = "served", "已送达"
    ACKNOWLEDGED = "acknowledged", "已签收"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已办结"
    LIFTING = "lifting", "解除待签发"
    LIFTED = "lifted", "已解除"
    LIFT_ACKNOWLEDGED = "lift_acknowledged", "已确认解除"
    WITHDRAWN = "withdrawn", "已撤回"


# States a liaison may see: from service on.
SERVED_STATES = (
    NoticeState.SERVED, NoticeState.ACKNOWLEDGED, NoticeState.REPLIED, NoticeState.CLOSED, NoticeState.LIFTING,
    NoticeState.LIFTED, NoticeState.LIFT_ACKNOWLEDGED,
)
# States whose measure the unit still carries out: a lifting may be drafted from them.
IN_FORCE_STATES = (NoticeState.SERVED, NoticeState.ACKNOWLEDGED, NoticeState.REPLIED, NoticeState.CLOSED)


class LiftGround(models.TextChoices):
    PERFORMED = "performed", "被执行人已履行完毕"
    SECURITY = "security", "被执行人提供担保"
    CONCLUDED = "concluded", "案件已执行完毕或终结"
    APPLICANT_WITHDREW = "applicant_withdrew", "申请执行人同意解除"


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "个工作日"
    CALENDAR_DAYS = "calendar_days", "日"
    HOURS = "hours", "小时"


class DeadlineRule(models.Model):
    """How long a unit has for a measure. A row without a unit is the default for the measure; a row with a unit
    overrides it for that unit. Defaults (domain rules): inquiry 3 working days, freeze/seal/seize/stop
    registration 1 working day, locate person and vehicle found 24 hours, anything else 5 working days."""

    measure = models.ForeignKey("members.Measure", verbose_name="措施", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "members.Organisation", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="deadline_rules", help_text="留空表示该措施的默认期限",
    )
    count = models.PositiveSmallIntegerField("期限数值")
    count_unit = models.CharField("期限单位", max_length=20, choices=DeadlineUnit.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "期限规则"
        verbose_name_plural = "期限规则"
        ordering = ["measure__sort_order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit"], name="one_rule_per_unit_measure"),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(unit__isnull=True), name="one_default_rule_per_measure"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="deadline_count_positive"),
        ]

    def __str__(self):
        return f"{self.measure.name}：{self.count}{self.get_count_unit_display()}"

    @property
    def text(self):
        return f"{self.count}{self.get_count_unit_display()}"


class NoticeBatch(models.Model):
    """One drafting session: the same request sent to several units, one notice per unit."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "通知批次"
        verbose_name_plural = "通知批次"

    def __str__(self):
        return f"批次 {self.pk}（{self.case}）"


class Notice(ChoiceLabels, models.Model):
    """A 协助执行通知书 from a court to one unit, for one measure against one debtor."""

    batch = models.ForeignKey(NoticeBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="notices")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="notices")
    # The case's court, kept on the notice so a clerk's visibility is one indexed filter (a case never moves court).
    court = models.ForeignKey(
        "members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT, related_name="notices_issued"
    )
    unit = models.ForeignKey(
        "members.Organisation", verbose_name="协助执行单位", on_delete=models.PROTECT, related_name="notices"
    )
    measure = models.ForeignKey("members.Measure", verbose_name="协助措施", on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT, related_name="notices")
    ruling_number = models.CharField("执行裁定书文号", max_length=60)
    legal_basis = models.CharField(
        "法律依据", max_length=300, default="《中华人民共和国民事诉讼法》第二百五十三条、第二百五十四条"
    )
    note = BoundedTextField("其他事项", blank=True, max_chars=REASON_MAX)
    state = models.CharField("状态", max_length=20, choices=NoticeState.choices, default=NoticeState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    served_at = models.DateTimeField("送达时间", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    deadline_provisional = models.BooleanField("期限暂定", default=False)
    deadline_rule = models.CharField("期限规则", max_length=50, blank=True)
    deadline_explanation = models.JSONField("期限计算说明", default=dict, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签收人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lift_ground = models.CharField("解除原因", max_length=30, choices=LiftGround.choices, blank=True)
    lift_reason = BoundedTextField("解除说明", blank=True, max_chars=REASON_MAX)
    # The lifting's own sign-off: drafted by a clerk from a state in force (kept to return to), signed by a leader
    # (served on the unit then), acknowledged by the unit online before `lift_due_at` (reminded like a notice).
    lifting_ruling_number = models.CharField("解除裁定书文号", max_length=60, blank=True)
    lifted_from = models.CharField("解除前状态", max_length=20, choices=NoticeState.choices, blank=True)
    lifting_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除起草人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # When the court stopped the unit's clock by drafting the lifting: the unit's part ends here, not at the
    # leader's signature (`lifted_at`), so a slow sign-off never makes the unit late.
    lifting_at = models.DateTimeField("拟解除时间", null=True, blank=True)
    lift_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除签发人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    lift_due_at = models.DateTimeField("确认解除期限", null=True, blank=True)
    lift_acknowledged_at = models.DateTimeField("确认解除时间", null=True, blank=True)
    lift_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认解除人", null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", verbose_name="替代的通知书", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A 续行冻结/续行查封 notice continues the measure of the notice it renews (assistance/terms.py).
    renews = models.ForeignKey("self", verbose_name="续行的原通知书", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="renewals")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "协助执行通知书"
        verbose_name_plural = "协助执行通知书"
        ordering = ["-created_at", "-id"]
        indexes = [
            # A unit's inbox is ordered by deadline with the id as tie-break, filtered by state or not: each index
            # serves the whole ORDER BY, so the first page reads 20 entries, not every open notice of the unit; and
            # it carries served_at (a unit sees only served notices), so the page count reads the index alone.
            models.Index(fields=["unit", "state", "due_at", "id"], include=["served_at"],
                         name="notice_unit_state_due_id"),
            models.Index(fields=["unit", "due_at", "id"], include=["served_at"], name="notice_unit_due_id"),
            # The court's list is ordered newest first with the id as tie-break: the index serves the whole ORDER BY.
            models.Index(fields=["court", "-created_at", "-id"], name="notice_court_created_id"),
            models.Index(fields=["state", "due_at"], name="notice_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned", "signed"]) | Q(state="withdrawn") | Q(served_at__isnull=False,
                                                                                       due_at__isnull=False),
                name="served_notice_has_clock",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} → {self.unit.short_name}（{self.measure.name}）"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def is_overdue(self, now=None):
        return is_overdue(self.state, self.due_at, now or timezone.now())


class PropertyKind(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "银行账户"
    REAL_ESTATE = "real_estate", "不动产"
    VEHICLE = "vehicle", "机动车"
    EQUITY = "equity", "股权"
    SOCIAL_SECURITY = "social_security", "社会保险"
    HOUSING_FUND = "housing_fund", "住房公积金"
    TAX_REFUND = "tax_refund", "退税款"
    SECURITIES = "securities", "证券"
    INSURANCE = "insurance", "保险"
    PERSON = "person", "人员下落"
    OTHER = "other", "其他"


class NoticeItem(ChoiceLabels, models.Model):
    """One thing the unit is asked to do, about one property: kind, identifier, amount or share, period."""

    notice = models.ForeignKey(Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    property_kind = models.CharField("财产类型", max_length=30, choices=PropertyKind.choices)
    identifier = models.CharField("账号/证号/车牌号", max_length=100, blank=True)
    holder = models.CharField("登记机构或开户行", max_length=100, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    share = models.CharField("份额", max_length=50, blank=True)
    period_months = models.PositiveSmallIntegerField("期限（月）", null=True, blank=True)
    description = BoundedTextField("协助事项", max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "协助事项"
        verbose_name_plural = "协助事项"
        ordering = ["notice_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="notice_item_position_unique"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="item_amount_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.description}"


class NoticeEvent(ChoiceLabels, EventBase):
    """One step of a notice's history: who did what, when, from which state to which, and why.
    The event table is the history page and the assessment's raw data; rows are never changed."""

    notice = models.ForeignKey(Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="events")

    STATES = NoticeState

    class Meta(EventBase.Meta):
        verbose_name = "通知书记录"
        verbose_name_plural = "通知书记录"
        ordering = ["notice_id", "at", "id"]
        indexes = [models.Index(fields=["notice", "at"], name="notice_event_at")]

    @property
    def action_display(self):
        from .machines import NOTICE_MACHINE

        return NOTICE_MACHINE.label(self.action)


class ReplyOutcome(models.TextChoices):
    DONE = "done", "已办理"
    PARTLY_DONE = "partly_done", "部分办理"
    NOT_FOUND = "not_found", "未查到"
    CANNOT_DO = "cannot_do", "无法办理"


class Reply(ChoiceLabels, models.Model):
    """The unit's answer to a notice, structured by measure (see `ReplyResult`), with free text and scans."""

    notice = models.OneToOneField(Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="reply")
    outcome = models.CharField("办理结果", max_length=20, choices=ReplyOutcome.choices)
    text = BoundedTextField("说明", blank=True, max_chars=TEXT_MAX)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回复人", on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField("回复时间")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "回复"
        verbose_name_plural = "回复"

    def __str__(self):
        return f"{self.notice} 的回复"


class ResultKind(models.TextChoices):
    ASSET = "asset", "查询到的财产"
    FREEZE = "freeze", "冻结/查封/扣押"
    LOCATION = "location", "下落"
    REGISTRATION = "registration", "登记"
    DEDUCTION = "deduction", "扣划/提取"
    MARRIAGE = "marriage", "婚姻登记"
    RELIEF = "relief", "社会救助办理结果"


class MaritalStatus(models.TextChoices):
    """What the marriage registry holds about a registration (no registration at all is the outcome 未查到)."""

    MARRIED = "married", "已婚"
    DIVORCED = "divorced", "离婚"
    WIDOWED = "widowed", "丧偶"
    ANNULLED = "annulled", "婚姻无效或被撤销"


class ReliefKind(models.TextChoices):
    """The social relief a civil-affairs unit grants an applicant referred to it (社会救助暂行办法)."""

    SUBSISTENCE = "subsistence", "最低生活保障"
    DESTITUTE = "destitute", "特困人员救助供养"
    TEMPORARY = "temporary", "临时救助"
    MEDICAL = "medical", "医疗救助"
    OTHER = "other", "其他救助"


class ReplyResult(ChoiceLabels, models.Model):
    """One structured line of a reply: a found asset (inquiry), what was frozen or sealed and for how long,
    where and when a person or vehicle was found, or a registration number."""

    reply = models.ForeignKey(Reply, verbose_name="回复", on_delete=models.PROTECT, related_name="results")
    position = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("类型", max_length=20, choices=ResultKind.choices)
    property_kind = models.CharField("财产类型", max_length=30, choices=PropertyKind.choices, blank=True)
    identifier = models.CharField("账号/证号/车牌号", max_length=100, blank=True)
    institution = models.CharField("登记机构或开户行", max_length=100, blank=True)
    value = models.DecimalField("价值或余额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    encumbrances = models.CharField("已有权利负担", max_length=300, blank=True)
    amount = models.DecimalField("冻结/扣划金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    start_on = models.DateField("起始日期", null=True, blank=True)
    end_on = models.DateField("届满日期", null=True, blank=True)
    location = models.CharField("地点", max_length=200, blank=True)
    found_at = models.DateTimeField("发现时间", null=True, blank=True, validators=[PastDateValidator("发现时间")])
    registration_number = models.CharField("登记编号", max_length=100, blank=True)
    # A marriage registration (婚姻登记信息查询, 离婚案件信息通知): one line per marriage the registry holds.
    marital_status = models.CharField("婚姻状况", max_length=20, choices=MaritalStatus.choices, blank=True)
    spouse_name = models.CharField("配偶姓名", max_length=100, blank=True)
    spouse_id_number = models.CharField("配偶公民身份号码", max_length=18, blank=True)
    married_on = models.DateField("结婚登记日期", null=True, blank=True, validators=[PastDateValidator("结婚登记日期")])
    divorced_on = models.DateField("离婚日期", null=True, blank=True, validators=[PastDateValidator("离婚日期")])
    registry = models.CharField("婚姻登记机关", max_length=100, blank=True)
    # The answer to a referral for social relief (社会救助转介): granted with the amount, or why not.
    relief_accepted = models.BooleanField("是否予以救助", null=True, blank=True)
    relief_kind = models.CharField("救助类别", max_length=20, choices=ReliefKind.choices, blank=True)
    relief_amount = models.DecimalField("救助金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    declined_reason = BoundedTextField("不予救助理由", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "回复结果"
        verbose_name_plural = "回复结果"
        ordering = ["reply_id", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="result_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(divorced_on__isnull=True) | Q(married_on__isnull=True)
                | Q(divorced_on__gte=models.F("married_on")),
                name="result_marriage_ordered",
            ),
            models.CheckConstraint(condition=Q(relief_amount__isnull=True) | Q(relief_amount__gt=0),
                                   name="result_relief_amount_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.get_kind_display()} {self.identifier or self.location or self.registration_number}"


def attachment_path(instance, filename):
    # Stored outside the web root under an unguessable name; the original name is kept in the row.
    return f"notices/{instance.notice_id}/{uuid.uuid4().hex}"


class AttachmentKind(models.TextChoices):
    RULING = "ruling", "执行裁定书"
    REPLY_SCAN = "reply_scan", "回执及盖章材料"
    OTHER = "other", "其他材料"


class Attachment(ChoiceLabels, models.Model):
    """A scan (PDF or image) attached to a notice or its reply, served only to those who may see the notice."""

    notice = models.ForeignKey(Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="attachments")
    reply = models.ForeignKey(
        Reply, verbose_name="回复", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=20, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["notice_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


from .dispatch_models import DispatchEvent, DispatchRequest, DispatchState  # noqa: E402,F401
from .referral_models import *  # noqa: E402,F401,F403
from .relief_models import *  # noqa: E402,F401,F403
from .request_models import (  # noqa: E402,F401,E501
    ExtensionRequest,
    RequestState,
    ReviewResolution,
    ReviewState,
    ReviewSuggestion,
)
from .suggestion_models import *  # noqa: E402,F401,F403
from .terms import MeasureTerm, TermSource  # noqa: E402,F401
from .tracking_models import *  # noqa: E402,F401,F403
