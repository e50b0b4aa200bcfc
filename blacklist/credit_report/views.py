"""The judicial credit report's pages: its PDF for the staff of the case's court (from the case page), the button
that regenerates it, and the PDF for the party itself on the public credit page once it has passed the public check
in this session (`blacklist.public.credit_access.verified_party`). Anybody else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from linkage.forms import run_action
from linkage.pdf import pdf_response

from ..models import ReportReason
from ..public.credit_access import verified_party
from . import services
from .documents import credit_report_filename, credit_report_pdf


def _party_of_court(user, party_id):
    return get_object_or_404(services.parties_for(user).select_related("case__court"), pk=party_id)


@login_required
@require_GET
def report_pdf(request, party_id):
    """The party's latest report (generated now when it has none yet)."""
    party = _party_of_court(request.user, party_id)
    with transaction.atomic():
        report = services.latest_or_new(actor=request.user, party=party)
    return pdf_response(credit_report_pdf(report), credit_report_filename(report), as_attachment=False)


@login_required
@require_POST
def report_regenerate(request, party_id):
    party = _party_of_court(request.user, party_id)
    report, ok = run_action(request, services.regenerate_report, actor=request.user, party=party)
    if ok:
        messages.success(request, f"已重新生成{party.name}的司法信用报告（{report.number}）。")
    return redirect(reverse("cases:detail", args=[party.case_id]) + "#credit-reports")


@require_GET
def public_report_pdf(request, party_id):
    """The party's own report, for the session that passed the public check for this party; else 404."""
    party = verified_party(request, party_id)
    if party is None:
        raise Http404
    with transaction.atomic():
        report = services.latest_report(party) or services.generate_report(party=party,
                                                                           reason=ReportReason.REQUESTED)
    return pdf_response(credit_report_pdf(report), credit_report_filename(report))
