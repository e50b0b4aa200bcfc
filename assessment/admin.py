"""The assessment's rows in the admin, read-only: every change goes through the services (the criteria page, the
scoreboard), which check the state and record who did it; nothing is deleted."""

from django.contrib import admin

from linkage.admin_mixins import ReadOnlyModelAdmin

from .models import Assessment, AssessmentEvent, Criterion, Nomination, ScoreboardVersion, ScoreEntry


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyModelAdmin):
    list_display = ["jurisdiction", "year", "state", "updated_at"]
    list_filter = ["state", "year"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyModelAdmin):
    list_display = ["assessment", "name", "group", "points", "source", "method", "active"]
    list_filter = ["assessment"]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["assessment", "unit", "criterion", "stage", "points", "entered_by", "entered_at", "is_current"]
    list_filter = ["assessment", "stage", "is_current"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyModelAdmin):
    list_display = ["assessment", "kind", "unit", "person_name", "state", "proposed_at", "decided_at"]
    list_filter = ["assessment", "kind", "state"]


@admin.register(ScoreboardVersion)
class ScoreboardVersionAdmin(ReadOnlyModelAdmin):
    list_display = ["assessment", "number", "finalised_by", "finalised_at", "reopened_at"]
    exclude = ["data"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "data"]


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "assessment", "actor", "action", "from_state", "to_state", "unit", "reason"]
    list_filter = ["action"]
