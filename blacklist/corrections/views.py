"""Pages of correction requests (纠错, 法释〔2017〕7号 art. 11-12) for the court: the court's requests with their
15-day review deadline (on time, late, days left), recording a request received about a listing, deciding it
(correct the published data, revoke the listing, or reject with reasons) and recording a request for
reconsideration of a rejection.

Every read goes through `selectors.corrections_visible_to(user)` (the court's staff, and the committee read-only):
anything else is a 404. Every write is one POST calling its service through `run_service`: a refusal shows the
service's Chinese message on the form, with status 400, and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkage.forms import run_service

from ..listings.selectors import listings_visible_to
from ..models import CORRECTION_MACHINE, COURT_STAFF
from . import clocks, selectors, services
from .forms import (
    CorrectionDecisionForm,
    CorrectionFilterForm,
    CorrectionRequestForm,
    ReconsiderationDecisionForm,
    ReconsiderationForm,
)

CORRECTIONS_PER_PAGE = 20


def timeliness(correction, today):
    """How the 15-day review stands: (css, text) for a badge."""
    if correction.decided_on is not None and correction.state != "pending":  # pending again: reversed on reconsideration
        if correction.answered_on_time:
            return "success", "按期答复"
        return "danger", f"逾期答复（超期{(correction.decided_on - correction.due_on).days}日）"
    if today > correction.due_on:
        return "danger", f"已逾期{(today - correction.due_on).days}日"
    left = (correction.due_on - today).days
    return ("warning" if left <= 3 else "secondary"), ("今日到期" if left == 0 else f"剩余{left}日")


def _visible(user, pk):
    return get_object_or_404(
        selectors.corrections_visible_to(user).select_related("listing", "received_by", "decided_by"), pk=pk
    )


@login_required
def correction_list(request):
    user = request.user
    if not (user.is_court_staff or user.is_committee):
        raise Http404
    form = CorrectionFilterForm(request.GET or None)
    requests = selectors.corrections_visible_to(user).select_related("listing")
    if form.is_valid() and form.cleaned_data["state"]:
        requests = requests.filter(state=form.cleaned_data["state"])
    page = Paginator(requests.order_by("state", "due_on", "id"), CORRECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(item, *timeliness(item, today)) for item in page]
    return render(request, "blacklist/correction_list.html", {"form": form, "page": page, "rows": rows})


@login_required
def correction_new(request, listing_id):
    user = request.user
    listing = get_object_or_404(listings_visible_to(user), pk=listing_id)
    if not COURT_STAFF.allows(user, listing):
        raise Http404
    status = 200
    if request.method == "POST":
        form = CorrectionRequestForm(request.POST)
        if form.is_valid():
            created = run_service(form, services.receive_correction_request, actor=user, listing=listing,
                                  **form.cleaned_data)
            if created is not None:
                if created.found_by_court:
                    messages.success(request, f"已登记本院发现的{created.get_kind_display()}，"
                                              f"应于{created.due_on:%Y年%m月%d日}前撤销或更正。")
                else:
                    messages.success(request, f"已登记{created.applicant}的纠错申请，"
                                              f"应于{created.due_on:%Y年%m月%d日}前审查答复。")
                return redirect("blacklist:correction-detail", pk=created.pk)
        status = 400
    else:
        form = CorrectionRequestForm()
    return render(request, "blacklist/correction_form.html", {"form": form, "listing": listing}, status=status)


def _detail(request, correction, *, decide=None, reconsider=None, reconsidered=None, status=200):
    user = request.user
    actions = CORRECTION_MACHINE.actions_for(user, correction)
    # A refused form is shown with its message even when the step is no longer (or never was) offered.
    show_decide = bool({"correct", "reject"} & set(actions)) or decide is not None
    show_reconsider = "reconsider" in actions or reconsider is not None
    show_reconsidered = bool({"uphold", "reverse"} & set(actions)) or reconsidered is not None
    css, text = timeliness(correction, timezone.localdate())
    # The applicant's clock: shown while a rejection may still be taken to reconsideration.
    reconsider_until = None
    if CORRECTION_MACHINE.allows(correction, "reconsider"):
        reconsider_until = clocks.reconsideration_window(correction.decided_on).due_date
    return render(request, "blacklist/correction_detail.html", {
        "correction": correction,
        "listing": correction.listing,
        "timeliness_css": css,
        "timeliness": text,
        "reconsider_until": reconsider_until,
        "decide_form": (decide or CorrectionDecisionForm(prefix="decide")) if show_decide else None,
        "reconsider_form": (reconsider or ReconsiderationForm(prefix="reconsider")) if show_reconsider else None,
        "reconsidered_form": ((reconsidered or ReconsiderationDecisionForm(prefix="reconsidered"))
                              if show_reconsidered else None),
    }, status=status)


@login_required
def correction_detail(request, pk):
    return _detail(request, _visible(request.user, pk))


@login_required
@require_POST
def correction_decide(request, pk):
    user = request.user
    correction = _visible(user, pk)
    form = CorrectionDecisionForm(request.POST, prefix="decide")
    if form.is_valid():
        decided = run_service(form, services.decide_correction_request, actor=user, request=correction,
                              **form.service_arguments())
        if decided is not None:
            messages.success(request, f"已审查：{decided.get_state_display()}。")
            return redirect("blacklist:correction-detail", pk=correction.pk)
    correction.refresh_from_db()
    return _detail(request, correction, decide=form, status=400)


@login_required
@require_POST
def correction_reconsider(request, pk):
    user = request.user
    correction = _visible(user, pk)
    form = ReconsiderationForm(request.POST, prefix="reconsider")
    if form.is_valid():
        updated = run_service(form, services.request_reconsideration, actor=user, request=correction,
                              requested_on=form.cleaned_data["requested_on"])
        if updated is not None:
            messages.success(request, "已登记复议申请，上级法院应于"
                                      f"{updated.reconsideration_due_on:%Y年%m月%d日}前作出决定。")
            return redirect("blacklist:correction-detail", pk=correction.pk)
    correction.refresh_from_db()
    return _detail(request, correction, reconsider=form, status=400)


@login_required
@require_POST
def correction_reconsidered(request, pk):
    """Record the higher court's decision on a reconsideration (upheld, or reversed: to be corrected)."""
    user = request.user
    correction = _visible(user, pk)
    form = ReconsiderationDecisionForm(request.POST, prefix="reconsidered")
    if form.is_valid():
        updated = run_service(form, services.record_reconsideration_decision, actor=user, request=correction,
                              **form.service_arguments())
        if updated is not None:
            if updated.state == "pending":
                messages.success(request, f"已登记复议决定：撤销驳回，应于{updated.due_on:%Y年%m月%d日}前纠正。")
            else:
                messages.success(request, "已登记复议决定：维持驳回。")
            return redirect("blacklist:correction-detail", pk=correction.pk)
    correction.refresh_from_db()
    return _detail(request, correction, reconsidered=form, status=400)
