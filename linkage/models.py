"""Things every app shares: the working-day calendar and the audit trail."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班日"


class CalendarDay(models.Model):
    """A day that overrides the Monday-Friday rule: a holiday on a weekday or a make-up working day."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=100, help_text="如 chinese-calendar 或国务院办公厅通知文号")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "日历调整日"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class CalendarYear(models.Model):
    """A year whose official holiday schedule has been loaded; deadlines past the last one are provisional."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100)
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "已载入年度"
        verbose_name_plural = "已载入年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"


class AuditAction(models.TextChoices):
    VIEW = "view", "访问"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    UNLOCK = "unlock", "解除登录锁定"
    BULK_CREATE = "bulk_create", "批量新增"
    BULK_UPDATE = "bulk_update", "批量修改"


class AuditEntry(models.Model):
    """One access or one change, with who, when, from where and with what client (楚政法发〔2018〕3号 四（一））.

    Written by the audit middleware and model signals; never edited or deleted through the app.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("路径", max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    client_address = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name="对象类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr or self.path}"


class Notification(models.Model):
    """An in-app message (the bell). Reminders, digests and system notices all land here for account holders."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField("类别", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = BoundedTextField("内容", blank=True, max_chars=TEXT_MAX)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.title


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"
    # Work-chat groups of a unit (members.ChatChannel): one delivery per group, not per person.
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    WEBHOOK = "webhook", "签名Webhook"


CHAT_CHANNELS = (DeliveryChannel.WECOM, DeliveryChannel.DINGTALK, DeliveryChannel.WEBHOOK)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    # The gateway took the request but its answer never came (timeout): the message may or may not have gone out.
    # Never re-sent blindly; the retry scan asks the gateway's status endpoint with the delivery's idempotency key.
    UNKNOWN = "unknown", "结果待核实"


class Delivery(models.Model):
    """One message to go out by email or SMS. Sent after the transaction that created it commits; a failed send
    is retried with backoff by a periodic scan and, after the last attempt, shown to the administrator."""

    channel = models.CharField("渠道", max_length=10, choices=DeliveryChannel.choices)
    address = models.CharField("地址", max_length=200)
    recipient_name = models.CharField("接收人", max_length=50, blank=True)
    subject = models.CharField("标题", max_length=200)
    body = BoundedTextField("内容", max_chars=TEXT_MAX)
    notification = models.ForeignKey(
        Notification, verbose_name="站内通知", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    # Sent with every attempt (Idempotency-Key header and body field): a gateway that sees it twice sends once.
    idempotency_key = models.UUIDField("幂等键", default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    status_checks = models.PositiveSmallIntegerField("核实次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = BoundedTextField("最近错误", blank=True, max_chars=REASON_MAX)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "消息发送"
        verbose_name_plural = "消息发送（短信/邮件/工作群）"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_name or self.address}：{self.subject}"


class NotificationPreference(models.Model):
    """A user's own choices: per message kind, which channels besides the bell (always on) and whether it waits for
    the daily digest; and quiet hours (local time, Asia/Shanghai) in which SMS and chat wait unless urgent. A user
    without a row, or a kind missing from `kinds`, gets the defaults (linkage/preferences.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT,
                                related_name="notification_preference")
    quiet_hours_enabled = models.BooleanField("启用免打扰时段", default=False)
    quiet_start = models.TimeField("免打扰开始", null=True, blank=True)
    quiet_end = models.TimeField("免打扰结束", null=True, blank=True)
    # {kind: {"email": bool, "sms": bool, "chat": bool, "digest": bool}}; only kinds the user changed.
    kinds = models.JSONField("按类别设置", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"

    def __str__(self):
        return f"{self.user}的通知偏好"


class Digest(models.Model):
    """The one daily digest of a recipient: unique per (recipient, day), so a second run of the digest task the same
    day sends nothing."""

    recipient_key = models.CharField("接收人标识", max_length=60)
    recipient_name = models.CharField("接收人", max_length=60, blank=True)
    day = models.DateField("日期")
    item_count = models.PositiveIntegerField("条数", default=0)
    delivery = models.ForeignKey(Delivery, verbose_name="发送", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "每日汇总"
        verbose_name_plural = "每日汇总"
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient_key", "day"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.recipient_name or self.recipient_key}（{self.item_count}条）"


class DigestItem(models.Model):
    """A message held for the recipient's daily digest instead of its own email/SMS (the bell row went at once).
    `digest` is set when a digest takes it, so each item is listed once."""

    recipient_key = models.CharField("接收人标识", max_length=60)
    recipient_name = models.CharField("接收人", max_length=60, blank=True)
    email = models.CharField("电子邮箱", max_length=200, blank=True)
    mobile = models.CharField("手机", max_length=30, blank=True)
    kind = models.CharField("类别", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = BoundedTextField("内容", blank=True, max_chars=TEXT_MAX)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    digest = models.ForeignKey(Digest, verbose_name="所属汇总", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="items")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "待汇总消息"
        verbose_name_plural = "待汇总消息"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["digest", "recipient_key"], name="digestitem_open")]

    def __str__(self):
        return f"{self.recipient_name or self.recipient_key}：{self.title}"


class Reminder(models.Model):
    """A reminder that has been sent: one row per (subject, kind, deadline, recipient). The uniqueness constraint
    makes a second send impossible, whether the scan is redelivered or runs on two workers at once; a moved
    deadline is a new deadline, so its ladder starts again."""

    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("对象编号")
    kind = models.CharField("提醒类别", max_length=30)
    due_at = models.DateTimeField("针对的期限")
    recipient_key = models.CharField("接收人标识", max_length=60)
    recipient_name = models.CharField("接收人", max_length=60, blank=True)
    notification = models.ForeignKey(
        Notification, verbose_name="站内通知", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "due_at", "recipient_key"], name="reminder_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="reminder_subject")]

    def __str__(self):
        return f"{self.kind} → {self.recipient_name or self.recipient_key}"


class ApiToken(models.Model):
    """An API token, kept as the SHA-256 of its key: the key itself is shown once, when the token is issued, and is
    in no table. Never deleted: a token stops working when it expires or is revoked (linkage/tokens.py)."""

    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8, help_text="令牌的前8个字符，仅用于辨认，不能用于认证。")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True, help_text="为空表示不过期（仅单位系统账户）。")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live")]

    def __str__(self):
        return f"{self.prefix}… {self.name or self.user_id}"


from .auth_models import LoginAttempt, LoginFailure, LoginLog, TwoFactorDevice  # noqa: E402, F401 (proxies, see there)
from .document_numbers import DocumentNumber  # noqa: E402, F401 (发文字号 register)
from .verification_models import IssuedDocument  # noqa: E402, F401 (issued documents and their codes, issue 24)
