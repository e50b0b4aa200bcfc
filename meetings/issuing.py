"""The joint meeting's documents as issued documents (issue 24, `linkage.verification`): each is issued — rendered
once with its verification code and QR code, signed and stored as served — in the transaction of the move that
makes it final, and its check page follows the later moves:

* 会议通知 (meeting notice): issued when the committee sends it (`schedule_meeting`); a change of what it prints
  while the meeting is announced (a new time or place: the units are told again) re-issues it, the earlier one
  已被替代; a meeting called off marks it 已撤回.
* 会议纪要 (minutes): issued when published (`publish_minutes`).
* 年度工作报告 (annual report): issued when the court sends it to the committee (`send_annual_report`).
* 工作通报 (briefing): issued with `issue_briefing`, 已撤回 with `withdraw_briefing`.

A document whose jurisdiction has no committee on its roster has no 发文字号 and no issuer: it is not issued."""

from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus

from . import documents
from .briefing_documents import briefing_context
from .numbering import committee_of


def _render(template, context):
    return lambda extra: render_pdf(template, {**context, **extra})


def _withdraw(source, kind, note):
    verification.end(source, kind, IssuedDocumentStatus.WITHDRAWN, note)


def issue_meeting_notice(meeting, *, supersede=False):
    """The sent notice (idempotent unless `supersede`: a rescheduled meeting's new notice replaces the old)."""
    committee = committee_of(meeting.jurisdiction_id)
    if committee is None:
        return None
    context = documents.meeting_notice_context(meeting)
    return verification.issue(
        IssuedDocumentKind.MEETING_NOTICE,
        meeting,
        number=context["document_number"] or "",
        issuer_code=committee.code,
        issuer_name=context["issuer"],
        addressee=context["addressees"][:200],
        issued_on=timezone.localdate(meeting.scheduled_at or timezone.now()),
        render=_render("pdf/meeting_notice.html", context),
        supersede=supersede,
    )


def reissue_meeting_notice(meeting):
    """The announced meeting's particulars changed: its notice is issued again, the earlier one 已被替代 (a meeting
    whose notice was sent before documents were issued gets its first one)."""
    return issue_meeting_notice(meeting, supersede=True)


def withdraw_meeting_notice(meeting, reason):
    _withdraw(
        meeting,
        IssuedDocumentKind.MEETING_NOTICE,
        f"会议已于{chinese_date(timezone.localdate())}取消，通知撤回：{reason.rstrip('。')}。",
    )


def issue_minutes(meeting):
    committee = committee_of(meeting.jurisdiction_id)
    if committee is None:
        return None
    context = {**documents.minutes_context(meeting), "sealless": True}
    return verification.issue(
        IssuedDocumentKind.MEETING_MINUTES,
        meeting,
        number=meeting.document_number,
        issuer_code=committee.code,
        issuer_name=context["issuer"],
        addressee=(context["attending"] or "各成员单位")[:200],
        issued_on=timezone.localdate(meeting.published_at),
        render=_render("pdf/minutes.html", context),
    )


def issue_annual_report(report):
    """The report sent to the committee (its text opens with the committee as 主送机关)."""
    context = documents.annual_report_context(report)
    committee = committee_of(report.court.jurisdiction_id)
    return verification.issue(
        IssuedDocumentKind.ANNUAL_REPORT,
        report,
        number=context["document_number"] or "",
        issuer_code=report.court.code,
        issuer_name=report.court.name,
        addressee=committee.name if committee else "政法委",
        issued_on=timezone.localdate(report.sent_at),
        render=_render("pdf/annual_report.html", context),
    )


def issue_briefing(briefing):
    context = briefing_context(briefing)
    return verification.issue(
        IssuedDocumentKind.BRIEFING,
        briefing,
        number=briefing.document_number,
        issuer_code=briefing.issuer.code,
        issuer_name=briefing.issuer.name,
        addressee=context["addressees"],
        issued_on=timezone.localdate(briefing.issued_at),
        render=_render("pdf/briefing.html", context),
    )


def withdraw_briefing(briefing, reason):
    _withdraw(
        briefing, IssuedDocumentKind.BRIEFING, f"已于{chinese_date(timezone.localdate())}撤回：{reason.rstrip('。')}。"
    )
