"""Back office for notices: the deadline rules are edited here; notices themselves are read-only (every change
to a notice is a service with its event, made from the pages or the API)."""

from django.contrib import admin

from .models import DeadlineRule, Notice, NoticeEvent


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["measure", "unit", "count", "count_unit", "note"]
    list_filter = ["count_unit", "measure"]
    search_fields = ["unit__name", "measure__name", "note"]
    autocomplete_fields = ["unit"]

    def has_delete_permission(self, request, obj=None):
        return False


class NoticeEventInline(admin.TabularInline):
    model = NoticeEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_state", "to_state", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["case", "unit", "measure", "state", "served_at", "due_at"]
    list_filter = ["state", "measure", "court"]
    search_fields = ["case__number", "unit__name"]
    list_select_related = ["case", "unit", "measure"]
    inlines = [NoticeEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
