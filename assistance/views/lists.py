"""List pages: the notices a user may see (the court's list, the committee's, a liaison's), and the liaison's inbox
by tab, with its 查验文书 form. Both read the selectors the API and the home page read."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkage import verification_views
from linkage.pagination import CappedCountPaginator
from linkage.ratelimit import retry_after
from members.models import Organisation
from members.selectors import jurisdiction_id_of

from .. import selectors
from ..forms import NoticeFilterForm

NOTICES_PER_PAGE = 20
NOTHING_TO_CHECK = "请输入文书上的核验码，或上传收到的PDF文件。"


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
    return render(
        request,
        "assistance/notice_list.html",
        {
            "form": form,
            "page": page,
            "queue": queue,
            "queue_label": queues[queue][0] if queue else "",
        },
    )


@login_required
def inbox(request):
    """The liaison's inbox for its unit, by tab, each sorted by deadline."""
    if not request.user.is_liaison:
        raise Http404
    return render(request, "assistance/inbox.html", _inbox_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def inbox_verify(request):
    """查验文书 from the inbox (issue 24 item 4): a code typed, or a received PDF uploaded (with or without its code),
    answered inline above the inbox with exactly what /verify/ answers (`verification_views.answer`, the one check,
    its rate limit included). Any code may be checked, a notice to another unit's too: the check is public, and it
    shows nothing the public page does not."""
    if not request.user.is_liaison:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    typed = data.get("code", "")
    if request.method == "GET" and not typed:
        return redirect("assistance:inbox")
    if request.method == "POST" and not typed.strip() and "pdf" not in request.FILES:
        check, status = {"message": NOTHING_TO_CHECK}, 400
    else:
        check, status = verification_views.answer(request, typed, upload="pdf" in request.FILES, find_by_file=True)
    context = {**_inbox_context(request), "verify": {**check, "typed": typed[:40]}}
    response = render(request, "assistance/inbox.html", context, status=status)
    if status == 429:
        response["Retry-After"] = retry_after()
    return response


def _inbox_context(request):
    inbox = selectors.inbox_for(request.user, request.GET.get("tab", "new"))
    page = CappedCountPaginator(inbox.pop("notices"), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return {
        **inbox,
        "page": page,
        "count_cap": selectors.HISTORY_COUNT_CAP,
        "open_tabs": selectors.OPEN_TABS,
        "verify_max_mb": settings.VERIFY_UPLOAD_MAX_MB,
    }
