"""The SMS login codes of grid liaisons (issue 25; members/sms_login.py sends and checks them).

One row per code asked for, whether or not the number belongs to a grid liaison (`user` is empty and nothing is sent
when it does not): the per-number limits then count every number alike, so they tell nobody which numbers are known,
and the rows are the audit trail of who asked for a code from where. Only a keyed hash of the code is kept. A row is
never deleted: it moves from pending to used, locked (too many wrong codes), superseded (a newer code was sent) or
failed (the gateway refused it); expiry is derived from `expires_at`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet


class SmsLoginCodeState(models.TextChoices):
    PENDING = "pending", "待使用"
    USED = "used", "已使用"
    LOCKED = "locked", "错误次数过多"
    SUPERSEDED = "superseded", "已被新验证码取代"
    FAILED = "failed", "发送失败"
    NOT_SENT = "not_sent", "号码非网格员，未发送"


class SmsLoginCodeQuerySet(AuditedQuerySet):
    def of_mobile(self, mobile):
        return self.filter(mobile=mobile)

    def pending(self):
        return self.filter(state=SmsLoginCodeState.PENDING)


class SmsLoginCode(models.Model):
    mobile = models.CharField("手机号码", max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="网格员", null=True, blank=True, on_delete=models.PROTECT,
        related_name="sms_login_codes",
    )
    code_hash = models.CharField("验证码摘要", max_length=128, blank=True)
    state = models.CharField("状态", max_length=20, choices=SmsLoginCodeState.choices)
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    client_address = models.GenericIPAddressField("请求地址", null=True, blank=True)
    idempotency_key = models.UUIDField("短信幂等键", default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("请求时间", default=timezone.now, db_index=True)

    objects = SmsLoginCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "短信登录验证码"
        verbose_name_plural = "短信登录验证码"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mobile", "created_at"], name="sms_login_mobile_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="not_sent", user__isnull=True, code_hash="")
                | (~Q(state="not_sent") & Q(user__isnull=False) & ~Q(code_hash="")),
                name="sms_login_code_sent_to_a_grid_liaison",
            ),
            models.CheckConstraint(condition=Q(attempts__lte=20), name="sms_login_code_attempts_bounded"),
            models.CheckConstraint(condition=~Q(state="used") | Q(used_at__isnull=False),
                                   name="sms_login_code_used_has_time"),
        ]

    def __str__(self):
        return f"{self.mobile[:3]}****{self.mobile[-4:]} {self.get_state_display()}"

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at
