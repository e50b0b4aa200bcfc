"""Sending messages: in-app notifications, email through Django's mail backends, SMS through a small gateway
interface. `notify()` writes the in-app rows and the email/SMS `Delivery` rows in the caller's transaction and
queues their sending after commit; `deliver()` sends one delivery exactly once per attempt, and a failed send is
retried with backoff by `retry_due_deliveries()` — it never blocks the other deliveries.

Each delivery carries its own idempotency key (`Delivery.idempotency_key`), sent with every attempt — to the SMS
gateway as the `Idempotency-Key` header and the `idempotency_key` body field, in an email as its Message-ID — so a
retry is recognised by the gateway as the same message. A send whose answer never came (`SMS_GATEWAY_TIMEOUT`) may
have gone out: it is marked unknown (结果待核实) and `check_unknown_deliveries()` asks the gateway's status endpoint
(`SMS_GATEWAY_STATUS_URL`) instead of sending it again; only a message the gateway says it never got is re-sent.

Each recipient's preferences (linkage/preferences.py, loaded in one query per batch) decide the channels per kind;
a non-urgent message of a kind the recipient puts in the digest gets its bell row now and waits for the daily digest
(linkage/digest.py) instead of its own email/SMS/chat; a non-urgent SMS or chat message in quiet hours waits
(`next_attempt_at`) until they end. Chat groups (linkage/chat.py) travel on `Recipient.chat`: one delivery per group
per message however many of the unit's people it goes to."""

import datetime
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import chat as chat_channels
from .kinds import is_urgent
from .models import CHAT_CHANNELS, Delivery, DeliveryChannel, DeliveryState, DigestItem, Notification
from .preferences import default_preferences, preferences_for, quiet_until
from .text import TEXT_MAX, clip

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
QUEUE_CHUNK = 200  # deliveries per queued task: a scan that reminds thousands sends a few messages
BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_STATUS_CHECKS = 8  # then the delivery stays unknown, for the administrator to look at
STATUS_SENT, STATUS_FAILED, STATUS_MISSING = "sent", "failed", "missing"


class DeliveryOutcomeUnknown(Exception):
    """The request may have reached the gateway, but its answer did not come back in time."""


@dataclass(frozen=True)
class Recipient:
    """Somebody a message goes to: an account holder, a roster contact, or both. `key` is stable
    ("contact:12", "user:5") so a reminder to the same person is recognised as already sent."""

    key: str
    name: str
    user_id: int | None = None
    email: str = ""
    mobile: str = ""
    chat: tuple = ()  # linkage.chat.ChatTarget of the unit's work-chat groups (members.recipients attaches them)

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
    urgent: bool = False  # sent at once on every channel, even in the recipient's quiet hours and digest kinds
    # An address that opens without logging in (a personal read link for somebody with no account): it travels in
    # the SMS, and the body carries it for the email.
    open_link: str = ""

    def __post_init__(self):
        # A body is composed from bounded texts but may join many (a unit's decisions): it is cut, not refused.
        self.body = clip(self.body)


def notify(recipients, message, *, sms=True, email=True, chat=None):
    """Write an in-app notification per account holder and an email/SMS delivery per address (and one chat delivery
    per work-chat group), in the current transaction; sending starts after commit. Returns {recipient key:
    notification id or None}."""
    return notify_many([(recipients, message)], sms=sms, email=email, chat=chat)[0]


def notify_many(batch, *, sms=True, email=True, chat=None):
    """`notify` for many messages at once, in a few multi-row INSERTs (bulk_create) whatever the batch size: `batch` is a list
    of (recipients, message). `chat` defaults to `sms or email` (a caller that wants the bell only gets the bell).
    Returns, per item, {recipient key: notification id or None}."""
    chat = (sms or email) if chat is None else chat
    pending = [(recipient, message) for recipients, message in batch for recipient in recipients]
    with_account = [(recipient, message) for recipient, message in pending if recipient.user_id]
    notification_ids = [notification.pk for notification in Notification.objects.bulk_create([
        Notification(recipient_id=recipient.user_id, kind=message.kind, title=message.title[:200],
                     body=message.body, link=message.link, read_at=None)
        for recipient, message in with_account
    ], batch_size=5000)]
    by_position = [None] * len(pending)  # the notification written for each pending pair, by its position
    account_positions = [position for position, (recipient, _) in enumerate(pending) if recipient.user_id]
    for position, notification_id in zip(account_positions, notification_ids, strict=True):
        by_position[position] = notification_id
    now = timezone.now()
    default = default_preferences()
    preferences = preferences_for({recipient.user_id for recipient, _ in with_account})
    deliveries, held, chat_votes = [], [], {}
    for (recipient, message), notification_id in zip(pending, by_position, strict=True):
        wanted = preferences.get(recipient.user_id, default)
        urgent = is_urgent(message)
        digest = not urgent and wanted.digest(message.kind)
        if chat and recipient.chat:
            _vote_chat(chat_votes, recipient, message, wanted.wants(message.kind, "chat") and not digest)
        to_email = email and recipient.email and wanted.wants(message.kind, "email")
        to_mobile = sms and recipient.mobile and wanted.wants(message.kind, "sms")
        if digest:
            if to_email or to_mobile:
                held.append(DigestItem(recipient_key=recipient.key[:60], recipient_name=recipient.name[:60],
                                       email=recipient.email if to_email else "",
                                       mobile=recipient.mobile if to_mobile else "", kind=message.kind[:30],
                                       title=message.title[:200], body=message.body, link=message.link[:300]))
            continue
        common = {"recipient_name": recipient.name[:50], "subject": message.title[:200],
                  "notification_id": notification_id, "state": DeliveryState.PENDING, "attempts": 0}
        if to_email:
            deliveries.append({"channel": DeliveryChannel.EMAIL, "address": recipient.email, "body": message.body,
                               **common})
        if to_mobile:
            deliveries.append({"channel": DeliveryChannel.SMS, "address": recipient.mobile, "body": _sms_text(message),
                               "next_attempt_at": None if urgent else wanted.quiet_until(now), **common})
    deliveries += _chat_deliveries(chat_votes, quiet_until(default.quiet, now))
    if held:
        DigestItem.objects.bulk_create(held, batch_size=5000)
    # Each delivery gets its own idempotency key (the model's default, called per row).
    queue_deliveries([delivery.pk for delivery in Delivery.objects.bulk_create([Delivery(**row) for row in deliveries])])
    results, index = [], 0
    for recipients, _message in batch:
        results.append({recipient.key: by_position[index + i] for i, recipient in enumerate(recipients)})
        index += len(recipients)
    return results


def _vote_chat(votes, recipient, message, wants):
    """Record whether this recipient wants the message in each of its unit's groups. Account holders decide (their
    preferences); roster contacts without an account count only when no account holder is among the recipients."""
    for target in recipient.chat:
        vote = votes.setdefault((id(message), target.key), {"target": target, "message": message, "accounts": False,
                                                            "account_yes": False, "contact_yes": False})
        if recipient.user_id:
            vote["accounts"] = True
            vote["account_yes"] = vote["account_yes"] or wants
        else:
            vote["contact_yes"] = vote["contact_yes"] or wants


def _chat_deliveries(votes, group_quiet_end):
    """One delivery per group and message that somebody wants; a group keeps the site's default quiet hours."""
    rows = []
    for vote in votes.values():
        if not (vote["account_yes"] if vote["accounts"] else vote["contact_yes"]):
            continue
        target, message = vote["target"], vote["message"]
        rows.append({"channel": target.channel, "address": target.key, "recipient_name": target.name[:50],
                     "subject": message.title[:200], "body": chat_text(message), "state": DeliveryState.PENDING,
                     "attempts": 0, "next_attempt_at": None if is_urgent(message) else group_quiet_end})
    return rows


def chat_text(message):
    """A chat message: the body and where to read it (`NOTIFY_SITE_URL` + link, when the site's address is set)."""
    text = message.body
    if message.link and settings.NOTIFY_SITE_URL:
        text = f"{text}\n详情：{settings.NOTIFY_SITE_URL.rstrip('/')}{message.link}"
    elif message.link:
        text = f"{text}\n请登录执行联动平台查看。"
    return text[: TEXT_MAX]


def _sms_text(message):
    link = f" 阅读：{message.open_link}" if message.open_link else ""
    return f"【执行联动】{message.title}"[: 300 - len(link)] + link  # the link is never the part cut off


def absolute_url(path):
    """A path of the site as somebody with no account follows it from a message: `LINKAGE_PUBLIC_BASE_URL` + path."""
    return f"{settings.LINKAGE_PUBLIC_BASE_URL.rstrip('/')}{path}"


def queue_on_commit(task, ids, *, chunk, what):
    """Queue `task` for the rows `ids` once the current transaction commits, `chunk` ids a task. A broker that is
    down loses nothing: the rows are pending in the database and the beat's retry scan sends them."""
    ids = list(ids)
    if not ids:
        return

    def send():
        for start in range(0, len(ids), chunk):
            try:
                task.delay(ids[start : start + chunk])
            except Exception:  # broker down: the periodic retry scan sends them later
                logger.warning("could not queue %d %s; the retry scan will send them", len(ids) - start, what)
                break

    transaction.on_commit(send)


def queue_deliveries(ids):
    from .tasks import deliver_many_task

    queue_on_commit(deliver_many_task, ids, chunk=QUEUE_CHUNK, what="deliveries")


# ------------------------------------------------------------------------------------------------ gateways


class LoggingSMSGateway:
    """Default SMS gateway: writes the message to the log (development, tests, intranets without SMS)."""

    def send(self, mobile, text, *, idempotency_key=""):
        logger.info("SMS to %s [%s]: %s", mobile, idempotency_key, text)

    def status(self, idempotency_key):
        return STATUS_SENT  # the log never loses an answer


class HttpSMSGateway:
    """Posts JSON {"mobile", "text", "idempotency_key"} with the header `Idempotency-Key` to an HTTP gateway
    (`SMS_GATEWAY_URL`, optional bearer `SMS_GATEWAY_TOKEN`), waiting at most `SMS_GATEWAY_TIMEOUT` seconds; any
    answer other than 2xx is a failure, no answer in time is an unknown outcome (`DeliveryOutcomeUnknown`).

    `status(key)` asks `SMS_GATEWAY_STATUS_URL` (GET, `?idempotency_key=…`) what became of a message: a 404 means the
    gateway never got it; a 200 with JSON {"state": …} of sent/delivered/accepted means it went out, failed/rejected
    that it did not; anything else (or no status URL) means it cannot tell yet."""

    def __init__(self, url=None, token=None, timeout=None, status_url=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        self.status_url = status_url if status_url is not None else settings.SMS_GATEWAY_STATUS_URL

    def _request(self, url, idempotency_key, data=None):
        request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                         headers={"Idempotency-Key": idempotency_key})
        if data is not None:
            request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        return request

    def send(self, mobile, text, *, idempotency_key=""):
        body = json.dumps({"mobile": mobile, "text": text, "idempotency_key": idempotency_key},
                          ensure_ascii=False).encode()
        request = self._request(self.url, idempotency_key, body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                if not 200 <= response.status < 300:
                    raise RuntimeError(f"短信网关返回 {response.status}")
        except TimeoutError as error:  # the request went out, the answer did not come back
            raise DeliveryOutcomeUnknown(f"短信网关 {self.timeout} 秒内未应答") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):  # timed out while sending: it may have arrived
                raise DeliveryOutcomeUnknown(f"短信网关 {self.timeout} 秒内未应答") from error
            raise

    def status(self, idempotency_key):
        if not self.status_url:
            return None
        separator = "&" if "?" in self.status_url else "?"
        url = f"{self.status_url}{separator}{urllib.parse.urlencode({'idempotency_key': idempotency_key})}"
        try:
            with urllib.request.urlopen(self._request(url, idempotency_key), timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return STATUS_MISSING if error.code == 404 else None
        except (OSError, ValueError):  # unreachable, timed out, not JSON: ask again later
            return None
        state = str(answer.get("state") or answer.get("status") or "").lower()
        if state in ("sent", "delivered", "accepted"):
            return STATUS_SENT
        if state in ("failed", "rejected"):
            return STATUS_FAILED
        return None


def sms_gateway():
    return import_string(settings.SMS_GATEWAY)()


# ----------------------------------------------------------------------------------------------- delivering


def _send_email(delivery, key):
    message = EmailMessage(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address],
                           headers={"Message-ID": f"<{key}@linkage>", "X-Idempotency-Key": key})
    message.send()


def _backoff(minutes, count):
    return datetime.timedelta(minutes=minutes[min(count - 1, len(minutes) - 1)])


def _claim(delivery_id, state):
    """The delivery locked for this worker if it is still in `state`; None if another worker holds it or it moved."""
    return Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id, state=state).first()


def deliver(delivery_id):
    """Send one pending delivery. Claims the row (skipping one another worker holds), sends, records the result.
    Returns the delivery's new state, or None when there was nothing to do."""
    with transaction.atomic():
        delivery = _claim(delivery_id, DeliveryState.PENDING)
        if delivery is None:
            return None
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        key = str(delivery.idempotency_key)
        try:
            if delivery.channel == DeliveryChannel.EMAIL:
                _send_email(delivery, key)
            elif delivery.channel in CHAT_CHANNELS:
                chat_channels.send_chat(delivery, key)
            else:
                sms_gateway().send(delivery.address, delivery.body, idempotency_key=key)
        except DeliveryOutcomeUnknown as error:  # it may have gone out: ask, do not send again
            delivery.state = DeliveryState.UNKNOWN
            delivery.last_error = f"结果待核实：{error}"[:2000]
            delivery.next_attempt_at = now + _backoff(BACKOFF_MINUTES, 1)
        except Exception as error:  # any gateway failure: record and retry later
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + _backoff(BACKOFF_MINUTES, delivery.attempts)
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = now
            delivery.last_error = ""
        delivery.save(update_fields=["attempts", "state", "sent_at", "last_error", "next_attempt_at"])
        return delivery.state


def check_delivery(delivery_id):
    """Ask the gateway what became of a delivery whose answer never came: sent → sent; never received or failed →
    pending again (the retry sends it with the same key); cannot tell → ask later, up to `MAX_STATUS_CHECKS`, then
    it stays unknown for the administrator. Returns the new state, or None when there was nothing to do."""
    with transaction.atomic():
        delivery = _claim(delivery_id, DeliveryState.UNKNOWN)
        if delivery is None:
            return None
        now = timezone.now()
        verdict = sms_gateway().status(str(delivery.idempotency_key))
        delivery.status_checks += 1
        if verdict == STATUS_SENT:
            delivery.state, delivery.sent_at, delivery.next_attempt_at = DeliveryState.SENT, now, None
            delivery.last_error = ""
        elif verdict in (STATUS_MISSING, STATUS_FAILED):
            delivery.last_error = "网关未收到该短信" if verdict == STATUS_MISSING else "网关报告发送失败"
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            else:
                delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, None
        elif delivery.status_checks >= MAX_STATUS_CHECKS:
            delivery.next_attempt_at = None  # stays unknown: the administrator looks at it
        else:
            delivery.next_attempt_at = now + _backoff(BACKOFF_MINUTES, delivery.status_checks + 1)
        delivery.save(update_fields=["state", "sent_at", "last_error", "next_attempt_at", "status_checks"])
        return delivery.state


def check_unknown_deliveries(now=None, limit=500):
    """Check the unknown deliveries whose time has come (the periodic retry task runs this first)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(state=DeliveryState.UNKNOWN, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [check_delivery(pk) for pk in ids]


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
