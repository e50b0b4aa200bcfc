"""Chasing open decisions on the notices' ladder (`assistance/reminders.py`), on working days from the morning hour:
- `before_due`: the due day is the next working day (or today's horizon) → the responsible unit's A contact;
- `due_day`: on the due day → A and B, as the hand-over message `decision_due` (the unit's work is due today);
- `overdue`: once the due day has ended → A, B and the unit's responsible leader (L);
- `escalation`: overdue by `settings.ESCALATE_AFTER_WORKING_DAYS` working days → the committee of the meeting's
  jurisdiction.
Each step goes to each recipient once per due date (a `Reminder` row unique on subject, kind, due, recipient): a
redelivered or repeated scan sends nothing twice; a new due date (sent back with a new date) starts a new ladder.
A court named responsible has no A/B contacts: its clerks get the unit's steps.
"""

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assistance.reminders import STAGE_LABELS, STAGE_ROLES, stage_bounds
from linkage.notify import Message, Recipient
from linkage.reminders import reminder_window, send_reminders
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.models import User
from members.recipients import contacts_by_unit

from .models import Decision

SCAN_BATCH = 2000
# The message kind of each step (the `Reminder` rows keep the step): the due day's message is the hand-over
# "decision due → the responsible unit" (`decision_due`, one per recipient and due date); the others are reminders.
MESSAGE_KINDS = {"before_due": "decision_before_due", "due_day": "decision_due", "overdue": "decision_overdue",
                 "escalation": "decision_escalation"}


def decision_stage(due_on, *, today, bounds):
    """The ladder step a decision due on `due_on` is in today ('' when none yet)."""
    if due_on <= bounds["escalation"].date():
        return "escalation"
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due_day"
    if due_on <= bounds["before_due"].date():
        return "before_due"
    return ""


def _due_at(due_on):
    return datetime.datetime.combine(due_on, datetime.time(23, 59, 59), tzinfo=TIMEZONE)


def _message(row, stage):
    def build():
        title = f"【会议议定事项·{STAGE_LABELS[stage]}】{row['meeting__title']} 第{row['position']}项（{row['responsible_unit__short_name']}）"
        body = (f"{row['meeting__title']}（{row['meeting__document_number']}）议定事项第{row['position']}项："
                f"{row['task']}。责任单位：{row['responsible_unit__name']}，完成期限：{row['due_on']:%Y年%m月%d日}。")
        if stage in ("overdue", "escalation"):
            body += "已超过完成期限，请立即落实并在线回复落实情况。"
        else:
            body += "请按期落实并在线回复落实情况。"
        return Message(kind=MESSAGE_KINDS.get(stage, f"decision_{stage}"), title=title, body=body,
                       link=reverse("meetings:decision-detail", args=[row["pk"]]))

    return build


def scan_decision_reminders(now=None, *, batch_size=SCAN_BATCH):
    """One scan: claims (FOR UPDATE SKIP LOCKED) the open decisions of published minutes that are in a reminder
    step, and sends each its step once. Nothing on a non-working day or before the morning hour."""
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=31), today + datetime.timedelta(days=31))
    horizon = reminder_window(now, calendar)
    if horizon is None:
        return {"skipped": True, "decisions": 0, "reminders": 0, "more": False}
    bounds = stage_bounds(now, calendar, horizon)
    with transaction.atomic():
        rows = list(
            Decision.objects.open()
            .filter(due_on__lte=horizon.date())
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_on", "pk")
            .values("pk", "position", "task", "due_on", "responsible_unit_id", "responsible_unit__name",
                    "responsible_unit__short_name", "meeting__title", "meeting__document_number",
                    "meeting__jurisdiction_id")[:batch_size]
        )
        claimed = len(rows)
        for row in rows:
            row["stage"] = decision_stage(row["due_on"], today=today, bounds=bounds)
        rows = [row for row in rows if row["stage"]]
        units = {row["responsible_unit_id"] for row in rows}
        contacts = contacts_by_unit(units)
        clerks = defaultdict(list)
        for user in User.objects.filter(organisation_id__in=units - set(contacts), role="clerk", is_active=True):
            clerks[user.organisation_id].append(Recipient.from_user(user))
        committee = defaultdict(list)
        for user in User.objects.filter(
            role="committee", is_active=True,
            organisation__jurisdiction_id__in={row["meeting__jurisdiction_id"] for row in rows},
        ).select_related("organisation"):
            committee[user.organisation.jurisdiction_id].append(Recipient.from_user(user))
        batch = []
        for row in rows:
            stage = row["stage"]
            if stage == "escalation":
                recipients = committee.get(row["meeting__jurisdiction_id"], [])
            elif row["responsible_unit_id"] in contacts:
                unit_contacts = contacts[row["responsible_unit_id"]]
                recipients = [unit_contacts[role] for role in STAGE_ROLES[stage] if role in unit_contacts]
            else:
                recipients = clerks.get(row["responsible_unit_id"], [])
            if recipients:
                batch.append((row["pk"], stage, _due_at(row["due_on"]), recipients, _message(row, stage)))
        written = send_reminders(batch, content_type=ContentType.objects.get_for_model(Decision))
    return {"skipped": False, "decisions": len(rows), "reminders": written, "more": claimed == batch_size}
