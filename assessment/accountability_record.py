"""What the record says about administrative organs and public officials as debtors (云浮 items 6, 8, 22).

Organs. A debtor is an administrative organ when it is flagged 党政机关 (`Party.is_party_government_organ`, kind
`organ`). The seeds' 行政机关 has no other flag: 国家工作人员或国有企业 covers officials and state-owned enterprises,
which are not organs. A case of an organ is **overdue** on a day when that day is after its statutory line and the
case was not settled by then. The line is the filing date plus `settings.ORGAN_PERFORMANCE_MONTHS` months (default
6: 最高人民法院《关于人民法院办理执行案件若干期限的规定》第一条, a case is to be executed within six months of
filing). A case is **settled** from the moment its status became concluded (执行完毕、终结执行、终结本次执行程序) or
its performed amount reached its amount, read from the audit trail of the case (the last such change that still
holds; a case filed settled counts from its registration).

The year's report lists every organ case that was overdue on some day of the year: its line fell on or before the
year's last day (and before today), and it was not settled by the later of its line and the year's first day. A case
still not settled at the year's end (or today, for the current year) is "逾期未履行" and goes into the
score-deduction letter; one settled during the year after its line is "逾期后履行", reported but not deducted.

District. The organ's county (县（市、区）) is the jurisdiction of the subdistrict recorded as its seat, else the
jurisdiction of the court that enforces the case (a court enforces the organs of its own area; the subdistrict,
when recorded, is the more precise).

Officials (云浮 item 6: 涉及党员、公职人员的未结执行案件). The record has no party-member flag; a public official is a
natural-person debtor flagged 国家工作人员 (`is_public_servant`; an organisation so flagged is a state-owned
enterprise, not a person). Deputies and CPPCC members are left out: their status is reported to their congress or
CPPCC (the special-debtor notification), and the organisation department has no authority over them as such. The
year's list holds such debtors' cases filed on or before the year's last day and not settled at its end.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import CONCLUDED_STATUSES, Case, Party, PartyKind, PartyRole
from linkage.models import AuditEntry
from linkage.workdays import TIMEZONE


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(case):
    """The statutory line of an organ's case: filing plus ORGAN_PERFORMANCE_MONTHS months."""
    return add_months(case.filed_on, settings.ORGAN_PERFORMANCE_MONTHS)


def _settled(status, amount, performed):
    return status in CONCLUDED_STATUSES or (Decimal(str(performed)) >= Decimal(str(amount)) > 0)


def settled_moments(cases):
    """{case id: the moment the case became settled for good, or None when it is not settled}, from the audit
    trail of each case's status and performed amount."""
    cases = list(cases)
    result = {}
    content_type = ContentType.objects.get_for_model(Case)
    entries = {}
    for entry in AuditEntry.objects.filter(
            content_type=content_type, object_id__in=[str(c.pk) for c in cases], action="update",
    ).order_by("at", "id").only("object_id", "at", "changes"):
        if "status" in entry.changes or "performed_amount" in entry.changes:
            entries.setdefault(entry.object_id, []).append(entry)
    for case in cases:
        if not _settled(case.status, case.amount, case.performed_amount):
            result[case.pk] = None
            continue
        moment = case.created_at
        status, performed = None, None
        history = entries.get(str(case.pk), [])
        if history:  # the state before the first change, from its "before" side
            first = history[0].changes
            status = first["status"][0] if "status" in first else case.status
            performed = first["performed_amount"][0] if "performed_amount" in first else case.performed_amount
            if not _settled(status, case.amount, performed or 0):
                moment = None
        for entry in history:
            if "status" in entry.changes:
                status = entry.changes["status"][1]
            if "performed_amount" in entry.changes:
                performed = entry.changes["performed_amount"][1]
            settled_now = _settled(status, case.amount, performed or 0)
            if settled_now and moment is None:
                moment = entry.at
            elif not settled_now:
                moment = None
        result[case.pk] = moment or case.updated_at
    return result


def district_of(party, case):
    if party.subdistrict_id is not None:
        return party.subdistrict.jurisdiction
    return case.court.jurisdiction


def organ_debtors(cases):
    return Party.objects.filter(case__in=cases, role=PartyRole.DEBTOR, is_party_government_organ=True) \
        .select_related("case__court__jurisdiction", "subdistrict__jurisdiction").order_by("case__filed_on", "case_id", "id")


def official_debtors(cases):
    return Party.objects.filter(case__in=cases, role=PartyRole.DEBTOR, kind=PartyKind.PERSON, is_public_servant=True) \
        .select_related("case__court__jurisdiction", "subdistrict__jurisdiction").order_by("case__filed_on", "case_id", "id")


@dataclass
class Line:
    """One debtor of one case as a ledger or a document shows it."""

    party: Party
    case: Case
    district: object
    due_on: datetime.date | None
    settled_at: datetime.datetime | None
    overdue: bool
    days_open: int
    standing: str
    deductible: bool = False

    @property
    def amount(self):
        return self.case.amount

    @property
    def performed(self):
        return self.case.performed_amount

    @property
    def unperformed(self):
        return self.case.unperformed_amount


def _local_day(moment):
    return timezone.localtime(moment, TIMEZONE).date()


def ledger(cases, *, today=None):
    """Every organ debtor of the cases, overdue or not, as of today (the ledger of 云浮 items 8 and 15)."""
    today = today or timezone.localdate()
    parties = list(organ_debtors(cases))
    settled = settled_moments({p.case for p in parties})
    lines = []
    for party in parties:
        case, moment = party.case, settled[party.case_id]
        line = due_on(case)
        end = _local_day(moment) if moment else today
        overdue = moment is None and today > line
        standing = "已履行完毕或结案" if moment else ("逾期未履行" if overdue else "在法定期限内")
        lines.append(Line(party, case, district_of(party, case), line, moment, overdue, (end - case.filed_on).days,
                          standing))
    return lines


def year_bounds(year, now=None):
    """(first day, last day judged, the moment the year's standing is read at): the last day is the year's last
    or yesterday, whichever is earlier; the moment the year's end or now."""
    now = now or timezone.now()
    stop = datetime.datetime(year + 1, 1, 1, tzinfo=TIMEZONE)
    last = min(datetime.date(year, 12, 31), _local_day(now) - datetime.timedelta(days=1))
    return datetime.date(year, 1, 1), last, min(stop, now)


def overdue_organs_of_year(cases, year, *, now=None):
    """The organ cases overdue on some day of the year (see the module's rule), in filing order."""
    first, last, end = year_bounds(year, now)
    parties = [p for p in organ_debtors(cases.filter(filed_on__lte=last)) if due_on(p.case) <= last]
    settled = settled_moments({p.case for p in parties})
    lines = []
    for party in parties:
        case, moment, line = party.case, settled[party.case_id], due_on(party.case)
        if moment is not None and _local_day(moment) <= max(line, first):
            continue  # settled within its time, or before the year began
        still = moment is None or moment >= end
        standing = "逾期未履行" if still else f"逾期后于{_local_day(moment):%Y年%m月%d日}履行完毕或结案"
        end_day = _local_day(end) if still else _local_day(moment)
        lines.append(Line(party, case, district_of(party, case), line, moment, True, (end_day - case.filed_on).days,
                          standing, deductible=still))
    return lines


def open_official_cases_of_year(cases, year, *, now=None):
    """The cases of public-official debtors filed by the year's end and not settled at its end."""
    _, _, end = year_bounds(year, now)
    parties = list(official_debtors(cases.filter(filed_on__lte=datetime.date(year, 12, 31))))
    settled = settled_moments({p.case for p in parties})
    lines = []
    for party in parties:
        moment = settled[party.case_id]
        if moment is not None and moment < end:
            continue
        case = party.case
        lines.append(Line(party, case, district_of(party, case), None, moment, False,
                          (_local_day(end) - case.filed_on).days, "未结", deductible=False))
    return lines
