"""The referrals section on the case page: the case's crime and discipline referrals the reader may see, and for the
case's clerk the links to draft one."""

from django import template

from ..referral_models import CrimeReferral, DisciplineReferral

register = template.Library()


@register.inclusion_tag("assistance/_referral_case.html")
def referral_section(case, user):
    return {
        "case": case,
        "crime": CrimeReferral.objects.visible_to(user).filter(case=case).select_related("debtor", "police"),
        "discipline": DisciplineReferral.objects.visible_to(user).filter(case=case).select_related("party", "unit"),
        "may_draft": user.is_clerk and user.organisation_id == case.court_id and case.is_open,
    }
