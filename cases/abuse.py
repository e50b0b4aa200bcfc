"""Abuse of process on record (云府 item 17): the court of a case records, against a party, a finding of false
litigation, forged evidence, hidden or transferred property, a sham lease or share transfer, or a malicious objection
that delays an auction, with the ruling that found it (its number, date and court). Only the staff of the case's
court see or record them; a finding recorded in error is withdrawn with a reason, never deleted. The judicial credit
report (blacklist.credit_report) lists the findings not withdrawn."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.identifiers import normalize_ruling_number
from linkage.statemachine import Role
from linkage.text import REASON_MAX, TEXT_MAX

from .models import AbuseFinding, AbuseKind, Party

COURT_NAME_MAX = AbuseFinding._meta.get_field("ruling_court").max_length

# Court staff (clerks and leaders) of the case's court: the row is a party or a finding, both name their case.
ABUSE_STAFF = Role(lambda actor, row: actor.is_court_staff and actor.organisation_id == row.case.court_id,
                   "只有本院执行人员可以登记妨害诉讼、执行行为。")


def may_see_abuse_findings(user, case):
    """The staff of the case's court; nobody else learns a finding exists (units, committees, other courts)."""
    return bool(user.is_authenticated and user.is_court_staff and user.organisation_id == case.court_id)


def findings_of_case(case):
    return AbuseFinding.objects.filter(case=case).select_related("party", "recorded_by", "withdrawn_by")


def _ruling_number(value):
    text = parsing.text(value, "认定文书文号", "ruling_number", limit=80)
    try:
        return normalize_ruling_number(text)
    except (ValidationError, ValueError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        raise ApplicationError(f"认定文书文号：{message}", field="ruling_number") from None


@transaction.atomic
def record_abuse_finding(*, actor, party, kind, facts, ruling_number, ruled_on, ruling_court):
    """Record a finding against a party of a case of the actor's court: the kind, the facts found, and the ruling
    that found them (a court's document number such as （2026）粤5302民初12号之一, not after today)."""
    party = Party.objects.select_related("case").get(pk=party.pk)
    ABUSE_STAFF.require(actor, party)
    if kind not in AbuseKind.values:
        raise ApplicationError("请选择妨害诉讼、执行行为的类型。", field="kind")
    facts = parsing.text(facts, "认定的事实", "facts", limit=TEXT_MAX)
    number = _ruling_number(ruling_number)
    day = parsing.date(ruled_on, "认定日期", "ruled_on", required=True)
    require_past_date(day, "认定日期", "ruled_on")
    court = parsing.text(ruling_court, "作出认定的法院", "ruling_court", limit=COURT_NAME_MAX)
    return AbuseFinding.objects.create(
        party=party, case=party.case, court_id=party.case.court_id, kind=kind, facts=facts, ruling_number=number,
        ruled_on=day, ruling_court=court, recorded_by=actor,
    )


@transaction.atomic
def withdraw_abuse_finding(*, actor, finding, reason):
    """Withdraw a finding recorded in error, with the reason; it stays on record (and off the credit report)."""
    finding = AbuseFinding.objects.select_for_update().select_related("case").get(pk=finding.pk)
    ABUSE_STAFF.require(actor, finding)
    if finding.withdrawn_at is not None:
        raise TransitionNotAllowed("该记录已撤回。", state="withdrawn")
    reason = parsing.text(reason, "撤回理由", "reason", limit=REASON_MAX)
    finding.withdrawn_at = timezone.now()
    finding.withdrawn_by = actor
    finding.withdraw_reason = reason
    finding.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    return finding
