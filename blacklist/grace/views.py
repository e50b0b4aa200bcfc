"""The grace's steps from a listing's page (暂缓采取失信惩戒措施): the leader grants it; the court's staff record
payments and the clerk confirms performance or the missed promise. Each is one POST calling its service; a refusal
shows the listing's page again with the service's Chinese message at the form (400) and changes nothing. What the
user may not see is a 404 (the listing's visibility)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from linkage.errors import ApplicationError
from linkage.forms import run_service

from ..listings import selectors
from ..listings import views as listing_views
from ..models import GraceInstalment, GracePeriod
from . import services
from .forms import BreakForm, FulfilForm, GrantForm, PayForm


def _refused(request, listing, name, form):
    listing.refresh_from_db()
    context = {**listing_views._detail_context(request, listing), "grace_forms": {name: form}}
    return render(request, "blacklist/listing_detail.html", context, status=400)


@login_required
@require_POST
def grace_grant(request, pk):
    listing = listing_views._visible(request.user, pk)
    form = GrantForm(request.POST, prefix="grant")
    if form.is_valid() and run_service(form, services.grant_grace, actor=request.user, listing=listing,
                                       **form.cleaned_data) is not None:
        messages.success(request, "已准予暂缓采取失信惩戒措施。")
        return redirect("blacklist:listing-detail", pk=listing.pk)
    return _refused(request, listing, "grant", form)


def _pay(user, grace, data):
    instalment = GraceInstalment.objects.filter(grace=grace, pk=data["instalment"]).first()
    if instalment is None:
        raise ApplicationError("请选择未履行的期次。", field="instalment")
    return services.record_payment(actor=user, instalment=instalment, paid_on=data["paid_on"],
                                   paid_amount=data["paid_amount"])


STEPS = {
    "pay": (lambda data, grace: PayForm(data, prefix="pay", grace=grace), _pay, "已登记履行。"),
    "fulfil": (lambda data, grace: FulfilForm(data, prefix="fulfil"),
               lambda user, grace, data: services.fulfil_grace(actor=user, grace=grace, **data),
               "已确认履行完毕：案件登记为执行完毕，失信信息已删除。"),
    "break": (lambda data, grace: BreakForm(data, prefix="break"),
              lambda user, grace, data: services.break_grace(actor=user, grace=grace, **data),
              "已确认未按承诺履行，失信惩戒措施已恢复并推送。"),
}


@login_required
@require_POST
def grace_step(request, pk, name):
    if name not in STEPS:
        raise Http404
    grace = get_object_or_404(GracePeriod.objects.filter(listing__in=selectors.listings_visible_to(request.user)),
                              pk=pk)
    listing = listing_views._visible(request.user, grace.listing_id)
    make_form, step, success = STEPS[name]
    form = make_form(request.POST, grace)
    form.grace_pk = grace.pk
    if form.is_valid() and run_service(form, step, user=request.user, grace=grace,
                                       data=dict(form.cleaned_data)) is not None:
        messages.success(request, success)
        return redirect("blacklist:listing-detail", pk=listing.pk)
    return _refused(request, listing, name, form)
