"""Pages of the court's listings: its list (by state), the propose form from a case's debtor, a listing's page with
the published fields, the legal clock, the history and the moves the user may make.

Every read goes through `selectors.listings_visible_to(user)`: what a user may not see is a 404. Every move is one
POST calling its service; a refusal shows the service's Chinese message and writes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.forms import run_service
from linkage.pagination import CappedCountPaginator

from ..corrections.views import timeliness
from ..models import COURT_STAFF, LISTING_MACHINE, ListingEvent, RestrictionOrder
from ..repair.views import listing_repairs
from ..screening.services import hits_for_listing
from . import rules, selectors, services
from .forms import CorrectForm, DeleteForm, ListingFilterForm, ProposeForm, ReasonForm, RevokeForm

LISTINGS_PER_PAGE = 20

# The form of each move a user can make from the listing's page (its service is `services.MOVE_SERVICES[action]`).
# Which of them a user is offered is `LISTING_MACHINE.actions_for` (the state and the role, from the one table).
FORMS = {
    "approve": ReasonForm, "withdraw": ReasonForm, "shield": ReasonForm, "unshield": ReasonForm,
    "delete": DeleteForm, "revoke": RevokeForm, "correct": CorrectForm,
}


def _visible(user, pk):
    return get_object_or_404(selectors.listings_visible_to(user).select_related("case", "court"), pk=pk)


def _form(name, listing, data=None):
    """The move's form; the deletion form offers the listing's case's applicants."""
    extra = {"listing": listing} if name == "delete" else {}
    return FORMS[name](data, prefix=name, **extra)


def _available(user, listing):
    return [name for name in LISTING_MACHINE.actions_for(user, listing) if name in FORMS]


@login_required
def listing_list(request):
    user = request.user
    if not (user.is_court_staff or user.is_committee):
        raise Http404
    form = ListingFilterForm(request.GET or None)
    listings = selectors.listings_visible_to(user).select_related("court")
    if form.is_valid() and form.cleaned_data["state"]:
        listings = listings.filter(state=form.cleaned_data["state"])
    # The home card's list of removals due: exactly its rows, the nearest deadline first.
    removal_due = request.GET.get("removal_due") == "on"
    if removal_due:
        listings = selectors.removals_due(listings).order_by("removal_due_at", "id")
    else:
        listings = listings.order_by("-proposed_at", "-id")
    page = CappedCountPaginator(listings, LISTINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "blacklist/listing_list.html", {"form": form, "page": page, "removal_due": removal_due})


@login_required
def listing_propose(request, case_id):
    user = request.user
    if not user.is_clerk:
        raise Http404
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=case_id)
    status = 200
    if request.method == "POST":
        form = ProposeForm(request.POST, case=case)
        if form.is_valid():
            listing = run_service(form, services.propose_listing, actor=user, **form.cleaned_data)
            if listing is not None:
                messages.success(request, f"已提请将{listing.name}纳入失信被执行人名单，待执行局领导批准。")
                return redirect("blacklist:listing-detail", pk=listing.pk)
        status = 400
    else:
        debtor = request.GET.get("debtor")
        form = ProposeForm(case=case, initial={"debtor": debtor} if debtor else None)
    return render(request, "blacklist/listing_form.html", {"form": form, "case": case}, status=status)


def _detail_context(request, listing, forms=None):
    user = request.user
    available = _available(user, listing)
    forms = forms or {}
    # A refused form is shown with its message even when the move is not offered to this user.
    available += [name for name in forms if name not in available]
    action_forms = [(name, LISTING_MACHINE.label(name), forms.get(name) or _form(name, listing))
                    for name in available]
    now = timezone.now()
    removal = None
    if listing.removal_due_at:
        done_at = listing.ended_at or now
        removal = {"due_at": listing.removal_due_at, "late": done_at > listing.removal_due_at}
    reapply_from = None
    if listing.state == "deleted" and listing.deletion_ground == "applicant_request" and listing.ended_at:
        reapply_from = rules.reapply_from(timezone.localdate(listing.ended_at))
    return {
        "listing": listing,
        "reapply_from": reapply_from,
        "events": [(event, event.action_display)
                   for event in ListingEvent.objects.filter(listing=listing).select_related("actor").order_by("id")],
        "screening_hits": hits_for_listing(listing)[:50],
        "action_forms": action_forms,
        "removal": removal,
        "corrections": [(item, *timeliness(item, timezone.localdate()))
                        for item in listing.correction_requests.order_by("-received_on", "-id")],
        "may_record_correction": COURT_STAFF.allows(user, listing),
        **listing_repairs(user, listing),  # credit repair (blacklist/repair)
        # The debtor's consumption-restriction orders in this case (the one approval issued, or one issued before):
        # whoever may see the listing may read them (the same court, the committee of its jurisdiction).
        "restriction_orders": RestrictionOrder.objects.filter(case_id=listing.case_id, debtor_id=listing.debtor_id)
        .order_by("-issued_on", "-id"),
    }


@login_required
def listing_detail(request, pk):
    listing = _visible(request.user, pk)
    return render(request, "blacklist/listing_detail.html", _detail_context(request, listing))


@login_required
@require_POST
def listing_action(request, pk, name):
    user = request.user
    listing = _visible(user, pk)
    if name not in FORMS:
        raise Http404
    form = _form(name, listing, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if name == "correct":
            data = {"changes": {data["field"]: data["value"]}, "reason": data["reason"]}
        if name in ("approve", "withdraw", "shield", "unshield"):
            data = {"reason": data.get("reason", "")}
        if run_service(form, services.MOVE_SERVICES[name], actor=user, listing=listing, **data) is not None:
            messages.success(request, f"已{LISTING_MACHINE.label(name)}。")
            return redirect("blacklist:listing-detail", pk=listing.pk)
    listing.refresh_from_db()
    return render(request, "blacklist/listing_detail.html", _detail_context(request, listing, {name: form}),
                  status=400)
