"""Case pages: the court's case list, filing a case with its parties, a case's page with its notices, and the
status change. Clerks and leaders see their own court's cases, the committee its jurisdiction's read-only; anybody
else gets 404, as does any case outside `Case.objects.visible_to(user)`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from linkage.errors import ApplicationError
from linkage.forms import run_action
from linkage.pagination import CappedCountPaginator

from . import abuse_views, services, special_views
from .forms import (
    APPLICANT_ROWS,
    DEBTOR_ROWS,
    MAX_PARTY_ROWS,
    CaseFilterForm,
    CaseForm,
    CaseStatusForm,
    SubdistrictForm,
    community_choices,
    party_formset,
    subdistricts_of,
)
from .models import CONCLUDED_STATUSES, Case, CaseStatus, Party, PartyRole
from .permission_models import cases_granted_to

CASES_PER_PAGE = 30
PARTY_ROLES = {"applicants": APPLICANT_ROWS, "debtors": DEBTOR_ROWS}


def _require_case_reader(user):
    if not (user.is_court_staff or user.is_committee):
        raise Http404


def _readable_cases(user):
    """The cases whose page `user` may read: `Case.objects.visible_to`, and for a liaison only the cases it holds the
    guardian read grant on (a procuratorate asked to supervise a crime referral's filing; cases/permission_models.py)."""
    if user.is_liaison:
        return Case.objects.filter(pk__in=cases_granted_to(user))
    _require_case_reader(user)
    return Case.objects.visible_to(user)


def may_edit_case(user, case):
    return user.is_clerk and user.organisation_id == case.court_id


def _search(cases, text):
    text = text.strip()
    if not text:
        return cases
    # Case numbers are stored with full-width parentheses; a clerk types either.
    number = text.replace("(", "（").replace(")", "）")
    party = Party.objects.filter(case=OuterRef("pk")).filter(
        Q(name__icontains=text) | Q(id_number=text.upper()) | Q(credit_code=text.upper())
    )
    return cases.filter(Q(number__icontains=number) | Q(Exists(party)))


@login_required
def case_list(request):
    user = request.user
    _require_case_reader(user)
    form = CaseFilterForm(request.GET or None)
    cases = (
        Case.objects.visible_to(user)
        .select_related("court")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")))
        .annotate(notice_count=Count("notices"))
    )
    if form.is_valid():
        cases = _search(cases, form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            cases = cases.filter(status=form.cleaned_data["status"])
    page = CappedCountPaginator(cases.order_by("-filed_on", "-id"), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"form": form, "page": page, "may_file": user.is_clerk})


def _quiet(form):
    """Show a bound form again without validating it (after "add a row", nothing was submitted yet)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return form


def _party_formsets(user, data=None):
    """The applicants' and the debtors' rows; a debtor's row offers the communities (grouped by subdistrict) and the
    subdistricts of the clerk's jurisdiction."""
    jurisdiction_id = user.organisation.jurisdiction_id
    return {
        "applicants": party_formset("applicants", data, rows=PARTY_ROLES["applicants"]),
        "debtors": party_formset("debtors", data, rows=PARTY_ROLES["debtors"],
                                 subdistricts=subdistricts_of(jurisdiction_id),
                                 communities=community_choices(jurisdiction_id)),
    }


def _add_row(post, role):
    data = post.copy()
    key = f"{role}-TOTAL_FORMS"
    try:
        total = int(data.get(key, PARTY_ROLES[role]))
    except ValueError:
        total = PARTY_ROLES[role]
    data[key] = str(min(total + 1, MAX_PARTY_ROWS))
    return data


@login_required
def case_create(request):
    """File a case: the case fields, applicants and debtors in rows (empty rows are ignored); another row is one
    button away without JavaScript."""
    user = request.user
    if not user.is_clerk:
        raise Http404
    status = 200
    party_errors = {}
    if request.method == "POST" and request.POST.get("add_row") in PARTY_ROLES:
        data = _add_row(request.POST, request.POST["add_row"])
        form = _quiet(CaseForm(data))
        formsets = _party_formsets(user, data)
        for formset in formsets.values():
            formset._non_form_errors = ErrorList()
            formset._errors = []
            for row in formset.forms:
                _quiet(row)
    elif request.method == "POST":
        form = CaseForm(request.POST)
        formsets = _party_formsets(user, request.POST)
        if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
            parties = {
                role: [row.as_party() for row in formset if row.is_filled()] for role, formset in formsets.items()
            }
            try:
                with transaction.atomic():
                    case = services.create_case(actor=user, **form.cleaned_data, **parties)
            except ApplicationError as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    form.add_error(None, error.message)
                    if error.field in formsets:
                        party_errors[error.field] = error.message
            else:
                messages.success(request, f"已登记案件{case.number}。")
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        form = CaseForm()
        formsets = _party_formsets(user)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "applicants": formsets["applicants"],
            "debtors": formsets["debtors"],
            "party_errors": party_errors,
            "has_errors": status == 400,
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    user = request.user
    case = get_object_or_404(_readable_cases(user).select_related("court", "created_by"), pk=pk)
    parties = list(case.parties.select_related("subdistrict", "community").order_by("role", "position", "id"))
    # A liaison reads the case only by its grant (a procuratorate supervising a referral's filing): the court's other
    # items on the case are not its business, so the page lists only the notices it may open (those to its own
    # unit, `visible_to`) and none of the listings' restriction orders and graces (blacklist's, court and committee).
    by_grant = user.is_liaison
    notices = case.notices.visible_to(user).select_related("unit", "measure", "debtor").order_by("-created_at", "-id")
    orders = [] if by_grant else case.restriction_orders.select_related("debtor").order_by("-issued_on", "-id")
    editable = may_edit_case(user, case)
    if editable:
        _attach_subdistrict_forms(case, parties)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "applicants": [p for p in parties if p.role == PartyRole.APPLICANT],
            "debtors": [p for p in parties if p.role == PartyRole.DEBTOR],
            "notices": notices,
            # The consumption-restriction orders of the case (blacklist's rows, read through the relation).
            "restriction_orders": orders,
            "by_grant": by_grant,
            "may_edit": editable,
            "special_notifications": special_views.tasks_for_page(case, editable),
            "may_draft": editable and case.is_open,
            "may_sign": user.is_leader and user.organisation_id == case.court_id,
            "status_form": CaseStatusForm(initial={"status": case.status}) if editable else None,
            "lifting_statuses": [CaseStatus(status).label for status in CONCLUDED_STATUSES],
            # Court staff of the case's court only: abuse of process on record and the judicial credit reports.
            "abuse": abuse_views.section_for_page(case, user, parties),
            "credit_reports": _credit_reports(case, user, parties),
        },
    )


def _credit_reports(case, user, parties):
    """Each party with its latest judicial credit report (blacklist's rows, read through the relation), for the
    staff of the case's court; None for anybody else."""
    if not (user.is_court_staff and user.organisation_id == case.court_id):
        return None
    prefetch_related_objects(parties, "credit_reports")  # one query for every party, not one each
    return [(party, max(party.credit_reports.all(), key=lambda report: (report.generated_at, report.pk), default=None))
            for party in parties]


def _attach_subdistrict_forms(case, parties):
    """Each debtor carries the form that sets its registered community or subdistrict (`party.subdistrict_form`)."""
    subdistricts = subdistricts_of(case.court.jurisdiction_id)
    communities = community_choices(case.court.jurisdiction_id)
    for party in parties:
        if party.role == PartyRole.DEBTOR:
            initial = {"subdistrict": party.subdistrict_id, "community": party.community.code if party.community else ""}
            party.subdistrict_form = SubdistrictForm(initial=initial, subdistricts=subdistricts,
                                                     communities=communities, prefix=f"party{party.pk}")


@login_required
@require_POST
def party_subdistrict(request, pk, party_id):
    """A clerk sets (or clears) a debtor's registered community from the case's page: a community chosen decides
    the subdistrict (its parent); none chosen, the subdistrict alone is recorded (the community unknown)."""
    user = request.user
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=pk)
    party = get_object_or_404(case.parties.filter(role=PartyRole.DEBTOR), pk=party_id)
    jurisdiction_id = case.court.jurisdiction_id
    form = SubdistrictForm(request.POST, subdistricts=subdistricts_of(jurisdiction_id),
                           communities=community_choices(jurisdiction_id), prefix=f"party{party.pk}")
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("cases:detail", pk=case.pk)
    community = form.cleaned_data["community"]
    updated, ok = run_action(request, services.set_debtor_subdistrict, actor=user, party=party, community=community,
                             subdistrict=None if community else form.cleaned_data["subdistrict"])
    if ok:
        if updated.community:
            messages.success(request, f"已登记{updated.name}的户籍或住所地村（居）委会：{updated.community.name}"
                                      f"（{updated.subdistrict.name}）。")
        else:
            where = updated.subdistrict.name if updated.subdistrict else "未登记"
            messages.success(request, f"已登记{updated.name}的户籍或住所地街道：{where}。")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_status(request, pk):
    user = request.user
    _require_case_reader(user)
    case = get_object_or_404(Case.objects.visible_to(user), pk=pk)
    form = CaseStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择有效的案件状态。")
        return redirect("cases:detail", pk=case.pk)
    updated, ok = run_action(
        request,
        services.set_case_status,
        actor=user,
        case=case,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        lifting_ruling_number=form.cleaned_data["lifting_ruling_number"],
    )
    if ok:
        messages.success(request, f"案件状态已更新为“{updated.get_status_display()}”。")
    return redirect("cases:detail", pk=case.pk)
