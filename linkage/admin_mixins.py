"""Admin pages for records that are evidence or that only services change: shown, never added, edited or deleted
by hand in the admin."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """Refuses add, change and delete in the admin; the change page shows the fields read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
