"""Chasing unanswered judicial suggestion letters: a served letter whose reply falls due within
`settings.LINKAGE_SUGGESTION_REMIND_DAYS` calendar days is reminded once to the unit's liaisons (A and B); once
overdue, once more to the unit's liaisons and the committee of the court's jurisdiction. Like the notice ladder, it
sends on working days from the morning hour only; each reminder is a `Reminder` row, so a rerun sends nothing twice.
Runs daily (assistance.tasks.remind_suggestion_letters)."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message
from linkage.reminders import reminder_window, send_reminders
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.recipients import UnitLadder

from .suggestion_models import SuggestionLetter, SuggestionState

SCAN_BATCH = 500


def scan_suggestion_reminders(now=None, *, batch_size=SCAN_BATCH):
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=7), today + datetime.timedelta(days=21))
    if reminder_window(now, calendar) is None:
        return {"letters": 0, "reminders": 0}
    horizon = now + datetime.timedelta(days=settings.LINKAGE_SUGGESTION_REMIND_DAYS)
    content_type = ContentType.objects.get_for_model(SuggestionLetter)
    with transaction.atomic():
        letters = list(
            SuggestionLetter.objects.filter(state=SuggestionState.SERVED, due_at__lt=horizon)
            .select_related("court", "unit", "case")
            .select_for_update(skip_locked=True, of=("self",)).order_by("due_at", "pk")[:batch_size])
        ladder, batch = UnitLadder({letter.unit_id for letter in letters}), []
        for letter in letters:
            late = letter.due_at < now
            recipients = ladder.recipients(letter.unit_id, letter.court.jurisdiction_id, late)
            due = timezone.localtime(letter.due_at, TIMEZONE)
            batch.append((letter.pk, "suggestion_overdue" if late else "suggestion_due_soon", letter.due_at,
                          recipients, Message(
                              kind="suggestion_reminder",
                              title=(f"【{'逾期未回复' if late else '即将到期'}】司法建议函{letter.document_number} "
                                     f"{letter.unit.short_name}"),
                              body=(f"{letter.court.name}致{letter.unit.name}的司法建议函{letter.document_number}"
                                    f"（案件{letter.case.number}）应于{due:%Y年%m月%d日}前回复"
                                    f"{'，已逾期' if late else ''}。请及时书面回复采纳及整改情况。"),
                              link=reverse("assistance:suggestion-detail", args=[letter.pk]))))
        written = send_reminders(batch, content_type=content_type)
    return {"letters": len(letters), "reminders": written}
