"""Documents issued before the 发文字号 register existed get their numbers, in the order they were issued: meeting
notices sent (and the minutes published with a number of the committee's own series), annual reports sent, and
finalised scoreboard versions. Same rules as linkage.document_numbers (per issuer and year, never reused)."""

from django.conf import settings
from django.db import migrations
from django.db.models import Max

TIMEZONE = "Asia/Shanghai"


def _year(moment):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(TIMEZONE)).year


def number_issued(apps, schema_editor):
    DocumentNumber = apps.get_model("linkage", "DocumentNumber")
    Organisation = apps.get_model("members", "Organisation")
    Meeting = apps.get_model("meetings", "Meeting")
    AnnualReport = apps.get_model("meetings", "AnnualReport")
    ScoreboardVersion = apps.get_model("assessment", "ScoreboardVersion")
    prefixes = getattr(settings, "LINKAGE_DOCUMENT_PREFIXES", {}) or {}

    def committee(jurisdiction_id):
        return Organisation.objects.filter(jurisdiction_id=jurisdiction_id, kind="committee").order_by("sort_order").first()

    issued = []  # (moment, issuer, subject, title)
    for meeting in Meeting.objects.exclude(scheduled_at=None).order_by("scheduled_at", "pk"):
        issuer = committee(meeting.jurisdiction_id)
        if issuer is not None:
            issued.append((meeting.scheduled_at, issuer, f"meetings.meeting:{meeting.pk}:notice",
                           f"关于召开{meeting.title}的通知"))
    for report in AnnualReport.objects.exclude(sent_at=None).select_related("court").order_by("sent_at", "pk"):
        issued.append((report.sent_at, report.court, f"meetings.annualreport:{report.pk}", report.title))
    for version in ScoreboardVersion.objects.select_related("assessment").order_by("finalised_at", "pk"):
        assessment = version.assessment
        issuer = committee(assessment.jurisdiction_id)
        if issuer is not None:
            issued.append((version.finalised_at, issuer,
                           f"assessment.scoreboard:{assessment.jurisdiction_id}:{assessment.year}:v{version.number}",
                           f"关于{assessment.year}年度执行联动工作考评结果的通报"))
    for moment, issuer, subject, title in sorted(issued, key=lambda row: row[0]):
        if DocumentNumber.objects.filter(subject=subject).exists():
            continue
        year = _year(moment)
        last = DocumentNumber.objects.filter(issuer=issuer, year=year).aggregate(last=Max("sequence"))["last"] or 0
        DocumentNumber.objects.create(issuer=issuer, year=year, sequence=last + 1, subject=subject, title=title[:200],
                                      prefix=prefixes.get(issuer.code) or issuer.short_name, assigned_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0012_document_numbers_gbt"),
        ("meetings", "0002_text_limits_names_past_dates"),
        ("assessment", "0002_text_limits_names_past_dates"),
        ("members", "0010_measures_relief"),
    ]

    operations = [migrations.RunPython(number_issued, migrations.RunPython.noop)]
