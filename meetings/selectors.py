"""Reads of meetings, items and decisions for the pages, the inbox section and the committee's home page.
Visibility always starts from the model's `visible_to(user)`."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import AgendaItem, Attendance, Decision, DecisionState, Meeting


def meeting_list_for(user, *, state=""):
    meetings = Meeting.objects.visible_to(user).with_list_relations().annotate(
        unit_count=Count("attendances", filter=Q(attendances__withdrawn_at__isnull=True), distinct=True),
        decision_count=Count("decisions", filter=~Q(decisions__state=DecisionState.CANCELLED), distinct=True),
    )
    if state:
        meetings = meetings.filter(state=state)
    return meetings.order_by("-starts_at", "-id")


def meeting_for(user, pk):
    """One visible meeting with its attendance (current rows), agenda and decisions, or None."""
    attendances = Attendance.objects.filter(withdrawn_at__isnull=True).select_related("organisation").order_by(
        "organisation__sort_order", "id")
    return (
        Meeting.objects.visible_to(user)
        .select_related("jurisdiction", "created_by")
        .prefetch_related(
            Prefetch("attendances", queryset=attendances, to_attr="current_attendances"),
            Prefetch("items", queryset=AgendaItem.objects.select_related("case", "proposing_organisation")
                     .order_by("position", "id"), to_attr="agenda"),
            Prefetch("decisions", queryset=Decision.objects.select_related("responsible_unit", "item")
                     .order_by("position"), to_attr="decision_rows"),
        )
        .filter(pk=pk)
        .first()
    )


DECISION_TABS = {
    "open": ("待落实", Q(state=DecisionState.OPEN)),
    "overdue": ("已逾期", None),
    "replied": ("已回复待确认", Q(state=DecisionState.REPLIED)),
    "done": ("已办结", Q(state=DecisionState.DONE)),
}


def decision_list_for(user, *, tab="open", today=None):
    """Decisions the user may see (a unit: its own, of published minutes), by tab, soonest due first."""
    today = today or timezone.localdate()
    decisions = Decision.objects.visible_to(user).live().with_list_relations()
    if tab == "overdue":
        decisions = decisions.overdue(today)
    elif tab in DECISION_TABS:
        decisions = decisions.filter(DECISION_TABS[tab][1])
    return decisions.order_by("due_on", "meeting_id", "position")


def decision_counts(user, today=None):
    """How many of the user's visible decisions fall in each tab (one query)."""
    today = today or timezone.localdate()
    return Decision.objects.visible_to(user).live().aggregate(
        open=Count("pk", filter=Q(state=DecisionState.OPEN)),
        overdue=Count("pk", filter=Q(state=DecisionState.OPEN, due_on__lt=today)),
        replied=Count("pk", filter=Q(state=DecisionState.REPLIED)),
        done=Count("pk", filter=Q(state=DecisionState.DONE)),
    )


def unfinished_decisions(user, limit=10):
    """For the committee's home page: decisions not yet confirmed done, across meetings, soonest due first."""
    decisions = Decision.objects.visible_to(user).unfinished().with_list_relations().order_by("due_on", "pk")
    return list(decisions[:limit]), decisions.count()


def item_list_for(user, *, state=""):
    items = AgendaItem.objects.visible_to(user).with_list_relations()
    if state:
        items = items.filter(state=state)
    return items.order_by("-proposed_at", "-id")
