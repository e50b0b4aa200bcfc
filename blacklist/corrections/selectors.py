"""Reads of correction requests: who may see which."""

from members.selectors import jurisdiction_id_of

from ..models import CorrectionRequest


def corrections_visible_to(user):
    """Correction requests (纠错) about the listings the user may see: court staff their own court's, the committee
    its jurisdiction's (read-only); nobody else any."""
    if not user.is_authenticated:
        return CorrectionRequest.objects.none()
    if user.is_court_staff:
        return CorrectionRequest.objects.filter(listing__court_id=user.organisation_id)
    if user.is_committee:
        return CorrectionRequest.objects.filter(listing__court__jurisdiction_id=jurisdiction_id_of(user))
    return CorrectionRequest.objects.none()
