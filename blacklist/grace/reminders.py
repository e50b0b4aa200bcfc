"""The daily scan of running graces (暂缓采取失信惩戒措施) whose listing is still suspended (one deleted or revoked
meanwhile has nothing left to remind): an unpaid instalment past its due date is recorded once
(a `missed` event) and the clerk who proposed the listing is reminded once; a grace whose last day passed without
the clerk's confirmation is recorded (`lapsed`) and reminded likewise. The clerk then confirms: performed, or not
performed and the punishment resumes (`services.fulfil_grace` / `break_grace`)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message, Recipient
from linkage.reminders import send_reminders
from linkage.workdays import TIMEZONE

from ..models import GRACE_MACHINE, GraceEvent, GraceInstalment, GracePeriod, GraceState, ListingState

KIND = "grace_missed"


def _end_of(day):
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=TIMEZONE)


def _recorded(graces, action):
    """{(grace_id, instalment_id or None)} of the events `action` already written for these graces."""
    rows = GraceEvent.objects.filter(grace__in=graces, action=action).values_list("grace_id", "data")
    return {(grace_id, (data or {}).get("instalment")) for grace_id, data in rows}


def _missed_message(grace, instalment):
    listing = grace.listing
    return Message(
        kind=KIND,
        title=f"【暂缓惩戒分期逾期】{listing.name}（{listing.case_number}）",
        body=(f"被执行人{listing.name}承诺于{instalment.due_on:%Y年%m月%d日}前履行第{instalment.number}期"
              f"{instalment.amount}元，至今未登记履行。请核实：已履行的登记履行；未履行的确认未履行并恢复惩戒。"),
        link=reverse("blacklist:listing-detail", args=[listing.pk]),
    )


def _lapsed_message(grace):
    listing = grace.listing
    return Message(
        kind=KIND,
        title=f"【暂缓期届满】{listing.name}（{listing.case_number}）",
        body=(f"对被执行人{listing.name}暂缓采取失信惩戒措施的期限已于{grace.ends_on:%Y年%m月%d日}届满。"
              "请确认已履行或确认未履行并恢复惩戒。"),
        link=reverse("blacklist:listing-detail", args=[listing.pk]),
    )


def remind_graces(today=None):
    """Record and remind what the running graces missed by `today` (default: today, Beijing time). Idempotent:
    each instalment and each lapsed grace is recorded and reminded once. Returns the counts."""
    today = today or timezone.localdate()
    with transaction.atomic():
        overdue = GraceInstalment.objects.filter(paid_on__isnull=True, due_on__lt=today).values("grace_id")
        graces = {grace.pk: grace for grace in (
            GracePeriod.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=GraceState.GRANTED, listing__state=ListingState.SUSPENDED, pk__in=overdue)
            .select_related("listing__proposed_by"))}
        lapsed = list(GracePeriod.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(state=GraceState.GRANTED, listing__state=ListingState.SUSPENDED, ends_on__lt=today)
                      .select_related("listing__proposed_by"))
        instalments = list(GraceInstalment.objects.filter(grace_id__in=graces, paid_on__isnull=True, due_on__lt=today)
                           .order_by("grace_id", "number"))
        seen = _recorded(list(graces), "missed")
        events = 0
        missed_batch = []
        for instalment in instalments:
            grace = graces[instalment.grace_id]
            if (grace.pk, instalment.pk) not in seen:
                GRACE_MACHINE.note(grace, "missed", None, reason=f"第{instalment.number}期逾期未履行", data={
                    "instalment": instalment.pk, "number": instalment.number,
                    "due_on": instalment.due_on.isoformat(), "amount": str(instalment.amount)})
                events += 1
            missed_batch.append((instalment.pk, "grace_instalment_missed", _end_of(instalment.due_on),
                                 [Recipient.from_user(grace.listing.proposed_by)],
                                 lambda grace=grace, instalment=instalment: _missed_message(grace, instalment)))
        seen_lapsed = _recorded(lapsed, "lapsed")
        lapsed_batch = []
        for grace in lapsed:
            if (grace.pk, None) not in seen_lapsed:
                GRACE_MACHINE.note(grace, "lapsed", None, reason=f"暂缓期于{grace.ends_on:%Y-%m-%d}届满",
                                   data={"ends_on": grace.ends_on.isoformat()})
                events += 1
            lapsed_batch.append((grace.pk, "grace_lapsed", _end_of(grace.ends_on),
                                 [Recipient.from_user(grace.listing.proposed_by)],
                                 lambda grace=grace: _lapsed_message(grace)))
        reminders = send_reminders(missed_batch, content_type=ContentType.objects.get_for_model(GraceInstalment))
        reminders += send_reminders(lapsed_batch, content_type=ContentType.objects.get_for_model(GracePeriod))
    return {"events": events, "reminders": reminders}
