"""Chasing late units. The periodic scans ask the database what is due, claim those notices (FOR UPDATE SKIP LOCKED),
and send each reminder once through `linkage.reminders.send_reminders`.

The ladder for a notice, on working days from the morning hour on (`settings.REMINDER_HOUR`):
- `before_due`: one working day before the deadline day → the unit's A contact;
- `due_day`: on the deadline day → A and B;
- `overdue`: once the deadline has passed → A, B and the unit's responsible leader;
- `escalation`: overdue by `settings.ESCALATE_AFTER_WORKING_DAYS` working days → the court clerk who drafted the
  notice and the committee's escalation list (the committee's users of the court's jurisdiction).
A lifting served on a unit waits for its online acknowledgement until `lift_due_at` and is reminded the same way
(`scan_lifting_reminders`: due day → A and B, late → A, B and the responsible leader).
A scan sends the stage the notice is in now; a missed scan therefore never floods anybody with stale stages.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Exists, OuterRef, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from cases.models import CONCLUDED_STATUSES
from linkage.models import Reminder
from linkage.notify import Message, Recipient
from linkage.reminders import next_working_day, reminder_window, send_reminders
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.models import Organisation, User
from members.recipients import contacts_by_unit

from .models import IN_FORCE_STATES, MeasureTerm, Notice, NoticeState
from .querysets import overdue_condition

STAGE_LABELS = {
    "before_due": "即将到期",
    "due_day": "今日到期",
    "overdue": "已逾期",
    "escalation": "逾期督办",
}
STAGE_ROLES = {
    "before_due": ("A",),
    "due_day": ("A", "B"),
    "overdue": ("A", "B", "L"),
}
SCAN_BATCH = 5000  # notices per scan transaction; a larger backlog continues in a follow-up task


def _local(moment):
    return timezone.localtime(moment, TIMEZONE)


def _working_days_after(calendar, first, last):
    """Working days d with first < d <= last."""
    count, day = 0, first + datetime.timedelta(days=1)
    while day <= last:
        count += calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def _close_of(day):
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=TIMEZONE)


def stage_bounds(now, calendar, horizon):
    """The due_at ranges of each stage at `now`, newest last:
    escalation: due_at <= close of the day before the N-th working day back (overdue by N working days or more);
    overdue: before now; due_day: before the close of today; before_due: up to the horizon."""
    today = _local(now).date()
    day, counted = today, 0
    while True:
        counted += calendar.is_working_day(day)
        if counted == settings.ESCALATE_AFTER_WORKING_DAYS:
            break
        day -= datetime.timedelta(days=1)
    return {"escalation": _close_of(day - datetime.timedelta(days=1)), "overdue": now,
            "due_day": _close_of(today), "before_due": horizon}


def _stage_expression(bounds):
    return CaseWhen(
        When(due_at__lte=bounds["escalation"], then=Value("escalation")),
        When(overdue_condition(bounds["overdue"]), then=Value("overdue")),
        When(due_at__lte=bounds["due_day"], then=Value("due_day")),
        When(due_at__lte=bounds["before_due"], then=Value("before_due")),
        default=Value(""),
        output_field=CharField(),
    )


def _message(row, stage, link_template):
    def build():
        due = _local(row["due_at"])
        title = f"【{STAGE_LABELS[stage]}】{row['case__number']} {row['measure__name']}（{row['unit__short_name']}）"
        body = (
            f"{row['court__name']}{row['case__number']}协助执行通知书（{row['measure__name']}），"
            f"协助执行单位：{row['unit__name']}，办理期限：{due:%Y年%m月%d日 %H:%M}。"
        )
        if stage in ("overdue", "escalation"):
            body += "已超过办理期限，请立即办理并回复；不能按期办理的，应说明理由。"
        else:
            body += "请在期限内办理并在线回复。"
        return Message(kind=f"reminder_{stage}", title=title, body=body, link=link_template.format(row["pk"]))

    return build


def scan_notice_reminders(now=None, *, batch_size=SCAN_BATCH):
    """One reminder scan. In one transaction it claims (FOR UPDATE SKIP LOCKED) up to `batch_size` open notices
    that are in a reminder stage whose reminder has not been sent for their current deadline, and sends each its
    stage once. A constant number of queries whatever the number reminded; `more` says a further batch waits."""
    now = now or timezone.now()
    today = _local(now).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=31), today + datetime.timedelta(days=31))
    horizon = reminder_window(now, calendar)
    if horizon is None:
        return {"skipped": True, "notices": 0, "reminders": 0, "more": False}
    content_type = ContentType.objects.get_for_model(Notice)
    already = Reminder.objects.filter(content_type=content_type, object_id=OuterRef("pk"), kind=OuterRef("stage"),
                                      due_at=OuterRef("due_at"))
    with transaction.atomic():
        rows = list(
            Notice.objects.open()
            .filter(due_at__lte=horizon)
            .annotate(stage=_stage_expression(stage_bounds(now, calendar, horizon)))
            .exclude(stage="")
            .filter(~Exists(already))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at", "pk")
            .values("pk", "stage", "due_at", "unit_id", "court_id", "created_by_id", "case__number",
                    "measure__name", "unit__short_name", "unit__name", "court__name")[:batch_size]
        )
        contacts = contacts_by_unit({row["unit_id"] for row in rows})
        escalating = [row for row in rows if row["stage"] == "escalation"]
        escalation = _escalation_lists({row["court_id"] for row in escalating})
        clerks = {user.pk: Recipient.from_user(user)
                  for user in User.objects.filter(pk__in={row["created_by_id"] for row in escalating})}
        link_template = reverse("assistance:detail", args=[987654321]).replace("987654321", "{}")
        batch = []
        for row in rows:
            stage = row["stage"]
            if stage == "escalation":
                recipients = [clerks[row["created_by_id"]], *escalation.get(row["court_id"], [])]
            else:
                unit_contacts = contacts[row["unit_id"]]
                recipients = [unit_contacts[role] for role in STAGE_ROLES[stage] if role in unit_contacts]
            batch.append((row["pk"], stage, row["due_at"], _unique(recipients), _message(row, stage, link_template)))
        written = send_reminders(batch, content_type=content_type)
    return {"skipped": False, "notices": len(rows), "reminders": written, "more": len(rows) == batch_size}


def _unique(recipients):
    seen, unique = set(), []
    for recipient in recipients:
        if recipient.key not in seen:
            seen.add(recipient.key)
            unique.append(recipient)
    return unique


def _escalation_lists(court_ids):
    """The committee's users of each court's jurisdiction: {court id: [Recipient]} (one query)."""
    if not court_ids:
        return {}
    jurisdiction_of = dict(Organisation.objects.filter(pk__in=court_ids).values_list("pk", "jurisdiction_id"))
    by_jurisdiction = defaultdict(list)
    for user in User.objects.filter(role="committee", is_active=True,
                                    organisation__jurisdiction_id__in=set(jurisdiction_of.values())).select_related(
                                        "organisation"):
        by_jurisdiction[user.organisation.jurisdiction_id].append(Recipient.from_user(user))
    return {court: by_jurisdiction.get(jurisdiction, []) for court, jurisdiction in jurisdiction_of.items()}


def send_unit_digests(now=None):
    """Once per working day per unit: one message to its A and B contacts listing what is overdue and what is due
    within `settings.DIGEST_HORIZON_WORKING_DAYS` working days."""
    now = now or timezone.now()
    today = _local(now).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=7), today + datetime.timedelta(days=31))
    if reminder_window(now, calendar) is None:
        return {"skipped": True, "units": 0, "reminders": 0}
    last_day = today
    for _ in range(settings.DIGEST_HORIZON_WORKING_DAYS):
        last_day = next_working_day(calendar, last_day)
    horizon = datetime.datetime.combine(last_day, datetime.time(23, 59, 59), tzinfo=TIMEZONE)
    digest_key = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=TIMEZONE)
    with transaction.atomic():
        units = {
            unit.pk: unit
            for unit in Organisation.objects.select_for_update(skip_locked=True).filter(
                pk__in=Notice.objects.open().filter(due_at__lte=horizon).values("unit_id")
            )
        }
        items = defaultdict(list)
        for notice in (Notice.objects.open().filter(due_at__lte=horizon, unit_id__in=units)
                       .select_related("case", "measure").order_by("due_at")):
            items[notice.unit_id].append(notice)
        contacts = {unit: list(by_role.values()) for unit, by_role in contacts_by_unit(units, roles=("A", "B")).items()}
        batch = []
        for unit_id, notices in items.items():
            overdue = [n for n in notices if n.is_overdue(now)]
            lines = [
                f"{'【已逾期】' if n.is_overdue(now) else ''}{n.case.number} {n.measure.name} 期限 {_local(n.due_at):%m月%d日 %H:%M}"
                for n in notices[:50]
            ]
            if len(notices) > 50:
                lines.append(f"……另有{len(notices) - 50}件，请登录系统查看。")
            message = Message(
                kind="digest",
                title=f"{units[unit_id].short_name}今日待办：{len(notices)}件（其中逾期{len(overdue)}件）",
                body="\n".join(lines), link=reverse("assistance:inbox"),
            )
            batch.append((unit_id, "digest", digest_key, contacts.get(unit_id, []), message))
        written = send_reminders(batch, content_type=ContentType.objects.get_for_model(Organisation))
    return {"skipped": False, "units": len(batch), "reminders": written}


def scan_renewals(now=None):
    """Freezes and seals expire (deposits 1 year, movables 2, real estate 3: assistance/periods.py). From
    `settings.RENEWAL_DAYS_AHEAD` days before a term's end (`MeasureTerm`, assistance/terms.py) the clerk who drafted
    the notice is told once per term (a corrected end date is a new term, told again), so the measure is renewed in
    time; not for a notice lifted or withdrawn, a case concluded, or a term whose renewal is already drafted."""
    now = now or timezone.now()
    today = _local(now).date()
    calendar = WorkingCalendar.for_range(today, today + datetime.timedelta(days=7))
    if reminder_window(now, calendar) is None:
        return {"skipped": True, "reminders": 0}
    last = today + datetime.timedelta(days=settings.RENEWAL_DAYS_AHEAD)
    content_type = ContentType.objects.get_for_model(MeasureTerm)
    renewed = Notice.objects.filter(renews=OuterRef("notice_id")).exclude(state=NoticeState.WITHDRAWN)
    with transaction.atomic():
        terms = list(
            MeasureTerm.objects.filter(end_on__gte=today, end_on__lte=last, notice__state__in=IN_FORCE_STATES)
            .exclude(notice__case__status__in=CONCLUDED_STATUSES)
            .filter(~Exists(renewed))
            .select_related("item", "notice__case", "notice__created_by", "notice__unit", "notice__measure")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("end_on", "pk")
        )
        batch = []
        for term in terms:
            notice, item = term.notice, term.item
            expiry = datetime.datetime.combine(term.end_on, datetime.time(0, 0), tzinfo=TIMEZONE)
            what = item.identifier or item.get_property_kind_display()
            message = Message(
                kind="renewal",
                title=f"【续行提醒】{notice.case.number} {what} 将于{term.end_on:%Y年%m月%d日}届满",
                body=(f"{notice.unit.name}协助{notice.measure.name}的{what}"
                      f"（{item.holder or item.get_property_kind_display()}），期限{term.start_on:%Y年%m月%d日}至"
                      f"{term.end_on:%Y年%m月%d日}，将于{(term.end_on - today).days}日后届满。如需继续，请及时起草续行通知书，"
                      f"报执行局领导签发后送达。"),
                link=reverse("assistance:detail", args=[notice.pk]),
            )
            batch.append((term.pk, "renewal", expiry, [Recipient.from_user(notice.created_by)], message))
        written = send_reminders(batch, content_type=content_type)
    return {"skipped": False, "terms": len(terms), "reminders": written}


def scan_lifting_reminders(now=None, *, batch_size=SCAN_BATCH):
    """Liftings the unit has not acknowledged online are reminded like a notice, each stage once per lifting: on the
    day the acknowledgement is due → A and B; once it is late → A, B and the unit's responsible leader. Same window
    (working days from the morning hour) and the same once-only rows as the notice ladder."""
    now = now or timezone.now()
    today = _local(now).date()
    calendar = WorkingCalendar.for_range(today - datetime.timedelta(days=7), today + datetime.timedelta(days=7))
    if reminder_window(now, calendar) is None:
        return {"skipped": True, "notices": 0, "reminders": 0}
    content_type = ContentType.objects.get_for_model(Notice)
    stage = CaseWhen(When(lift_due_at__lt=now, then=Value("overdue")),
                     When(lift_due_at__lte=_close_of(today), then=Value("due_day")), default=Value(""),
                     output_field=CharField())
    already = Reminder.objects.filter(content_type=content_type, object_id=OuterRef("pk"),
                                      kind=Concat(Value("lifting_"), OuterRef("stage")), due_at=OuterRef("lift_due_at"))
    with transaction.atomic():
        rows = list(
            Notice.objects.filter(state=NoticeState.LIFTED, lift_due_at__lte=_close_of(today))
            .annotate(stage=stage).exclude(stage="").filter(~Exists(already))
            .select_for_update(skip_locked=True, of=("self",)).order_by("lift_due_at", "pk")
            .values("pk", "stage", "lift_due_at", "unit_id", "case__number", "measure__name", "unit__name",
                    "unit__short_name", "court__name", "lifting_ruling_number")[:batch_size]
        )
        contacts = contacts_by_unit({row["unit_id"] for row in rows})
        batch = []
        for row in rows:
            unit_contacts = contacts[row["unit_id"]]
            roles = ("A", "B", "L") if row["stage"] == "overdue" else ("A", "B")
            recipients = _unique([unit_contacts[role] for role in roles if role in unit_contacts])
            due = _local(row["lift_due_at"])
            message = Message(
                kind=f"reminder_{row['stage']}",
                title=f"【确认解除{STAGE_LABELS[row['stage']]}】{row['case__number']} {row['measure__name']}（{row['unit__short_name']}）",
                body=(f"{row['court__name']}{row['case__number']}解除协助执行通知书（{row['measure__name']}，"
                      f"解除裁定书{row['lifting_ruling_number']}），协助执行单位：{row['unit__name']}，"
                      f"应于{due:%Y年%m月%d日 %H:%M}前在线确认。请停止协助执行、办理解除手续并在系统中确认。"),
                link=reverse("assistance:detail", args=[row["pk"]]),
            )
            batch.append((row["pk"], f"lifting_{row['stage']}", row["lift_due_at"], recipients, message))
        written = send_reminders(batch, content_type=content_type)
    return {"skipped": False, "notices": len(rows), "reminders": written, "more": len(rows) == batch_size}
