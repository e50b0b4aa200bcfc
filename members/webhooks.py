"""Outbound webhooks: `emit` is what the producers call (in the transaction of the event, one line each, through
their app's small payload module); the event and one delivery per subscribed, active endpoint of the units are
written in that transaction, and sent by a Celery task after it commits. `deliver` claims a delivery with
SELECT … FOR UPDATE SKIP LOCKED, posts it signed (linkage/webhooks.py) and records the answer; a failure is retried
with exponential backoff by `retry_due` (beat, every minute), up to MAX_ATTEMPTS. `replay` sends a delivery again
with the SAME event id, body and data, so a receiver that already has it drops it.

The body: {"id": event uuid, "type", "occurred_at": ISO 8601 in +08:00, "data": {"id", "url", …}} — the object's
id and the API URL to read it with the unit's token (the data carries only what a robot needs to route the event:
never more than the unit may see through the API)."""

import datetime
import json
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from linkage.notify import queue_on_commit
from linkage.webhooks import post_signed
from linkage.workdays import TIMEZONE

from .webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30  # 30 s, 1, 2, 4, 8, 16, 32 min: the last retry about an hour after the event
BACKOFF_CAP_SECONDS = 3600
QUEUE_CHUNK = 100


def api_url(path):
    """An API path as the receiver reaches it: absolute when the site's address is set (NOTIFY_SITE_URL)."""
    base = (settings.NOTIFY_SITE_URL or "").rstrip("/")
    return f"{base}{path}"


def emit(event_type, *, organisation_ids, data, occurred_at=None):
    """Record an event for the active endpoints of these active units that subscribe to `event_type`, in the
    caller's transaction; the deliveries are queued when it commits. Writes nothing when nobody subscribes.
    Returns the event, or None."""
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(
        organisation_id__in=list(organisation_ids), active=True, organisation__active=True).order_by("id")
        if endpoint.wants(event_type)]
    if not endpoints:
        return None
    event = WebhookEvent.objects.create(event_type=event_type[:40], occurred_at=occurred_at or timezone.now(),
                                        data=data)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint=endpoint) for endpoint in endpoints])
    queue([delivery.pk for delivery in deliveries])
    return event


def queue(ids):
    from .tasks import deliver_webhooks_task

    queue_on_commit(deliver_webhooks_task, ids, chunk=QUEUE_CHUNK, what="webhook deliveries")


def body_of(event):
    """The exact bytes posted for an event: the same on every attempt and replay."""
    occurred = timezone.localtime(event.occurred_at, TIMEZONE).isoformat()
    payload = {"id": str(event.event_id), "type": event.event_type, "occurred_at": occurred, "data": event.data}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def backoff(attempts):
    return datetime.timedelta(seconds=min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS))


def deliver(delivery_id, now=None):
    """Send one pending, due delivery. Claims the row (skipping one another worker holds), posts, records the
    answer. Returns the new state, or None when there was nothing to do."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("event", "endpoint__organisation")
                    .filter(pk=delivery_id, state=WebhookDeliveryState.PENDING).first())
        if delivery is None:
            return None
        now = now or timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        endpoint = delivery.endpoint
        if not (endpoint.active and endpoint.organisation.active):
            delivery.state, delivery.next_attempt_at = WebhookDeliveryState.FAILED, None
            delivery.last_response = "推送地址已停用"
            delivery.save(update_fields=["state", "next_attempt_at", "last_response"])
            return delivery.state
        answer = post_signed(endpoint.url, endpoint.secret, delivery.event.event_id, body_of(delivery.event))
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.last_status, delivery.last_response = answer.status, answer.body
        if answer.ok:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDeliveryState.SENT, delivery.last_attempt_at, None)
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = WebhookDeliveryState.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_attempt_at", "last_status", "last_response", "state",
                                     "delivered_at", "next_attempt_at"])
        return delivery.state


def retry_due(now=None, limit=500):
    """Send the pending deliveries whose time has come (first attempts never queued, and retries)."""
    now = now or timezone.now()
    ids = list(WebhookDelivery.objects.filter(state=WebhookDeliveryState.PENDING)
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
               .order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    return [deliver(pk, now=now) for pk in ids]


def may_manage(user, endpoint):
    """Who registers, changes and replays a unit's endpoints: the system administrator, or a liaison of that unit."""
    return bool(getattr(user, "is_administrator", False)
                or (getattr(user, "is_liaison", False) and user.organisation_id == endpoint.organisation_id))


def endpoints_for(user):
    """The endpoints a user sees: all for the administrator, its own unit's for a liaison, none for anybody else."""
    if getattr(user, "is_administrator", False):
        return WebhookEndpoint.objects.all()
    if getattr(user, "is_liaison", False):
        return WebhookEndpoint.objects.filter(organisation_id=user.organisation_id)
    return WebhookEndpoint.objects.none()


@transaction.atomic
def replay(*, actor, deliveries):
    """The administrator (or the unit's liaison) sends deliveries again (the same event id, body and data): each
    becomes pending now, with a fresh count of attempts. Returns how many were queued."""
    from linkage.errors import PermissionDenied

    if not all(may_manage(actor, delivery.endpoint) for delivery in deliveries):
        raise PermissionDenied("只有系统管理员或该单位的联络员可以重发事件推送。")
    ids = list(WebhookDelivery.objects.select_for_update(of=("self",)).filter(
        pk__in=[delivery.pk for delivery in deliveries], endpoint__active=True).values_list("pk", flat=True))
    for delivery in WebhookDelivery.objects.filter(pk__in=ids):
        delivery.state, delivery.attempts, delivery.next_attempt_at = WebhookDeliveryState.PENDING, 0, None
        delivery.replays += 1
        delivery.save(update_fields=["state", "attempts", "next_attempt_at", "replays"])
    queue(ids)
    return len(ids)
