"""The court's annual report of the linkage work to the committee: generated from the year's records by the
court's clerk, edited, and sent (`machines.REPORT`)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage.errors import ApplicationError
from linkage.notify import Message, notify
from members.recipients import committee_users, user_recipients

from .. import issuing, numbering
from ..machines import REPORT, report_clerk
from ..models import AnnualReport, ReportState
from ..reports import annual_figures, report_text, report_title
from .common import text as clean_text


@transaction.atomic
def create_annual_report(*, actor, year):
    """The court clerk generates the year's report to the committee from the year's records: the figures are
    frozen in the report, the text is a draft the clerk edits before sending. One report per court and year."""
    report_clerk.require(actor, AnnualReport(court_id=actor.organisation_id))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("年度应为四位数字。", field="year")
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ApplicationError(f"年度应在2000年至{today.year}年之间。", field="year")
    court = actor.organisation
    if AnnualReport.objects.filter(court=court, year=year).exists():
        raise ApplicationError(f"{year}年度报告已生成，请在原报告上修改。", field="year")
    figures = annual_figures(court, year)
    report = AnnualReport.objects.create(court=court, year=year, title=report_title(court, year),
                                         text=report_text(court, year, figures), figures=figures, created_by=actor,
                                         generated_at=timezone.now())
    REPORT.record(report, "create", actor, to_state=ReportState.DRAFT,
                  data={"year": year, "notices": figures["notices"]["total"]})
    return report


@transaction.atomic
def edit_annual_report(*, actor, report, text, title=None):
    """The clerk edits the draft's title and text; the frozen figures stay as generated."""
    report = REPORT.lock(report)
    REPORT.check(report, "edit", actor)
    changes = {"text": clean_text(text, "报告正文", "text", max_length=50000)}
    if title is not None:
        changes["title"] = clean_text(title, "标题", "title", max_length=200)
    REPORT.move(report, "edit", actor, data={"length": len(changes["text"])}, **changes)
    return report


@transaction.atomic
def regenerate_annual_report(*, actor, report):
    """The clerk refreshes a draft's figures from the records (late replies, a meeting held since); the text is
    generated again from them, replacing the edited one (the edit history keeps who changed what)."""
    report = REPORT.lock(report)
    REPORT.check(report, "regenerate", actor)
    figures = annual_figures(report.court, report.year)
    return REPORT.move(report, "regenerate", actor, figures=figures,
                       text=report_text(report.court, report.year, figures), generated_at=timezone.now())


@transaction.atomic
def send_annual_report(*, actor, report):
    """The clerk sends the report to the committee (报送): it is frozen and the committee's users are told."""
    report = REPORT.lock(report)
    REPORT.move(report, "send", actor, sent_by=actor, sent_at=timezone.now())
    numbering.number_report(report)
    issuing.issue_annual_report(report)
    notify(user_recipients(committee_users(report.court.jurisdiction_id)),
           Message(kind="annual_report", title=f"【年度报告】{report.title}",
                   body=f"{report.court.name}已报送{report.year}年度执行联动工作情况报告。",
                   link=reverse("meetings:report-detail", args=[report.pk])),
           sms=False)
    return report
