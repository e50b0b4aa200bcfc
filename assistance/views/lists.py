"""List pages: the notices a user may see (the court's list, the committee's, a liaison's), and the liaison's inbox
by tab. Both read the selectors the API and the home page read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from linkage.pagination import CappedCountPaginator
from members.models import Organisation
from members.selectors import jurisdiction_id_of

from .. import selectors
from ..forms import NoticeFilterForm

NOTICES_PER_PAGE = 20


@login_required
def notice_list(request):
    """The notices the user may see, newest first, with filters by state, unit and overdue."""
    user = request.user
    if not (user.is_court_staff or user.is_committee or user.is_liaison):
        raise Http404
    units = Organisation.objects.member_units().order_by("jurisdiction_id", "sort_order", "id")
    if user.organisation_id:
        units = units.filter(jurisdiction_id=jurisdiction_id_of(user))
    form = NoticeFilterForm(request.GET or None, units=units)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        # An unticked box means "not only overdue", not "only those not overdue".
        filters = {"state": data["state"], "unit": data["unit"], "overdue": True if data["overdue"] else None}
    # A home card's list: exactly the rows the card counted (an unknown queue is ignored).
    queues = selectors.court_queues(user)
    queue = request.GET.get("queue") if request.GET.get("queue") in queues else None
    filters["queue"] = queue
    notices = selectors.notice_list_for(user, filters)
    page = CappedCountPaginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assistance/notice_list.html", {
        "form": form, "page": page, "queue": queue, "queue_label": queues[queue][0] if queue else "",
    })


@login_required
def inbox(request):
    """The liaison's inbox for its unit, by tab, each sorted by deadline."""
    user = request.user
    if not user.is_liaison:
        raise Http404
    inbox = selectors.inbox_for(user, request.GET.get("tab", "new"))
    page = CappedCountPaginator(inbox.pop("notices"), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/inbox.html",
        {**inbox, "page": page, "count_cap": selectors.HISTORY_COUNT_CAP, "open_tabs": selectors.OPEN_TABS},
    )
