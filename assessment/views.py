"""Pages of the annual assessment: the committee's and the court's scoreboard (ranking, every criterion, charts,
metrics that link to the notices behind them, nominations, history), a unit's own page (for its liaisons: only
its row, its rank and what pulled it down), the criteria page, the drill-down lists, the PDF and Excel exports.

What a user may not see is a 404 (`selectors.visible_unit`, `selectors.may_see_board`). Every change is a POST that
calls one service; a refusal shows the service's Chinese message and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from assistance.models import Notice
from linkage.errors import ApplicationError
from linkage.forms import run_action
from members.models import Measure

from . import charts, exports, presentation, selectors, services
from .board import assessed_units, criteria_of, unit_trend
from .forms import CriteriaFormSet, DecisionForm, NominationForm, ReasonForm, ScoreForm
from .machines import ASSESSMENT, is_committee_of, is_court_of
from .metrics import metric_label, notices_behind
from .models import Assessment, CriterionSource, Nomination, ScoreEntry
from .sources import record_rows

NOTICES_PER_PAGE = 50
# The moves of the year's assessment the board offers as buttons: the service, the button's text, whether the
# reason must be given. Who may press which, and when, is the machine's (`ASSESSMENT.actions_for`).
MOVES = {
    "start_scoring": (services.start_scoring, "开始评分", False),
    "submit": (services.submit_scores, "提交政法委审核", False),
    "return": (services.return_to_court, "退回法院", True),
    "finalise": (services.finalise, "定稿", False),
    "reopen": (services.reopen, "重新打开", True),
}


# --------------------------------------------------------------------------------------------- helpers


def _jurisdiction(request):
    code = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    jurisdiction = selectors.jurisdiction_for(request.user, code.strip() or None)
    if jurisdiction is None:
        raise Http404
    return jurisdiction


def _year(year):
    try:
        return services.check_year(year)
    except ApplicationError:
        raise Http404


def _query(request, jurisdiction):
    """The `?jurisdiction=` an administrator's links carry (others work in their own)."""
    return f"?jurisdiction={jurisdiction.code}" if request.user.is_administrator else ""


def _links(request, jurisdiction, board=None):
    """Link suffixes for templates (`jq` starts a query string, `ja` extends one) and the board's times."""
    query = _query(request, jurisdiction)
    context = {"jq": query, "ja": query.replace("?", "&")}
    if board is not None:
        context["as_of_display"] = parse_datetime(board["as_of"])
        context["finalised_at_display"] = parse_datetime(board.get("finalised_at") or "") if board.get("final") else None
    return context


def _board_url(request, jurisdiction, year):
    return reverse("assessment:board", args=[year]) + _query(request, jurisdiction)


def _role(user, jurisdiction):
    if is_court_of(user, jurisdiction.pk):
        return "court"
    if is_committee_of(user, jurisdiction.pk):
        return "committee"
    if user.is_administrator:
        return "admin"
    return "liaison" if user.is_liaison else ""


def _actions(user, jurisdiction, year, assessment):
    """What the user may do on the year's assessment now (before it exists, it is being prepared)."""
    return ASSESSMENT.actions_for(user, assessment or Assessment(jurisdiction=jurisdiction, year=year))


# ----------------------------------------------------------------------------------------------- pages


@login_required
def index(request):
    """The most recent assessment of the user's jurisdiction, or this year's."""
    jurisdiction = _jurisdiction(request)
    latest = jurisdiction.assessments.order_by("-year").values_list("year", flat=True).first()
    year = latest or timezone.localdate().year
    if request.user.is_liaison:
        return redirect("assessment:unit", year=year, unit_id=request.user.organisation_id)
    return redirect(_board_url(request, jurisdiction, year))


@login_required
def board(request, year, version=None):
    """The scoreboard: live while the court scores and the committee reviews, frozen once finalised."""
    user = request.user
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    if user.is_liaison and not selectors.may_see_board(user, jurisdiction):
        return redirect("assessment:unit", year=year, unit_id=user.organisation_id)
    if not selectors.may_see_board(user, jurisdiction):
        raise Http404
    assessment = selectors.assessment_of(jurisdiction, year)
    data = presentation.decorate(selectors.board_for(jurisdiction, year, assessment, version=version))
    role = _role(user, jurisdiction)
    actions = [] if version else _actions(user, jurisdiction, year, assessment)
    context = {
        "board": data,
        "assessment": assessment,
        "year": year,
        "years": range(timezone.localdate().year, max(2004, timezone.localdate().year - 6), -1),
        "jurisdiction": jurisdiction,
        **_links(request, jurisdiction, data),
        "role": role,
        "viewing_version": version,
        "charts": charts.board_charts(data),
        "notice_headers": presentation.NOTICE_COLUMNS,
        "cooperation_headers": presentation.COOPERATION_COLUMNS,
        "moves": [(name, label, needs_reason) for name, (_, label, needs_reason) in MOVES.items() if name in actions],
        "versions": list(assessment.versions.order_by("-number")) if assessment else [],
        "events": list(assessment.events.select_related("actor", "unit").order_by("-at", "-id")[:50])
        if assessment else [],
        "nomination_form": NominationForm(units=assessed_units(jurisdiction))
        if "nomination_proposed" in actions else None,
        "decide": "nomination_approved" in actions,
        "withdraw": "nomination_withdrawn" in actions,
        "decision_form": DecisionForm(),
        "reason_form": ReasonForm(),
    }
    if "finalise" in actions:
        early = services.early_finalisation(assessment)
        context["early"] = early and {**early, "warning": services.early_warning(early)}
    return render(request, "assessment/board.html", context)


@login_required
def version_board(request, year, number):
    return board(request, year, version=number)


def _unit_context(request, year, unit_id, *, score_form=None):
    user = request.user
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    unit = selectors.visible_unit(user, jurisdiction, unit_id)
    assessment = selectors.assessment_of(jurisdiction, year)
    full = selectors.board_for(jurisdiction, year, assessment)
    trend = unit_trend(full, unit.pk)
    data = full if selectors.may_see_board(user, jurisdiction) else selectors.board_for_liaison(full, unit.pk)
    presentation.decorate(data)
    row = selectors.row_of(data, unit.pk)
    role = _role(user, jurisdiction)
    actions = _actions(user, jurisdiction, year, assessment)
    form_criteria = []
    if "score_entered" in actions:
        form_criteria = [c for c in data["criteria"] if c["source"] == CriterionSource.COURT]
    elif "score_adjusted" in actions:
        form_criteria = data["criteria"]
    if form_criteria and score_form is None:
        score_form = ScoreForm(criteria=form_criteria)
    entries = []
    if assessment is not None:
        entries = list(ScoreEntry.objects.filter(assessment=assessment, unit=unit)
                       .select_related("criterion", "entered_by").order_by("-entered_at", "-id"))
    return {
        "board": data,
        "row": row,
        "unit": unit,
        "year": year,
        "assessment": assessment,
        "jurisdiction": jurisdiction,
        **_links(request, jurisdiction, data),
        "role": role,
        "unit_count": data.get("unit_count", len(data["rows"])),
        "charts": charts.board_charts(full, unit_id=unit.pk, unit_trend=trend),
        "score_form": score_form if form_criteria else None,
        "score_stage": "court" if role == "court" else "committee",
        "entries": entries,
        "by_measure": _by_measure(row),
        "is_board_viewer": selectors.may_see_board(user, jurisdiction),
    }


def _by_measure(row):
    """(code, name, count) of the notices a unit received, by measure, in the catalogue's order."""
    if row is None:
        return []
    counts = row["metrics"]["by_measure"]
    names = Measure.objects.filter(code__in=list(counts)).order_by("sort_order", "code").values_list("code", "name")
    return [(code, name, counts[code]) for code, name in names]


@login_required
def unit_page(request, year, unit_id):
    """A unit's row, rank and what pulled it down; its liaisons see this page only, and only for their unit."""
    return render(request, "assessment/unit.html", _unit_context(request, year, unit_id))


@login_required
@require_POST
def score(request, year, unit_id):
    """The court scores a manual item, or the committee adjusts any item, for one unit, with the reason."""
    context = _unit_context(request, year, unit_id)
    if context["score_form"] is None:
        if context["role"] in ("court", "committee"):
            state = context["assessment"].get_state_display() if context["assessment"] else "准备中"
            messages.error(request, f"年度考评当前状态为“{state}”，不能评分或调整。")
            return redirect(reverse("assessment:unit", args=[context["year"], context["unit"].pk]) + context["jq"])
        raise Http404
    criteria = [c for c in context["board"]["criteria"]
                if context["role"] == "committee" or c["source"] == CriterionSource.COURT]
    form = ScoreForm(request.POST, criteria=criteria)
    if form.is_valid():
        service = services.enter_court_score if context["role"] == "court" else services.adjust_score
        try:
            with transaction.atomic():
                service(actor=request.user, assessment=context["assessment"], unit=context["unit"],
                        criterion=form.cleaned_data["criterion"], points=form.cleaned_data["points"],
                        reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            verb = "评分" if context["role"] == "court" else "调整"
            messages.success(request, f"已{verb}：{context['unit'].name}。")
            return redirect(reverse("assessment:unit", args=[context["year"], context["unit"].pk]) + context["jq"])
    context = _unit_context(request, year, unit_id, score_form=form)
    return render(request, "assessment/unit.html", context, status=400)


@login_required
@require_POST
def move(request, year, action):
    """Start scoring, submit, return, finalise or reopen the year's assessment."""
    if action not in MOVES:
        raise Http404
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    if not selectors.may_see_board(request.user, jurisdiction):
        raise Http404
    service, label, _ = MOVES[action]

    extra = {"confirm_early": request.POST.get("confirm_early") in ("1", "on", "yes")} if action == "finalise" else {}

    def perform(*, actor, reason):
        assessment = selectors.assessment_of(jurisdiction, year)
        if assessment is None:
            assessment = services.open_assessment(actor=actor, jurisdiction=jurisdiction, year=year)
        return service(actor=actor, assessment=assessment, reason=reason, **extra)

    _, done = run_action(request, perform, actor=request.user, reason=request.POST.get("reason", ""))
    if done:
        messages.success(request, f"已{label}。")
    return redirect(_board_url(request, jurisdiction, year))


@login_required
def criteria(request, year):
    """The year's criteria and weights; the administrator edits them until scoring starts."""
    user = request.user
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    if not selectors.may_see_board(user, jurisdiction):
        raise Http404
    assessment = selectors.assessment_of(jurisdiction, year)
    rows = criteria_of(assessment)
    editable = "criteria_updated" in _actions(user, jurisdiction, year, assessment)
    formset, error = None, None
    if editable:
        initial = [{key: row[key] for key in ("code", "name", "group", "points", "source", "method", "description")}
                   for row in rows]
        formset = CriteriaFormSet(request.POST or None, initial=initial, prefix="criteria")
        if request.method == "POST":
            if formset.is_valid():
                cleaned = [form.cleaned_data for form in formset.forms
                           if form.cleaned_data and not form.cleaned_data.get("DELETE")]
                try:
                    with transaction.atomic():
                        current = assessment or services.open_assessment(actor=user, jurisdiction=jurisdiction,
                                                                         year=year)
                        services.update_criteria(actor=user, assessment=current, criteria=cleaned,
                                                 reason=request.POST.get("reason", ""))
                except ApplicationError as refusal:
                    error = refusal.message
                else:
                    messages.success(request, "考评项目和分值已保存。")
                    return redirect(reverse("assessment:criteria", args=[year]) + _query(request, jurisdiction))
            else:
                error = "请按提示修改后再保存。"
    elif request.method == "POST":
        if user.is_administrator:
            messages.error(request, "评分开始后，考评项目和分值不能再修改。")
            return redirect(reverse("assessment:criteria", args=[year]) + _query(request, jurisdiction))
        raise Http404
    total = sum(float(row["points"]) for row in rows)
    return render(request, "assessment/criteria.html", {
        "year": year, "jurisdiction": jurisdiction, **_links(request, jurisdiction), "rows": rows,
        "total": f"{total:.2f}", "formset": formset, "error": error, "assessment": assessment,
    }, status=400 if error else 200)


@login_required
def unit_notices(request, year, unit_id):
    """The notices behind one figure of a unit (`?metric=`), as far as the user may see notices."""
    user = request.user
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    unit = selectors.visible_unit(user, jurisdiction, unit_id)
    metric = request.GET.get("metric", "received")
    try:
        label = metric_label(metric)
        behind = notices_behind(metric, unit.pk, year)
    except KeyError:
        raise Http404
    notices = (Notice.objects.visible_to(user).with_list_relations().filter(pk__in=behind.values("pk"))
               .order_by("served_at", "id"))
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessment/notices.html", {
        "unit": unit, "year": year, "metric": metric, "label": label, "page": page, **_links(request, jurisdiction),
        "now": timezone.now(),
    })


@login_required
def unit_records(request, year, unit_id, kind):
    """The list pushes, screenings, meeting decisions or judicial suggestion letters behind a unit's figures."""
    user = request.user
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    unit = selectors.visible_unit(user, jurisdiction, unit_id)
    if kind not in presentation.RECORD_KINDS:
        raise Http404
    rows = _hide_what_is_not_theirs(user, kind, unit.pk, record_rows(kind, unit.pk, year))
    return render(request, "assessment/records.html", {
        "unit": unit, "year": year, "kind": kind, "label": presentation.RECORD_KINDS[kind], "rows": rows,
        **_links(request, jurisdiction),
    })


UNSEEN = "（无权查看）"


def _hide_what_is_not_theirs(user, kind, unit_id, rows):
    """The figures behind a unit's score are for everybody who may see the board, but what each record names is
    shown only to whom may see that record itself: another court's listing, a meeting decision the viewer is not
    party to, a unit's own screening file stay unnamed (the count and the dates still explain the figure)."""
    if kind == "pushes":
        from blacklist.listings.selectors import listings_visible_to, may_read_feed

        if user.organisation_id == unit_id and may_read_feed(user):  # the unit received these pushes itself
            return rows
        visible = set(listings_visible_to(user).filter(case_number__in=[row["reference"] for row in rows])
                      .values_list("case_number", flat=True))
        return [{**row, "reference": row["reference"] if row["reference"] in visible else UNSEEN} for row in rows]
    if kind == "screenings":
        if user.is_committee or user.organisation_id == unit_id:
            return rows
        return [{**row, "reference": UNSEEN} for row in rows]
    if kind == "decisions":
        from meetings.models import Decision

        visible = set(Decision.objects.visible_to(user).filter(responsible_unit_id=unit_id)
                      .values_list("task", "meeting__title"))
        return [row if (row["what"], row["reference"]) in visible else {**row, "what": UNSEEN, "reference": UNSEEN}
                for row in rows]
    if kind == "suggestions":
        from assistance.suggestion_models import SuggestionLetter

        visible = set(SuggestionLetter.objects.visible_to(user).filter(pk__in=[row["id"] for row in rows])
                      .values_list("pk", flat=True))
        return [row if row["id"] in visible else {**row, "reference": UNSEEN} for row in rows]
    if kind == "grid":
        from grid.models import GridTask

        visible = set(GridTask.objects.visible_to(user).filter(pk__in=[row["id"] for row in rows])
                      .values_list("pk", flat=True))
        return [row if row["id"] in visible else {**row, "reference": UNSEEN} for row in rows]
    return rows


# --------------------------------------------------------------------------------------------- nominations


@login_required
@require_POST
def propose(request, year):
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    if not selectors.may_see_board(request.user, jurisdiction):
        raise Http404
    assessment = selectors.assessment_of(jurisdiction, year)
    form = NominationForm(request.POST, units=assessed_units(jurisdiction))
    if assessment is None:
        messages.error(request, "年度考评尚未开始评分，不能提出建议。")
    elif not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{e}"
                                         for f, errors in form.errors.items() for e in errors))
    else:
        _, done = run_action(request, services.propose_nomination, actor=request.user, assessment=assessment,
                             kind=form.cleaned_data["kind"], unit=form.cleaned_data["unit"],
                             evidence=form.cleaned_data["evidence"], person_name=form.cleaned_data["person_name"],
                             person_position=form.cleaned_data["person_position"])
        if done:
            messages.success(request, "建议已提出，待政法委确定。")
    return redirect(_board_url(request, jurisdiction, year) + "#nominations")


def _visible_nomination(request, pk):
    nomination = get_object_or_404(Nomination.objects.select_related("assessment__jurisdiction"), pk=pk)
    jurisdiction = nomination.assessment.jurisdiction
    if not selectors.may_see_board(request.user, jurisdiction):
        raise Http404
    return nomination


@login_required
@require_POST
def decide(request, pk):
    nomination = _visible_nomination(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择确定或不予确定。")
    else:
        _, done = run_action(request, services.decide_nomination, actor=request.user, nomination=nomination,
                             approved=form.cleaned_data["approved"], reason=form.cleaned_data["reason"])
        if done:
            messages.success(request, "已作出决定。")
    assessment = nomination.assessment
    return redirect(_board_url(request, assessment.jurisdiction, assessment.year) + "#nominations")


@login_required
@require_POST
def withdraw(request, pk):
    nomination = _visible_nomination(request, pk)
    _, done = run_action(request, services.withdraw_nomination, actor=request.user, nomination=nomination,
                         reason=request.POST.get("reason", ""))
    if done:
        messages.success(request, "建议已撤回。")
    assessment = nomination.assessment
    return redirect(_board_url(request, assessment.jurisdiction, assessment.year) + "#nominations")


# ------------------------------------------------------------------------------------------------- exports


def _export_board(request, year):
    year = _year(year)
    jurisdiction = _jurisdiction(request)
    if not selectors.may_see_board(request.user, jurisdiction):
        raise Http404
    assessment = selectors.assessment_of(jurisdiction, year)
    version = request.GET.get("version")
    try:
        version = int(version) if version else None
    except ValueError:
        raise Http404
    data = presentation.decorate(selectors.board_for(jurisdiction, year, assessment, version=version))
    return jurisdiction, data


@login_required
def board_pdf(request, year):
    jurisdiction, data = _export_board(request, year)
    return exports.pdf_response_for(data, jurisdiction)


@login_required
def board_xlsx(request, year):
    jurisdiction, data = _export_board(request, year)
    return exports.xlsx_response_for(data)

