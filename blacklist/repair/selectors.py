"""Reads of credit-repair applications: who may see which."""

from ..models import CreditRepair


def repairs_visible_to(user):
    """Credit-repair applications about the listings of the user's own court (its clerks and bureau leaders);
    nobody else sees any (the committee neither: the decision is the court's)."""
    if not user.is_authenticated or not user.is_court_staff:
        return CreditRepair.objects.none()
    return CreditRepair.objects.filter(listing__court_id=user.organisation_id)


def repairs_of_party(party):
    """The applications about a party's listings (the public credit page), newest first."""
    return (CreditRepair.objects.filter(listing__debtor=party).select_related("listing")
            .order_by("-created_at", "-id"))
