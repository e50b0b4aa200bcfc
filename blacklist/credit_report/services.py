"""Generating judicial credit reports (司法信用报告): one for each party when its case is concluded (执行完毕、终结执行、
终结本次执行程序; `generate_on_conclusion`, connected to `cases.signals.case_status_changed`), and again whenever the
court's staff ask (a button on the case page, or the API). A report is frozen: each generation is a new row, and
the latest is the one shown (`latest_report`)."""

from django.db import transaction
from django.utils import timezone

from cases.models import CONCLUDED_STATUSES, Party
from linkage.statemachine import Role

from ..listings.selectors import is_joint_punishment_unit
from ..models import CreditReport, ReportReason
from . import documents
from .content import build_report

REPORT_STAFF = Role(lambda actor, party: actor.is_court_staff and actor.organisation_id == party.case.court_id,
                    "只有本院执行人员可以生成司法信用报告。")


def may_see_reports(user, party):
    """The staff of the case's court (their systems' accounts too); nobody else."""
    return bool(user.is_authenticated and user.is_court_staff and user.organisation_id == party.case.court_id)


def parties_for(user):
    """The parties whose reports the user may read or regenerate (court staff: their court's cases')."""
    if not (user.is_authenticated and user.is_court_staff):
        return Party.objects.none()
    return Party.objects.filter(case__court_id=user.organisation_id)


def platform_parties(user):
    """The parties whose reports a credit platform reads (云府 items 4, 17: 推送至信用云浮网、市政务大数据中心; 司法信用
    报告融入社会信用体系): a joint-punishment unit's liaisons and its systems' accounts read, read only, the latest
    report of every party of a concluded case of their jurisdiction's courts — once the case's conclusion generated
    one. Never a report the court made of an open case."""
    if not (user.is_authenticated and user.is_liaison and is_joint_punishment_unit(user.organisation)):
        return Party.objects.none()
    concluded = CreditReport.objects.filter(reason=ReportReason.CONCLUDED).values("party_id")
    return Party.objects.filter(case__court__jurisdiction_id=user.organisation.jurisdiction_id, pk__in=concluded)


def for_platform(data):
    """A report's data as a credit platform receives it: abuse-of-process findings are seen by courts only (云府
    item 17), so they are withheld — said so, not shown as none."""
    return {**data, "abuse_findings": [], "abuse_findings_withheld": True}


def latest_report(party):
    return CreditReport.objects.filter(party=party).order_by("-generated_at", "-id").first()


@transaction.atomic
def generate_report(*, party, reason, actor=None):
    """A new report of the party as things stand now, issued with its verification code; the one it replaces is
    marked 已被替代 (`documents.issue_report`). The party's row is locked so that two generations number their
    reports one after the other."""
    party = Party.objects.select_for_update().select_related("case__court").get(pk=party.pk)
    now = timezone.now()
    sequence = CreditReport.objects.filter(party=party).count() + 1
    number = f"XYBG{timezone.localdate(now):%Y%m%d}-{party.pk}-{sequence}"
    previous = latest_report(party)
    report = CreditReport.objects.create(party=party, case=party.case, number=number, generated_at=now,
                                         generated_by=actor, reason=reason, data=build_report(party))
    documents.issue_report(report, previous)
    return report


@transaction.atomic
def regenerate_report(*, actor, party):
    """The court's staff ask for a new report of the party (the party asked for it, or something changed)."""
    party = Party.objects.select_related("case").get(pk=party.pk)
    REPORT_STAFF.require(actor, party)
    return generate_report(party=party, reason=ReportReason.REQUESTED, actor=actor)


@transaction.atomic
def latest_or_new(*, actor, party):
    """The party's latest report, generated (on request) when it has none yet."""
    REPORT_STAFF.require(actor, party)
    return latest_report(party) or generate_report(party=party, reason=ReportReason.REQUESTED, actor=actor)


def generate_on_conclusion(sender, *, case, actor, status, **kwargs):
    """`case_status_changed` receiver: a case that becomes concluded gets a report for each of its parties, in the
    sender's transaction (after the list has recorded its grounds for deletion)."""
    if status not in CONCLUDED_STATUSES:
        return
    for party in case.parties.order_by("role", "position", "id"):
        generate_report(party=party, reason=ReportReason.CONCLUDED, actor=actor)
