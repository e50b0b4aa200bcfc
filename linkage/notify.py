"""Sending messages: in-app notifications, email through Django's mail backends, SMS through a small gateway
interface. `notify()` writes the in-app rows and the email/SMS `Delivery` rows in the caller's transaction and
queues their sending after commit; `deliver()` sends one delivery exactly once per attempt, and a failed send is
retried with backoff by `retry_due_deliveries()` — it never blocks the other deliveries."""

import datetime
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .bulk import insert_rows
from .models import Delivery, DeliveryChannel, DeliveryState, Notification
from .text import TEXT_MAX

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
QUEUE_CHUNK = 200  # deliveries per queued task: a scan that reminds thousands sends a few messages
BACKOFF_MINUTES = (1, 5, 15, 60)


@dataclass(frozen=True)
class Recipient:
    """Somebody a message goes to: an account holder, a roster contact, or both. `key` is stable
    ("contact:12", "user:5") so a reminder to the same person is recognised as already sent."""

    key: str
    name: str
    user_id: int | None = None
    email: str = ""
    mobile: str = ""

    @classmethod
    def from_contact(cls, contact):
        return cls(key=f"contact:{contact.pk}", name=contact.name, user_id=contact.user_id, email=contact.email,
                   mobile=contact.mobile)

    @classmethod
    def from_user(cls, user):
        return cls(key=f"user:{user.pk}", name=user.display_name, user_id=user.pk, email=user.email,
                   mobile=getattr(user, "mobile", ""))


@dataclass
class Message:
    kind: str
    title: str
    body: str
    link: str = ""

    def __post_init__(self):
        # A body is composed from bounded texts but may join many (a unit's decisions): it is cut, not refused.
        if len(self.body) > TEXT_MAX:
            self.body = self.body[: TEXT_MAX - 1] + "…"


def notify(recipients, message, *, sms=True, email=True):
    """Write an in-app notification per account holder and an email/SMS delivery per address, in the current
    transaction; sending starts after commit. Returns {recipient key: notification id or None}."""
    return notify_many([(recipients, message)], sms=sms, email=email)[0]


def notify_many(batch, *, sms=True, email=True):
    """`notify` for many messages at once, in a few multi-row INSERTs whatever the batch size: `batch` is a list
    of (recipients, message). Returns, per item, {recipient key: notification id or None}."""
    pending = [(recipient, message) for recipients, message in batch for recipient in recipients]
    with_account = [(recipient, message) for recipient, message in pending if recipient.user_id]
    notification_ids = insert_rows(Notification, [
        {"recipient_id": recipient.user_id, "kind": message.kind, "title": message.title[:200],
         "body": message.body, "link": message.link, "read_at": None}
        for recipient, message in with_account
    ], returning_ids=True)
    notification_of = {id(pair): nid for pair, nid in zip(with_account, notification_ids, strict=True)}
    by_position = [notification_of.get(id(pair)) for pair in pending]
    deliveries = []
    for (recipient, message), notification_id in zip(pending, by_position, strict=True):
        common = {"recipient_name": recipient.name[:50], "subject": message.title[:200],
                  "notification_id": notification_id, "state": DeliveryState.PENDING, "attempts": 0}
        if email and recipient.email:
            deliveries.append({"channel": DeliveryChannel.EMAIL, "address": recipient.email, "body": message.body,
                               **common})
        if sms and recipient.mobile:
            deliveries.append({"channel": DeliveryChannel.SMS, "address": recipient.mobile,
                               "body": _sms_text(message), **common})
    queue_deliveries(insert_rows(Delivery, deliveries, returning_ids=True))
    results, index = [], 0
    for recipients, _message in batch:
        results.append({recipient.key: by_position[index + i] for i, recipient in enumerate(recipients)})
        index += len(recipients)
    return results


def _sms_text(message):
    text = f"【执行联动】{message.title}"
    return text[:300]


def queue_deliveries(ids):
    ids = list(ids)
    if not ids:
        return

    def send():
        from .tasks import deliver_many_task

        for start in range(0, len(ids), QUEUE_CHUNK):
            try:
                deliver_many_task.delay(ids[start : start + QUEUE_CHUNK])
            except Exception:  # broker down: the periodic retry scan sends them later
                logger.warning("could not queue %d deliveries; the retry scan will send them", len(ids) - start)
                break

    transaction.on_commit(send)


# ------------------------------------------------------------------------------------------------ gateways


class LoggingSMSGateway:
    """Default SMS gateway: writes the message to the log (development, tests, intranets without SMS)."""

    def send(self, mobile, text):
        logger.info("SMS to %s: %s", mobile, text)


class HttpSMSGateway:
    """Posts JSON {"mobile", "text"} to an HTTP gateway (`SMS_GATEWAY_URL`, optional bearer `SMS_GATEWAY_TOKEN`);
    any answer other than 2xx is a failure."""

    def __init__(self, url=None, token=None, timeout=10):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout

    def send(self, mobile, text):
        body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
            if not 200 <= response.status < 300:
                raise RuntimeError(f"短信网关返回 {response.status}")


def sms_gateway():
    return import_string(settings.SMS_GATEWAY)()


# ----------------------------------------------------------------------------------------------- delivering


def deliver(delivery_id):
    """Send one pending delivery. Claims the row (skipping one another worker holds), sends, records the result.
    Returns the delivery's new state, or None when there was nothing to do."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        try:
            if delivery.channel == DeliveryChannel.EMAIL:
                send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address])
            else:
                sms_gateway().send(delivery.address, delivery.body)
        except Exception as error:  # any gateway failure: record and retry later
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                delivery.next_attempt_at = None
            else:
                wait = BACKOFF_MINUTES[min(delivery.attempts - 1, len(BACKOFF_MINUTES) - 1)]
                delivery.next_attempt_at = now + datetime.timedelta(minutes=wait)
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = now
            delivery.last_error = ""
        delivery.save(update_fields=["attempts", "state", "sent_at", "last_error", "next_attempt_at"])
        return delivery.state


def retry_due_deliveries(now=None, limit=500):
    """Send pending deliveries whose time has come (first attempts that were never queued, and retries)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(state=DeliveryState.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [deliver(pk) for pk in ids]
