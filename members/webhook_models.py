"""Outbound webhooks (issue 21 item 4): a unit's own system registers an endpoint and a secret for event types; each
event is written once (`WebhookEvent`, its uuid is what the receiver deduplicates on) and delivered to each endpoint
by a `WebhookDelivery` row, claimed with SKIP LOCKED and retried with backoff (members/webhooks.py)."""

import uuid

from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.text import REASON_MAX, BoundedTextField

from .models import Organisation


class WebhookEventType(models.TextChoices):
    NOTICE_SERVED = "notice.served", "协助执行通知书送达本单位"
    LIFTING_SIGNED = "notice.lifting_signed", "解除协助执行通知书签发"
    EXTENSION_DECIDED = "extension.decided", "延期申请已决定"
    DECISION_ASSIGNED = "decision.assigned", "联席会议议定事项交办本单位"
    LISTING = "listing.*", "失信名单推送（联合惩戒单位：发布、更正、屏蔽、删除等）"


LISTING_PREFIX = "listing."


class WebhookEndpoint(models.Model):
    """Where a unit's system is told of events at once. Registered by the system administrator; the secret is
    write-only (shown masked); nothing is deleted: an endpoint is switched off."""

    organisation = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT,
                                     related_name="webhook_endpoints")
    name = models.CharField("名称", max_length=50, help_text="如：某银行总行执行查控系统")
    url = models.CharField("接收地址", max_length=500, help_text="https://…；仅本机地址或经配置允许时可用 http://")
    secret = models.CharField("签名密钥", max_length=200,
                              help_text="HMAC-SHA256 密钥，至少16位；接收方用它验证 X-Linkage-Signature")
    event_types = models.JSONField("订阅事件", default=list, help_text="WebhookEventType 的值")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "事件推送地址"
        verbose_name_plural = "事件推送地址（Webhook）"
        ordering = ["organisation", "id"]

    def __str__(self):
        return f"{self.organisation.short_name} · {self.name}"

    def wants(self, event_type):
        if event_type.startswith(LISTING_PREFIX):
            return WebhookEventType.LISTING in self.event_types
        return event_type in self.event_types


class WebhookEvent(models.Model):
    """One event as the receivers get it: the same id, type, time and data on every attempt and every replay."""

    event_id = models.UUIDField("事件编号", default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField("事件类型", max_length=40)
    occurred_at = models.DateTimeField("发生时间")
    data = models.JSONField("数据", default=dict)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "推送事件"
        verbose_name_plural = "推送事件"
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class WebhookDeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已送达"
    FAILED = "failed", "发送失败"


class WebhookDelivery(models.Model):
    """One event to one endpoint, with the receiver's last answer."""

    event = models.ForeignKey(WebhookEvent, verbose_name="事件", on_delete=models.PROTECT, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name="推送地址", on_delete=models.PROTECT,
                                 related_name="deliveries")
    state = models.CharField("状态", max_length=10, choices=WebhookDeliveryState.choices,
                             default=WebhookDeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    replays = models.PositiveSmallIntegerField("重发次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    last_status = models.PositiveSmallIntegerField("最近应答状态码", null=True, blank=True)
    last_response = BoundedTextField("最近应答（前500字）", blank=True, max_chars=REASON_MAX)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "事件推送记录"
        verbose_name_plural = "事件推送记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_endpoint")]

    def __str__(self):
        return f"{self.event.event_type} → {self.endpoint}"
