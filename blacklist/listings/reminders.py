"""Reminding joint-punishment units of pushes they have not acknowledged (issue 5 item 3: "unacknowledged pushes
are reminded like notices").

Every pushed `ListingEvent` (publish, shield, unshield, delete, revoke, expire, correct) goes to every joint-punishment
unit of the listing court's jurisdiction (`selectors.pushed_events`): an active member unit with a joint-punishment
measure (`selectors.JOINT_PUNISHMENT_MEASURES`) that was on the roster when the event was pushed. The unit's liaison acknowledges it (`services.acknowledge_event`) by the close of
the 1st working day after the day of the push (`add_working_days(at, 1)`): pushed on Wednesday → due Thursday
23:59:59; pushed on Friday, Saturday or the eve of a holiday → due the close of the next working day after it.

The ladder, on working days from `settings.REMINDER_HOUR` on, each step once, to the unit's current contacts:
- `push_before_due` (待签收): the deadline is the next working day (the day of the push) → A;
- `push_due_day` (今日到期): on the deadline day → A and B;
- `push_overdue` (逾期未签收): once the deadline has passed → A, B and the responsible leader (L).
As for notices, a scan sends the step a push is in now, so a push made on a holiday starts at `push_due_day` and a
missed scan never floods anybody with stale steps. A reminder is a `Reminder` row unique on (event, step, deadline,
contact): a redelivered or concurrent scan sends nothing twice.

A scan claims up to `batch_size` pushed events that still owe some unit its current step (`FOR NO KEY UPDATE SKIP
LOCKED`: two scans never work on one event, and a liaison's acknowledgement, which only takes a key-share lock on the
event, is never blocked by a scan). It looks back `LOOKBACK_DAYS` days: an older push that was never acknowledged
has had its overdue reminder long ago (or never will: the scans were down for a month) and stays on the unit's push
page as unacknowledged. A unit without a current A contact cannot be reminded and is skipped until it has one.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message
from linkage.reminders import reminder_window, send_reminders
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.models import Organisation
from members.recipients import contacts_by_unit

from ..models import Listing, ListingAcknowledgement, ListingEvent
from .selectors import JOINT_PUNISHMENT_MEASURES

ACKNOWLEDGE_WITHIN_WORKING_DAYS = 1
LOOKBACK_DAYS = 30
SCAN_BATCH = 500  # events per scan transaction (each owed to up to every joint-punishment unit)
STAGE_LABELS = {"before_due": "待签收", "due_day": "今日到期", "overdue": "逾期未签收"}
STAGE_ROLES = {"before_due": ("A",), "due_day": ("A", "B"), "overdue": ("A", "B", "L")}
PUSH_LABELS = {"approve": "发布", "shield": "屏蔽", "unshield": "解除屏蔽", "delete": "删除", "revoke": "撤销",
               "expire": "到期移出", "correct": "更正"}
KIND_PREFIX = "push_"


def acknowledgement_deadline(at, calendar):
    """The close of the 1st working day after the day of the push (`calendar`: a `WorkingCalendar` around it)."""
    return calendar.add_working_days(at, ACKNOWLEDGE_WITHIN_WORKING_DAYS).due_at


def joint_punishment_units():
    """Active member units with a joint-punishment measure: {unit id: Organisation} (one query)."""
    units = (Organisation.objects.active().member_units().filter(measures__code__in=JOINT_PUNISHMENT_MEASURES)
             .distinct().only("id", "name", "short_name", "created_at", "jurisdiction_id"))
    return {unit.pk: unit for unit in units}


def _start_of(day):
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=TIMEZONE)


def _previous_working_day(calendar, day):
    day -= datetime.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


# The deadline (close of the next working day after the push) only grows with the time of the push, so each step is
# a range of push times. On a working day D, with P the working day before D:
#   overdue    ⇔ deadline before today           ⇔ pushed before P (its next working day is P at the latest);
#   due_day    ⇔ deadline today                  ⇔ pushed from P on, before today;
#   before_due ⇔ deadline the next working day   ⇔ pushed today.
_CLAIM_SQL = """
SELECT e.id, e.at, e.action, s.stage, l.name, l.case_number, l.court_name, c.jurisdiction_id
FROM {event} e
JOIN {listing} l ON l.id = e.listing_id
JOIN {organisation} c ON c.id = l.court_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN e.at < %(overdue_before)s THEN 'overdue'
                WHEN e.at < %(due_day_before)s THEN 'due_day'
                ELSE 'before_due' END AS stage
) s
WHERE e.pushed AND e.at >= %(floor)s AND e.at <= %(now)s
  AND EXISTS (
    SELECT 1
    FROM unnest(%(unit_ids)s::bigint[], %(joined)s::timestamptz[], %(a_keys)s::text[], %(jurisdictions)s::bigint[])
         AS u(id, joined, a_key, jurisdiction_id)
    WHERE u.joined <= e.at AND u.jurisdiction_id = c.jurisdiction_id
      AND NOT EXISTS (SELECT 1 FROM {ack} k WHERE k.event_id = e.id AND k.unit_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM {reminder} r
                      WHERE r.content_type_id = %(content_type)s AND r.object_id = e.id
                        AND r.kind = %(prefix)s || s.stage AND r.recipient_key = u.a_key)
  )
ORDER BY e.id
LIMIT %(limit)s
FOR NO KEY UPDATE OF e SKIP LOCKED
"""


def _claim_sql():
    from linkage.models import Reminder

    quote = connection.ops.quote_name
    return _CLAIM_SQL.format(event=quote(ListingEvent._meta.db_table), listing=quote(Listing._meta.db_table),
                             organisation=quote(Organisation._meta.db_table),
                             ack=quote(ListingAcknowledgement._meta.db_table), reminder=quote(Reminder._meta.db_table))


def _message(row, stage, unit, due_at, link):
    def build():
        action = PUSH_LABELS.get(row["action"], row["action"])
        title = f"【{STAGE_LABELS[stage]}】失信名单推送：{row['name']}（{row['case_number']}）{action}"
        body = (f"{row['court_name']}已{action}失信被执行人{row['name']}（{row['case_number']}），"
                f"于{timezone.localtime(row['at'], TIMEZONE):%Y年%m月%d日 %H:%M}推送至{unit.name}，"
                f"签收期限：{timezone.localtime(due_at, TIMEZONE):%Y年%m月%d日 %H:%M}。")
        if stage == "overdue":
            body += "已超过签收期限，请立即登录系统签收，并据此实施或停止联合惩戒。"
        else:
            body += "请登录系统签收，并据此实施或停止联合惩戒。"
        return Message(kind=f"{KIND_PREFIX}{stage}", title=title, body=body, link=link)

    return build


def scan_push_reminders(now=None, *, batch_size=SCAN_BATCH):
    """One reminder scan: claims up to `batch_size` pushed events that owe some joint-punishment unit the
    reminder of its current step and sends each unit's step once. A constant number of queries whatever the number
    of events and units; `more` says a further batch waits."""
    now = now or timezone.now()
    today = timezone.localtime(now, TIMEZONE).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=LOOKBACK_DAYS + 1),
                                         today + datetime.timedelta(days=31))
    if reminder_window(now, calendar) is None:
        return {"skipped": True, "events": 0, "reminders": 0, "more": False}
    units = joint_punishment_units()
    contacts = contacts_by_unit(units)
    reachable = [unit for unit in units.values() if "A" in contacts[unit.pk]]
    if not reachable:
        return {"skipped": False, "events": 0, "reminders": 0, "more": False}
    content_type = ContentType.objects.get_for_model(ListingEvent)
    params = {
        "overdue_before": _start_of(_previous_working_day(calendar, today)),
        "due_day_before": _start_of(today),
        "floor": _start_of(today - datetime.timedelta(days=LOOKBACK_DAYS)),
        "now": now,
        "unit_ids": [unit.pk for unit in reachable],
        "joined": [unit.created_at for unit in reachable],
        "a_keys": [contacts[unit.pk]["A"].key for unit in reachable],
        "jurisdictions": [unit.jurisdiction_id for unit in reachable],
        "content_type": content_type.pk,
        "prefix": KIND_PREFIX,
        "limit": batch_size,
    }
    link = reverse("blacklist:push-list") + "?pending=1"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_claim_sql(), params)
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        acknowledged = set(ListingAcknowledgement.objects.filter(event_id__in=[row["id"] for row in rows])
                           .values_list("event_id", "unit_id"))
        batch = []
        for row in rows:
            stage = row["stage"]
            due_at = acknowledgement_deadline(row["at"], calendar)
            for unit in reachable:
                if (unit.created_at > row["at"] or unit.jurisdiction_id != row["jurisdiction_id"]
                        or (row["id"], unit.pk) in acknowledged):
                    continue
                recipients = [contacts[unit.pk][role] for role in STAGE_ROLES[stage] if role in contacts[unit.pk]]
                batch.append((row["id"], f"{KIND_PREFIX}{stage}", due_at, recipients,
                              _message(row, stage, unit, due_at, link)))
        written = send_reminders(batch, content_type=content_type)
    return {"skipped": False, "events": len(rows), "reminders": written, "more": len(rows) == batch_size}
