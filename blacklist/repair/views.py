"""The court's pages of credit repair (信用修复): its applications with their deadline, registering a paper
application from a listing's page, an application's page with its history and the bureau leader's decision, and
the 信用修复证明 of a granted one.

Every read goes through `selectors.repairs_visible_to(user)` (the court's own staff): anything else is a 404. Every
write is one POST calling its service through `run_service`: a refusal shows the service's Chinese message on the
form, with status 400, and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkage.forms import run_service
from linkage.pdf import pdf_response

from ..corrections.clocks import clock
from ..listings.selectors import listings_visible_to
from ..models import COURT_STAFF, LIVE, REPAIR_MACHINE, CreditRepairEvent, RepairState
from . import documents, selectors, services
from .forms import RepairDecisionForm, RepairFilterForm, RepairReceiveForm

REPAIRS_PER_PAGE = 20


def timeliness(repair, now):
    """How the decision deadline stands: (css, text) for a badge."""
    if repair.decided_at is not None:
        return ("success", "按期决定") if repair.decided_at <= repair.due_at else ("danger", "逾期决定")
    overdue, days, text = clock(repair.due_at, now)  # working days, as on the priority queue
    return ("danger" if overdue else "warning" if days <= 2 else "secondary"), text


def listing_repairs(user, listing):
    """The listing page's card: its applications, and whether the user may register one."""
    now = timezone.now()
    return {
        "credit_repairs": [(item, *timeliness(item, now))
                           for item in listing.credit_repairs.order_by("-created_at", "-id")],
        "may_record_repair": COURT_STAFF.allows(user, listing) and listing.state in LIVE,
    }


def _visible(user, pk):
    return get_object_or_404(selectors.repairs_visible_to(user).select_related(
        "listing", "listing__court", "listing__debtor", "received_by", "decided_by"), pk=pk)


@login_required
def repair_list(request):
    user = request.user
    if not user.is_court_staff:
        raise Http404
    form = RepairFilterForm(request.GET or None)
    repairs = selectors.repairs_visible_to(user).select_related("listing")
    if form.is_valid() and form.cleaned_data["state"]:
        repairs = repairs.filter(state=form.cleaned_data["state"])
    page = Paginator(repairs.order_by("state", "due_at", "id"), REPAIRS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(item, *timeliness(item, now)) for item in page]
    return render(request, "blacklist/repair_list.html", {"form": form, "page": page, "rows": rows})


@login_required
def repair_new(request, listing_id):
    user = request.user
    listing = get_object_or_404(listings_visible_to(user), pk=listing_id)
    if not COURT_STAFF.allows(user, listing):
        raise Http404
    status = 200
    if request.method == "POST":
        form = RepairReceiveForm(request.POST)
        if form.is_valid():
            created = run_service(form, services.receive_repair, actor=user, listing=listing, **form.cleaned_data)
            if created is not None:
                messages.success(request, f"已登记{created.applicant_name}的信用修复申请，应于"
                                          f"{timezone.localtime(created.due_at):%Y年%m月%d日}前作出决定。")
                return redirect("blacklist:repair-detail", pk=created.pk)
        status = 400
    else:
        form = RepairReceiveForm(initial={"applicant_name": listing.name})
    return render(request, "blacklist/repair_form.html", {"form": form, "listing": listing}, status=status)


def _detail(request, repair, *, form=None, status=200):
    actions = REPAIR_MACHINE.actions_for(request.user, repair)
    css, text = timeliness(repair, timezone.now())
    return render(request, "blacklist/repair_detail.html", {
        "repair": repair, "listing": repair.listing, "timeliness_css": css, "timeliness": text,
        "events": CreditRepairEvent.objects.filter(repair=repair).select_related("actor").order_by("at", "id"),
        "decide_form": (form or RepairDecisionForm(prefix="decide")) if actions or form is not None else None,
    }, status=status)


@login_required
def repair_detail(request, pk):
    return _detail(request, _visible(request.user, pk))


@login_required
@require_POST
def repair_decide(request, pk):
    user = request.user
    repair = _visible(user, pk)
    form = RepairDecisionForm(request.POST, prefix="decide")
    if form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        if decision == "refuse":
            decided = run_service(form, services.refuse_repair, actor=user, repair=repair, reason=reason)
        else:
            decided = run_service(form, services.grant_repair, actor=user, repair=repair, outcome=decision,
                                  reason=reason)
        if decided is not None:
            messages.success(request, f"已决定：{decided.get_state_display()}。")
            return redirect("blacklist:repair-detail", pk=repair.pk)
    repair.refresh_from_db()
    return _detail(request, repair, form=form, status=400)


@login_required
def repair_certificate(request, pk):
    repair = _visible(request.user, pk)
    if repair.state != RepairState.GRANTED:
        raise Http404
    return pdf_response(documents.certificate_pdf(repair), documents.certificate_filename(repair))
