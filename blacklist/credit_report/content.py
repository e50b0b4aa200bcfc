"""What a judicial credit report says (`build_report`): a JSON-ready dict of the party's sections, read from the
case, the party's listings (with their history), restriction orders, graces, credit repairs and the abuse-of-process
findings not withdrawn. Amounts are strings with two decimals ("80000.00"), dates "YYYY-MM-DD", times ISO 8601 in
Beijing time; every code comes with its Chinese label (`*_display`). The PDF shows these same values."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from cases.models import AbuseFinding, Case

from ..models import CreditRepair, GraceInstalment, GracePeriod, Listing, ListingEvent, RestrictionOrder

CENT = Decimal("0.01")
SECTIONS = ("party", "case", "performance", "listings", "restriction_orders", "graces", "credit_repairs",
            "abuse_findings")


def money(value):
    return None if value is None else str(Decimal(value).quantize(CENT))


def day(value):
    if value is None:
        return None
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return value.isoformat()


def moment(value):
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def _party(party):
    return {
        "id": party.pk, "name": party.name, "role": party.role, "role_display": party.get_role_display(),
        "kind": party.kind, "kind_display": party.get_kind_display(), "identifier_label": party.identifier_label,
        "identifier": party.identifier, "legal_representative": party.legal_representative,
    }


def _case(case):
    return {
        "number": case.number, "court": case.court.name, "filed_on": day(case.filed_on),
        "basis": f"{case.basis_issuer}{case.basis_number}", "basis_issuer": case.basis_issuer,
        "basis_number": case.basis_number, "status": case.status, "status_display": case.get_status_display(),
    }


def _performance(case):
    return {"amount": money(case.amount), "performed": money(case.performed_amount),
            "unperformed": money(case.unperformed_amount)}


def _event(event):
    return {"at": moment(event.at), "action": event.action, "action_display": event.action_display,
            "from_state": event.from_state, "to_state": event.to_state, "reason": event.reason}


def _listing(listing):
    return {
        "id": listing.pk, "ground": listing.ground, "ground_display": listing.get_ground_display(),
        "period_years": listing.period_years, "decided_on": day(listing.decided_on),
        "published_on": day(listing.published_on), "ends_on": day(listing.ends_on), "ended_on": day(listing.ended_at),
        "state": listing.state, "state_display": listing.get_state_display(),
        "deletion_ground": listing.deletion_ground, "deletion_ground_display": listing.get_deletion_ground_display(),
        "performed": money(listing.performed_amount), "unperformed": money(listing.unperformed_amount),
        "history": [_event(event) for event in listing.events.all()],
    }


def _restriction(order):
    return {"id": order.pk, "issued_on": day(order.issued_on), "state": order.state,
            "state_display": order.get_state_display(), "lifted_on": day(order.lifted_on),
            "lift_reason": order.lift_reason}


def _instalment(instalment):
    return {"number": instalment.number, "due_on": day(instalment.due_on), "amount": money(instalment.amount),
            "paid_on": day(instalment.paid_on), "paid_amount": money(instalment.paid_amount)}


def _grace(grace):
    instalments = list(grace.instalments.all())
    return {
        "id": grace.pk, "promisor_display": grace.get_promisor_display(), "promised_on": day(grace.promised_on),
        "starts_on": day(grace.starts_on), "ends_on": day(grace.ends_on), "state": grace.state,
        "state_display": grace.get_state_display(), "ended_on": day(grace.ended_at),
        "promised_total": money(sum((row.amount for row in instalments), Decimal(0))),
        "paid_total": money(sum((row.paid_amount or 0 for row in instalments), Decimal(0))),
        "instalments": [_instalment(row) for row in instalments],
    }


def _repair(repair):
    return {
        "id": repair.pk, "ground": repair.ground, "ground_display": repair.get_ground_display(),
        "received_on": day(repair.received_on), "state": repair.state, "state_display": repair.get_state_display(),
        "decided_on": day(repair.decided_at), "outcome": repair.outcome,
        "outcome_display": repair.get_outcome_display() if repair.outcome else "",
        "certificate_number": repair.certificate_number,
    }


def _finding(finding):
    return {"id": finding.pk, "kind": finding.kind, "kind_display": finding.get_kind_display(),
            "facts": finding.facts, "ruling_number": finding.ruling_number, "ruled_on": day(finding.ruled_on),
            "ruling_court": finding.ruling_court}


def build_report(party):
    """The report's content for a party of a case, as things stand now (see the module's docstring)."""
    case = Case.objects.select_related("court").get(pk=party.case_id)  # as it is now, not as the caller read it
    listings = (Listing.objects.filter(debtor=party).order_by("decided_on", "id")
                .prefetch_related(Prefetch("events", queryset=ListingEvent.objects.order_by("at", "id"))))
    orders = RestrictionOrder.objects.filter(debtor=party).order_by("issued_on", "id")
    graces = (GracePeriod.objects.filter(listing__debtor=party).order_by("starts_on", "id")
              .prefetch_related(Prefetch("instalments", queryset=GraceInstalment.objects.order_by("number"))))
    repairs = CreditRepair.objects.filter(listing__debtor=party).order_by("received_on", "id")
    findings = AbuseFinding.objects.filter(party=party, withdrawn_at__isnull=True).order_by("ruled_on", "id")
    return {
        "party": _party(party),
        "case": _case(case),
        "performance": _performance(case),
        "listings": [_listing(row) for row in listings],
        "restriction_orders": [_restriction(row) for row in orders],
        "graces": [_grace(row) for row in graces],
        "credit_repairs": [_repair(row) for row in repairs],
        "abuse_findings": [_finding(row) for row in findings],
    }
