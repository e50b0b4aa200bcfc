"""Chinese names in the admin for the authentication records kept by third-party apps: django-axes' login records
and django-otp's TOTP devices are listed through these proxies (same tables, no new columns), registered by
`linkage.admin_auth` in place of the originals, so every model in the admin has a Chinese name. Their rows are not
written to the audit log, as before (`linkage.audit.UNAUDITED_MODELS`): the device holds its secret key."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkage.audit import AuditedQuerySet


class LoginAttempt(AccessAttempt):
    objects = AuditedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "登录失败计数（锁定）"
        verbose_name_plural = "登录失败计数（锁定）"


class LoginLog(AccessLog):
    objects = AuditedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"


class LoginFailure(AccessFailureLog):
    objects = AuditedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "登录失败日志"
        verbose_name_plural = "登录失败日志"


class TwoFactorDevice(TOTPDevice):
    objects = AuditedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "双重验证设备"
        verbose_name_plural = "双重验证设备"
