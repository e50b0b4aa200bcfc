"""The relief section's writes (困难申请执行人救助, on the case page: assistance/templatetags/relief_tags.py): record
an applicant's hardship, propose judicial relief, the leader's decision, the referral to civil affairs. Each is one
POST calling its service and going back to the case page with the outcome or the service's Chinese refusal.

Whoever may not see the case (or the record) gets a 404; court staff and the committee who see it but may not act
are refused by the service (a message on the case page), and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cases.models import Case

from ..relief_forms import DecisionForm, HardshipForm, ProposalForm, ReferralForm
from ..relief_models import HardshipRecord, JudicialReliefProposal
from ..services import relief as services
from .common import call, first_error


def _back(case_id):
    response = redirect("cases:detail", pk=case_id)
    response["Location"] += "#relief"
    return response


def _run(request, form, service, success, **kwargs):
    """Validate the form, call the service with its data; the outcome (or the first refusal) as a message."""
    if form.is_valid():
        done = call(form, service, **kwargs, **form.cleaned_data)
        if done is not None:
            messages.success(request, success(done))
            return done
    messages.error(request, first_error(form))
    return None


def _record(user, pk):
    return get_object_or_404(HardshipRecord.objects.visible_to(user).select_related("case", "applicant"), pk=pk)


@login_required
@require_POST
def record_hardship(request, case_id):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)
    form = HardshipForm(request.POST, applicants=case.parties.applicants().filter(kind="person"))
    _run(request, form, services.record_hardship,
         lambda record: f"已登记申请执行人{record.applicant.name}的生活困难情况。", actor=request.user, case=case)
    return _back(case.pk)


@login_required
@require_POST
def propose(request, pk):
    record = _record(request.user, pk)
    _run(request, ProposalForm(request.POST), services.propose_judicial_relief,
         lambda proposal: f"已提出司法救助（{proposal.amount:,.2f}元），待执行局领导决定。",
         actor=request.user, record=record)
    return _back(record.case_id)


@login_required
@require_POST
def decide(request, pk):
    proposal = get_object_or_404(
        JudicialReliefProposal.objects.filter(record__in=HardshipRecord.objects.visible_to(request.user)), pk=pk)
    _run(request, DecisionForm(request.POST), services.decide_judicial_relief,
         lambda decided: f"已决定：{decided.get_state_display()}。", actor=request.user, proposal=proposal)
    return _back(proposal.record.case_id)


@login_required
@require_POST
def refer(request, pk):
    record = _record(request.user, pk)
    form = ReferralForm(request.POST, units=services.civil_affairs_units(record.court))
    _run(request, form, services.refer_to_civil_affairs,
         lambda notice: f"已起草社会救助转介函（第{notice.pk}号，转介{notice.unit.name}），待执行局领导签发后送达。",
         actor=request.user, record=record)
    return _back(record.case_id)
