"""Judicial suggestion letter pages (司法建议函): the clerk's draft form from a case (or from an overdue or refused
notice of it), the list (the court its own, the unit its unit's served letters, the committee its jurisdiction's),
the letter's page with the moves the viewer may make (sign; serve; withdraw; reply) and its PDF. Whoever may not see
a letter or the case gets a 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.pdf import pdf_response

from ..models import Notice
from ..services import suggestions as services
from ..suggestion_forms import DraftForm, EmptyForm, ReplyForm, WithdrawForm
from ..suggestion_models import SUGGESTION_MACHINE, SuggestionLetter, SuggestionState
from .common import call, first_error

PAGE_SIZE = 50


def visible_letter(user, pk):
    return get_object_or_404(SuggestionLetter.objects.visible_to(user).select_related(
        "court", "unit", "case", "notice", "created_by", "signed_by", "served_by", "replied_by"), pk=pk)


@login_required
def suggestion_new(request, case_id):
    user = request.user
    case = get_object_or_404(Case.objects.visible_to(user).select_related("court"), pk=case_id)
    if not (user.is_clerk and user.organisation_id == case.court_id):
        raise Http404
    notice = None
    notice_id = request.GET.get("notice") or request.POST.get("notice")
    if notice_id:
        if not str(notice_id).isdigit():
            raise Http404
        notice = get_object_or_404(Notice.objects.select_related("unit", "measure", "debtor"), pk=notice_id,
                                   case=case)
    units = services.addressable_units(case.court)
    initial = {"reply_days": settings.LINKAGE_SUGGESTION_REPLY_DAYS,
               "facts": services.prefill_facts(case, notice),
               "unit": notice.unit_id if notice else None,
               "ground": services.notice_ground(notice) if notice else ""}
    form = DraftForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        letter = call(form, services.draft_letter, actor=user, case=case, unit=data["unit"], notice=notice,
                      ground=data["ground"], facts=data["facts"], suggestions=data["suggestions"],
                      reply_days=data["reply_days"])
        if letter is not None:
            messages.success(request, "已起草司法建议函，已通知本院领导签发。")
            return redirect("assistance:suggestion-detail", pk=letter.pk)
    return render(request, "assistance/suggestion_form.html", {"case": case, "notice": notice, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def suggestion_list(request):
    user = request.user
    if not (user.is_court_staff or user.is_liaison or user.is_committee):
        raise Http404
    letters = SuggestionLetter.objects.visible_to(user).select_related("court", "unit", "case")
    state = request.GET.get("state", "")
    if state in SuggestionState.values:
        letters = letters.filter(state=state)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assistance/suggestion_list.html",
                  {"page": page, "state": state, "states": SuggestionState.choices})


@login_required
def suggestion_detail(request, pk):
    letter = visible_letter(request.user, pk)
    actions = SUGGESTION_MACHINE.actions_for(request.user, letter)
    return render(request, "assistance/suggestion_detail.html", {
        "letter": letter, "actions": actions, "reply_form": ReplyForm(), "withdraw_form": WithdrawForm(),
        "overdue_days": services.overdue_days(letter),
        "events": letter.events.select_related("actor").order_by("at", "id"),
    })


# name: (form, service call, message when done)
ACTIONS = {
    "sign": (EmptyForm, lambda u, x, d: services.sign_letter(actor=u, letter=x), "已签发。"),
    "serve": (EmptyForm, lambda u, x, d: services.serve_letter(actor=u, letter=x), "已送达，已通知主送单位联络员。"),
    "withdraw": (WithdrawForm, lambda u, x, d: services.withdraw_letter(actor=u, letter=x, reason=d["reason"]),
                 "已撤回。"),
    "reply": (ReplyForm, lambda u, x, d: services.reply_to_letter(actor=u, letter=x, text=d["text"]),
              "已回复，已通知法院。"),
}


@login_required
@require_POST
def suggestion_action(request, pk, name):
    letter = visible_letter(request.user, pk)
    form_class, run, done = ACTIONS[name]
    form = form_class(request.POST)
    if form.is_valid() and call(form, run, u=request.user, x=letter, d=form.cleaned_data) is not None:
        messages.success(request, done)
    else:
        messages.error(request, first_error(form))
    return redirect("assistance:suggestion-detail", pk=letter.pk)


@login_required
def suggestion_pdf(request, pk):
    from ..suggestion_documents import suggestion_pdf as render_letter  # WeasyPrint loads only when asked

    letter = visible_letter(request.user, pk)
    return pdf_response(render_letter(letter), f"司法建议函-{letter.case.number}-{letter.unit.short_name}.pdf",
                        as_attachment=False)
