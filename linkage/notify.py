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

from .models import Delivery, DeliveryChannel, DeliveryState, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
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


def notify(recipients, message, *, sms=True, email=True):
    """Write an in-app notification per account holder and an email/SMS delivery per address, in the current
    transaction; sending starts after commit. Returns {recipient key: notification or None}."""
    return notify_many([(recipients, message)], sms=sms, email=email)[0]


def notify_many(batch, *, sms=True, email=True):
    """`notify` for many messages at once, in three queries whatever the batch size: `batch` is a list of
    (recipients, message). Returns, per item, {recipient key: notification or None}."""
    pending = []
    for recipients, message in batch:
        for recipient in recipients:
            notification = None
            if recipient.user_id:
                notification = Notification(recipient_id=recipient.user_id, kind=message.kind,
                                            title=message.title[:200], body=message.body, link=message.link)
            pending.append((recipient, message, notification))
    Notification.objects.bulk_create([n for _, _, n in pending if n is not None])
    deliveries = []
    for recipient, message, notification in pending:
        if email and recipient.email:
            deliveries.append(Delivery(channel=DeliveryChannel.EMAIL, address=recipient.email,
                                       recipient_name=recipient.name, subject=message.title[:200],
                                       body=message.body, notification=notification))
        if sms and recipient.mobile:
            deliveries.append(Delivery(channel=DeliveryChannel.SMS, address=recipient.mobile,
                                       recipient_name=recipient.name, subject=message.title[:200],
                                       body=_sms_text(message), notification=notification))
    queue_deliveries(Delivery.objects.bulk_create(deliveries))
    results, index = [], 0
    for recipients, _message in batch:
        results.append({recipient.key: pending[index + i][2] for i, recipient in enumerate(recipients)})
        index += len(recipients)
    return results


def _sms_text(message):
    text = f"【执行联动】{message.title}"
    return text[:300]


def queue_deliveries(deliveries):
    ids = [delivery.pk for delivery in deliveries if delivery.pk]
    if not ids:
        return

    def send():
        from .tasks import deliver_task

        for delivery_id in ids:
            try:
                deliver_task.delay(delivery_id)
            except Exception:  # broker down: the periodic retry scan sends it later
                logger.warning("could not queue delivery %s; the retry scan will send it", delivery_id)
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
