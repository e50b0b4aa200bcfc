"""Chasing an undecided detention suggestion (建议停止执行拘留): the court must decide within 24 hours (Liwan seed
四(七)4(3)). A 24-hour clock runs through nights and holidays, so this scan ignores the working-day window of the
notice ladder: a suggestion undecided 4 hours before its deadline is reminded once to the clerk who drafted the
notice; once late, once more to the clerk and the court's leaders. Runs with the notice reminders (assistance.tasks.scan_reminders)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message
from linkage.reminders import send_reminders
from linkage.workdays import TIMEZONE
from members.recipients import court_leaders, user_recipients

from .tracking_models import DetentionState, DetentionSuggestion

SCAN_BATCH = 500
DUE_SOON = datetime.timedelta(hours=4)


def scan_detention_reminders(now=None, *, batch_size=SCAN_BATCH):
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(DetentionSuggestion)
    with transaction.atomic():
        suggestions = list(
            DetentionSuggestion.objects.filter(state=DetentionState.PENDING, due_at__lt=now + DUE_SOON)
            .select_related("notice__case", "notice__unit", "notice__created_by", "notice__debtor")
            .select_for_update(skip_locked=True, of=("self",)).order_by("due_at", "pk")[:batch_size]
        )
        leaders, batch = {}, []  # each court's leaders read once per scan
        for suggestion in suggestions:
            notice = suggestion.notice
            late = suggestion.due_at < now
            if late and notice.court_id not in leaders:
                leaders[notice.court_id] = court_leaders(notice.court_id)
            recipients = user_recipients([notice.created_by, *(leaders[notice.court_id] if late else [])])
            due = timezone.localtime(suggestion.due_at, TIMEZONE)
            stage = "detention_overdue" if late else "detention_due_soon"
            batch.append((suggestion.pk, stage, suggestion.due_at, recipients, Message(
                kind="detention_reminder",
                title=f"【{'逾期未决定' if late else '即将到期'}】建议停止执行拘留 {notice.case.number} {notice.debtor.name}",
                body=(f"{notice.unit.name}提出的停止执行拘留建议（被执行人{notice.debtor.name}）应于"
                      f"{due:%Y年%m月%d日 %H:%M}前决定{'，已逾期' if late else ''}。请及时作出决定并通知拘留所。"),
                link=reverse("assistance:detail", args=[notice.pk]),
            )))
        written = send_reminders(batch, content_type=content_type)
    return {"suggestions": len(suggestions), "reminders": written}
