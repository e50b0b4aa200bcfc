"""Periodic tasks for notices, on the static beat schedule (settings.CELERY_BEAT_SCHEDULE). Thin and idempotent:
each asks the database what is due and sends each reminder once, whatever the delivery count."""

from celery import shared_task

from linkage import parsing

from . import reminders
from .services.dispatch import escalate_unacknowledged
from .tracking_reminders import scan_detention_reminders


def _moment(now_iso):
    return parsing.moment(now_iso, "时间", "now_iso")


@shared_task(name="assistance.tasks.scan_reminders", ignore_result=False)
def scan_reminders_task(now_iso=None):
    """One bounded scan of notices and of liftings awaiting acknowledgement; when a further batch waits (a backlog), it queues the next scan at once."""
    moment = _moment(now_iso)
    result = reminders.scan_notice_reminders(moment)
    result["liftings"] = reminders.scan_lifting_reminders(moment)
    result["detentions"] = scan_detention_reminders(moment)
    if result.get("more") or result["liftings"].get("more"):
        scan_reminders_task.apply_async(args=[now_iso])
    return result


@shared_task(name="assistance.tasks.send_digests", ignore_result=False)
def send_digests_task(now_iso=None):
    return reminders.send_unit_digests(_moment(now_iso))


@shared_task(name="assistance.tasks.scan_renewals", ignore_result=False)
def scan_renewals_task(now_iso=None):
    return reminders.scan_renewals(_moment(now_iso))


@shared_task(name="assistance.tasks.escalate_dispatches", ignore_result=False)
def escalate_dispatches_task(now_iso=None):
    """Every minute: urgent dispatch requests unacknowledged past their time go to the committee, each once."""
    return {"escalated": escalate_unacknowledged(_moment(now_iso))}


@shared_task(name="assistance.tasks.remind_suggestion_letters", ignore_result=False)
def remind_suggestion_letters_task(now_iso=None):
    """Daily: unanswered judicial suggestion letters, before due to the unit and overdue to the unit and committee."""
    from .suggestion_reminders import scan_suggestion_reminders

    return scan_suggestion_reminders(_moment(now_iso))


@shared_task(name="assistance.tasks.remind_referrals")
def remind_referrals_task(now_iso=None):
    """Daily: the police, the procuratorate and the discipline bodies are reminded of referrals waiting for their
    answer, before the due day and once overdue (the committee too), once each."""
    from .services.referral_reminders import remind_referrals

    return remind_referrals(_moment(now_iso))
