"""Read-mostly admin views of meetings: every change goes through the services (the pages), so the admin never
adds, edits or deletes rows itself."""

from django.contrib import admin

from linkage.admin_mixins import ReadOnlyAdminMixin

from .models import AgendaItem, AnnualReport, Attendance, Decision, DecisionEvent, Meeting, MeetingEvent


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False
    readonly_fields = ["organisation", "person_name", "position", "status", "withdrawn_at"]

    def has_add_permission(self, request, obj=None):
        return False


class MeetingEventInline(admin.TabularInline):
    model = MeetingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "reason", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "state", "document_number", "jurisdiction"]
    list_filter = ["state", "kind", "jurisdiction"]
    search_fields = ["title", "document_number"]
    inlines = [AttendanceInline, MeetingEventInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "state", "proposing_organisation", "meeting", "proposed_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title"]


class DecisionEventInline(admin.TabularInline):
    model = DecisionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "reason", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["meeting", "position", "responsible_unit", "due_on", "state", "replied_at", "done_at"]
    list_filter = ["state"]
    inlines = [DecisionEventInline]


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "court", "year", "state", "sent_at"]
    list_filter = ["state", "year"]
