"""Notice pages: drafting, the court's list and the leader's 待签发 list, a notice's page with the moves the user
may make in its state, the liaison's inbox, the PDFs and attachment downloads.

Every read goes through `Notice.objects.visible_to(user)`, so whatever a user may not see is a 404, never a 403.
Every move is one POST calling the one service; a refusal shows the service's Chinese message and changes
nothing (each call runs in its own transaction).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.forms.utils import ErrorDict, ErrorList
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.errors import ApplicationError
from linkage.forms import run_action
from linkage.pagination import CappedCountPaginator
from linkage.pdf import pdf_response
from members.models import Organisation
from members.selectors import jurisdiction_id_of

from . import selectors, services
from .forms import (
    ITEM_CONTENT_FIELDS,
    ITEM_ROWS,
    MAX_ROWS,
    RESULT_ROWS,
    CloseForm,
    DraftForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    LiftForm,
    NoticeFilterForm,
    NoticeItemForm,
    ReplyForm,
    ResultForm,
    ReviewDecisionForm,
    ReviewRaiseForm,
    ServeForm,
    WithdrawForm,
    filled_rows,
    rows_formset,
)
from .models import (
    Attachment,
    ExtensionRequest,
    Notice,
    NoticeState,
    Reply,
    RequestState,
    ReviewResolution,
    ReviewState,
    ReviewSuggestion,
)
from .services import RESULT_FIELD_LABELS, RESULT_FIELDS, RESULT_KIND_FOR_MEASURE

NOTICES_PER_PAGE = 20
DRAFTS_PER_PAGE = 50


# --------------------------------------------------------------------------------------------- helpers


def _call(form, service, *, sections=None, **kwargs):
    """Call a service in its own transaction; a refusal becomes an error on the named field, or on the form
    (and, when the field names a section of rows such as `items`, on that section too)."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ApplicationError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            form.add_error(None, error.message)
            if sections is not None and error.field:
                sections[error.field] = error.message
        return None


def _quiet(form):
    """A bound form shown again without validation (after "add a row": nothing was submitted yet)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return form


def _quiet_formset(formset):
    formset._non_form_errors = ErrorList()
    formset._errors = []
    for form in formset.forms:
        _quiet(form)
    return formset


def _with_added_row(post, prefix, default):
    data = post.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, default))
    except ValueError:
        total = default
    data[key] = str(min(total + 1, MAX_ROWS))
    return data


def _visible_notice(user, pk):
    return get_object_or_404(
        Notice.objects.visible_to(user).select_related("case", "court", "unit", "measure", "debtor"), pk=pk
    )


def _back(request, notice):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("assistance:detail", pk=notice.pk)


def _clerk_of(user, notice):
    return user.is_clerk and user.organisation_id == notice.court_id


def _leader_of(user, notice):
    return user.is_leader and user.organisation_id == notice.court_id


def _liaison_of(user, notice):
    return user.is_liaison and user.organisation_id == notice.unit_id


# ---------------------------------------------------------------------------------- reads for lists/home


def _draftable_units(case):
    """Active member units of the court's jurisdiction, with their measures (shown beside each unit)."""
    return (
        Organisation.objects.active()
        .member_units()
        .filter(jurisdiction_id=case.court.jurisdiction_id)
        .prefetch_related("measures")
        .order_by("sort_order", "id")
    )


@login_required
def draft(request, case_id):
    """Draft one request to one or several units (one notice per unit, one batch)."""
    user = request.user
    if not user.is_clerk:
        raise Http404
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=case_id)
    if not case.is_open:
        messages.error(request, f"案件状态为“{case.get_status_display()}”，不能再发出协助执行通知书。")
        return redirect("cases:detail", pk=case.pk)
    units = _draftable_units(case)
    sections = {}
    status = 200
    if request.method == "POST" and "add_item" in request.POST:
        data = _with_added_row(request.POST, "items", ITEM_ROWS)
        form = _quiet(DraftForm(data, case=case, units=units))
        items = _quiet_formset(rows_formset(NoticeItemForm, "items", data, rows=ITEM_ROWS))
    elif request.method == "POST":
        form = DraftForm(request.POST, request.FILES, case=case, units=units)
        items = rows_formset(NoticeItemForm, "items", request.POST, rows=ITEM_ROWS)
        if form.is_valid() & items.is_valid():
            data = form.cleaned_data
            result = _call(
                form,
                services.draft_notices,
                sections=sections,
                actor=user,
                case=case,
                units=list(data["units"]),
                measure=data["measure"],
                debtor=data["debtor"],
                items=filled_rows(items, ITEM_CONTENT_FIELDS),
                ruling_number=data["ruling_number"],
                legal_basis=data["legal_basis"],
                note=data["note"],
                ruling_files=data["ruling_files"],
            )
            if result is not None:
                _, notices = result
                messages.success(
                    request,
                    f"已起草{len(notices)}份协助执行通知书（{data['measure'].name}："
                    f"{'、'.join(n.unit.short_name for n in notices)}），待执行局领导签发。",
                )
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        initial_measure = request.GET.get("measure") or "inquiry"
        form = DraftForm(initial={"measure": initial_measure}, case=case, units=units)
        items = rows_formset(NoticeItemForm, "items", rows=ITEM_ROWS)
    selected_measure = form["measure"].value() or "inquiry"
    selected_units = {str(value) for value in (form["units"].value() or [])}
    return render(
        request,
        "assistance/draft_form.html",
        {
            "case": case,
            "form": form,
            "items": items,
            "units": units,
            "selected_measure": selected_measure,
            "selected_units": selected_units,
            "sections": sections,
            "has_errors": status == 400,
        },
        status=status,
    )


# ------------------------------------------------------------------------------------------------ lists


@login_required
def notice_list(request):
    """The notices the user may see, newest first, with filters by state, unit and overdue."""
    user = request.user
    if not (user.is_court_staff or user.is_committee or user.is_liaison):
        raise Http404
    units = Organisation.objects.member_units().order_by("jurisdiction_id", "sort_order", "id")
    if user.organisation_id:
        units = units.filter(jurisdiction_id=jurisdiction_id_of(user))
    form = NoticeFilterForm(request.GET or None, units=units)
    notices = Notice.objects.visible_to(user).with_list_relations()
    if form.is_valid():
        if form.cleaned_data["state"]:
            notices = notices.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["unit"]:
            notices = notices.filter(unit=form.cleaned_data["unit"])
        if form.cleaned_data["overdue"]:
            notices = notices.overdue()
    notices = notices.order_by("-created_at", "-id")
    page = CappedCountPaginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assistance/notice_list.html", {"form": form, "page": page})


@login_required
def to_sign(request):
    """The leader's 待签发: drafts of the own court, grouped by batch."""
    user = request.user
    if not user.is_court_staff:
        raise Http404
    drafts = (
        Notice.objects.visible_to(user)
        .filter(state=NoticeState.DRAFT)
        .with_list_relations()
        .select_related("created_by")
        .prefetch_related("items")
        .order_by("batch_id", "id")
    )
    page = Paginator(drafts, DRAFTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assistance/to_sign.html", {"page": page, "may_sign": user.is_leader})


@login_required
@require_POST
def sign_many(request):
    """Sign several drafts at once (a batch); each is its own service call."""
    user = request.user
    ids = [value for value in request.POST.getlist("notice") if value.isdigit()]
    notices = list(Notice.objects.visible_to(user).filter(pk__in=ids).select_related("unit"))
    if not notices:
        raise Http404
    signed = []
    for notice in notices:
        result, ok = run_action(request, services.sign_notice, actor=user, notice=notice)
        if ok:
            signed.append(result)
    if signed:
        messages.success(request, f"已签发{len(signed)}份：{'、'.join(n.unit.short_name for n in signed)}。")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("assistance:to-sign")


@login_required
def inbox(request):
    """The liaison's inbox for its unit, by tab, each sorted by deadline."""
    user = request.user
    if not user.is_liaison:
        raise Http404
    tabs = selectors.inbox_tabs()
    counts = selectors.inbox_counts(user, tabs=tabs)
    current = request.GET.get("tab", "new")
    if current not in tabs:
        current = "new"
    notices = (
        Notice.objects.visible_to(user)
        .filter(tabs[current][1])
        .with_list_relations()
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    page = CappedCountPaginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/inbox.html",
        {
            "tabs": [(key, label, counts[key]) for key, (label, _) in tabs.items()],
            "current": current,
            "current_label": tabs[current][0],
            "page": page,
        },
    )


# ------------------------------------------------------------------------------------------- the notice


def _deadline_info(notice):
    explanation = notice.deadline_explanation or {}
    if not notice.due_at:
        return None
    skipped = []
    for entry in explanation.get("skipped", []):
        try:
            skipped.append((datetime.date.fromisoformat(entry["date"]), entry.get("reason", "")))
        except (KeyError, TypeError, ValueError):
            continue
    makeup = []
    for value in explanation.get("makeup_days", []):
        try:
            makeup.append(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    extended_from = parse_datetime(explanation["extended_from"]) if explanation.get("extended_from") else None
    return {
        "rule": notice.deadline_rule or explanation.get("rule", ""),
        "skipped": skipped,
        "makeup": makeup,
        "extended_from": extended_from,
        "provisional": notice.deadline_provisional,
    }


def _result_columns(notice):
    kind = RESULT_KIND_FOR_MEASURE.get(notice.measure.code)
    if kind is None:
        return None, []
    return kind, [(name, RESULT_FIELD_LABELS[name]) for name in RESULT_FIELDS[kind]]


def _result_value(result, field):
    value = getattr(result, field)
    if value in (None, ""):
        return ""
    if field == "property_kind":
        return result.get_property_kind_display()
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field in ("value", "amount"):
        return f"{value:.2f}"
    return str(value)


def _result_table(results):
    """The reply's structured lines as a table: the columns of the kinds present, in the service's order."""
    columns = []
    for result in results:
        for field in RESULT_FIELDS.get(result.kind, ()):
            if field not in columns:
                columns.append(field)
    header = [RESULT_FIELD_LABELS[field] for field in columns]
    rows = [(result, [_result_value(result, field) for field in columns]) for result in results]
    return header, rows


def _reply_forms(notice, data=None, files=None, *, quiet=False):
    form = ReplyForm(data, files)
    results = rows_formset(ResultForm, "results", data, files, rows=RESULT_ROWS)
    if quiet:
        _quiet(form)
        _quiet_formset(results)
    return form, results


def _detail(request, notice, *, bound=None, status=200):
    """The notice page with the forms this user may use in this state; `bound` replaces a default form by the
    submitted one so its errors and input are shown."""
    user = request.user
    bound = bound or {}
    reply = Reply.objects.filter(notice=notice).select_related("replied_by").prefetch_related("results").first()
    attachments = list(notice.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
    extensions = list(notice.extension_requests.select_related("requested_by", "decided_by"))
    reviews = list(notice.review_suggestions.select_related("raised_by", "decided_by"))
    pending_extension = next((r for r in extensions if r.state == RequestState.PENDING), None)
    pending_review = next((r for r in reviews if r.state == ReviewState.PENDING), None)
    result_kind, result_columns = _result_columns(notice)

    clerk, leader, liaison = _clerk_of(user, notice), _leader_of(user, notice), _liaison_of(user, notice)
    state = notice.state
    actions = {}
    if leader and state == NoticeState.DRAFT:
        actions["sign"] = True
    if clerk:
        if state == NoticeState.SIGNED:
            actions["serve"] = bound.get("serve") or ServeForm(notice=notice)
        if state == NoticeState.REPLIED:
            actions["close"] = bound.get("close") or CloseForm()
        if state in (NoticeState.SERVED, NoticeState.ACKNOWLEDGED, NoticeState.REPLIED, NoticeState.CLOSED):
            actions["lift"] = bound.get("lift") or LiftForm()
        if state in (NoticeState.DRAFT, NoticeState.SIGNED, NoticeState.SERVED, NoticeState.ACKNOWLEDGED):
            actions["withdraw"] = bound.get("withdraw") or WithdrawForm()
        if pending_extension:
            actions["decide_extension"] = bound.get("decide_extension") or ExtensionDecisionForm()
        if pending_review:
            actions["decide_review"] = bound.get("decide_review") or ReviewDecisionForm()
    if liaison:
        if state == NoticeState.SERVED:
            actions["acknowledge"] = True
        if state == NoticeState.ACKNOWLEDGED:
            actions["reply"] = bound.get("reply") or _reply_forms(notice)
        if notice.is_open and not pending_extension and not notice.is_overdue():
            actions["extension"] = bound.get("extension") or ExtensionRequestForm()
        if notice.is_open and not pending_review:
            actions["review"] = bound.get("review") or ReviewRaiseForm()
    reply_form, result_forms = actions.get("reply") or (None, None)
    return render(
        request,
        "assistance/notice_detail.html",
        {
            "notice": notice,
            "items": notice.items.all(),
            "reply": reply,
            "reply_table": _result_table(list(reply.results.all())) if reply else ([], []),
            "ruling_attachments": [a for a in attachments if a.reply_id is None],
            "reply_attachments": [a for a in attachments if a.reply_id is not None],
            "extensions": extensions,
            "reviews": reviews,
            "pending_extension": pending_extension,
            "pending_review": pending_review,
            "events": notice.events.select_related("actor").order_by("at", "id"),
            "deadline": _deadline_info(notice),
            "result_kind": result_kind,
            "result_columns": result_columns,
            "actions": actions,
            "reply_form": reply_form,
            "result_forms": result_forms,
            "result_rows": [[form[name] for name, _ in result_columns] for form in result_forms or []],
            "has_actions": bool(actions),
            "is_liaison_view": liaison,
            "superseded_by": Notice.objects.visible_to(user).filter(supersedes=notice).only("pk").first(),
        },
        status=status,
    )


@login_required
def notice_detail(request, pk):
    return _detail(request, _visible_notice(request.user, pk))


def _form_move(request, pk, name, form_class, perform, *, form_kwargs=None):
    """A move with a small form: valid input goes to the service; bad input or a refusal shows the notice page
    again with the message at the form (400), and nothing is written."""
    notice = _visible_notice(request.user, pk)
    form = form_class(request.POST, **(form_kwargs(notice) if form_kwargs else {}))
    if form.is_valid():
        message = perform(form, notice)
        if message:
            messages.success(request, message)
            return redirect("assistance:detail", pk=notice.pk)
    messages.error(request, _first_error(form))
    return _detail(request, notice, bound={name: form}, status=400)


def _first_error(form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的内容有误。"


@login_required
@require_POST
def sign(request, pk):
    notice = _visible_notice(request.user, pk)
    _, ok = run_action(request, services.sign_notice, actor=request.user, notice=notice)
    if ok:
        messages.success(request, f"已签发：{notice.unit.short_name}（{notice.measure.name}），待执行员送达。")
    return _back(request, notice)


@login_required
@require_POST
def acknowledge(request, pk):
    notice = _visible_notice(request.user, pk)
    _, ok = run_action(request, services.acknowledge_notice, actor=request.user, notice=notice)
    if ok:
        messages.success(request, "已签收。请在办理期限内回复办理结果。")
    return _back(request, notice)


@login_required
@require_POST
def serve(request, pk):
    def perform(form, notice):
        served = _call(
            form, services.serve_notice, actor=request.user, notice=notice, at=form.cleaned_data["served_at"]
        )
        if served is None:
            return None
        return f"已送达{notice.unit.short_name}，办理期限至{timezone.localtime(served.due_at):%Y-%m-%d %H:%M}。"

    if "next" in request.POST and not request.POST.get("served_at"):
        # The quick button on the case page: serve now, go back there.
        notice = _visible_notice(request.user, pk)
        served, ok = run_action(request, services.serve_notice, actor=request.user, notice=notice)
        if ok:
            messages.success(
                request,
                f"已送达{notice.unit.short_name}，办理期限至{timezone.localtime(served.due_at):%Y-%m-%d %H:%M}。",
            )
        return _back(request, notice)
    return _form_move(request, pk, "serve", ServeForm, perform, form_kwargs=lambda notice: {"notice": notice})


@login_required
@require_POST
def close(request, pk):
    def perform(form, notice):
        done = _call(form, services.close_notice, actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
        return "已办结。" if done else None

    return _form_move(request, pk, "close", CloseForm, perform)


@login_required
@require_POST
def lift(request, pk):
    def perform(form, notice):
        done = _call(
            form,
            services.lift_notice,
            actor=request.user,
            notice=notice,
            ground=form.cleaned_data["ground"],
            reason=form.cleaned_data["reason"],
        )
        return "已解除，请将解除协助执行通知书送达协助单位。" if done else None

    return _form_move(request, pk, "lift", LiftForm, perform)


@login_required
@require_POST
def withdraw(request, pk):
    def perform(form, notice):
        done = _call(
            form, services.withdraw_notice, actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
        )
        return "已撤回。" if done else None

    return _form_move(request, pk, "withdraw", WithdrawForm, perform)


@login_required
@require_POST
def request_extension(request, pk):
    def perform(form, notice):
        done = _call(
            form,
            services.request_extension,
            actor=request.user,
            notice=notice,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
        return "延期申请已提交，待法院决定；决定前原期限不变。" if done else None

    return _form_move(request, pk, "extension", ExtensionRequestForm, perform)


@login_required
@require_POST
def raise_review(request, pk):
    def perform(form, notice):
        done = _call(
            form,
            services.raise_review_suggestion,
            actor=request.user,
            notice=notice,
            reason=form.cleaned_data["reason"],
        )
        return "审查建议已提交。审查期间仍须按期协助执行。" if done else None

    return _form_move(request, pk, "review", ReviewRaiseForm, perform)


@login_required
@require_POST
def decide_extension(request, pk):
    visible = Notice.objects.visible_to(request.user)
    extension = get_object_or_404(ExtensionRequest.objects.filter(notice__in=visible), pk=pk)

    def perform(form, notice):
        granted = form.cleaned_data["decision"] == "grant"
        done = _call(
            form,
            services.decide_extension,
            actor=request.user,
            request=extension,
            granted=granted,
            reason=form.cleaned_data["reason"],
        )
        if done is None:
            return None
        if granted and done.new_due_at:
            return f"已同意延期，办理期限延至{timezone.localtime(done.new_due_at):%Y-%m-%d %H:%M}。"
        return "已同意延期。" if granted else "已决定不同意延期，原期限不变。"

    return _form_move(request, extension.notice_id, "decide_extension", ExtensionDecisionForm, perform)


@login_required
@require_POST
def decide_review(request, pk):
    visible = Notice.objects.visible_to(request.user)
    suggestion = get_object_or_404(ReviewSuggestion.objects.filter(notice__in=visible), pk=pk)
    new_draft = []

    def perform(form, notice):
        decision = form.cleaned_data["decision"]
        upheld = decision != "not_upheld"
        result = _call(
            form,
            services.decide_review_suggestion,
            actor=request.user,
            suggestion=suggestion,
            upheld=upheld,
            resolution=decision if upheld else "",
            reason=form.cleaned_data["reason"],
        )
        if result is None:
            return None
        _, copy = result
        if copy is not None:
            new_draft.append(copy)
            return "审查建议成立：原通知书已撤回，已生成修改稿（草稿），请修改后报领导签发。"
        if decision == ReviewResolution.WITHDRAWN:
            return "审查建议成立：通知书已撤回。"
        return "审查建议不成立：协助单位仍须按期办理。"

    response = _form_move(request, suggestion.notice_id, "decide_review", ReviewDecisionForm, perform)
    if new_draft:
        return redirect("assistance:detail", pk=new_draft[0].pk)
    return response


@login_required
@require_POST
def reply(request, pk):
    """The unit's reply: outcome, result rows suited to the measure, text and scans."""
    notice = _visible_notice(request.user, pk)
    if "add_result" in request.POST:
        data = _with_added_row(request.POST, "results", RESULT_ROWS)
        return _detail(request, notice, bound={"reply": _reply_forms(notice, data, quiet=True)})
    form, results = _reply_forms(notice, request.POST, request.FILES)
    if form.is_valid() & results.is_valid():
        _, columns = _result_columns(notice)
        rows = filled_rows(results, [name for name, _ in columns])
        done = _call(
            form,
            services.reply_to_notice,
            actor=request.user,
            notice=notice,
            outcome=form.cleaned_data["outcome"],
            results=rows,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
        )
        if done is not None:
            messages.success(request, "已回复办理结果。")
            return redirect("assistance:detail", pk=notice.pk)
    if form.errors:
        messages.error(request, _first_error(form))
    else:
        messages.error(request, "办理结果中有填写错误，请检查。")
    return _detail(request, notice, bound={"reply": (form, results)}, status=400)


# ------------------------------------------------------------------------------------------- documents


@login_required
def notice_pdf(request, pk):
    from . import documents  # WeasyPrint is loaded only when a PDF is asked for

    notice = _visible_notice(request.user, pk)
    return pdf_response(documents.notice_pdf(notice), _pdf_filename(documents, notice), as_attachment=False)


@login_required
def lifting_pdf(request, pk):
    from . import documents

    notice = _visible_notice(request.user, pk)
    if notice.state != NoticeState.LIFTED:
        raise Http404
    return pdf_response(
        documents.lifting_notice_pdf(notice), _pdf_filename(documents, notice, lifting=True), as_attachment=False
    )


def _pdf_filename(documents, notice, *, lifting=False):
    if hasattr(documents, "notice_pdf_filename"):
        return documents.notice_pdf_filename(notice, lifting=lifting)
    title = "解除协助执行通知书" if lifting else "协助执行通知书"
    return f"{title}-{notice.case.number}-{notice.unit.short_name}.pdf"


@login_required
def attachment_download(request, pk):
    """A stored scan, only to those who may see its notice; always as a download with its original name."""
    attachment = get_object_or_404(Attachment.objects.filter(notice__in=Notice.objects.visible_to(request.user)), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
