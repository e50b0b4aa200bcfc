"""The case page's 「妨害诉讼、执行行为记录」 (abuse of process on record, 云府 item 17): the findings against the
case's parties, the form to record one and a button to withdraw one. Only the staff of the case's court see the
section or reach its URLs; anybody else (units, the committee, other courts) gets 404, as if it did not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from linkage.forms import first_error, run_action

from . import abuse
from .forms import AbuseFindingForm, AbuseWithdrawForm
from .models import Case


def section_for_page(case, user, parties):
    """The section's findings (each with its withdraw form when still in force) and the form; None when the user
    may not see it."""
    if not abuse.may_see_abuse_findings(user, case):
        return None
    findings = list(abuse.findings_of_case(case).order_by("-ruled_on", "-id"))
    for finding in findings:
        if finding.withdrawn_at is None:
            finding.withdraw_form = AbuseWithdrawForm(prefix=f"abuse{finding.pk}")
    return {"findings": findings, "form": AbuseFindingForm(parties=parties, prefix="abuse")}


def _case_of_court(user, pk):
    case = get_object_or_404(Case.objects.select_related("court"), pk=pk)
    if not abuse.may_see_abuse_findings(user, case):
        raise Http404
    return case


def _back(case):
    return redirect(reverse("cases:detail", args=[case.pk]) + "#abuse-findings")


@login_required
@require_POST
def abuse_finding_new(request, pk):
    user = request.user
    case = _case_of_court(user, pk)
    form = AbuseFindingForm(request.POST, parties=case.parties.order_by("role", "position", "id"), prefix="abuse")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(case)
    data = form.cleaned_data
    party = case.parties.get(pk=data.pop("party"))
    finding, ok = run_action(request, abuse.record_abuse_finding, actor=user, party=party, **data)
    if ok:
        messages.success(request, f"已登记：{party.name}，{finding.get_kind_display()}（{finding.ruling_number}）。")
    return _back(case)


@login_required
@require_POST
def abuse_finding_withdraw(request, pk, finding_id):
    user = request.user
    case = _case_of_court(user, pk)
    finding = get_object_or_404(abuse.findings_of_case(case), pk=finding_id)
    form = AbuseWithdrawForm(request.POST, prefix=f"abuse{finding.pk}")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(case)
    _, ok = run_action(request, abuse.withdraw_abuse_finding, actor=user, finding=finding,
                       reason=form.cleaned_data["reason"])
    if ok:
        messages.success(request, f"已撤回该记录（{finding.ruling_number}）。")
    return _back(case)
