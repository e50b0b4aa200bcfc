"""The restriction order's PDF (for the court and the committee) and a subdistrict's community posting PDF (for
that subdistrict's liaisons, the courts and the committee of its jurisdiction). Anybody else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from linkage import parsing
from linkage.forms import run_action
from linkage.pdf import pdf_response
from members.models import Organisation, OrganisationKind
from members.selectors import jurisdiction_id_of, may_see_community_posting

from ..models import RestrictionOrder, SpecialDebtorNotification
from . import documents
from . import services as restrictions


def restriction_orders_visible_to(user):
    if user.is_court_staff:
        return RestrictionOrder.objects.filter(case__court_id=user.organisation_id)
    if user.is_committee:
        return RestrictionOrder.objects.filter(case__court__jurisdiction_id=jurisdiction_id_of(user))
    return RestrictionOrder.objects.none()


@login_required
def restriction_order_pdf(request, pk):
    order = get_object_or_404(restriction_orders_visible_to(request.user).select_related("case__court", "debtor"),
                              pk=pk)
    return pdf_response(documents.restriction_order_pdf(order), f"限制消费令-{order.debtor.name}.pdf")


@login_required
def community_posting_pdf(request, code):
    subdistrict = get_object_or_404(Organisation, code=code, kind=OrganisationKind.SUBDISTRICT, active=True)
    if not may_see_community_posting(request.user, subdistrict):
        raise Http404
    return pdf_response(documents.community_posting_pdf(subdistrict), f"失信被执行人名单公示-{subdistrict.short_name}.pdf",
                        as_attachment=False)


def _complete(*, done_on, **kwargs):
    """The service, with the date as typed parsed first (empty: today), so a wrong date is refused as a message."""
    return restrictions.complete_special_notification(done_on=parsing.date(done_on, "通报日期", "done_on"), **kwargs)


@login_required
@require_POST
def complete_special_notification(request, pk):
    """The clerk records that a special-debtor notification was made (date and how)."""
    task = get_object_or_404(SpecialDebtorNotification.objects.filter(case__court_id=request.user.organisation_id)
                             if request.user.is_court_staff else SpecialDebtorNotification.objects.none(), pk=pk)
    _, ok = run_action(request, _complete, actor=request.user, notification=task,
                       done_on=request.POST.get("done_on"), note=request.POST.get("note", ""))
    if ok:
        messages.success(request, f"已记录：{task.debtor.name}已通报{task.recipient}。")
    return redirect("cases:detail", pk=task.case_id)
