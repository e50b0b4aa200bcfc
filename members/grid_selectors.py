"""Reads of the grid: who may see which subdistricts' trees, and the tree itself (subdistrict → villages and
communities → their grid liaison), in a constant number of queries."""

from django.db.models import Prefetch

from .grid_models import Community
from .models import LIAISON_ROLES, Contact, Organisation, OrganisationKind, User, UserRole
from .selectors import jurisdiction_id_of


def grid_subdistricts_visible_to(user):
    """The subdistricts whose grid the user may read, or None when the grid is none of its business (a 404).

    The administrator reads every jurisdiction's (deactivated units too); the committee and the courts' staff their
    own jurisdiction's; a subdistrict's own liaisons their subdistrict's. Member units' liaisons and the grid
    liaisons themselves have no tree page."""
    subdistricts = Organisation.objects.live().filter(kind=OrganisationKind.SUBDISTRICT)
    if user.is_administrator:
        return subdistricts
    if user.is_committee or user.is_court_staff:
        return subdistricts.active().filter(jurisdiction_id=jurisdiction_id_of(user))
    if user.is_liaison and user.organisation_id is not None and user.organisation.kind == OrganisationKind.SUBDISTRICT:
        return subdistricts.active().filter(pk=user.organisation_id)
    return None


def grid_tree(subdistricts, *, include_inactive=False):
    """The subdistricts, each with `current_contacts` (A and B), `grid_communities` (villages and communities in
    order) and on each community `current_liaisons` (its active grid liaison accounts, newest first). Four queries
    whatever the size of the tree."""
    communities = Community.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("grid_liaisons", to_attr="current_liaisons",
                 queryset=User.objects.filter(role=UserRole.GRID, is_active=True).order_by("-pk")))
    if not include_inactive:
        communities = communities.filter(active=True)
    return (
        subdistricts.select_related("jurisdiction")
        .prefetch_related(
            Prefetch("contacts", to_attr="current_contacts",
                     queryset=Contact.objects.current().filter(role__in=LIAISON_ROLES).order_by("role")),
            Prefetch("communities", queryset=communities, to_attr="grid_communities"),
        )
        .order_by("jurisdiction__code", "sort_order", "pk")
    )
