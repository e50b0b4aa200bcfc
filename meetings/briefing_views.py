"""The briefing pages: the committee drafts, edits, issues, withdraws and follows the read receipts of its
briefings; an addressee reads the briefings addressed to it (opening one marks it read) and its PDF. Whatever a
user may not see is a 404 (`Briefing.objects.visible_to`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from linkage.forms import Action, act, first_error, run_service
from linkage.pdf import pdf_response

from .briefing_documents import briefing_context, briefing_pdf_bytes  # noqa: F401 (the pages serve them)
from .briefing_forms import BriefingDraftForm, BriefingEditForm, BriefingWithdrawForm
from .briefing_machines import BRIEFING
from .briefing_models import Briefing
from .services import briefings as services


def _visible(user, pk):
    return get_object_or_404(Briefing.objects.visible_to(user).select_related("issuer", "jurisdiction"), pk=pk)


def _committee_briefing(user, pk):
    briefing = _visible(user, pk)
    if not user.is_committee:
        raise Http404
    return briefing


@login_required
def briefing_list(request):
    """The committee's briefings with the form that drafts a new one; an addressee's briefings with its receipt."""
    user = request.user
    if not (user.is_committee or user.is_liaison or user.is_leader):  # nobody else is ever an addressee
        raise Http404
    form = BriefingDraftForm(request.POST or None) if user.is_committee else None
    if request.method == "POST" and form is None:
        raise Http404
    if form is not None and request.method == "POST" and form.is_valid():
        briefing = run_service(form, services.draft_briefing, actor=user, **form.cleaned_data)
        if briefing is not None:
            messages.success(request, "已根据记录生成通报草稿，请修改后印发。")
            return redirect("meetings:briefing-detail", pk=briefing.pk)
    briefings = Briefing.objects.visible_to(user).select_related("issuer")
    receipts = {}
    if not user.is_committee:
        receipts = {row.briefing_id: row for row in user.briefing_receipts.filter(briefing__in=briefings)}
    rows = [(briefing, receipts.get(briefing.pk)) for briefing in briefings]
    status = 400 if form is not None and form.errors else 200
    return render(request, "meetings/briefing_list.html", {"rows": rows, "form": form}, status=status)


BRIEFING_PAGE = {
    "issue": Action("issue", services.issue_briefing,
                    lambda briefing: f"通报已印发，已送达{briefing.recipients.count()}名接收人。"),
    "remind": Action("remind", services.remind_unread, lambda count: f"已提醒{count}名未读的接收人。"),
    "withdraw": Action("withdraw", services.withdraw_briefing, "通报已撤回。",
                       lambda data, files, row: BriefingWithdrawForm(data)),
}


@login_required
def briefing_detail(request, pk, bound=None, status=200):
    """The briefing. The committee edits a draft here (POST) and finds its buttons; an addressee opening an
    issued briefing marks it read (the first time only)."""
    user = request.user
    briefing = _visible(user, pk)
    actions = BRIEFING.actions_for(user, briefing)
    form = None
    if "edit" in actions:
        form = BriefingEditForm(request.POST if request.method == "POST" and bound is None else None, initial={
            "title": briefing.title, **{field: getattr(briefing, field) for field in services.SECTION_FIELDS}})
        if request.method == "POST" and bound is None:
            if form.is_valid():
                done = run_service(form, services.edit_briefing, actor=user, briefing=briefing, **form.cleaned_data)
                if done is not None:
                    messages.success(request, "通报已保存。")
                    return redirect("meetings:briefing-detail", pk=briefing.pk)
            messages.error(request, first_error(form))
            status = 400
    elif request.method == "POST" and bound is None:
        if not user.is_committee:
            raise Http404
        messages.error(request, "通报已印发或撤回，不能再修改。")
        return redirect("meetings:briefing-detail", pk=briefing.pk)
    receipt = None
    if not user.is_committee:
        services.mark_read(user=user, briefing=briefing)
        receipt = user.briefing_receipts.filter(briefing=briefing).first()
    return render(request, "meetings/briefing_detail.html", {
        "briefing": briefing, "form": form, "actions": actions, "receipt": receipt,
        "withdraw_form": (bound or {}).get("withdraw") or BriefingWithdrawForm(),
        "events": briefing.events.select_related("actor").order_by("at", "id") if user.is_committee else (),
        "reminded_today": briefing.last_reminded_on == timezone.localdate(),
    }, status=status)


@login_required
@require_POST
def briefing_action(request, pk, name):
    """Issue, withdraw (with a reason) or remind the unread: the committee's buttons."""
    briefing = _committee_briefing(request.user, pk)
    return act(request, BRIEFING_PAGE, name, briefing, keyword="briefing", detail="meetings:briefing-detail",
               page=briefing_detail)


@login_required
def briefing_receipts(request, pk):
    """The committee's receipt table: who, which unit, delivered, read at (unread in red)."""
    briefing = _committee_briefing(request.user, pk)
    receipts = list(briefing.recipients.select_related("user", "unit", "leader"))
    unread = sum(1 for row in receipts if row.read_at is None)
    return render(request, "meetings/briefing_receipts.html", {
        "briefing": briefing, "receipts": receipts, "unread": unread,
        "may_remind": "remind" in BRIEFING.actions_for(request.user, briefing) and unread > 0,
        "reminded_today": briefing.last_reminded_on == timezone.localdate(),
    })


@login_required
def briefing_pdf(request, pk):
    briefing = _visible(request.user, pk)
    return pdf_response(briefing_pdf_bytes(briefing), f"{briefing.title}.pdf", as_attachment=False)


@never_cache
@require_safe
def briefing_read(request, key):
    """A party or government leader's personal read link (no account): the briefing as issued, its first opening
    recorded as the read receipt; an unknown or altered link is a 404."""
    receipt = services.open_by_link(key)
    if receipt is None:
        raise Http404
    return render(request, "meetings/briefing_read.html", {"briefing": receipt.briefing, "receipt": receipt,
                                                           "key": key})


@never_cache
@require_safe
def briefing_read_pdf(request, key):
    receipt = services.open_by_link(key)
    if receipt is None:
        raise Http404
    briefing = receipt.briefing
    return pdf_response(briefing_pdf_bytes(briefing), f"{briefing.title}.pdf", as_attachment=False)
