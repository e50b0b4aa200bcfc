"""Asks about a served notice: a unit's request for more time (ExtensionRequest, decided by the court) and its
suggestion that the court review the measure (ReviewSuggestion). Imported at the bottom of `assistance.models`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.text import REASON_MAX, BoundedTextField

from .models import Notice


class RequestState(models.TextChoices):
    PENDING = "pending", "待决定"
    GRANTED = "granted", "同意"
    REFUSED = "refused", "不同意"


class ExtensionRequest(ChoiceLabels, models.Model):
    """A unit that cannot finish in time tells the court before the deadline, with reasons, and asks for more
    working days; if granted, the deadline moves."""

    notice = models.ForeignKey(
        Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="extension_requests"
    )
    days = models.PositiveSmallIntegerField("延长工作日数")
    reason = BoundedTextField("理由", max_chars=REASON_MAX)
    state = models.CharField("状态", max_length=20, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = BoundedTextField("决定理由", blank=True, max_chars=REASON_MAX)
    previous_due_at = models.DateTimeField("原期限", null=True, blank=True)
    new_due_at = models.DateTimeField("新期限", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["notice_id", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice"], condition=Q(state="pending"), name="one_pending_extension"),
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=30), name="extension_days_range"),
        ]

    def __str__(self):
        return f"延期{self.days}个工作日（{self.get_state_display()}）"


class ReviewState(models.TextChoices):
    PENDING = "pending", "待审查"
    UPHELD = "upheld", "成立"
    NOT_UPHELD = "not_upheld", "不成立"


class ReviewResolution(models.TextChoices):
    WITHDRAWN = "withdrawn", "撤回通知书"
    AMENDED = "amended", "修改后重新发出"


class ReviewSuggestion(ChoiceLabels, models.Model):
    """A unit that disagrees may send a review suggestion (审查建议) but may not refuse to act
    (法发〔2010〕15号 art. 20); the clock keeps running unless the court withdraws the notice."""

    notice = models.ForeignKey(
        Notice, verbose_name="通知书", on_delete=models.PROTECT, related_name="review_suggestions"
    )
    reason = BoundedTextField("审查建议", max_chars=REASON_MAX)
    state = models.CharField("状态", max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    resolution = models.CharField("处理方式", max_length=20, choices=ReviewResolution.choices, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField("提出时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审查时间", null=True, blank=True)
    decision_reason = BoundedTextField("审查意见", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "审查建议"
        verbose_name_plural = "审查建议"
        ordering = ["notice_id", "raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice"], condition=Q(state="pending"), name="one_pending_review"),
        ]

    def __str__(self):
        return f"审查建议（{self.get_state_display()}）"
