"""Back office for administrators: the roster with inline contacts, users, change requests (read-only here;
the committee decides them on its page). Nothing is deleted: units are deactivated."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import Contact, ContactChangeRequest, Jurisdiction, Measure, Organisation, User


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ContactInline(NoDeleteMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["role", "name", "position", "landline", "mobile", "email", "user", "started_on", "ended_on"]
    autocomplete_fields = ["user"]
    ordering = ["role", "-started_on"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "document_number", "issuer", "issued_on"]


@admin.register(Measure)
class MeasureAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "kind", "level", "jurisdiction", "active"]
    list_filter = ["jurisdiction", "kind", "level", "active", "measures"]
    search_fields = ["name", "short_name", "code", "duties"]
    filter_horizontal = ["measures"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]
    actions = ["deactivate", "activate"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    @admin.action(description="停用所选单位")
    def deactivate(self, request, queryset):
        for organisation in queryset:
            services.set_organisation_active(actor=request.user, organisation=organisation, active=False)

    @admin.action(description="启用所选单位")
    def activate(self, request, queryset):
        for organisation in queryset:
            services.set_organisation_active(actor=request.user, organisation=organisation, active=True)


@admin.register(ContactChangeRequest)
class ContactChangeRequestAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["organisation", "role", "name", "state", "requested_by", "requested_at", "decided_by"]
    list_filter = ["state", "role"]
    search_fields = ["organisation__name", "name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "liaison_role", "is_active"]
    list_filter = ["role", "is_active", "liaison_role"]
    search_fields = ["username", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("岗位", {"fields": ["full_name", "role", "organisation", "liaison_role", "mobile"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("岗位", {"fields": ["full_name", "role", "organisation", "liaison_role"]}),
    ]
