"""Chasing an undecided detention suggestion (建议停止执行拘留): the court must decide within 24 hours (Liwan seed
四(七)4(3)). A 24-hour clock runs through nights and holidays, so this scan ignores the working-day window of the
notice ladder: a suggestion late and undecided is reminded once (for its deadline) to the clerk who drafted the
notice and the court's leaders. Runs with the notice reminders (assistance.tasks.scan_reminders)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message, Recipient
from linkage.reminders import send_reminders
from linkage.workdays import TIMEZONE
from members.recipients import court_leaders

from .tracking_models import DetentionState, DetentionSuggestion

SCAN_BATCH = 500


def scan_detention_reminders(now=None, *, batch_size=SCAN_BATCH):
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(DetentionSuggestion)
    with transaction.atomic():
        suggestions = list(
            DetentionSuggestion.objects.filter(state=DetentionState.PENDING, due_at__lt=now)
            .select_related("notice__case", "notice__unit", "notice__created_by", "notice__debtor")
            .select_for_update(skip_locked=True, of=("self",)).order_by("due_at", "pk")[:batch_size]
        )
        batch = []
        for suggestion in suggestions:
            notice = suggestion.notice
            people = [notice.created_by, *court_leaders(notice.court_id)]
            recipients = [Recipient.from_user(user) for user in people if user.is_active]
            due = timezone.localtime(suggestion.due_at, TIMEZONE)
            batch.append((suggestion.pk, "detention_overdue", suggestion.due_at, recipients, Message(
                kind="detention_reminder",
                title=f"【逾期未决定】建议停止执行拘留 {notice.case.number} {notice.debtor.name}",
                body=(f"{notice.unit.name}提出的停止执行拘留建议（被执行人{notice.debtor.name}）应于"
                      f"{due:%Y年%m月%d日 %H:%M}前决定，已逾期。请立即作出决定并通知拘留所。"),
                link=reverse("assistance:detail", args=[notice.pk]),
            )))
        written = send_reminders(batch, content_type=content_type)
    return {"suggestions": len(suggestions), "reminders": written}
