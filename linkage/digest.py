"""The daily digest: the one mechanism that gathers what is not urgent. `notify` holds a non-urgent message of a kind
the recipient puts in the digest as a `DigestItem` (its bell row went at once); once a day the beat task
(`linkage.tasks.send_digests`) sends each recipient one email listing everything held for them — or, for somebody
with no email address, one short SMS pointing to the bell. The unit's daily to-do list (kind "digest",
assistance/reminders.py) is such a held item, so a liaison gets one email a day, not two.

Idempotent: the items are claimed FOR UPDATE SKIP LOCKED, a `Digest` is unique per (recipient, day), and each item
is marked with the digest that took it — a second run the same day sends nothing, and items that arrive after the
day's digest wait for the next one."""

from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .kinds import label
from .models import Delivery, DeliveryChannel, DeliveryState, Digest, DigestItem
from .notify import queue_deliveries
from .preferences import default_preferences, quiet_until
from .text import clip
from .workdays import TIMEZONE

MAX_LISTED = 50  # items written out in one email; the rest are counted


def _email_body(items, site_url):
    lines = [f"以下是执行联动平台今日汇总的{len(items)}条通知（紧急事项已即时发送，不在此列）：", ""]
    for number, item in enumerate(items[:MAX_LISTED], start=1):
        lines.append(f"{number}. 【{label(item.kind)}】{item.title}（{timezone.localtime(item.created_at, TIMEZONE):%m月%d日 %H:%M}）")
        if item.body:
            lines.append(f"   {item.body[:300]}")
        if item.link:
            lines.append(f"   {site_url.rstrip('/')}{item.link}" if site_url else f"   链接：{item.link}")
    if len(items) > MAX_LISTED:
        lines.append(f"……另有{len(items) - MAX_LISTED}条，请登录系统在站内通知中查看。")
    lines += ["", "可在“通知设置”中调整各类通知的接收方式。"]
    body = "\n".join(lines)
    return clip(body)


def send_daily_digests(now=None, *, site_url=""):
    """Send today's digest to every recipient with held items and no digest yet today. Returns
    {"digests": n, "items": n}."""
    now = now or timezone.now()
    day = timezone.localtime(now, TIMEZONE).date()
    site_url = site_url or settings.NOTIFY_SITE_URL
    created_ids, item_count, digests = [], 0, 0
    with transaction.atomic():
        items = list(DigestItem.objects.select_for_update(skip_locked=True)
                     .filter(digest__isnull=True, created_at__lte=now).order_by("created_at", "id"))
        by_recipient = defaultdict(list)
        for item in items:
            by_recipient[item.recipient_key].append(item)
        done_today = set(Digest.objects.filter(day=day, recipient_key__in=list(by_recipient))
                         .values_list("recipient_key", flat=True))
        for key, held in by_recipient.items():
            if key in done_today:
                continue  # today's digest has gone: these wait for tomorrow's
            try:
                with transaction.atomic():  # a concurrent run that made it first wins
                    digest = Digest.objects.create(recipient_key=key, recipient_name=held[-1].recipient_name,
                                                   day=day, item_count=len(held))
            except IntegrityError:
                continue
            delivery = _delivery(held, now, site_url, day)
            if delivery is not None:
                delivery.save()
                created_ids.append(delivery.pk)
                digest.delivery = delivery
                digest.save(update_fields=["delivery"])
            DigestItem.objects.filter(pk__in=[item.pk for item in held]).update(digest=digest)
            digests += 1
            item_count += len(held)
        queue_deliveries(created_ids)
    return {"digests": digests, "items": item_count}


def _delivery(held, now, site_url, day):
    """One email to the latest address held; with no address, one SMS (waiting out the default quiet hours)."""
    email = next((item.email for item in reversed(held) if item.email), "")
    mobile = next((item.mobile for item in reversed(held) if item.mobile), "")
    name = held[-1].recipient_name[:50]
    subject = f"执行联动每日汇总：{day:%Y年%m月%d日}，共{len(held)}条"
    if email:
        return Delivery(channel=DeliveryChannel.EMAIL, address=email, recipient_name=name, subject=subject,
                        body=_email_body(held, site_url), state=DeliveryState.PENDING)
    if mobile:
        return Delivery(channel=DeliveryChannel.SMS, address=mobile, recipient_name=name, subject=subject,
                        body=f"【执行联动】您有{len(held)}条通知汇总（{day:%m月%d日}），请登录系统查看站内通知。",
                        state=DeliveryState.PENDING,
                        next_attempt_at=quiet_until(default_preferences().quiet, now))
    return None
