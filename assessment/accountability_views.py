"""Pages of the yearly accountability documents and the ledger of administrative-organ debtors (云浮 items 6, 8,
22). What a user may not see is a 404 (`accountability.visible_documents`, `accountability.ledger_cases`); every
change is a POST to one service, whose refusal comes back as a message and changes nothing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkage.errors import ApplicationError
from linkage.forms import run_action
from linkage.pdf import pdf_response
from members.models import OrganisationKind

from . import accountability as services
from . import accountability_record as record
from .accountability_documents import accountability_pdf
from .accountability_machine import DOCUMENT
from .accountability_models import AccountabilityKind


def _may_list(user):
    if user.is_court_staff or user.is_committee:
        return True
    return bool(user.is_liaison and user.organisation_id
                and user.organisation.kind == OrganisationKind.PERSONNEL)


@login_required
def organs_ledger(request):
    """The separate ledger of cases whose debtor is an administrative organ (云浮 items 8, 15)."""
    user = request.user
    if not (user.is_court_staff or user.is_committee):
        raise Http404
    lines = record.ledger(services.ledger_cases(user))
    if request.GET.get("overdue") == "1":
        lines = [line for line in lines if line.overdue]
    return render(request, "assessment/accountability/ledger.html", {
        "lines": lines, "only_overdue": request.GET.get("overdue") == "1",
        "months": settings.ORGAN_PERFORMANCE_MONTHS,
    })


@login_required
def documents(request):
    """The user's documents; court staff generate the year's drafts here (POST)."""
    user = request.user
    if not _may_list(user):
        raise Http404
    if request.method == "POST":
        document, done = run_action(request, services.generate, actor=user, kind=request.POST.get("kind", ""),
                                    year=request.POST.get("year", ""))
        if done:
            messages.success(request, f"已生成草稿：{document.title}")
            return redirect("assessment:accountability-detail", pk=document.pk)
        return redirect("assessment:accountability")
    queryset = services.document_filter(services.visible_documents(user), kind=request.GET.get("kind", ""),
                                        year=request.GET.get("year", ""))
    this_year = timezone.localdate().year
    return render(request, "assessment/accountability/list.html", {
        "documents": queryset, "kinds": AccountabilityKind.choices, "may_generate": user.is_court_staff,
        "years": list(range(this_year, this_year - 5, -1)),
    })


def _visible(request, pk):
    return get_object_or_404(services.visible_documents(request.user), pk=pk)


@login_required
def detail(request, pk):
    document = _visible(request, pk)
    if request.method == "POST":
        _, done = run_action(request, services.edit, actor=request.user, document=document,
                             title=request.POST.get("title", ""), addressee=request.POST.get("addressee", ""),
                             body=request.POST.get("body", ""))
        if done:
            messages.success(request, "已保存。")
        return redirect("assessment:accountability-detail", pk=document.pk)
    rows = list(document.rows.all())
    return render(request, "assessment/accountability/detail.html", {
        "document": document, "rows": rows, "events": document.events.select_related("actor"),
        "actions": DOCUMENT.actions_for(request.user, document),
        "districts": services.by_district(rows),
        "letters": document.letters.all(),
    })


@login_required
@require_POST
def edit_row(request, pk, row_id):
    document = _visible(request, pk)
    _, done = run_action(request, services.edit_row, actor=request.user, document=document, row_id=row_id,
                         remark=request.POST.get("remark", ""), excluded=request.POST.get("excluded") == "1",
                         reason=request.POST.get("reason", ""))
    if done:
        messages.success(request, "已保存。")
    return redirect("assessment:accountability-detail", pk=document.pk)


@login_required
@require_POST
def issue(request, pk):
    document = _visible(request, pk)
    document, done = run_action(request, services.issue, actor=request.user, document=document)
    if done:
        messages.success(request, f"已印发：{document.number}")
    return redirect("assessment:accountability-detail", pk=pk)


@login_required
def pdf(request, pk):
    document = _visible(request, pk)
    try:
        content = accountability_pdf(document)
    except ApplicationError as error:  # pragma: no cover - the layout's own refusal
        messages.error(request, error.message)
        return redirect("assessment:accountability-detail", pk=pk)
    name = f"{document.title}{'-' + document.number if document.number else '（草稿）'}.pdf"
    return pdf_response(content, name)
