"""Referral pages (assistance/services/referrals.py): the court drafts from the case, the leader signs, the clerk
sends and may request supervision; the police, the procuratorate (through its object grant) and the discipline body
answer. Whatever a user may not see is a 404 (`visible_to`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.errors import ApplicationError
from linkage.forms import first_error
from linkage.pdf import pdf_response
from members.models import OrganisationKind

from .. import referral_forms as forms
from ..referral_models import CRIME_MACHINE, DISCIPLINE_MACHINE, CrimeReferral, DisciplineReferral
from ..services import referrals as services

KINDS = {
    "crime": (CrimeReferral, CRIME_MACHINE, ("case", "court", "debtor", "police", "procuratorate")),
    "discipline": (DisciplineReferral, DISCIPLINE_MACHINE, ("case", "court", "party", "unit")),
}

ACTIONS = {
    "sign": ("crime", services.sign_crime_referral, None, "已签发。"),
    # (kind, service, form or None, message on success)
    "send": ("crime", services.send_crime_referral, None, "已移送公安机关。"),
    "file": ("crime", services.record_police_filing, forms.FilingForm, "已登记立案。"),
    "refuse": ("crime", services.record_police_refusal, forms.RefusalForm, "已登记不予立案。"),
    "request_supervision": ("crime", services.request_supervision, forms.SupervisionRequestForm,
                            "已提请人民检察院立案监督。"),
    "supervise": ("crime", services.answer_supervision, forms.SupervisionAnswerForm, "已答复立案监督。"),
    "discipline_send": ("discipline", services.send_discipline_referral, None, "已签发并移送纪检监察机关。"),
    "discipline_answer": ("discipline", services.answer_discipline_referral, forms.DisciplineAnswerForm, "已答复。"),
}
CRIME_FORMS = {"file": forms.FilingForm, "refuse": forms.RefusalForm,
               "request_supervision": forms.SupervisionRequestForm, "supervise": forms.SupervisionAnswerForm}


def visible_referral(user, kind, pk):
    model, _, related = KINDS[kind]
    return get_object_or_404(model.objects.visible_to(user).select_related(*related), pk=pk)


@login_required
def referral_list(request):
    user = request.user
    crime = CrimeReferral.objects.visible_to(user).select_related("case", "debtor", "police")
    discipline = DisciplineReferral.objects.visible_to(user).select_related("case", "party", "unit")
    if not (user.is_court_staff or user.is_committee or user.is_liaison):
        raise Http404
    return render(request, "assistance/referral_list.html", {"crime": crime[:200], "discipline": discipline[:200]})


def _draft(request, case_id, kind):
    user = request.user
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=case_id)
    if not user.is_clerk:
        raise Http404
    unit_kind = OrganisationKind.POLICE if kind == "crime" else OrganisationKind.DISCIPLINE
    parties = case.parties.debtors()
    if kind == "discipline":
        parties = parties.filter(is_public_servant=True) | parties.filter(is_party_government_organ=True)
    form_class = forms.CrimeDraftForm if kind == "crime" else forms.DisciplineDraftForm
    form = form_class(request.POST or None, parties=parties, units=services.roster_units(case.court, unit_kind))
    if request.method == "POST" and form.is_valid():
        service = services.draft_crime_referral if kind == "crime" else services.draft_discipline_referral
        try:
            with transaction.atomic():
                referral = service(actor=user, case=case, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "已起草移送函。")
            return redirect(f"assistance:referral-{kind}-detail", pk=referral.pk)
    return render(request, "assistance/referral_form.html", {"case": case, "form": form, "kind": kind},
                  status=400 if form.errors else 200)


@login_required
def crime_new(request, case_id):
    return _draft(request, case_id, "crime")


@login_required
def discipline_new(request, case_id):
    return _draft(request, case_id, "discipline")


def _detail(request, kind, pk):
    user = request.user
    referral = visible_referral(user, kind, pk)
    machine = KINDS[kind][1]
    actions = machine.actions_for(user, referral)
    forms_shown = {}
    for action in actions:
        form_class = CRIME_FORMS.get(action) if kind == "crime" else (
            forms.DisciplineAnswerForm if action == "answer" else None)
        if form_class is not None:
            forms_shown[action] = form_class(prefix=action)
    return render(request, "assistance/referral_detail.html", {
        "referral": referral, "kind": kind,
        "actions": [(action, machine.label(action), forms_shown.get(action)) for action in actions],
        "events": referral.events.select_related("actor"),
        "may_read_case": user.is_court_staff or user.is_committee or (
            kind == "crime" and CrimeReferral.objects.granted_to(user).filter(pk=referral.pk).exists()),
    })


@login_required
def crime_detail(request, pk):
    return _detail(request, "crime", pk)


@login_required
def discipline_detail(request, pk):
    return _detail(request, "discipline", pk)


@login_required
@require_POST
def referral_action(request, pk, name):
    """A move of a crime referral (`name`: sign, send, file, refuse, request_supervision, supervise)."""
    if name not in ACTIONS or ACTIONS[name][0] != "crime":
        raise Http404
    return _act(request, pk, name)


@login_required
@require_POST
def discipline_action(request, pk, name):
    """A move of a discipline referral (`name`: send, answer)."""
    if name not in ("send", "answer"):
        raise Http404
    return _act(request, pk, f"discipline_{name}")


def _act(request, pk, name):
    kind, service, form_class, success = ACTIONS[name]
    referral = visible_referral(request.user, kind, pk)
    kwargs = {}
    if form_class is not None:
        prefix = name.removeprefix("discipline_")
        form = form_class(request.POST, prefix=prefix)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect(f"assistance:referral-{kind}-detail", pk=referral.pk)
        kwargs = form.cleaned_data
    try:
        with transaction.atomic():
            service(actor=request.user, referral=referral, **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(f"assistance:referral-{kind}-detail", pk=referral.pk)


@login_required
def crime_pdf(request, pk):
    from ..referral_documents import crime_referral_pdf

    referral = visible_referral(request.user, "crime", pk)
    return pdf_response(crime_referral_pdf(referral), f"拒执罪移送函-{referral.pk}.pdf", as_attachment=False)
