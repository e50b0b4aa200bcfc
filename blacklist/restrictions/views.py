"""The restriction order's PDF (for the court and the committee) and the community posting PDFs of a subdistrict
(for that subdistrict's liaisons, the courts and the committee of its jurisdiction) and of one of its villages or
communities (the same, and that community's grid liaison). Anybody else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from linkage.pdf import pdf_response
from members.models import Community, Organisation, OrganisationKind
from members.selectors import jurisdiction_id_of, may_see_community_posting

from ..models import RestrictionOrder
from . import documents


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


def community_of(user, code):
    """The active community of `code` whose posting `user` may read, or Http404."""
    community = Community.objects.select_related("subdistrict").filter(code=code).first()
    if community is None or not may_see_community_posting(user, community):
        raise Http404
    return community


def posting_response(community):
    return pdf_response(documents.community_posting_pdf(community),
                        f"失信被执行人名单公示-{community.subdistrict.short_name}{community.name}.pdf", as_attachment=False)


@login_required
def community_unit_posting_pdf(request, code):
    return posting_response(community_of(request.user, code))
