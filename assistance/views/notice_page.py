"""A notice's page: its content, reply, scans, side paths and history, and the forms of the moves this user may
make on it now. Which moves those are is asked of the tables in assistance/machines.py (`NOTICE_MACHINE`,
`EXTENSION_MACHINE`, `REVIEW_MACHINE`); `ACTIONS` below says, for each move made from this page, its form, the
service it calls and what the page says when it is done. One view, `notice_action`, makes every move but the reply
(a form with rows of results, `reply`)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from linkage.forms import run_action
from linkage.statemachine import Machine

from .. import documents, services
from ..forms import (
    RESULT_ROWS,
    CloseForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    LiftForm,
    ReplyForm,
    ResubmitForm,
    ResultForm,
    ReturnForm,
    ReviewDecisionForm,
    ReviewRaiseForm,
    ServeForm,
    WithdrawForm,
    filled_rows,
    rows_formset,
)
from ..machines import EXTENSION_MACHINE, NOTICE_MACHINE, REVIEW_MACHINE
from ..models import (
    IN_FORCE_STATES,
    ExtensionRequest,
    Notice,
    NoticeState,
    Reply,
    RequestState,
    ReviewResolution,
    ReviewState,
    ReviewSuggestion,
)
from ..relief import document_context as relief_document_context
from ..services import RESULT_FIELD_LABELS, RESULT_FIELDS, RESULT_KIND_FOR_MEASURE
from ..services.replies import CHOICE_FIELDS, SINGLE_RESULT_KINDS
from .common import back, call, first_error, quiet, quiet_formset, visible_notice, with_added_row
from .terms import terms_context

# ------------------------------------------------------------------------------------------ the moves


def _notice(user, pk):
    notice = visible_notice(user, pk)
    return notice, notice


def _extension(user, pk):
    visible = Notice.objects.visible_to(user)
    extension = get_object_or_404(ExtensionRequest.objects.filter(notice__in=visible), pk=pk)
    return visible_notice(user, extension.notice_id), extension


def _suggestion(user, pk):
    visible = Notice.objects.visible_to(user)
    suggestion = get_object_or_404(ReviewSuggestion.objects.filter(notice__in=visible), pk=pk)
    return visible_notice(user, suggestion.notice_id), suggestion


@dataclass(frozen=True)
class PageAction:
    """A move made from the notice's page. `machine` and `move` say whether the user may make it on the page's
    `on` (the notice, its pending extension request or its pending review suggestion); `offered` adds what the page
    checks besides (no second pending request); `run(user, subject, data)` calls the service; `done(notice, result,
    data)` is the message when it is done. Without a `form` it is a button; `quick` names the form's field which,
    left out of a POST from another page (`next`), makes it a button too (serve now, from the case page)."""

    machine: Machine
    move: str
    run: Callable
    done: Callable
    form: type | None = None
    on: str = "notice"
    lookup: Callable = _notice
    offered: Callable = lambda notice, page: True
    quick: str = ""
    form_kwargs: Callable = lambda notice: {}
    go_to: Callable = lambda notice, result: notice.pk


def _served(notice, served, data):
    return f"已送达{notice.unit.short_name}，办理期限至{timezone.localtime(served.due_at):%Y-%m-%d %H:%M}。"


def _extension_decided(notice, extension, data):
    if data["decision"] != "grant":
        return "已决定不同意延期，原期限不变。"
    if extension.new_due_at:
        return f"已同意延期，办理期限延至{timezone.localtime(extension.new_due_at):%Y-%m-%d %H:%M}。"
    return "已同意延期。"


def _decide_review(user, suggestion, data):
    upheld = data["decision"] != "not_upheld"
    return services.decide_review_suggestion(actor=user, suggestion=suggestion, upheld=upheld,
                                             resolution=data["decision"] if upheld else "", reason=data["reason"])


def _review_decided(notice, result, data):
    if result[1] is not None:
        return "审查建议成立：原通知书已撤回，已生成修改稿（草稿），请修改后报领导签发。"
    if data["decision"] == ReviewResolution.WITHDRAWN:
        return "审查建议成立：通知书已撤回。"
    return "审查建议不成立：协助单位仍须按期办理。"


ACTIONS = {
    "sign": PageAction(
        NOTICE_MACHINE, "sign", lambda user, notice, data: services.sign_notice(actor=user, notice=notice),
        lambda notice, result, data: f"已签发：{notice.unit.short_name}（{notice.measure.name}），待执行员送达。",
    ),
    "return": PageAction(
        NOTICE_MACHINE, "return",
        lambda user, notice, data: services.return_draft(actor=user, notice=notice, reason=data["reason"]),
        lambda notice, result, data: "已退回执行员修改。", form=ReturnForm,
    ),
    "resubmit": PageAction(
        NOTICE_MACHINE, "resubmit",
        lambda user, notice, data: services.amend_draft(actor=user, notice=notice, **data),
        lambda notice, result, data: "已修改并重新报送执行局领导签发。", form=ResubmitForm,
        form_kwargs=lambda notice: {"notice": notice},
    ),
    "serve": PageAction(
        NOTICE_MACHINE, "serve",
        lambda user, notice, data: services.serve_notice(actor=user, notice=notice, at=data.get("served_at")),
        _served, form=ServeForm, quick="served_at", form_kwargs=lambda notice: {"notice": notice},
    ),
    "acknowledge": PageAction(
        NOTICE_MACHINE, "acknowledge",
        lambda user, notice, data: services.acknowledge_notice(actor=user, notice=notice),
        lambda notice, result, data: "已签收。请在办理期限内回复办理结果。",
    ),
    "close": PageAction(
        NOTICE_MACHINE, "close",
        lambda user, notice, data: services.close_notice(actor=user, notice=notice, reason=data["reason"]),
        lambda notice, result, data: "已办结。", form=CloseForm,
    ),
    "lift": PageAction(
        NOTICE_MACHINE, "lift",
        lambda user, notice, data: services.lift_notice(actor=user, notice=notice, ground=data["ground"],
                                                        reason=data["reason"], ruling_number=data["ruling_number"]),
        lambda notice, result, data: "已拟解除，待执行局领导签发解除协助执行通知书。", form=LiftForm,
    ),
    "sign_lifting": PageAction(
        NOTICE_MACHINE, "sign_lifting",
        lambda user, notice, data: services.sign_lifting(actor=user, notice=notice),
        lambda notice, result, data: f"已签发解除，解除协助执行通知书已送达{notice.unit.short_name}。",
    ),
    "return_lifting": PageAction(
        NOTICE_MACHINE, "return_lifting",
        lambda user, notice, data: services.return_lifting(actor=user, notice=notice, reason=data["reason"]),
        lambda notice, result, data: "已退回解除，通知书恢复原状态。", form=ReturnForm,
    ),
    "acknowledge_lifting": PageAction(
        NOTICE_MACHINE, "acknowledge_lifting",
        lambda user, notice, data: services.acknowledge_lifting(actor=user, notice=notice),
        lambda notice, result, data: "已确认解除。本单位应停止协助执行。",
    ),
    "withdraw": PageAction(
        NOTICE_MACHINE, "withdraw",
        lambda user, notice, data: services.withdraw_notice(actor=user, notice=notice, reason=data["reason"]),
        lambda notice, result, data: "已撤回。", form=WithdrawForm,
    ),
    "extension": PageAction(
        NOTICE_MACHINE, "extension_requested",
        lambda user, notice, data: services.request_extension(actor=user, notice=notice, days=data["days"],
                                                              reason=data["reason"]),
        lambda notice, result, data: "延期申请已提交，待法院决定；决定前原期限不变。", form=ExtensionRequestForm,
        offered=lambda notice, page: not page["pending_extension"] and not notice.is_overdue(),
    ),
    "review": PageAction(
        NOTICE_MACHINE, "review_raised",
        lambda user, notice, data: services.raise_review_suggestion(actor=user, notice=notice,
                                                                    reason=data["reason"]),
        lambda notice, result, data: "审查建议已提交。审查期间仍须按期协助执行。", form=ReviewRaiseForm,
        offered=lambda notice, page: not page["pending_review"],
    ),
    "decide_extension": PageAction(
        EXTENSION_MACHINE, "grant",
        lambda user, extension, data: services.decide_extension(
            actor=user, request=extension, granted=data["decision"] == "grant", reason=data["reason"]),
        _extension_decided, form=ExtensionDecisionForm, on="pending_extension", lookup=_extension,
    ),
    "decide_review": PageAction(
        REVIEW_MACHINE, "uphold", _decide_review, _review_decided, form=ReviewDecisionForm, on="pending_review",
        lookup=_suggestion, go_to=lambda notice, result: result[1].pk if result[1] is not None else notice.pk,
    ),
}


@login_required
@require_POST
def notice_action(request, pk, name):
    """Make the move `name` on the notice (or the extension request or review suggestion) `pk`: a button goes back
    where it was pressed, with the service's refusal as a message; a form with bad input or refused shows the
    notice's page again with the message at the form (400), and nothing is written."""
    user, action = request.user, ACTIONS[name]
    notice, subject = action.lookup(user, pk)

    def perform(data):
        return action.run(user, subject, data)

    if action.form is None or (action.quick and "next" in request.POST and not request.POST.get(action.quick)):
        result, ok = run_action(request, perform, data={})
        if ok:
            messages.success(request, action.done(notice, result, {}))
        return back(request, notice)
    form = action.form(request.POST, **action.form_kwargs(notice))
    if form.is_valid():
        result = call(form, perform, data=form.cleaned_data)
        if result is not None:
            messages.success(request, action.done(notice, result, form.cleaned_data))
            return redirect("assistance:detail", pk=action.go_to(notice, result))
    messages.error(request, first_error(form))
    return _detail(request, notice, bound={name: form}, status=400)


# ------------------------------------------------------------------------------------------- the page


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
    if field in CHOICE_FIELDS:
        return getattr(result, f"get_{field}_display")()
    if field == "relief_accepted":
        return "予以救助" if value else "不予救助"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field in ("value", "amount", "relief_amount"):
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


def _reply_forms(notice, data=None, files=None, *, quiet_forms=False):
    form = ReplyForm(data, files)
    # A kind answered once (a referral's relief decision) offers one row.
    single = RESULT_KIND_FOR_MEASURE.get(notice.measure.code) in SINGLE_RESULT_KINDS
    results = rows_formset(ResultForm, "results", data, files, rows=1 if single else RESULT_ROWS)
    if quiet_forms:
        quiet(form)
        quiet_formset(results)
    return form, results


def _offered(user, notice, page, bound):
    """The forms (or True, for a button) of the moves this user may make on the page now."""
    actions = {}
    for name, action in ACTIONS.items():
        subject = notice if action.on == "notice" else page[action.on]
        if subject is None or not action.machine.may(user, subject, action.move) or not action.offered(notice, page):
            continue
        actions[name] = True if action.form is None else bound.get(name) or action.form(**action.form_kwargs(notice))
    if NOTICE_MACHINE.may(user, notice, "reply"):
        actions["reply"] = bound.get("reply") or _reply_forms(notice)
    return actions


def _detail(request, notice, *, bound=None, status=200):
    """The notice page with the forms this user may use in this state; `bound` replaces a default form by the
    submitted one so its errors and input are shown."""
    user = request.user
    reply = Reply.objects.filter(notice=notice).select_related("replied_by").prefetch_related("results").first()
    attachments = list(notice.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
    extensions = list(notice.extension_requests.select_related("requested_by", "decided_by"))
    reviews = list(notice.review_suggestions.select_related("raised_by", "decided_by"))
    page = {
        "pending_extension": next((r for r in extensions if r.state == RequestState.PENDING), None),
        "pending_review": next((r for r in reviews if r.state == ReviewState.PENDING), None),
    }
    result_kind, result_columns = _result_columns(notice)
    actions = _offered(user, notice, page, bound or {})
    reply_form, result_forms = actions.get("reply") or (None, None)
    return render(
        request,
        "assistance/notice_detail.html",
        {
            **page,
            "notice": notice,
            "items": notice.items.all(),
            "reply": reply,
            "reply_table": _result_table(list(reply.results.all())) if reply else ([], []),
            "ruling_attachments": [a for a in attachments if a.reply_id is None],
            "reply_attachments": [a for a in attachments if a.reply_id is not None],
            "extensions": extensions,
            "reviews": reviews,
            "events": notice.events.select_related("actor").order_by("at", "id"),
            "deadline": _deadline_info(notice),
            "result_kind": result_kind,
            "result_columns": result_columns,
            "actions": actions,
            "reply_form": reply_form,
            "result_forms": result_forms,
            "result_rows": [[form[name] for name, _ in result_columns] for form in result_forms or []],
            "has_actions": bool(actions),
            "is_liaison_view": user.is_liaison and user.organisation_id == notice.unit_id,
            "superseded_by": Notice.objects.visible_to(user).filter(supersedes=notice).only("pk").first(),
            "last_return": _last_return(notice),
            "lifting_pdf": documents.has_lifting_notice(notice, user),
            "relief": relief_document_context(notice),  # a referral for social relief: the applicant's facts
            **terms_context(user, notice),
        },
        status=status,
    )


def _last_return(notice):
    """The leader's latest return of the draft or of its lifting, while the notice is back with the clerk."""
    if notice.state != NoticeState.RETURNED and notice.state not in IN_FORCE_STATES:
        return None
    event = notice.events.filter(action__in=["return", "return_lifting"]).select_related("actor").last()
    if event is None or (notice.state == NoticeState.RETURNED) != (event.action == "return"):
        return None
    later = notice.events.filter(at__gt=event.at, action__in=["resubmit", "lift", "amend"]).exists()
    return None if later else event


@login_required
def notice_detail(request, pk):
    return _detail(request, visible_notice(request.user, pk))


@login_required
@require_POST
def reply(request, pk):
    """The unit's reply: outcome, result rows suited to the measure, text and scans."""
    notice = visible_notice(request.user, pk)
    if "add_result" in request.POST:
        data = with_added_row(request.POST, "results", RESULT_ROWS)
        return _detail(request, notice, bound={"reply": _reply_forms(notice, data, quiet_forms=True)})
    form, results = _reply_forms(notice, request.POST, request.FILES)
    if form.is_valid() & results.is_valid():
        _, columns = _result_columns(notice)
        done = call(
            form, services.reply_to_notice, actor=request.user, notice=notice, outcome=form.cleaned_data["outcome"],
            results=filled_rows(results, [name for name, _ in columns]), text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
        )
        if done is not None:
            messages.success(request, "已回复办理结果。")
            return redirect("assistance:detail", pk=notice.pk)
    messages.error(request, first_error(form) if form.errors else "办理结果中有填写错误，请检查。")
    return _detail(request, notice, bound={"reply": (form, results)}, status=400)
