from django.db import models
from django.utils import timezone

from members.selectors import jurisdiction_id_of


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule for notices: a clerk or leader sees its own court's; a liaison its own unit's,
        and only from service on; the committee its own jurisdiction's courts' notices, read-only; anybody else
        none."""
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_liaison:
            return self.filter(unit_id=user.organisation_id, served_at__isnull=False)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()

    def open(self):
        """Notices the unit still owes an answer to (the clock runs)."""
        return self.filter(state__in=["served", "acknowledged"])

    def overdue(self, on=None):
        """Open notices whose deadline has passed at the given moment (now by default)."""
        return self.open().filter(due_at__lt=on or timezone.now())

    def due_between(self, start, end):
        return self.open().filter(due_at__gte=start, due_at__lt=end)

    def with_list_relations(self):
        return self.select_related("case", "unit", "measure", "debtor", "court")
