"""Reads of notices, and the one definition of "overdue".

Overdue is never stored. It is defined once here, from two constants: the states in which the clock runs
(`OPEN_STATES`) and "the deadline is before the moment". `overdue_condition(now)` is that rule for the database (lists,
dashboards, reminders, reports, metrics) and `is_overdue(state, due_at, now)` the same rule for one row in memory
(`Notice.is_overdue`, the API's `overdue` field); a test holds them equal for every state around the deadline.

"Counts toward a rate" (应回复: the denominator of every on-time and reply rate — the scoreboard's and the annual
report's) is defined once too, as `rated_condition(now)`, on top of overdue: a notice the court did not withdraw that
was answered, is overdue at `now`, or was lifted after its deadline. A notice still within its time costs nothing.
"""

from django.db.models import F, Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from members.selectors import jurisdiction_id_of

# The clock runs while the unit owes an answer: served, or signed for and not yet answered.
OPEN_STATES = ("served", "acknowledged")


def overdue_condition(now):
    """Overdue at `now`, as a filter: an open notice whose deadline is before `now`."""
    return Q(state__in=OPEN_STATES, due_at__lt=now)


def is_overdue(state, due_at, now):
    """Overdue at `now`, for one row: the same rule as `overdue_condition`."""
    return state in OPEN_STATES and due_at is not None and due_at < now


def rated_condition(now):
    """Counts toward a rate at `now`: not withdrawn, and answered, overdue at `now`, or lifted after its deadline —
    the lifting's draft (`lifting_at`) is when the court stopped the unit's clock (an open notice still within its
    time, or one whose lifting was drafted before it fell due, is not judged)."""
    return ~Q(state="withdrawn") & (Q(replied_at__isnull=False) | overdue_condition(now)
                                    | Q(lifting_at__isnull=False, lifting_at__gt=F("due_at")))


def on_time_condition():
    """Answered on or before the deadline (as extended)."""
    return Q(replied_at__isnull=False, replied_at__lte=F("due_at"))


class NoticeQuerySet(AuditedQuerySet):
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
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, on=None):
        """Notices overdue at the given moment (now by default)."""
        return self.filter(overdue_condition(on or timezone.now()))

    def not_overdue(self, on=None):
        """Every notice but those overdue at the given moment."""
        return self.exclude(overdue_condition(on or timezone.now()))

    def rated(self, on=None):
        """Notices that count toward the on-time and reply rates at the given moment (`rated_condition`)."""
        return self.filter(rated_condition(on or timezone.now()))

    def due_between(self, start, end):
        return self.open().filter(due_at__gte=start, due_at__lt=end)

    def with_list_relations(self):
        return self.select_related("case", "unit", "measure", "debtor", "court")
