"""The judicial credit report's PDF: the stored content of a report (`CreditReport.data`) laid out in the court's
style, every section with its figures (an empty section says 无). Amounts are shown exactly as the JSON has them
("80000.00元"); dates as 2026年3月2日 (`display`), the report's date in Chinese numerals."""

import datetime

from django.utils import timezone

from linkage import verification
from linkage.numerals import arabic_date, chinese_date, chinese_ordinal
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus

KIND = IssuedDocumentKind.CREDIT_REPORT
SECTION_TITLES = (
    ("party", "当事人"),
    ("case", "案件信息"),
    ("performance", "履行情况"),
    ("listings", "失信被执行人名单记录"),
    ("restriction_orders", "限制消费令"),
    ("graces", "暂缓惩戒"),
    ("credit_repairs", "信用修复"),
    ("abuse_findings", "妨害诉讼、执行行为记录"),
)


def display_date(value):
    """ "2026-03-02" → 2026年3月2日; an ISO time → 2026年3月2日 14:05; None → —."""
    if not value:
        return "—"
    if "T" in value:
        moment = datetime.datetime.fromisoformat(value)
        return f"{arabic_date(moment.date())} {moment:%H:%M}"
    return arabic_date(datetime.date.fromisoformat(value))


def display(data):
    """A copy of the report's content for the template: dates (keys `*_on`) and times (`at`) in Chinese."""
    if isinstance(data, list):
        return [display(item) for item in data]
    if isinstance(data, dict):
        return {key: (display_date(value) if (key.endswith("_on") or key == "at") and (value is None or
                                                                                       isinstance(value, str))
                      else display(value)) for key, value in data.items()}
    return data


def report_context(report):
    content = display(report.data)
    sections = [{"key": key, "title": f"{chinese_ordinal(index)}、{title}"}
                for index, (key, title) in enumerate(SECTION_TITLES, start=1)]
    return {"report": report, "r": content, "sections": {row["key"]: row["title"] for row in sections},
            "generated_cn": chinese_date(report.generated_at),
            "generated_display": display_date(timezone.localtime(report.generated_at).isoformat())}


def render_report(report, extra=None):
    """The report rendered now; `extra` holds the verification block of its issue (`issue_report`)."""
    return render_pdf("pdf/credit_report.html", {**report_context(report), **(extra or {})})


def issue_report(report, previous=None):
    """Issue a report just generated (issue 24): its verification code and QR code, signed by the case's court,
    stored as served. Each generation is a row of its own, so the report it replaces (`previous`, the party's latest
    until now) is marked 已被替代, naming the new one: a platform holding the old PDF learns it is out of date."""
    court = report.case.court
    issued = verification.issue(
        KIND,
        report,
        number=report.number,
        issuer_code=court.code,
        issuer_name=court.name,
        addressee=report.data["party"]["name"],  # the party it reports on, as printed: never its identity number
        issued_on=timezone.localdate(report.generated_at),
        render=lambda extra: render_report(report, extra),
    )
    if previous is not None:
        note = (f"已于{chinese_date(report.generated_at)}重新生成，以报告编号{report.number}的司法信用报告"
                f"（核验码 {issued.grouped_code}）为准")
        verification.end(previous, KIND, IssuedDocumentStatus.SUPERSEDED, note)
    return issued


def credit_report_pdf(report):
    """The report as issued (its stored bytes); a report generated before documents were issued is rendered now."""
    issued = verification.document_for(report, KIND)
    if issued is not None:
        return bytes(issued.content)
    return render_report(report)


def credit_report_filename(report):
    return f"司法信用报告-{report.data['party']['name']}-{report.number}.pdf"
