"""Pushed listing events as the joint-punishment units' systems learn of them (members/webhooks.py): the units of
the listing court's jurisdiction with a joint-punishment measure, one event per feed entry, typed `listing.<action>`
with the feed's names (approve is published)."""

from members.webhooks import api_url, emit

from .listings.snapshot import FEED_ACTION_OF_MOVE


def listing_pushed(event):
    """Emit the webhook of a feed event (nothing for an unpushed one); returns the event."""
    if not event.pushed:
        return event
    from .listings.reminders import joint_punishment_units

    listing = event.listing
    units = [pk for pk, unit in joint_punishment_units().items()
             if unit.jurisdiction_id == listing.court.jurisdiction_id]
    action = FEED_ACTION_OF_MOVE.get(event.action, event.action)
    emit(f"listing.{action}", organisation_ids=units, occurred_at=event.at,
         data={"id": listing.pk, "url": api_url(f"/api/v1/listings/{listing.pk}/"), "feed_event": event.pk,
               "action": action, "feed_url": api_url("/api/v1/listings/feed/")})
    return event
