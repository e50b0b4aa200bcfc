"""The joint meeting's official documents in the one GB/T 9704-2012 layout (``templates/pdf/official_document.html``,
``linkage.gbt9704``): the minutes (会议纪要), the meeting notice (会议通知) to the invited units, and the court's
annual report to the committee. Each carries its 发文字号 from the issuer's yearly register
(``linkage.document_numbers``): the notice's is taken when it is sent, the minutes' when they are published, the
report's when it is sent to the committee; a draft shows none.

Each `*_context` gathers the facts a document shows, worded as on the document; the PDFs are rendered by
``linkage.pdf.render_pdf`` from ``templates/pdf/{minutes,meeting_notice,annual_report}.html``. Once issued
(``meetings.issuing``: the notice when sent, the minutes when published, the report when sent), the PDF served is the
one stored at issue, byte for byte, with its verification code; drafts keep rendering.
"""

from django.utils import timezone

from linkage.document_numbers import number_for
from linkage.gbt9704 import official_context
from linkage.numerals import arabic_date, chinese_ordinal
from linkage.pdf import render_pdf
from linkage.verification import document_for
from linkage.verification_models import IssuedDocumentKind
from linkage.workdays import TIMEZONE

from .models import AttendanceStatus, DecisionState, ItemState, MeetingState
from .numbering import committee_of, notice_subject, report_subject
from .services.common import ADDRESSED, invited_attendances


def _committee(jurisdiction_id):
    return committee_of(jurisdiction_id)


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _attendee(attendance):
    person = " ".join(part for part in (attendance.position, attendance.person_name) if part)
    return f"{attendance.organisation.short_name}{(' ' + person) if person else ''}"


def minutes_readable(meeting, user):
    """The minutes exist once the meeting is held: the committee reads them as they are being written, everybody
    who sees the meeting once they are published (the page and the API both ask this)."""
    return meeting.state == MeetingState.PUBLISHED or (meeting.state == MeetingState.HELD and user.is_committee)


def meeting_notice_readable(meeting):
    """A meeting's notice is shown to whoever sees the meeting, unless it was called off."""
    return meeting.state != MeetingState.CANCELLED


def minutes_context(meeting):
    """Every fact the minutes show: banner, number, title, the opening paragraph, the summary, the items
    discussed, the numbered decisions (task, responsible unit, due date) and the 出席 / 请假 / 列席 lines."""
    meeting = type(meeting).objects.select_related("jurisdiction").get(pk=meeting.pk)
    attendances = list(meeting.attendances.filter(withdrawn_at__isnull=True).select_related("organisation")
                       .order_by("organisation__sort_order", "id"))
    groups = {
        status: "、".join(_attendee(a) for a in attendances if a.status == status)
        for status in AttendanceStatus.values
    }
    decisions = [
        {
            "number": chinese_ordinal(index),
            "position": decision.position,
            "task": decision.task.strip().rstrip("。；;"),
            "unit": decision.responsible_unit.name,
            "due": arabic_date(decision.due_on),
        }
        for index, decision in enumerate(
            meeting.decisions.exclude(state=DecisionState.CANCELLED).select_related("responsible_unit")
            .order_by("position"),
            start=1,
        )
    ]
    items = [
        {"number": chinese_ordinal(index), "title": item.title, "kind": item.get_kind_display()}
        for index, item in enumerate(
            meeting.items.filter(state__in=[ItemState.ACCEPTED, ItemState.DISCUSSED]).order_by("position"), start=1
        )
    ]
    committee = _committee(meeting.jurisdiction_id)
    banner = f"{meeting.jurisdiction.name}执行联动工作联席会议纪要"
    published = meeting.published_at or None
    title = meeting.title if meeting.title.endswith("纪要") else f"{meeting.title}纪要"
    issuer = committee.name if committee else meeting.jurisdiction.name
    date = arabic_date(published or timezone.now())
    return {
        **official_context(issuer=issuer, banner=banner, title=title, document_number=meeting.document_number,
                           is_draft=meeting.state != MeetingState.PUBLISHED, draft_note="（草稿　未经印发）",
                           date=date, copied="、".join(a.organisation.name for a in attendances
                                                        if a.status == AttendanceStatus.OBSERVING)),
        "meeting": meeting,
        "number_label": "纪要文号",
        "opening": (
            f"{arabic_date(meeting.starts_at)}，{meeting.convenor}在{meeting.place}召集召开{meeting.title}"
            f"（{meeting.get_kind_display()}），会议由{meeting.chair}主持。现将会议主要精神纪要如下："
        ),
        "summary": _paragraphs(meeting.summary),
        "items": items,
        "decisions": decisions,
        "attending": groups[AttendanceStatus.ATTENDING],
        "on_leave": groups[AttendanceStatus.ON_LEAVE],
        "observing": groups[AttendanceStatus.OBSERVING],
        "issuer_short": committee.short_name if committee else "",
    }


def _stored(source, kind):
    issued = document_for(source, kind)
    return bytes(issued.content) if issued is not None else None


def minutes_pdf(meeting):
    """The 会议纪要 as an A4 PDF in the GB/T 9704-2012 layout; before publication marked 草稿 without a number;
    published, the minutes as issued."""
    if meeting.state == MeetingState.PUBLISHED and (stored := _stored(meeting, IssuedDocumentKind.MEETING_MINUTES)):
        return stored
    return render_pdf("pdf/minutes.html", minutes_context(meeting))


def minutes_filename(meeting):
    return f"会议纪要-{meeting.document_number or meeting.title}.pdf"


def meeting_notice_context(meeting):
    """The 会议通知 to the invited units: addressees (主送: the attending and on-leave units, never the committee
    that issues it), the units sitting in (抄送), time, place, convenor and chair, the agenda, requirements. The same
    units get the notice's messages (`services.common.invited_attendances`)."""
    meeting = type(meeting).objects.select_related("jurisdiction").get(pk=meeting.pk)
    attendances = list(invited_attendances(meeting))
    addressed = [a for a in attendances if a.status in ADDRESSED]
    observing = [a for a in attendances if a.status == AttendanceStatus.OBSERVING]
    committee = _committee(meeting.jurisdiction_id)
    issuer = committee.name if committee else meeting.jurisdiction.name
    starts = timezone.localtime(meeting.starts_at, TIMEZONE)
    items = [
        {"number": chinese_ordinal(index), "title": item.title}
        for index, item in enumerate(
            meeting.items.filter(state__in=[ItemState.ACCEPTED, ItemState.DISCUSSED]).order_by("position"), start=1
        )
    ]
    date = arabic_date(meeting.scheduled_at or timezone.now())
    return {
        **official_context(issuer=issuer, title=f"关于召开{meeting.title}的通知",
                           document_number=number_for(notice_subject(meeting)),
                           is_draft=meeting.state == MeetingState.DRAFT, draft_note="（草稿　未经发出）", date=date,
                           addressees="、".join(a.organisation.name for a in addressed) or "各成员单位",
                           copied="、".join(a.organisation.name for a in observing)),
        "meeting": meeting,
        "time": f"{arabic_date(starts)}{starts:%H:%M}",
        "place": meeting.place,
        "convenor": meeting.convenor,
        "chair": meeting.chair,
        "kind": meeting.get_kind_display(),
        "units": "、".join(a.organisation.short_name for a in addressed),
        "observers": "、".join(a.organisation.short_name for a in observing),
        "items": items,
        "issuer_short": committee.short_name if committee else issuer,
    }


def meeting_notice_pdf(meeting):
    """The notice as sent (its latest issue) once the meeting is announced; rendered while it is prepared."""
    if meeting.state != MeetingState.DRAFT and (stored := _stored(meeting, IssuedDocumentKind.MEETING_NOTICE)):
        return stored
    return render_pdf("pdf/meeting_notice.html", meeting_notice_context(meeting))


def meeting_notice_filename(meeting):
    return f"会议通知-{meeting.title}.pdf"


def annual_report_context(report):
    figures = report.figures or {}
    date = arabic_date(report.sent_at or report.updated_at or timezone.now())
    by_unit = figures.get("by_unit", [])
    attachments = ([f"{figures.get('year', report.year)}年度各成员单位协助执行通知书办理情况",
                    f"{figures.get('year', report.year)}年度按协助措施统计"] if by_unit else [])
    return {
        **official_context(issuer=report.court.name, title=report.title, document_number=number_for(report_subject(report)),
                           is_draft=report.state == "draft", draft_note="（草稿　未经报送）", date=date,
                           attachments=attachments),  # the text opens with its addressee (主送机关)
        "report": report,
        "paragraphs": _paragraphs(report.text),
        "figures": figures,
        "by_unit": by_unit,
        "by_measure": figures.get("by_measure", []),
    }


def annual_report_pdf(report):
    """The report as sent to the committee once sent; rendered while a draft."""
    if report.state != "draft" and (stored := _stored(report, IssuedDocumentKind.ANNUAL_REPORT)):
        return stored
    return render_pdf("pdf/annual_report.html", annual_report_context(report))


def annual_report_filename(report):
    return f"{report.year}年度执行联动工作报告-{report.court.short_name}.pdf"
