from django.contrib import admin

from . import admin_auth, calendar_services  # noqa: F401 (admin_auth registers its models)
from .admin_mixins import ReadOnlyModelAdmin
from .models import (
    AuditEntry,
    CalendarDay,
    CalendarYear,
    Delivery,
    DeliveryState,
    Digest,
    NotificationPreference,
    Reminder,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Saving goes through the calendar service, so open deadlines are recomputed and every move recorded."""

    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"

    def has_delete_permission(self, request, obj=None):
        # Nothing is hard-deleted: a wrong entry is corrected, and the audit log keeps what it said before.
        return False

    def save_model(self, request, obj, form, change):
        saved = calendar_services.save_calendar_day(
            actor=request.user, date=obj.date, kind=obj.kind, name=obj.name, source=obj.source or "管理员录入"
        )
        obj.pk = saved.pk


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "loaded_at"]

    def save_model(self, request, obj, form, change):
        saved = calendar_services.mark_year_loaded(actor=request.user, year=obj.year, source=obj.source)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Searchable, never editable: the audit log is evidence."""

    list_display = ["at", "username", "action", "method", "path", "status_code", "client_address", "object_repr"]
    list_filter = ["action", "method", "content_type"]
    search_fields = ["username", "path", "client_address", "user_agent", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Email, SMS and work-chat sends; failed ones are listed here for the administrator, with the last error."""

    list_display = ["created_at", "channel", "recipient_name", "address", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel"]
    search_fields = ["recipient_name", "address", "subject"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="立即重试所选的失败发送")
    def retry_now(self, request, queryset):
        from . import notify

        ids = list(queryset.filter(state=DeliveryState.FAILED).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(state=DeliveryState.PENDING, next_attempt_at=None, attempts=0)
        for pk in ids:
            notify.deliver(pk)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "content_type", "object_id", "recipient_name", "due_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["recipient_name", "recipient_key", "object_id"]
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(ReadOnlyModelAdmin):
    """The daily digests sent: one per recipient and day (linkage/digest.py)."""

    list_display = ["day", "recipient_name", "recipient_key", "item_count", "delivery", "created_at"]
    search_fields = ["recipient_name", "recipient_key"]
    date_hierarchy = "day"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyModelAdmin):
    """Each user sets their own on the 通知设置 page; shown here to answer "why did I not get an SMS"."""

    list_display = ["user", "quiet_hours_enabled", "quiet_start", "quiet_end", "updated_at"]
    search_fields = ["user__username", "user__full_name"]
