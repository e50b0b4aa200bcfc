"""The terms of a notice's freezes and seals on its page, a clerk's correction of a term, and the renewal
(续行冻结/续行查封) drafted from an expiring notice (services in assistance/services/terms.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services
from ..forms import RenewalForm, TermEditForm
from ..models import IN_FORCE_STATES, MeasureTerm, Notice, NoticeState
from .common import call, first_error, visible_notice


def terms_context(user, notice):
    """What the page's term card shows: the terms, whether this user may correct them or draft the renewal now,
    and the renewal already drafted (if visible)."""
    terms = list(notice.terms.select_related("item").order_by("item__position"))
    if not terms:
        return {"terms": []}
    today = timezone.localdate()
    is_clerk = user.is_clerk and user.organisation_id == notice.court_id
    return {
        "terms": [(term, term.in_renewal_window(today)) for term in terms],
        "may_edit_terms": is_clerk and notice.state in IN_FORCE_STATES,
        "renewal_form": RenewalForm() if is_clerk and not services.renewal_refusal(notice, today) else None,
        "renewal": Notice.objects.visible_to(user).filter(renews=notice).exclude(state=NoticeState.WITHDRAWN)
        .order_by("-id").first(),
        "term_form": TermEditForm(),
    }


@login_required
@require_POST
def renew(request, pk):
    notice = visible_notice(request.user, pk)
    form = RenewalForm(request.POST)
    if form.is_valid():
        renewal = call(form, services.draft_renewal, actor=request.user, notice=notice,
                       period_months=form.cleaned_data["period_months"],
                       ruling_number=form.cleaned_data["ruling_number"])
        if renewal is not None:
            messages.success(request, "已起草续行通知书（草稿），待执行局领导签发。")
            return redirect("assistance:detail", pk=renewal.pk)
    messages.error(request, first_error(form))
    return redirect("assistance:detail", pk=notice.pk)


@login_required
@require_POST
def edit_term(request, pk, term_id):
    notice = visible_notice(request.user, pk)
    term = get_object_or_404(MeasureTerm, notice=notice, pk=term_id)
    form = TermEditForm(request.POST)
    if form.is_valid():
        done = call(form, services.edit_term, actor=request.user, term=term, **form.cleaned_data)
        if done is not None:
            messages.success(request, "已更正期限。")
            return redirect("assistance:detail", pk=notice.pk)
    messages.error(request, first_error(form))
    return redirect("assistance:detail", pk=notice.pk)
