"""Reads of the dishonest-debtor list: which listings a user may see, and the push feed for joint-punishment units.

Listings: court staff see their own court's, the committee its own jurisdiction's courts' (read-only); liaisons see
none here (they read the list through the feed and the public search), so a listing is a 404 to them.

Pushes: a listing's events reach the units (and the committee) of the jurisdiction whose court listed it, and no
other: `pushed_events(jurisdiction_id)` is that rule, for the feed, the units' push page, acknowledgements, the
reminders and the assessment's figures. (The model has no sharing of a listing with another jurisdiction.)

The feed: pushed `ListingEvent`s ordered by id. The services write them under an advisory lock, so ids become
visible in increasing order, and `after_id` (exclusive) is a cursor that neither misses nor repeats an event.
"""

from django.db.models import Exists, OuterRef, Prefetch

from linkage import parsing
from linkage.errors import ApplicationError, PermissionDenied
from linkage.pagination import CappedCountPaginator
from members.selectors import jurisdiction_id_of

from ..models import LIVE, Listing, ListingAcknowledgement, ListingEvent

JOINT_PUNISHMENT_MEASURES = ("restrict_qualification", "publish")
FEED_MAX_LIMIT = 200


def listings_visible_to(user):
    if not user.is_authenticated:
        return Listing.objects.none()
    if user.is_court_staff:
        return Listing.objects.filter(court_id=user.organisation_id)
    if user.is_committee:
        return Listing.objects.filter(court__jurisdiction_id=jurisdiction_id_of(user))
    return Listing.objects.none()


def removals_due(listings):
    """Listings still on the list (published or shielded) that a ground for deletion has given a removal deadline:
    the clerk's home card and the listing list's `removal_due` filter, the same rows."""
    return listings.filter(state__in=LIVE, removal_due_at__isnull=False)


def pushed_events(jurisdiction_id):
    """The pushed events that reach the units of a jurisdiction: those of the listings of its courts."""
    return ListingEvent.objects.filter(pushed=True, listing__court__jurisdiction_id=jurisdiction_id)


def is_joint_punishment_unit(organisation):
    if organisation is None:
        return False
    return organisation.measures.filter(code__in=JOINT_PUNISHMENT_MEASURES).exists()


def may_read_feed(user):
    if not user.is_authenticated:
        return False
    if user.is_committee:
        return True
    return user.is_liaison and is_joint_punishment_unit(user.organisation)


def may_acknowledge(user):
    return user.is_authenticated and user.is_liaison and is_joint_punishment_unit(user.organisation)


def parse_since(value):
    """An ISO time (with or without offset; a bare date means its start), read in Beijing time if naive. In a query
    string the "+" of an offset arrives as a space: it is put back."""
    if isinstance(value, str) and "T" in value:
        value = value.strip().replace(" ", "+")
    return parsing.moment(value, "since", "since")


MAX_ID = 2**63 - 1


def _whole_number(value, name, low, high, message):
    if isinstance(value, bool):
        raise ApplicationError(message, field=name)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(message, field=name)
    if not low <= number <= high:
        raise ApplicationError(message, field=name)
    return number


def feed_page(user, *, since=None, after_id=None, limit=None):
    """One page of the feed: `(events, next_after_id, count)`. Events are pushed ones with id > after_id (and, when
    given, at > since), oldest first, at most `limit` (1-200, default 200; anything else is refused, not capped).
    `next_after_id` is the id of the last event on the page, or the cursor given when the page is empty, so a
    poller passes it back and resumes without loss or repetition; it is an event id, valid across restarts.
    `count` is how many events match (this page and the ones after it; beyond 10,000, the planner's estimate)."""
    if not may_read_feed(user):
        raise PermissionDenied("只有联合惩戒单位的联络员和政法委可以读取失信名单推送。")
    limit = FEED_MAX_LIMIT if limit in (None, "") else _whole_number(
        limit, "limit", 1, FEED_MAX_LIMIT, f"limit 应为1至{FEED_MAX_LIMIT}的整数。")
    after_id = None if after_id in (None, "") else _whole_number(
        after_id, "after_id", 0, MAX_ID, "after_id 应为不小于0的整数（上一页的 next_after_id）。")
    events = pushed_events(jurisdiction_id_of(user)).select_related("listing")
    if after_id is not None:
        events = events.filter(id__gt=after_id)
    since = parse_since(since)
    if since is not None:
        events = events.filter(at__gt=since)
    page = list(events.order_by("id")[:limit])
    if page:
        next_after_id = page[-1].id
    elif after_id is not None:
        next_after_id = after_id
    else:
        # Nothing after `since`: every pushed event visible now is behind the caller, and any later one commits
        # with a larger id, so the largest visible id is a safe cursor.
        last = pushed_events(jurisdiction_id_of(user)).order_by("-id").values_list("id", flat=True).first()
        next_after_id = last or 0
    # A page shorter than the limit holds every matching event; otherwise count them (bounded).
    count = len(page) if len(page) < limit else CappedCountPaginator(events.order_by("id"), limit).count
    return page, next_after_id, count


def feed_for(user, *, since=None, after_id=None, limit=None):
    """`feed_page` without the count: `(events, next_after_id)`."""
    page, next_after_id, _count = feed_page(user, since=since, after_id=after_id, limit=limit)
    return page, next_after_id


def pushes_for_unit(unit, *, pending_only=False, before_id=None):
    """The pushed events as one unit receives them in the app (those of its jurisdiction), newest first, each with
    `unit_acknowledgements` (the unit's acknowledgement, if any, in a list of 0 or 1). A keyset on id (`before_id`,
    exclusive) pages through them without counting the table; `pending_only` keeps those the unit has not
    acknowledged."""
    unit_id = unit.pk
    events = pushed_events(unit.jurisdiction_id)
    if pending_only:
        events = events.filter(~Exists(ListingAcknowledgement.objects.filter(event=OuterRef("pk"), unit_id=unit_id)))
    if before_id is not None:
        events = events.filter(id__lt=before_id)
    return (events.select_related("listing")
            .prefetch_related(Prefetch("acknowledgements", to_attr="unit_acknowledgements",
                                       queryset=ListingAcknowledgement.objects.filter(unit_id=unit_id)
                                       .select_related("acknowledged_by")))
            .order_by("-id"))
