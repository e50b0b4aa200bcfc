"""Each role's work bench: what is waiting for the user, gathered from every app (the roster, notices, the list,
meetings). It sits above the apps it reads, so none of them imports it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from assistance import selectors as notice_selectors
from blacklist.corrections.queue import priority_queue
from blacklist.listings import selectors as listing_selectors
from blacklist.models import ListingState
from linkage import workdays
from linkage.models import Delivery, DeliveryState
from members import selectors as member_selectors
from members.models import Organisation

PANEL_ITEMS = 10


@login_required
def home(request):
    """Each role's work bench: what is waiting for this user."""
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "now": timezone.now()}
    if user.is_committee or user.is_administrator:
        context["pending_changes"] = member_selectors.pending_change_requests_for(user)[:10]
        context["pending_changes_count"] = member_selectors.pending_change_requests_for(user).count()
        units = Organisation.objects.active().member_units()
        if user.is_committee and not user.is_administrator:  # a committee follows its own jurisdiction's units
            units = units.filter(jurisdiction_id=member_selectors.jurisdiction_id_of(user))
        context["incomplete_units"] = list(units.incomplete()[:10])
        context["incomplete_count"] = units.incomplete().count()
    if user.is_administrator:
        last_year = workdays.last_known_year()
        context["calendar_last_year"] = last_year
        context["calendar_next_missing"] = last_year is None or last_year < today.year + 1
        context["failed_deliveries"] = Delivery.objects.filter(state=DeliveryState.FAILED).count()
        # Unknown sends the status checks could not settle: never re-sent by the app, so a person must look.
        context["unknown_deliveries"] = Delivery.objects.filter(state=DeliveryState.UNKNOWN,
                                                                next_attempt_at__isnull=True).count()
    if user.is_liaison:
        context["own_unit"] = (
            member_selectors.roster(include_inactive=True).filter(pk=user.organisation_id).first()
        )
        context["own_changes"] = member_selectors.change_requests_visible_to(user)[:5]
        context["inbox_counts"] = notice_selectors.home_inbox(user)
    if user.is_court_staff:
        context["court_work"] = notice_selectors.court_workload(user)
        # Each card counts exactly the rows of the list it links to (the notice list's `queue`, the listing list's
        # filters), from the same selectors.
        context["court_queues"] = notice_selectors.court_queue_counts(user)
        listings = listing_selectors.listings_visible_to(user)
        removals = listing_selectors.removals_due(listings)
        context["removals_due_count"] = removals.count()
        # 信用纠错优先办理: wrong listings, inaccurate data, credit objections, late removals, credit repairs — the
        # listings whose deletion falls due are there, with their clocks, overdue ones red.
        context["priority_queue"] = priority_queue(user.organisation_id, context["now"], limit=PANEL_ITEMS)
        if user.is_leader:
            context["listings_to_approve_count"] = listings.filter(state=ListingState.PROPOSED).count()
    if user.is_committee:
        context["overdue_by_unit"] = notice_selectors.overdue_by_unit(user)
    return render(request, "dashboard/home.html", context)
