"""Visibility and the common reads of meetings, items, decisions and reports. One visibility rule per model; a row
a user may not see is a 404 on every page and in the API, never a 403."""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from members.selectors import jurisdiction_id_of


def _organisation_of(user):
    """The unit a liaison or court staff member acts for; None for anybody else (the committee is handled apart)."""
    if user.is_liaison or user.is_court_staff:
        return user.organisation_id
    return None


class MeetingQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The committee sees every meeting of its jurisdiction. A unit (its liaisons, or a court's staff) sees a meeting once its notice
        has gone out, when the unit is invited to it, brought an item on its agenda, or is responsible for one of
        its decisions; a meeting still in preparation only the committee sees."""
        if user.is_committee:
            return self.filter(jurisdiction_id=jurisdiction_id_of(user))
        organisation = _organisation_of(user)
        if organisation is None:
            return self.none()
        attendance = apps.get_model("meetings", "Attendance").objects.filter(
            meeting=OuterRef("pk"), organisation_id=organisation, withdrawn_at__isnull=True
        )
        decision = apps.get_model("meetings", "Decision").objects.filter(
            meeting=OuterRef("pk"), responsible_unit_id=organisation
        )
        item = apps.get_model("meetings", "AgendaItem").objects.filter(
            meeting=OuterRef("pk"), proposing_organisation_id=organisation
        )
        return self.exclude(state="draft").filter(Exists(attendance) | Exists(decision) | Exists(item))

    def with_list_relations(self):
        return self.select_related("jurisdiction")


class AgendaItemQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The committee sees every item of its jurisdiction; a unit the items it proposed or is involved in; a court also the items
        about its own cases."""
        if user.is_committee:
            return self.filter(jurisdiction_id=jurisdiction_id_of(user))
        organisation = _organisation_of(user)
        if organisation is None:
            return self.none()
        involved = self.model.units.through.objects.filter(agendaitem_id=OuterRef("pk"), organisation_id=organisation)
        condition = Q(proposing_organisation_id=organisation) | Q(Exists(involved))
        if user.is_court_staff:
            condition |= Q(case__court_id=organisation)
        return self.filter(condition)

    def pending(self):
        return self.filter(state="proposed")

    def with_list_relations(self):
        return self.select_related("case", "proposing_organisation", "meeting", "proposed_by")


class DecisionQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The committee sees every decision of its jurisdiction's meetings; a unit only the decisions it is responsible for, once the minutes that
        carry them are published."""
        if user.is_committee:
            return self.filter(meeting__jurisdiction_id=jurisdiction_id_of(user))
        organisation = _organisation_of(user)
        if organisation is None:
            return self.none()
        return self.filter(responsible_unit_id=organisation, meeting__state="published")

    def live(self):
        """Decisions of published minutes, not cancelled: the ones being followed up."""
        return self.filter(meeting__state="published").exclude(state="cancelled")

    def open(self):
        """Decisions the unit still owes an answer to (the clock runs)."""
        return self.live().filter(state="open")

    def overdue(self, today=None):
        """Open decisions whose due day has ended (due at the close of `due_on`)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def unfinished(self):
        """Open or answered but not yet confirmed done: what the committee still follows."""
        return self.live().filter(state__in=["open", "replied"])

    def with_list_relations(self):
        return self.select_related("meeting", "responsible_unit", "item")


class AnnualReportQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """A court's staff see their court's reports, drafts included; the committee sees the reports its
        jurisdiction's courts sent to it."""
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_committee:
            return self.filter(state="sent", court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()
