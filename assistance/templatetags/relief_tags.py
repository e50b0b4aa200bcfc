"""The relief section on the case page (困难申请执行人救助): each applicant recorded in hardship, the judicial-relief
proposals and the leader's decisions, the referral to civil affairs with its state and the unit's structured answer,
and the forms of whoever may act now (a clerk records, proposes and refers; a leader decides)."""

from django import template
from django.db.models import Prefetch

from ..relief_forms import DecisionForm, HardshipForm, ProposalForm, ReferralForm
from ..relief_models import RELIEF_MACHINE, HardshipRecord, JudicialReliefProposal, ReliefReferral, ReliefState
from ..services.relief import civil_affairs_units

register = template.Library()


def _referral_rows(records):
    """Each record's referrals, newest first, with the notice, its unit and its reply's relief line."""
    referrals = (ReliefReferral.objects.filter(record__in=records)
                 .select_related("notice__unit", "notice__reply").prefetch_related("notice__reply__results")
                 .order_by("-id"))
    by_record = {}
    for referral in referrals:
        notice = referral.notice
        reply = notice.reply if hasattr(notice, "reply") else None  # a missing reply raises on access
        referral.answer = next(iter(reply.results.all()), None) if reply is not None else None
        referral.reply = reply
        by_record.setdefault(referral.record_id, []).append(referral)
    return by_record


@register.inclusion_tag("assistance/_relief_case.html")
def relief_section(case, user):
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    records = list(
        HardshipRecord.objects.visible_to(user).filter(case=case).select_related("applicant", "recorded_by")
        .prefetch_related(Prefetch("proposals", queryset=JudicialReliefProposal.objects
                                   .select_related("proposed_by", "decided_by").order_by("proposed_at", "id")))
    )
    is_clerk = user.is_clerk and user.organisation_id == case.court_id
    is_leader = user.is_leader and user.organisation_id == case.court_id
    if not (records or is_clerk or is_leader or user.is_committee):
        return {"show": False}
    referrals = _referral_rows(records)
    unit_choices = civil_affairs_units(case.court)
    units = list(unit_choices) if is_clerk else []
    for record in records:
        proposals = list(record.proposals.all())
        record.proposal_rows = [
            (proposal, DecisionForm(auto_id=f"id_decide{proposal.pk}_%s")
             if is_leader and RELIEF_MACHINE.may(user, proposal, "approve") else None)
            for proposal in proposals]
        record.referral_rows = referrals.get(record.pk, [])
        live = [p for p in proposals if p.state in (ReliefState.PROPOSED, ReliefState.APPROVED)]
        open_referral = any(r.notice.state != "withdrawn" for r in record.referral_rows)
        record.proposal_form = ProposalForm(auto_id=f"id_propose{record.pk}_%s") if is_clerk and not live else None
        record.referral_form = (ReferralForm(units=unit_choices, auto_id=f"id_refer{record.pk}_%s")
                                if is_clerk and not open_referral and case.is_open and units else None)
    applicants = case.parties.applicants().filter(kind="person").exclude(pk__in=[record.applicant_id for record in records])
    return {
        "show": True,
        "case": case,
        "records": records,
        "may_record": is_clerk and applicants.exists(),
        "hardship_form": HardshipForm(applicants=applicants, auto_id="id_hardship_%s") if is_clerk else None,
        "several_units": len(units) > 1,
        "no_unit": is_clerk and not units,
        # Relief is for natural persons: say why there is no form when every applicant is an organisation.
        "no_person_applicant": not case.parties.applicants().filter(kind="person").exists(),
    }
