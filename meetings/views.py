"""Meeting pages: the meetings, the agenda proposals, the decisions followed up across meetings, the annual
reports, and their PDFs.

Every read goes through the model's `visible_to(user)`, so whatever a user may not see is a 404, never a 403.
Every move is one POST calling the one service in its own transaction; a refusal shows the service's Chinese
message at the form and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assistance.models import Notice
from cases.models import Case
from linkage.errors import ApplicationError
from linkage.pdf import pdf_response
from members.selectors import jurisdiction_id_of

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
from .models import (
    AgendaItem,
    AnnualReport,
    Attendance,
    Decision,
    DecisionReplyAttachment,
    DecisionState,
    ItemKind,
    ItemState,
    Meeting,
    MeetingState,
    ReportState,
)

PER_PAGE = 20


def _call(form, service, **kwargs):
    """Call a service in its own transaction; a refusal becomes an error on the named field or on the form."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _first_error(form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的内容有误。"


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
        meeting = _call(form, services.create_meeting, actor=user, **form.cleaned_data)
        if meeting is not None:
            messages.success(request, "会议已创建（筹备中）。请增加参会单位、列入议题，然后发出会议通知。")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _visible_meeting(user, pk):
    meeting = selectors.meeting_for(user, pk)
    if meeting is None:
        raise Http404
    return meeting


def _meeting_page(request, meeting, *, bound=None, status=200):
    user = request.user
    bound = bound or {}
    may_manage = user.is_committee and jurisdiction_id_of(user) == meeting.jurisdiction_id
    forms = {}
    if may_manage and meeting.is_open_for_records:
        forms["attendance"] = bound.get("attendance") or AttendanceAddForm(meeting=meeting)
        forms["records"] = [
            (row, bound.get(f"record-{row.pk}") or AttendanceRecordForm(
                prefix=f"a{row.pk}", initial={"status": row.status, "person_name": row.person_name,
                                              "position": row.position}))
            for row in meeting.current_attendances
        ]
    if may_manage and meeting.state == MeetingState.HELD:
        forms["decision"] = bound.get("decision") or DecisionForm(meeting=meeting)
        forms["summary"] = bound.get("summary") or SummaryForm(initial={"summary": meeting.summary})
        forms["publish"] = bound.get("publish") or PublishForm()
    if may_manage and meeting.state in (MeetingState.DRAFT, MeetingState.SCHEDULED):
        forms["cancel"] = bound.get("cancel") or ReasonForm()
    pending = []
    if may_manage and meeting.state in (MeetingState.DRAFT, MeetingState.SCHEDULED):
        pending = list(AgendaItem.objects.visible_to(user).pending().filter(jurisdiction_id=meeting.jurisdiction_id)
                       .with_list_relations().order_by("proposed_at"))
    own = user.organisation_id
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting,
        "may_manage": may_manage,
        "forms": forms,
        "pending_items": pending,
        # A unit reads the decisions in the published minutes; before that only the committee sees them.
        "decisions": [d for d in meeting.decision_rows if user.is_committee or meeting.state == MeetingState.PUBLISHED],
        "events": meeting.events.select_related("actor").order_by("at", "id") if user.is_committee else [],
        "own_unit": own,
    }, status=status)


@login_required
def meeting_detail(request, pk):
    return _meeting_page(request, _visible_meeting(request.user, pk))


def _meeting_post(request, pk, name, form, perform, success):
    """A meeting move with a small form: valid input goes to the service; bad input or a refusal shows the page
    again with the message at the form (400), and nothing is written."""
    meeting = _visible_meeting(request.user, pk)
    if form is None or form.is_valid():
        result = perform(meeting, form)
        if result is not None:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("meetings:detail", pk=meeting.pk)
    if form is not None:
        messages.error(request, _first_error(form))
        return _meeting_page(request, _visible_meeting(request.user, pk), bound={name: form}, status=400)
    return redirect("meetings:detail", pk=meeting.pk)


def _action(request, service, **kwargs):
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
        return None


@login_required
@require_POST
def meeting_schedule(request, pk):
    meeting = _visible_meeting(request.user, pk)
    if _action(request, services.schedule_meeting, actor=request.user, meeting=meeting):
        messages.success(request, "会议通知已发出，参会单位的联络员已收到站内通知。")
    return redirect("meetings:detail", pk=pk)


@login_required
@require_POST
def meeting_hold(request, pk):
    meeting = _visible_meeting(request.user, pk)
    if _action(request, services.hold_meeting, actor=request.user, meeting=meeting):
        messages.success(request, "已登记会议召开。请登记出席情况和议定事项，然后印发会议纪要。")
    return redirect("meetings:detail", pk=pk)


@login_required
@require_POST
def meeting_cancel(request, pk):
    form = ReasonForm(request.POST)
    return _meeting_post(
        request, pk, "cancel", form,
        lambda meeting, form: _call(form, services.cancel_meeting, actor=request.user, meeting=meeting,
                                    reason=form.cleaned_data["reason"]),
        "会议已取消，议题已退回待审核。",
    )


@login_required
@require_POST
def attendance_add(request, pk):
    meeting = _visible_meeting(request.user, pk)
    form = AttendanceAddForm(request.POST, meeting=meeting)
    return _meeting_post(
        request, pk, "attendance", form,
        lambda meeting, form: _call(form, services.add_attendance, actor=request.user, meeting=meeting,
                                    **form.cleaned_data),
        lambda attendance: f"已增加参会单位：{attendance.organisation.name}。",
    )


@login_required
@require_POST
def attendance_record(request, pk):
    attendance = get_object_or_404(Attendance.objects.filter(
        meeting__in=Meeting.objects.visible_to(request.user)).select_related("organisation"), pk=pk)
    form = AttendanceRecordForm(request.POST, prefix=f"a{attendance.pk}")
    return _meeting_post(
        request, attendance.meeting_id, f"record-{attendance.pk}", form,
        lambda meeting, form: _call(form, services.record_attendance, actor=request.user, attendance=attendance,
                                    **form.cleaned_data),
        lambda row: f"已登记：{row.organisation.short_name} {row.get_status_display()}。",
    )


@login_required
@require_POST
def attendance_withdraw(request, pk):
    attendance = get_object_or_404(Attendance.objects.filter(
        meeting__in=Meeting.objects.visible_to(request.user)), pk=pk)
    if _action(request, services.withdraw_attendance, actor=request.user, attendance=attendance,
               reason=request.POST.get("reason") or "邀请有误"):
        messages.success(request, "已取消邀请。")
    return redirect("meetings:detail", pk=attendance.meeting_id)


@login_required
@require_POST
def decision_add(request, pk):
    meeting = _visible_meeting(request.user, pk)
    form = DecisionForm(request.POST, meeting=meeting)
    return _meeting_post(
        request, pk, "decision", form,
        lambda meeting, form: _call(form, services.add_decision, actor=request.user, meeting=meeting,
                                    **form.cleaned_data),
        lambda decision: f"已记录议定事项第{decision.position}项（{decision.responsible_unit.short_name}）。",
    )


@login_required
@require_POST
def meeting_summary(request, pk):
    form = SummaryForm(request.POST)
    return _meeting_post(
        request, pk, "summary", form,
        lambda meeting, form: _call(form, services.update_summary, actor=request.user, meeting=meeting,
                                    summary=form.cleaned_data["summary"]),
        "纪要正文已保存。",
    )


@login_required
@require_POST
def meeting_publish(request, pk):
    form = PublishForm(request.POST)
    return _meeting_post(
        request, pk, "publish", form,
        lambda meeting, form: _call(form, services.publish_minutes, actor=request.user, meeting=meeting,
                                    document_number=form.cleaned_data["document_number"]),
        lambda meeting: f"会议纪要（{meeting.document_number}）已印发，责任单位已收到议定事项。",
    )


@login_required
def minutes_pdf(request, pk):
    from . import documents

    meeting = _visible_meeting(request.user, pk)
    if meeting.state not in (MeetingState.HELD, MeetingState.PUBLISHED):
        raise Http404
    if meeting.state == MeetingState.HELD and not request.user.is_committee:
        raise Http404
    return pdf_response(documents.minutes_pdf(meeting), documents.minutes_filename(meeting), as_attachment=False)


@login_required
def meeting_notice_pdf(request, pk):
    from . import documents

    meeting = _visible_meeting(request.user, pk)
    if meeting.state == MeetingState.CANCELLED:
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
        item = _call(form, service, actor=user, **kwargs(form.cleaned_data))
        if item is not None:
            messages.success(request, "已提请联席会议审议，待政法委审核列入议程。")
            return redirect("meetings:item-detail", pk=item.pk)
    context["form"] = form
    return render(request, "meetings/item_form.html", context, status=400 if form.errors else 200)


def _visible_item(user, pk):
    return get_object_or_404(
        AgendaItem.objects.visible_to(user).select_related("case", "proposing_organisation", "proposed_by",
                                                           "meeting", "decided_by"), pk=pk)


def _item_page(request, item, *, bound=None, status=200):
    user = request.user
    bound = bound or {}
    forms = {}
    may_decide = user.is_committee and jurisdiction_id_of(user) == item.jurisdiction_id
    if may_decide and item.state == ItemState.PROPOSED:
        forms["accept"] = bound.get("accept") or AcceptItemForm(item=item)
        forms["decline"] = bound.get("decline") or ReasonForm()
    if item.state == ItemState.PROPOSED and (user.is_clerk or user.is_liaison) \
            and user.organisation_id == item.proposing_organisation_id:
        forms["withdraw"] = bound.get("withdraw") or ReasonForm()
    visible_notices = Notice.objects.visible_to(user)
    notices = item.notices.filter(pk__in=visible_notices.values("pk")).select_related("unit", "measure", "case")
    case_visible = item.case_id and Case.objects.visible_to(user).filter(pk=item.case_id).exists()
    return render(request, "meetings/item_detail.html", {
        "item": item,
        "forms": forms,
        "units": item.units.order_by("sort_order", "id"),
        "notices": notices,
        "case_visible": case_visible,
        "decisions": Decision.objects.visible_to(user).filter(item=item).select_related("responsible_unit"),
        "events": item.events.select_related("actor").order_by("at", "id"),
    }, status=status)


@login_required
def item_detail(request, pk):
    return _item_page(request, _visible_item(request.user, pk))


def _item_post(request, pk, name, form_factory, service, success, **extra):
    item = _visible_item(request.user, pk)
    form = form_factory(item)
    if form.is_valid():
        done = _call(form, service, actor=request.user, item=item, **form.cleaned_data, **extra)
        if done is not None:
            messages.success(request, success)
            return redirect("meetings:item-detail", pk=item.pk)
    messages.error(request, _first_error(form))
    return _item_page(request, _visible_item(request.user, pk), bound={name: form}, status=400)


@login_required
@require_POST
def item_accept(request, pk):
    response = _item_post(request, pk, "accept", lambda item: AcceptItemForm(request.POST, item=item),
                          services.accept_item, "已列入会议议程。")
    if response.status_code == 302 and request.POST.get("back") == "meeting":  # the button on the meeting page
        return redirect("meetings:detail", pk=request.POST.get("meeting"))
    return response


@login_required
@require_POST
def item_decline(request, pk):
    return _item_post(request, pk, "decline", lambda item: ReasonForm(request.POST), services.decline_item,
                      "已决定不予列入，提请单位可在议题页看到理由。")


@login_required
@require_POST
def item_withdraw(request, pk):
    return _item_post(request, pk, "withdraw", lambda item: ReasonForm(request.POST), services.withdraw_item,
                      "已撤回。")


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


def _decision_page(request, decision, *, bound=None, status=200):
    user = request.user
    bound = bound or {}
    forms = {}
    published = decision.meeting.state == MeetingState.PUBLISHED
    member = (user.is_liaison or user.is_clerk) and user.organisation_id == decision.responsible_unit_id
    committee = user.is_committee and jurisdiction_id_of(user) == decision.meeting.jurisdiction_id
    if member and published and decision.state == DecisionState.OPEN:
        forms["reply"] = bound.get("reply") or DecisionReplyForm()
    if committee and decision.state == DecisionState.REPLIED:
        forms["complete"] = bound.get("complete") or ReasonForm()
        forms["send_back"] = bound.get("send_back") or SendBackForm()
    if committee and decision.state == DecisionState.OPEN:
        forms["cancel"] = bound.get("cancel") or ReasonForm()
    return render(request, "meetings/decision_detail.html", {
        "decision": decision,
        "forms": forms,
        "replies": decision.replies.select_related("replied_by", "attachment").order_by("replied_at", "id"),
        "events": decision.events.select_related("actor").order_by("at", "id"),
        "meeting_visible": Meeting.objects.visible_to(user).filter(pk=decision.meeting_id).exists(),
    }, status=status)


@login_required
def decision_detail(request, pk):
    return _decision_page(request, _visible_decision(request.user, pk))


def _decision_post(request, pk, name, form, perform, success):
    decision = _visible_decision(request.user, pk)
    if form.is_valid():
        if perform(decision, form) is not None:
            messages.success(request, success)
            return redirect("meetings:decision-detail", pk=decision.pk)
    messages.error(request, _first_error(form))
    return _decision_page(request, _visible_decision(request.user, pk), bound={name: form}, status=400)


@login_required
@require_POST
def decision_reply(request, pk):
    form = DecisionReplyForm(request.POST, request.FILES)
    return _decision_post(
        request, pk, "reply", form,
        lambda decision, form: _call(form, services.reply_to_decision, actor=request.user, decision=decision,
                                     text=form.cleaned_data["text"], attachment=form.cleaned_data["attachment"]),
        "已回复落实情况，待政法委确认。",
    )


@login_required
@require_POST
def decision_complete(request, pk):
    form = ReasonForm(request.POST)
    return _decision_post(
        request, pk, "complete", form,
        lambda decision, form: _call(form, services.complete_decision, actor=request.user, decision=decision,
                                     reason=form.cleaned_data["reason"]),
        "已确认办结。",
    )


@login_required
@require_POST
def decision_send_back(request, pk):
    form = SendBackForm(request.POST)
    return _decision_post(
        request, pk, "send_back", form,
        lambda decision, form: _call(form, services.send_back_decision, actor=request.user, decision=decision,
                                     **form.cleaned_data),
        "已退回责任单位继续落实。",
    )


@login_required
@require_POST
def decision_cancel(request, pk):
    form = ReasonForm(request.POST)
    return _decision_post(
        request, pk, "cancel", form,
        lambda decision, form: _call(form, services.cancel_decision, actor=request.user, decision=decision,
                                     reason=form.cleaned_data["reason"]),
        "议定事项已撤销。",
    )


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
        report = _call(form, services.create_annual_report, actor=user, year=form.cleaned_data["year"])
        if report is not None:
            messages.success(request, "已根据本年度数据生成报告草稿，请修改后报送。")
            return redirect("meetings:report-detail", pk=report.pk)
    status = 400 if form is not None and form.errors else 200
    return render(request, "meetings/report_list.html", {"reports": reports, "form": form}, status=status)


def _visible_report(user, pk):
    return get_object_or_404(AnnualReport.objects.visible_to(user).select_related("court", "created_by", "sent_by"),
                             pk=pk)


@login_required
def report_detail(request, pk):
    user = request.user
    report = _visible_report(user, pk)
    may_edit = user.is_clerk and user.organisation_id == report.court_id and report.state == ReportState.DRAFT
    form = None
    status = 200
    if may_edit:
        form = ReportEditForm(request.POST or None, initial={"title": report.title, "text": report.text})
        if request.method == "POST":
            if form.is_valid():
                done = _call(form, services.edit_annual_report, actor=user, report=report, **form.cleaned_data)
                if done is not None:
                    messages.success(request, "报告已保存。")
                    return redirect("meetings:report-detail", pk=report.pk)
            messages.error(request, _first_error(form))
            status = 400
    elif request.method == "POST":
        raise Http404
    return render(request, "meetings/report_detail.html", {
        "report": report, "form": form, "may_edit": may_edit,
        "events": report.events.select_related("actor").order_by("at", "id"),
    }, status=status)


@login_required
@require_POST
def report_send(request, pk):
    report = _visible_report(request.user, pk)
    if _action(request, services.send_annual_report, actor=request.user, report=report):
        messages.success(request, "报告已报送区委政法委。")
    return redirect("meetings:report-detail", pk=pk)


@login_required
@require_POST
def report_regenerate(request, pk):
    report = _visible_report(request.user, pk)
    if _action(request, services.regenerate_annual_report, actor=request.user, report=report):
        messages.success(request, "已按最新数据重新生成报告。")
    return redirect("meetings:report-detail", pk=pk)


@login_required
def report_pdf(request, pk):
    from . import documents

    report = _visible_report(request.user, pk)
    return pdf_response(documents.annual_report_pdf(report), documents.annual_report_filename(report),
                        as_attachment=False)
