"""Meeting pages: the meetings, the agenda proposals, the decisions followed up across meetings, the annual
reports, and their PDFs.

Every read goes through the model's `visible_to(user)`, so whatever a user may not see is a 404, never a 403.
The forms and buttons a page offers are the moves `machines.*.actions_for(user, row)` gives. Every move is one POST
to `act`, which looks the move up in its page's table (form → service) and calls the one service in its own
transaction; a refusal shows the service's Chinese message at the form and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assistance.models import Notice
from cases.models import Case
from linkage.forms import Action, act, action_forms, first_error, run_action, run_service
from linkage.pdf import pdf_response

from . import selectors, services
from .forms import (
    AcceptItemForm,
    AttendanceAddForm,
    AttendanceRecordForm,
    CoordinationForm,
    DecisionForm,
    DecisionReplyForm,
    DisputeForm,
    MeetingForm,
    PublishForm,
    ReasonForm,
    ReportCreateForm,
    ReportEditForm,
    ReviewItemForm,
    SendBackForm,
    SummaryForm,
)
from .machines import DECISION, ITEM, MEETING, REPORT, committee
from .models import (
    AgendaItem,
    AnnualReport,
    Attendance,
    Decision,
    DecisionReplyAttachment,
    ItemKind,
    ItemState,
    Meeting,
    MeetingState,
)

PER_PAGE = 20


# --------------------------------------------------------------------------------------------- meetings


@login_required
def meeting_list(request):
    user = request.user
    if not (user.is_committee or user.is_liaison or user.is_court_staff):
        raise Http404
    state = request.GET.get("state", "")
    if state not in MeetingState.values:
        state = ""
    page = Paginator(selectors.meeting_list_for(user, state=state), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html",
                  {"page": page, "state": state, "states": MeetingState.choices})


@login_required
def meeting_create(request):
    user = request.user
    if not user.is_committee:
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = run_service(form, services.create_meeting, actor=user, **form.cleaned_data)
        if meeting is not None:
            messages.success(request, "会议已创建（筹备中）。请增加参会单位、列入议题，然后发出会议通知。")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _visible_meeting(user, pk):
    meeting = selectors.meeting_for(user, pk)
    if meeting is None:
        raise Http404
    return meeting


MEETING_PAGE = {
    "schedule": Action("schedule", services.schedule_meeting, "会议通知已发出，参会单位的联络员已收到站内通知。"),
    "hold": Action("hold", services.hold_meeting, "已登记会议召开。请登记出席情况和议定事项，然后印发会议纪要。"),
    "cancel": Action("cancel", services.cancel_meeting, "会议已取消，议题已退回待审核。",
                     lambda data, files, meeting: ReasonForm(data)),
    "attendance": Action("attendance_added", services.add_attendance,
                         lambda attendance: f"已增加参会单位：{attendance.organisation.name}。",
                         lambda data, files, meeting: AttendanceAddForm(data, meeting=meeting)),
    "decision": Action("decision_added", services.add_decision,
                       lambda decision: f"已记录议定事项第{decision.position}项（{decision.responsible_unit.short_name}）。",
                       lambda data, files, meeting: DecisionForm(data, meeting=meeting)),
    "summary": Action("summary_updated", services.update_summary, "纪要正文已保存。",
                      lambda data, files, meeting: SummaryForm(data, initial={"summary": meeting.summary})),
    "publish": Action("publish", services.publish_minutes,
                      lambda meeting: f"会议纪要（{meeting.document_number}）已印发，责任单位已收到议定事项。",
                      lambda data, files, meeting: PublishForm(data)),
}


def _meeting_page(request, pk, *, bound=None, status=200):
    user = request.user
    meeting = _visible_meeting(user, pk)
    bound = bound or {}
    actions = MEETING.actions_for(user, meeting)
    forms = action_forms(actions, MEETING_PAGE, meeting, bound)
    if "attendance_changed" in actions:
        forms["records"] = [
            (row, bound.get(f"record-{row.pk}") or AttendanceRecordForm(
                prefix=f"a{row.pk}", initial={"status": row.status, "person_name": row.person_name,
                                              "position": row.position}))
            for row in meeting.current_attendances
        ]
    pending = []
    if "item_accepted" in actions:
        pending = list(AgendaItem.objects.visible_to(user).pending().filter(jurisdiction_id=meeting.jurisdiction_id)
                       .with_list_relations().order_by("proposed_at"))
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting,
        "may_manage": committee.allows(user, meeting),
        "actions": actions,
        "forms": forms,
        "pending_items": pending,
        # A unit reads the decisions in the published minutes; before that only the committee sees them.
        "decisions": [d for d in meeting.decision_rows if user.is_committee or meeting.state == MeetingState.PUBLISHED],
        "events": meeting.events.select_related("actor").order_by("at", "id") if user.is_committee else [],
        "own_unit": user.organisation_id,
    }, status=status)


@login_required
def meeting_detail(request, pk):
    return _meeting_page(request, pk)


@login_required
@require_POST
def meeting_action(request, pk, name):
    """Schedule, hold, cancel; invite a unit, record a decision, write and publish the minutes."""
    meeting = _visible_meeting(request.user, pk)
    return act(request, MEETING_PAGE, name, meeting, keyword="meeting", detail="meetings:detail", page=_meeting_page)


def _visible_attendance(user, pk):
    return get_object_or_404(Attendance.objects.filter(meeting__in=Meeting.objects.visible_to(user))
                             .select_related("organisation"), pk=pk)


@login_required
@require_POST
def attendance_record(request, pk):
    attendance = _visible_attendance(request.user, pk)
    form = AttendanceRecordForm(request.POST, prefix=f"a{attendance.pk}")
    if form.is_valid():
        row = run_service(form, services.record_attendance, actor=request.user, attendance=attendance,
                          **form.cleaned_data)
        if row is not None:
            messages.success(request, f"已登记：{row.organisation.short_name} {row.get_status_display()}。")
            return redirect("meetings:detail", pk=attendance.meeting_id)
    messages.error(request, first_error(form))
    return _meeting_page(request, attendance.meeting_id, bound={f"record-{attendance.pk}": form}, status=400)


@login_required
@require_POST
def attendance_withdraw(request, pk):
    attendance = _visible_attendance(request.user, pk)
    _, done = run_action(request, services.withdraw_attendance, actor=request.user, attendance=attendance,
                         reason=request.POST.get("reason") or "邀请有误")
    if done:
        messages.success(request, "已取消邀请。")
    return redirect("meetings:detail", pk=attendance.meeting_id)


@login_required
def minutes_pdf(request, pk):
    from . import documents

    meeting = _visible_meeting(request.user, pk)
    if not documents.minutes_readable(meeting, request.user):
        raise Http404
    return pdf_response(documents.minutes_pdf(meeting), documents.minutes_filename(meeting), as_attachment=False)


@login_required
def meeting_notice_pdf(request, pk):
    from . import documents

    meeting = _visible_meeting(request.user, pk)
    if not documents.meeting_notice_readable(meeting):
        raise Http404
    return pdf_response(documents.meeting_notice_pdf(meeting), documents.meeting_notice_filename(meeting),
                        as_attachment=False)


# ------------------------------------------------------------------------------------------ agenda items


@login_required
def item_list(request):
    user = request.user
    if not (user.is_committee or user.is_liaison or user.is_court_staff):
        raise Http404
    state = request.GET.get("state", "proposed" if user.is_committee else "")
    if state not in ItemState.values:
        state = ""
    page = Paginator(selectors.item_list_for(user, state=state), PER_PAGE).get_page(request.GET.get("page"))
    cases, contested = [], []
    if user.is_clerk:
        cases = list(Case.objects.editable_by(user).filter(status__in=["in_progress", "suspended"])
                     .order_by("-filed_on", "-id")[:200])
    if user.is_clerk or user.is_liaison:
        contested = list(
            Notice.objects.visible_to(user)
            .filter(review_suggestions__state__in=services.CONTESTED_REVIEW_STATES).distinct()
            .select_related("case", "unit", "measure").order_by("-id")[:50]
        )
    return render(request, "meetings/item_list.html", {"page": page, "state": state, "states": ItemState.choices,
                                                       "cases": cases, "contested": contested})


@login_required
def item_propose(request, kind):
    """Bring a matter to the joint meeting: a case for coordination (the clerk, from the case page), a dispute
    between units, or a notice whose review suggestion is contested (from the notice page)."""
    user = request.user
    if kind not in ItemKind.values or not (user.is_clerk or user.is_liaison):
        raise Http404
    data = request.POST if request.method == "POST" else None
    context = {"kind": kind, "kind_label": ItemKind(kind).label}
    if kind == ItemKind.COORDINATION:
        if not user.is_clerk:
            raise Http404
        case = get_object_or_404(Case.objects.editable_by(user).select_related("court"),
                                 pk=request.GET.get("case") or request.POST.get("case") or 0)
        form = CoordinationForm(data, case=case)
        context["case"] = case
        kwargs = lambda cleaned: {"case": case, **cleaned}  # noqa: E731
        service = services.propose_case_coordination
    elif kind == ItemKind.DISPUTE:
        form = DisputeForm(data, organisation=user.organisation)
        kwargs = lambda cleaned: cleaned  # noqa: E731
        service = services.escalate_dispute
        context["limit"] = services.consultation_working_days()
    else:
        notice_id = request.GET.get("notice") or request.POST.get("notice") or 0
        notice = get_object_or_404(Notice.objects.visible_to(user).select_related("case", "unit", "measure"),
                                   pk=notice_id if str(notice_id).isdigit() else 0)
        form = ReviewItemForm(data)
        context["notice"] = notice
        kwargs = lambda cleaned: {"notice": notice, **cleaned}  # noqa: E731
        service = services.propose_contested_review
    if data is not None and form.is_valid():
        item = run_service(form, service, actor=user, **kwargs(form.cleaned_data))
        if item is not None:
            messages.success(request, "已提请联席会议审议，待政法委审核列入议程。")
            return redirect("meetings:item-detail", pk=item.pk)
    context["form"] = form
    return render(request, "meetings/item_form.html", context, status=400 if form.errors else 200)


def _visible_item(user, pk):
    return get_object_or_404(
        AgendaItem.objects.visible_to(user).select_related("case", "proposing_organisation", "proposed_by",
                                                           "meeting", "decided_by"), pk=pk)


ITEM_PAGE = {
    "accept": Action("accept", services.accept_item, "已列入会议议程。",
                     lambda data, files, item: AcceptItemForm(data, item=item)),
    "decline": Action("decline", services.decline_item, "已决定不予列入，提请单位可在议题页看到理由。",
                      lambda data, files, item: ReasonForm(data)),
    "withdraw": Action("withdraw", services.withdraw_item, "已撤回。", lambda data, files, item: ReasonForm(data)),
}


def _item_page(request, pk, *, bound=None, status=200):
    user = request.user
    item = _visible_item(user, pk)
    visible_notices = Notice.objects.visible_to(user)
    notices = item.notices.filter(pk__in=visible_notices.values("pk")).select_related("unit", "measure", "case")
    case_visible = item.case_id and Case.objects.visible_to(user).filter(pk=item.case_id).exists()
    return render(request, "meetings/item_detail.html", {
        "item": item,
        "forms": action_forms(ITEM.actions_for(user, item), ITEM_PAGE, item, bound or {}),
        "units": item.units.order_by("sort_order", "id"),
        "notices": notices,
        "case_visible": case_visible,
        "decisions": Decision.objects.visible_to(user).filter(item=item).select_related("responsible_unit"),
        "events": item.events.select_related("actor").order_by("at", "id"),
    }, status=status)


@login_required
def item_detail(request, pk):
    return _item_page(request, pk)


@login_required
@require_POST
def item_action(request, pk, name):
    """Accept an item onto a meeting's agenda, decline it, or withdraw it."""
    item = _visible_item(request.user, pk)
    response = act(request, ITEM_PAGE, name, item, keyword="item", detail="meetings:item-detail", page=_item_page)
    if name == "accept" and response.status_code == 302 and request.POST.get("back") == "meeting":
        return redirect("meetings:detail", pk=request.POST.get("meeting"))  # the button on the meeting page
    return response


# -------------------------------------------------------------------------------------------- decisions


@login_required
def decision_list(request):
    """The committee: decisions across meetings, open ones first; a unit: the decisions it is responsible for."""
    user = request.user
    if not (user.is_committee or user.is_liaison or user.is_court_staff):
        raise Http404
    tab = request.GET.get("tab", "open")
    if tab not in selectors.DECISION_TABS:
        tab = "open"
    counts = selectors.decision_counts(user)
    page = Paginator(selectors.decision_list_for(user, tab=tab), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "meetings/decision_list.html", {
        "page": page, "tab": tab,
        "tabs": [(key, label, counts[key]) for key, (label, _) in selectors.DECISION_TABS.items()],
    })


def _visible_decision(user, pk):
    return get_object_or_404(Decision.objects.visible_to(user).select_related("meeting", "responsible_unit", "item"),
                             pk=pk)


DECISION_PAGE = {
    "reply": Action("reply", services.reply_to_decision, "已回复落实情况，待政法委确认。",
                    lambda data, files, decision: DecisionReplyForm(data, files)),
    "complete": Action("complete", services.complete_decision, "已确认办结。",
                       lambda data, files, decision: ReasonForm(data)),
    "send_back": Action("send_back", services.send_back_decision, "已退回责任单位继续落实。",
                        lambda data, files, decision: SendBackForm(data)),
    "cancel": Action("cancel", services.cancel_decision, "议定事项已撤销。", lambda data, files, decision: ReasonForm(data)),
}


def _decision_page(request, pk, *, bound=None, status=200):
    user = request.user
    decision = _visible_decision(user, pk)
    return render(request, "meetings/decision_detail.html", {
        "decision": decision,
        "forms": action_forms(DECISION.actions_for(user, decision), DECISION_PAGE, decision, bound or {}),
        "replies": decision.replies.select_related("replied_by", "attachment").order_by("replied_at", "id"),
        "events": decision.events.select_related("actor").order_by("at", "id"),
        "meeting_visible": Meeting.objects.visible_to(user).filter(pk=decision.meeting_id).exists(),
    }, status=status)


@login_required
def decision_detail(request, pk):
    return _decision_page(request, pk)


@login_required
@require_POST
def decision_action(request, pk, name):
    """Reply to a decision (its unit), confirm it done, send it back or cancel it (the committee)."""
    decision = _visible_decision(request.user, pk)
    return act(request, DECISION_PAGE, name, decision, keyword="decision", detail="meetings:decision-detail",
                page=_decision_page)


@login_required
def reply_attachment(request, pk):
    stored = get_object_or_404(
        DecisionReplyAttachment.objects.filter(reply__decision__in=Decision.objects.visible_to(request.user)),
        reply_id=pk,
    )
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------- annual reports


@login_required
def report_list(request):
    user = request.user
    if not (user.is_court_staff or user.is_committee):
        raise Http404
    reports = AnnualReport.objects.visible_to(user).select_related("court", "created_by", "sent_by")
    form = ReportCreateForm(request.POST or None) if user.is_clerk else None
    if request.method == "POST" and form is None:  # only a clerk drafts a report; nobody else may post here
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        report = run_service(form, services.create_annual_report, actor=user, year=form.cleaned_data["year"])
        if report is not None:
            messages.success(request, "已根据本年度数据生成报告草稿，请修改后报送。")
            return redirect("meetings:report-detail", pk=report.pk)
    status = 400 if form is not None and form.errors else 200
    return render(request, "meetings/report_list.html", {"reports": reports, "form": form}, status=status)


def _visible_report(user, pk):
    return get_object_or_404(AnnualReport.objects.visible_to(user).select_related("court", "created_by", "sent_by"),
                             pk=pk)


REPORT_PAGE = {
    "send": Action("send", services.send_annual_report, "报告已报送区委政法委。"),
    "regenerate": Action("regenerate", services.regenerate_annual_report, "已按最新数据重新生成报告。"),
}


@login_required
def report_detail(request, pk):
    """The report, and for its court's clerk while it is a draft, the form that edits it (POST here)."""
    user = request.user
    report = _visible_report(user, pk)
    may_edit = "edit" in REPORT.actions_for(user, report)
    form = None
    status = 200
    if may_edit:
        form = ReportEditForm(request.POST or None, initial={"title": report.title, "text": report.text})
        if request.method == "POST":
            if form.is_valid():
                done = run_service(form, services.edit_annual_report, actor=user, report=report, **form.cleaned_data)
                if done is not None:
                    messages.success(request, "报告已保存。")
                    return redirect("meetings:report-detail", pk=report.pk)
            messages.error(request, first_error(form))
            status = 400
    elif request.method == "POST":
        raise Http404
    return render(request, "meetings/report_detail.html", {
        "report": report, "form": form, "may_edit": may_edit,
        "events": report.events.select_related("actor").order_by("at", "id"),
    }, status=status)


@login_required
@require_POST
def report_action(request, pk, name):
    """Send the report to the committee, or generate its figures and text again."""
    report = _visible_report(request.user, pk)
    return act(request, REPORT_PAGE, name, report, keyword="report", detail="meetings:report-detail", page=None)


@login_required
def report_pdf(request, pk):
    from . import documents

    report = _visible_report(request.user, pk)
    return pdf_response(documents.annual_report_pdf(report), documents.annual_report_filename(report),
                        as_attachment=False)
