"""Grid tasks (网格协助事项): a court sends a small notice to one village or community (`members.Community`); its grid
liaison answers from a phone with a structured reply and photos (Yunfu seed item 9; Liwan seed 四(二十二)).

sent (待办理) → answered (已回复, by the community's grid liaison, before or after the due day) | cancelled (已撤回, by
the court). Each task has its own short clock: `due_on` is the last working day to answer, counted on the working-day
calendar from the day it was sent (`grid/clock.py`). A task still unanswered when its due day has ended is overdue
(`GridTaskQuerySet.overdue`, the one definition) and climbs once to the subdistrict's A/B contacts (an event and
`escalated_at`, not a state: the grid liaison can still answer). The moves are `GRID_TASK` (grid/machine.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, BoundedTextField
from members.selectors import jurisdiction_id_of

PLACE_MAX = 200


class GridTaskKind(models.TextChoices):
    LOCATE = "locate", "查找下落"
    SERVE = "serve", "协助送达"
    INVESTIGATE = "investigate", "调查情况"
    WITNESS = "witness", "到场见证"
    POST = "post", "张贴名单"


class GridTaskState(models.TextChoices):
    SENT = "sent", "待办理"
    ANSWERED = "answered", "已回复"
    CANCELLED = "cancelled", "已撤回"


class GridTaskQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The court's clerks and leaders (its own tasks), the community's grid liaison (its community's), the
        subdistrict's liaisons (its communities'), the committee of the court's jurisdiction; nobody else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_grid:
            return self.filter(community_id=user.community_id)
        if user.is_liaison:
            return self.filter(subdistrict_id=user.organisation_id)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()

    def open(self):
        return self.filter(state=GridTaskState.SENT)

    def overdue(self, today):
        """Unanswered after the due day ended: the one definition of an overdue grid task."""
        return self.filter(state=GridTaskState.SENT, due_on__lt=today)

    def answered_in_time(self):
        return self.filter(state=GridTaskState.ANSWERED, answered_on_time=True)

    def answered_late(self):
        return self.filter(state=GridTaskState.ANSWERED, answered_on_time=False)


class GridTask(ChoiceLabels, models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="grid_tasks")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="grid_tasks_sent")
    community = models.ForeignKey("members.Community", verbose_name="村（居）委会", on_delete=models.PROTECT,
                                  related_name="grid_tasks")
    # The community's subdistrict when the task was sent: whose contacts it climbs to, whose score it counts for.
    subdistrict = models.ForeignKey("members.Organisation", verbose_name="街道（镇）", on_delete=models.PROTECT,
                                    related_name="grid_tasks")
    kind = models.CharField("事项", max_length=20, choices=GridTaskKind.choices)
    party = models.ForeignKey("cases.Party", verbose_name="被执行人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="grid_tasks")
    instructions = BoundedTextField("具体要求", blank=True, max_chars=REASON_MAX)
    place = models.CharField("地点", max_length=PLACE_MAX, blank=True,
                             help_text="送达地址、调查地址或见证现场")
    scheduled_at = models.DateTimeField("见证时间", null=True, blank=True)
    document_title = models.CharField("送达文书", max_length=100, blank=True)
    state = models.CharField("状态", max_length=20, choices=GridTaskState.choices, default=GridTaskState.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发送人", on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField("发送时间")
    due_on = models.DateField("办理期限", help_text="应在当日结束前回复（工作日）")
    due_rule = models.CharField("期限依据", max_length=100)
    viewed_at = models.DateTimeField("网格员查看时间", null=True, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)
    answered_on_time = models.BooleanField("按期回复", null=True, blank=True)
    answer = models.JSONField("回复内容", default=dict, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField("撤回时间", null=True, blank=True)
    cancel_reason = BoundedTextField("撤回理由", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = GridTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "网格协助事项"
        verbose_name_plural = "网格协助事项"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["community", "state", "-sent_at"], name="gridtask_community_state"),
            models.Index(fields=["court", "-sent_at"], name="gridtask_court_sent"),
            models.Index(fields=["subdistrict", "sent_at"], name="gridtask_subdistrict_sent"),
            models.Index(fields=["due_on"], condition=Q(state="sent", escalated_at__isnull=True),
                         name="gridtask_escalation_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(state="answered") | (Q(answered_at__isnull=False)
                                                                     & Q(answered_on_time__isnull=False)),
                                   name="gridtask_answered_has_time"),
            models.CheckConstraint(condition=~Q(state="cancelled") | Q(cancelled_at__isnull=False),
                                   name="gridtask_cancelled_has_time"),
            models.CheckConstraint(condition=Q(kind="post") | Q(party__isnull=False),
                                   name="gridtask_names_debtor",
                                   violation_error_message="除张贴名单外，网格协助事项须指明被执行人。"),
            models.CheckConstraint(condition=~Q(kind="witness") | Q(scheduled_at__isnull=False),
                                   name="gridtask_witness_has_time",
                                   violation_error_message="到场见证须填写见证时间。"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.case.number}，{self.community}）"

    def is_overdue(self, today):
        """The row's answer to `GridTaskQuerySet.overdue` (same rule, for a row already loaded)."""
        return self.state == GridTaskState.SENT and self.due_on < today


class PhotoPurpose(models.TextChoices):
    SIGNATURE = "signature", "签收人签名"
    POSTED_SHEET = "posted_sheet", "张贴现场"
    SITE = "site", "现场照片"


def photo_path(instance, filename):
    return f"grid/{instance.task_id}/{filename}"


class GridTaskPhoto(ChoiceLabels, models.Model):
    """A photo of a reply (a signature, the posted sheet, the site), checked by content and size on upload and
    served only to those who may see the task."""

    task = models.ForeignKey(GridTask, verbose_name="网格协助事项", on_delete=models.PROTECT, related_name="photos")
    purpose = models.CharField("用途", max_length=20, choices=PhotoPurpose.choices)
    file = models.FileField("文件", upload_to=photo_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "网格协助照片"
        verbose_name_plural = "网格协助照片"
        ordering = ["task_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class GridTaskEvent(ChoiceLabels, EventBase):
    task = models.ForeignKey(GridTask, verbose_name="网格协助事项", on_delete=models.PROTECT, related_name="events")

    STATES = GridTaskState

    class Meta(EventBase.Meta):
        verbose_name = "网格协助记录"
        verbose_name_plural = "网格协助记录"
        ordering = ["task_id", "at", "id"]

    @property
    def action_display(self):
        from .machine import GRID_TASK

        return GRID_TASK.label(self.action)


class GridTaskTerm(models.Model):
    """How many working days a community has to answer a task of a kind (counted from the day after it was sent);
    the administrator edits them. A witness task is due the working day after the scheduled visit instead."""

    kind = models.CharField("事项", max_length=20, choices=GridTaskKind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField("办理期限（工作日）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "网格协助期限"
        verbose_name_plural = "网格协助期限"
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gte=1) & Q(working_days__lte=30),
                                   name="gridtaskterm_range", violation_error_message="办理期限应为1至30个工作日。"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.working_days}个工作日"
