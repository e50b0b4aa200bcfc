"""Reminders of the priority queue, up the ladder (信用纠错优先办理): one rule for every item of the queue, deletions
falling due included (this scan replaces the former removal reminder, so nothing is reminded twice).

* due within one working day (due today or on the next working day) → the clerk who received the request or
  proposed the listing;
* overdue → the court's bureau leaders, and the clerk again.

Once each per item, deadline and recipient (`linkage.reminders.send_reminders`: a `Reminder` row each), on working
days from the morning hour only (`reminder_window`). A deletion's clerk reminder keeps the kind the former removal
reminder wrote ("removal_due"), so a listing already reminded of is not reminded again."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from linkage.notify import Message, Recipient
from linkage.reminders import reminder_window, send_reminders
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.models import User, UserRole

from .queue import SOURCES, build_items

DUE_SOON, OVERDUE, REMOVAL_DUE = "queue_due_soon", "queue_overdue", "removal_due"


def _message(item, overdue):
    due = f"{item.due_at.astimezone(TIMEZONE):%Y年%m月%d日}"
    if item.source == "removal" and not overdue:
        return Message(kind="listing_removal", title=f"【应删除失信信息】{item.name}（{item.case_number}）",
                       body=f"{item.what}：应在{due}前删除该失信被执行人信息。", link=item.link)
    if overdue:
        return Message(kind="credit_queue_overdue", title=f"【信用纠错逾期】{item.label}：{item.name}（{item.case_number}）",
                       body=f"{item.what}，期限{due}已过（{item.clock}），请督促立即办理、消除影响。", link=item.link)
    return Message(kind="credit_queue_due", title=f"【信用纠错即将到期】{item.label}：{item.name}（{item.case_number}）",
                   body=f"{item.what}，应于{due}前办结（{item.clock}），请优先办理。", link=item.link)


def _leaders_by_court(court_ids):
    leaders = {}
    for user in User.objects.filter(organisation_id__in=court_ids, role=UserRole.LEADER, is_active=True).order_by("pk"):
        leaders.setdefault(user.organisation_id, []).append(Recipient.from_user(user))
    return leaders


def _clerk(item):
    clerk = item.clerk
    return [Recipient.from_user(clerk)] if clerk is not None and clerk.is_active else []


def remind_priority_queue(now=None):
    """Remind the clerk of every queue item due within one working day and the leaders of every overdue one (once
    each). Returns the number of reminders written."""
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    calendar = WorkingCalendar.for_range(today, today + datetime.timedelta(days=31))
    horizon = reminder_window(now, calendar)
    if horizon is None:
        return 0
    sent = 0
    with transaction.atomic():
        rows = [(source, row) for source in SOURCES
                for row in source.due_by(horizon).select_for_update(skip_locked=True, of=("self",))]
        items = build_items(rows, now, calendar)
        # A credit repair is the leader's to decide (REPAIR_MACHINE): the leaders are reminded before it is due too.
        leaders = _leaders_by_court({item.court_id for item in items if item.overdue or item.source == "repair"})
        batches = {}
        for item in items:
            if item.overdue:
                kind, recipients = OVERDUE, leaders.get(item.court_id, []) + _clerk(item)
            else:
                kind, recipients = (REMOVAL_DUE if item.source == "removal" else DUE_SOON), _clerk(item)
                if item.source == "repair":
                    recipients = leaders.get(item.court_id, []) + recipients
            recipients = list({recipient.key: recipient for recipient in recipients}.values())
            if recipients:
                batches.setdefault(type(item.subject), []).append(
                    (item.subject.pk, kind, item.due_at, recipients,
                     lambda item=item: _message(item, item.overdue)))
        for model, batch in batches.items():
            sent += send_reminders(batch, content_type=ContentType.objects.get_for_model(model))
    return sent
