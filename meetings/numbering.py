"""Which register entry (``linkage.document_numbers``) each of the joint meeting's documents takes, and who issues
it: the committee issues the meeting notice and the minutes, the court its annual report."""

from linkage.document_numbers import assign_number, register_number, withdraw_number
from members.models import Organisation


def committee_of(jurisdiction_id):
    return Organisation.objects.filter(jurisdiction_id=jurisdiction_id, kind="committee").order_by("sort_order").first()


def notice_subject(meeting):
    return f"meetings.meeting:{meeting.pk}:notice"


def minutes_subject(meeting):
    return f"meetings.meeting:{meeting.pk}:minutes"


def report_subject(report):
    return f"meetings.annualreport:{report.pk}"


def number_notice(meeting):
    """The notice's number, taken when it is sent (none when the jurisdiction has no committee on its roster)."""
    committee = committee_of(meeting.jurisdiction_id)
    if committee is None:
        return None
    return assign_number(issuer=committee, subject=notice_subject(meeting), title=f"关于召开{meeting.title}的通知").text


def number_minutes(meeting, typed=""):
    """The minutes' number: the next of the committee's series, or the number typed, entered in the register
    when it is of the committee's series so that the sequence never gives it out again."""
    committee = committee_of(meeting.jurisdiction_id)
    if committee is None:
        return typed
    if typed:
        register_number(issuer=committee, subject=minutes_subject(meeting), text=typed, title=meeting.title)
        return typed
    return assign_number(issuer=committee, subject=minutes_subject(meeting), title=meeting.title).text


def number_report(report):
    return assign_number(issuer=report.court, subject=report_subject(report), title=report.title).text


def withdraw_notice(meeting):
    withdraw_number(notice_subject(meeting))


def briefing_subject(briefing):
    return f"meetings.briefing:{briefing.pk}"


def number_briefing(briefing):
    """The briefing's number in its issuer's (the committee's) series, taken when it is issued."""
    return assign_number(issuer=briefing.issuer, subject=briefing_subject(briefing), title=briefing.title).text


def withdraw_briefing_number(briefing):
    withdraw_number(briefing_subject(briefing))
