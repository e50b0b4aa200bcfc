"""Roster pages: the member list, a unit's page with its contact history, the directory (通讯录),
contact change requests and the committee's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from linkage.forms import run_action, run_service

from . import selectors, services
from .forms import ContactChangeRequestForm, DecisionForm, RosterFilterForm
from .grid_selectors import grid_subdistricts_visible_to
from .machines import CONTACT_CHANGE, may_request_for
from .models import ChangeRequestState, Organisation, OrganisationKind


@login_required
def roster(request):
    form = RosterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.roster(
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        incomplete_only=filters.get("incomplete", False),
        include_inactive=request.user.is_administrator,
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "members/roster.html", {"form": form, "page": page})


@login_required
def directory(request):
    organisations = selectors.roster()
    return render(request, "members/directory.html", {"organisations": organisations})


def _may_request_change(user, organisation):
    return may_request_for(user, organisation)


def _with_actions(user, requests):
    """The requests, each carrying the moves the user may make on it now (the buttons of its row)."""
    requests = list(requests)
    for change in requests:
        change.actions = CONTACT_CHANGE.actions_for(user, change)
    return requests


@login_required
def organisation_detail(request, code):
    organisation = get_object_or_404(
        Organisation.objects.select_related("jurisdiction").prefetch_related("measures"), code=code
    )
    if not organisation.active and not request.user.is_administrator:
        raise Http404
    change_requests = selectors.change_requests_visible_to(request.user).filter(organisation=organisation)
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "history": selectors.contact_history(organisation),
            "current": [c for c in selectors.contact_history(organisation) if c.is_current],
            "change_requests": _with_actions(request.user, change_requests[:20]),
            "may_request_change": _may_request_change(request.user, organisation),
            "may_see_posting": (may_see_posting := selectors.may_see_community_posting(request.user, organisation)),
            # Each village's or community's own posting, for the subdistrict's readers (its grid liaison puts it up).
            "posted_communities": organisation.communities.filter(active=True) if may_see_posting else (),
            "may_see_grid": _may_see_grid(request.user, organisation),
        },
    )


def _may_see_grid(user, organisation):
    if organisation.kind != OrganisationKind.SUBDISTRICT:
        return False
    visible = grid_subdistricts_visible_to(user)
    return visible is not None and visible.filter(pk=organisation.pk).exists()


@login_required
def request_contact_change(request, code):
    organisation = get_object_or_404(Organisation, code=code, active=True)
    if not _may_request_change(request.user, organisation):
        raise Http404
    form = ContactChangeRequestForm(request.POST or None, initial={"role": request.GET.get("role", "A")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            change = run_service(form, services.request_contact_change, actor=request.user,
                                 organisation=organisation, **form.cleaned_data)
            if change is not None:
                messages.success(request, "变更申请已提交，待政法委审批。")
                return redirect("members:organisation", code=organisation.code)
        status = 400
    return render(request, "members/contact_change_form.html", {"form": form, "organisation": organisation},
                  status=status)


@login_required
def change_requests(request):
    visible = selectors.change_requests_visible_to(request.user)
    if not (request.user.is_committee or request.user.is_administrator or request.user.is_liaison):
        raise Http404
    state = request.GET.get("state", ChangeRequestState.PENDING)
    if state in ChangeRequestState.values:
        visible = visible.filter(state=state)
    page = Paginator(visible, 30).get_page(request.GET.get("page"))
    page.object_list = _with_actions(request.user, page.object_list)
    return render(
        request,
        "members/change_requests.html",
        {"page": page, "state": state, "states": ChangeRequestState.choices, "decision_form": DecisionForm()},
    )


@login_required
@require_POST
def decide_change_request(request, pk):
    change = get_object_or_404(selectors.change_requests_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择批准或驳回。")
        return redirect("members:change-requests")
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["decision"] == "approve":
        _, ok = run_action(request, services.approve_contact_change, actor=request.user, change_request=change,
                           reason=reason)
        if ok:
            messages.success(request, f"已批准：{change.organisation.short_name}{change.get_role_display()}联系人变更为{change.name}。")
    else:
        _, ok = run_action(request, services.reject_contact_change, actor=request.user, change_request=change,
                           reason=reason)
        if ok:
            messages.success(request, "已驳回该变更申请。")
    return redirect("members:change-requests")


@login_required
@require_POST
def cancel_change_request(request, pk):
    change = get_object_or_404(selectors.change_requests_visible_to(request.user), pk=pk)
    _, ok = run_action(request, services.cancel_contact_change, actor=request.user, change_request=change)
    if ok:
        messages.success(request, "申请已撤回。")
    return redirect("members:organisation", code=change.organisation.code)
