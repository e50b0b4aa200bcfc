"""Reads of the roster, named for what they return."""

from django.db.models import Prefetch, Q

from .models import ChangeRequestState, Community, Contact, ContactChangeRequest, Organisation, OrganisationKind


def roster(*, jurisdiction=None, search="", kind="", include_inactive=False, incomplete_only=False):
    """Organisations with their current contacts and measures, for the roster and the directory."""
    queryset = Organisation.objects.select_related("jurisdiction").prefetch_related(
        "measures",
        Prefetch("contacts", queryset=Contact.objects.current().order_by("role"), to_attr="current_contacts"),
    )
    queryset = queryset.with_current_contact_counts()
    if not include_inactive:
        queryset = queryset.filter(active=True)
    if jurisdiction:
        queryset = queryset.filter(jurisdiction=jurisdiction)
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(short_name__icontains=search) | Q(code__icontains=search)
            | Q(contacts__name__icontains=search, contacts__ended_on__isnull=True)
        ).distinct()
    if incomplete_only:
        queryset = queryset.filter(Q(current_a=0) | Q(current_b=0))
    return queryset.order_by("jurisdiction__code", "sort_order", "id")


def contact_history(organisation):
    return organisation.contacts.select_related("user", "change_request").order_by("role", "-started_on", "-id")


def jurisdiction_id_of(user):
    """The one answer to "which jurisdiction is this user's": its organisation's (a court's staff, a unit's
    liaisons, the committee's reviewers; the database requires the first and the last to have one). None for a
    user without an organisation (an administrator, anonymous), whose visibility is decided otherwise. The
    organisation is read once per user object (Django caches it on the instance)."""
    if getattr(user, "organisation_id", None) is None:
        return None
    return user.organisation.jurisdiction_id


def may_see_community_posting(user, place):
    """Who may read a community posting (失信被执行人名单进社区公示) of `place`, a subdistrict or one of its villages or
    communities (`Community`): the subdistrict's own liaisons, the courts and the committee of its jurisdiction, and,
    for a community's posting, that community's grid liaison (网格员), who puts it up. Either place must be active.
    The postings' PDFs and the subdistrict's page ask this."""
    community = place if isinstance(place, Community) else None
    subdistrict = community.subdistrict if community else place
    if subdistrict.kind != OrganisationKind.SUBDISTRICT or not subdistrict.active:
        return False
    if community is not None and not community.active:
        return False
    if user.is_grid:
        return community is not None and user.community_id == community.pk
    if user.is_liaison:
        return user.organisation_id == subdistrict.pk
    if user.is_court_staff or user.is_committee:
        return jurisdiction_id_of(user) == subdistrict.jurisdiction_id
    return False


def change_requests_visible_to(user):
    """Administrators see every request; the committee its own jurisdiction's units'; a liaison its own unit's;
    anybody else none."""
    queryset = ContactChangeRequest.objects.select_related("organisation", "requested_by", "decided_by")
    if user.is_administrator:
        return queryset
    if user.is_committee:
        return queryset.filter(organisation__jurisdiction_id=jurisdiction_id_of(user))
    if user.is_liaison:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def pending_change_requests_for(user):
    return change_requests_visible_to(user).filter(state=ChangeRequestState.PENDING)
