"""The SMS login codes in the admin: read only (evidence of who asked for a code from where), the code's hash never
shown, the number masked in the list."""

from django.contrib import admin

from linkage.admin_mixins import ReadOnlyModelAdmin

from .sms_login import masked
from .sms_login_models import SmsLoginCode

SHOWN = ["mobile", "user", "state", "attempts", "created_at", "expires_at", "used_at", "client_address",
         "idempotency_key"]


@admin.register(SmsLoginCode)
class SmsLoginCodeAdmin(ReadOnlyModelAdmin):
    fields = SHOWN
    list_display = ["masked_mobile", "user", "state", "attempts", "created_at", "used_at", "client_address"]
    list_filter = ["state"]
    search_fields = ["=mobile", "user__username", "user__full_name"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return SHOWN

    @admin.display(description="手机号码")
    def masked_mobile(self, obj):
        return masked(obj.mobile)
