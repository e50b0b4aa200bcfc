from django.contrib import admin

from . import calendar_services
from .models import AuditEntry, CalendarDay, CalendarYear


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
        saved = calendar_services.save_calendar_day(actor=request.user, date=obj.date, kind=obj.kind, name=obj.name,
                                                    source=obj.source or "管理员录入")
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
class AuditEntryAdmin(admin.ModelAdmin):
    """Searchable, never editable: the audit log is evidence."""

    list_display = ["at", "username", "action", "method", "path", "status_code", "client_address", "object_repr"]
    list_filter = ["action", "method", "content_type"]
    search_fields = ["username", "path", "client_address", "user_agent", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
