"""Drafting pages: the draft form (one request to one or several units), the leader's 待签发 list of the court's
drafts by batch, and signing several drafts at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.forms import run_action
from members.models import Organisation

from .. import services
from ..forms import ITEM_CONTENT_FIELDS, ITEM_ROWS, DraftForm, NoticeItemForm, filled_rows, rows_formset
from ..machines import concluded_case_refusal
from ..models import Notice, NoticeState
from .common import call, quiet, quiet_formset, with_added_row

DRAFTS_PER_PAGE = 50


def _draftable_units(case):
    """Active member units of the court's jurisdiction, with their measures (shown beside each unit)."""
    return (
        Organisation.objects.active()
        .member_units()
        .filter(jurisdiction_id=case.court.jurisdiction_id)
        .prefetch_related("measures")
        .order_by("sort_order", "id")
    )


@login_required
def draft(request, case_id):
    """Draft one request to one or several units (one notice per unit, one batch)."""
    user = request.user
    if not user.is_clerk:
        raise Http404
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=case_id)
    if refusal := concluded_case_refusal(case, "发出"):
        messages.error(request, refusal)
        return redirect("cases:detail", pk=case.pk)
    units = _draftable_units(case)
    sections = {}
    status = 200
    if request.method == "POST" and "add_item" in request.POST:
        data = with_added_row(request.POST, "items", ITEM_ROWS)
        form = quiet(DraftForm(data, case=case, units=units))
        items = quiet_formset(rows_formset(NoticeItemForm, "items", data, rows=ITEM_ROWS))
    elif request.method == "POST":
        form = DraftForm(request.POST, request.FILES, case=case, units=units)
        items = rows_formset(NoticeItemForm, "items", request.POST, rows=ITEM_ROWS)
        if form.is_valid() & items.is_valid():
            data = form.cleaned_data
            result = call(
                form,
                services.draft_notices,
                sections=sections,
                actor=user,
                case=case,
                units=list(data["units"]),
                measure=data["measure"],
                debtor=data["debtor"],
                items=filled_rows(items, ITEM_CONTENT_FIELDS),
                ruling_number=data["ruling_number"],
                legal_basis=data["legal_basis"],
                note=data["note"],
                ruling_files=data["ruling_files"],
                tracking=data.get("tracking"),
            )
            if result is not None:
                _, notices = result
                messages.success(
                    request,
                    f"已起草{len(notices)}份协助执行通知书（{data['measure'].name}："
                    f"{'、'.join(n.unit.short_name for n in notices)}），待执行局领导签发。",
                )
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        initial_measure = request.GET.get("measure") or "inquiry"
        form = DraftForm(initial={"measure": initial_measure}, case=case, units=units)
        items = rows_formset(NoticeItemForm, "items", rows=ITEM_ROWS)
    selected_measure = form["measure"].value() or "inquiry"
    selected_units = {str(value) for value in (form["units"].value() or [])}
    return render(
        request,
        "assistance/draft_form.html",
        {
            "case": case,
            "form": form,
            "items": items,
            "units": units,
            "selected_measure": selected_measure,
            "selected_units": selected_units,
            "sections": sections,
            "has_errors": status == 400,
        },
        status=status,
    )


@login_required
def to_sign(request):
    """The leader's 待签发: drafts of the own court, grouped by batch, and the liftings waiting for sign-off."""
    user = request.user
    if not user.is_court_staff:
        raise Http404
    drafts = (
        Notice.objects.visible_to(user)
        .filter(state=NoticeState.DRAFT)
        .with_list_relations()
        .select_related("created_by")
        .prefetch_related("items")
        .order_by("batch_id", "id")
    )
    page = Paginator(drafts, DRAFTS_PER_PAGE).get_page(request.GET.get("page"))
    liftings = (Notice.objects.visible_to(user).filter(state=NoticeState.LIFTING).with_list_relations()
                .order_by("case_id", "id")[:DRAFTS_PER_PAGE])
    return render(request, "assistance/to_sign.html", {"page": page, "may_sign": user.is_leader,
                                                       "liftings": liftings})


@login_required
@require_POST
def sign_many(request):
    """Sign several drafts at once (a batch); each is its own service call."""
    user = request.user
    ids = [value for value in request.POST.getlist("notice") if value.isdigit()]
    notices = list(Notice.objects.visible_to(user).filter(pk__in=ids).select_related("unit"))
    if not notices:
        raise Http404
    signed = []
    for notice in notices:
        result, ok = run_action(request, services.sign_notice, actor=user, notice=notice)
        if ok:
            signed.append(result)
    if signed:
        messages.success(request, f"已签发{len(signed)}份：{'、'.join(n.unit.short_name for n in signed)}。")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("assistance:to-sign")
