"""The admin's share of authentication: its login asks for the one-time code like the login page, API tokens are
listed without keys (and never minted here for a person), and django-axes' records are evidence, read-only, with
one explicit, audited unlock action."""

from axes import admin as axes_admin
from django.contrib import admin, messages
from django.db import transaction
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, tokens
from .admin_mixins import ReadOnlyAdminMixin
from .auth_models import LoginAttempt, LoginFailure, LoginLog, TwoFactorDevice
from .models import ApiToken
from .otp import AdminLoginForm

admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/login_otp.html"

# django-otp registers its devices under their English name; they are listed as the Chinese-named proxy instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TwoFactorDevice, TOTPDeviceAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tokens by prefix, owner and dates; the key is in no table, so it is nowhere here. Revoking is the only
    change; a system account's token is minted from the user list (UserAdmin's action), a person's only by
    logging in through the API."""

    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "user__is_system_account"]
    search_fields = ["prefix", "user__username", "user__full_name", "name"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke_selected"]

    @admin.action(description="吊销所选令牌")
    def revoke_selected(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke(token=token)
            count += 1
        self.message_user(request, f"已吊销{count}个令牌。", messages.SUCCESS)


@admin.register(LoginAttempt)
class AccessAttemptAdmin(ReadOnlyAdminMixin, axes_admin.AccessAttemptAdmin):
    actions = ["unlock"]

    @admin.action(description="解除所选记录的登录锁定")
    def unlock(self, request, queryset):
        """Clears the selected attempts (that is what unlocking is in django-axes), each recorded in the audit log
        with who unlocked what: the user name, the address and the failure count."""
        count = 0
        with transaction.atomic():
            for attempt in queryset.select_for_update():
                audit.record(
                    "unlock",
                    user=request.user,
                    changes={
                        "username": attempt.username,
                        "ip_address": attempt.ip_address,
                        "failures_since_start": attempt.failures_since_start,
                        "attempt_time": attempt.attempt_time.isoformat(),
                    },
                )
                attempt.delete()
                count += 1
        self.message_user(request, f"已解除{count}条登录锁定记录。", messages.SUCCESS)


@admin.register(LoginLog)
class AccessLogAdmin(ReadOnlyAdminMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(LoginFailure)
class AccessFailureLogAdmin(ReadOnlyAdminMixin, axes_admin.AccessFailureLogAdmin):
    pass
