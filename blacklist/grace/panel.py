"""What the grace panel of a listing's page shows (`{% grace_panel %}`), and the schedule the case page shows
(`{% case_graces case %}`): the graces with their instalments (overdue ones marked), their history, and the forms
of the steps this user may take now."""

from django.utils import timezone

from ..models import GRACE_MACHINE, GraceEvent, GracePeriod, GraceState, ListingState
from .forms import BreakForm, FulfilForm, GrantForm, PayForm
from .services import GRANTABLE


def schedule_rows(grace, today=None):
    """(instalment, overdue) of a grace, in order: overdue = unpaid past its due date while the grace runs."""
    today = today or timezone.localdate()
    running = grace.state == GraceState.GRANTED
    return [(item, running and item.paid_on is None and item.due_on < today)
            for item in sorted(grace.instalments.all(), key=lambda item: item.number)]


def may_grant(user, listing, running):
    return (user.is_leader and user.organisation_id == listing.court_id and running is None
            and listing.state in GRANTABLE and not listing.ground_arose_on)


def panel(user, listing, bound=None):
    """The panel's context: every grace of the listing (newest first), the running one's forms for this user.
    `bound` holds a refused form ("grant", "pay", "fulfil", "break") shown again with its message."""
    bound = bound or {}
    graces = list(GracePeriod.objects.filter(listing=listing).select_related("granted_by")
                  .prefetch_related("instalments").order_by("-granted_at", "-id"))
    events = {}
    for event in GraceEvent.objects.filter(grace__listing=listing).select_related("actor").order_by("at", "id"):
        events.setdefault(event.grace_id, []).append(event)
    today = timezone.localdate()
    running = next((grace for grace in graces if grace.state == GraceState.GRANTED), None)
    rows = [{"grace": grace, "schedule": schedule_rows(grace, today), "events": events.get(grace.pk, [])}
            for grace in graces]
    forms = {}
    if "grant" in bound or may_grant(user, listing, running):
        forms["grant"] = bound.get("grant") or GrantForm(prefix="grant")
    if running is not None:
        unpaid = any(item.paid_on is None for item in running.instalments.all())
        staff = user.is_court_staff and user.organisation_id == listing.court_id
        if staff and unpaid:
            forms["pay"] = PayForm(prefix="pay", grace=running)
        if not unpaid and GRACE_MACHINE.may(user, running, "fulfil"):
            forms["fulfil"] = FulfilForm(prefix="fulfil")
        if listing.state == ListingState.SUSPENDED and GRACE_MACHINE.may(user, running, "break"):
            forms["break"] = BreakForm(prefix="break")
    # A refused step's form is shown again with its message, even when the step is no longer offered; it posts to
    # the grace it was posted to (`grace_pk`, set by the view).
    forms.update({name: form for name, form in bound.items() if name != "grant"})
    steps = [(name, form, None if name == "grant" else getattr(form, "grace_pk", running.pk if running else None))
             for name, form in forms.items()]
    return {"listing": listing, "graces": rows, "running": running, "forms": steps}


def running_on_case(case):
    """The running graces of a case's listings with their schedules, for the case page."""
    today = timezone.localdate()
    graces = (GracePeriod.objects.filter(listing__case_id=case.pk, state=GraceState.GRANTED)
              .select_related("listing").prefetch_related("instalments").order_by("ends_on", "id"))
    return [{"grace": grace, "schedule": schedule_rows(grace, today)} for grace in graces]
