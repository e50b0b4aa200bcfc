"""The daily reminders of referrals waiting for an answer (assistance/services/referrals.py): the unit the referral
waits on (the police for a sent crime referral, the procuratorate for a supervision request, the discipline body for
a discipline referral) is reminded once `REFERRAL_REMIND_DAYS_BEFORE` days before its due time and once when it is
overdue; an overdue one is also reported once to the committee of the jurisdiction. Each reminder goes once per
recipient and due time (`linkage.reminders.send_reminders`)."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from linkage.notify import Message
from linkage.reminders import send_reminders
from members.recipients import UnitLadder

from ..referral_models import CrimeReferral, CrimeReferralState, DisciplineReferral, DisciplineState
from .referrals import referral_link

# (model, state waited on, due field, unit field, what the unit owes)
_WAITS = (
    (CrimeReferral, CrimeReferralState.SENT, "due_at", "police", "拒执罪移送的立案或不予立案决定"),
    (CrimeReferral, CrimeReferralState.SUPERVISION_REQUESTED, "supervision_due_at", "procuratorate",
     "立案监督的答复"),
    (DisciplineReferral, DisciplineState.SENT, "due_at", "unit", "纪检监察移送的处理情况答复"),
)


def _subject(referral):
    return getattr(referral, "debtor", None) or referral.party


def _message(referral, unit, owed, due, overdue):
    when = f"{timezone.localtime(due):%Y年%m月%d日}"
    state = "已逾期" if overdue else "即将到期"
    return Message(
        kind="referral_overdue" if overdue else "referral_reminder",
        title=f"【移送答复{state}】{referral.court.name}：{_subject(referral).name}",
        body=f"{unit.name}应于{when}前作出{owed}，{'至今未答复' if overdue else '请按时答复'}。",
        link=referral_link(referral))


def remind_referrals(now=None):
    """Send what is due at `now`; idempotent. Returns the number of reminder rows written."""
    now = now or timezone.now()
    ahead = datetime.timedelta(days=settings.REFERRAL_REMIND_DAYS_BEFORE)
    written = 0
    with transaction.atomic():
        for model, state, due_field, unit_field, owed in _WAITS:
            content_type = ContentType.objects.get_for_model(model)
            rows = list(model.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(state=state, **{f"{due_field}__lte": now + ahead})
                        .select_related("court", unit_field))
            ladder, batch = UnitLadder({getattr(referral, f"{unit_field}_id") for referral in rows}), []
            for referral in rows:
                due, unit = getattr(referral, due_field), getattr(referral, unit_field)
                overdue = due < now
                kind = f"referral_{state}_{'overdue' if overdue else 'before'}"
                recipients = ladder.recipients(unit.pk, referral.court.jurisdiction_id, overdue)
                batch.append((referral.pk, kind, due, recipients, _message(referral, unit, owed, due, overdue)))
            written += send_reminders(batch, content_type=content_type)
    return written
