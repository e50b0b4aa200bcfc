"""Special debtors at the first chance (楚政法发〔2018〕3号 二（一）-（三）; 法释〔2017〕7号 art. 8).

When a debtor, or a debtor's legal representative, is a people's congress deputy, a CPPCC member, a civil servant
or a state-owned enterprise, or a party or government organ, the court notifies the body that can urge it to
perform: the standing committee of the congress the deputy sits in, the CPPCC committee the member sits in, the
organisation/personnel department with cadre authority, the superior organ. It is a filing duty: the task is opened
when the case is filed, or when a debtor is added or flagged later, and a measure or a listing opens it when it is
missing (`ensure_special_notifications`, once per debtor and kind).

Time limit (the seed sets none): the court notifies within `settings.SPECIAL_NOTIFICATION_WORKING_DAYS` (default 5)
working days of the task's creation, the product's "general" time limit; derived, never stored, so a calendar
change moves it. Until the sending is recorded, the clerk who filed the case is reminded once each working day
(`remind_special_notifications`, a daily idempotent scan: one `linkage.Reminder` row per task and day).
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from linkage import workdays
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.notify import Message
from linkage.reminders import reminder_window, send_reminders
from linkage.text import REASON_MAX, bounded_text
from members.models import Organisation, OrganisationKind
from members.recipients import user_recipients

from .models import (
    CONCLUDED_STATUSES,
    NotificationLevel,
    NotificationMethod,
    NotificationSubject,
    NotificationTrigger,
    PartyKind,
    PartyRole,
    SpecialDebtorKind,
    SpecialDebtorNotification,
)

FLAG_KINDS = {
    "is_deputy": SpecialDebtorKind.DEPUTY,
    "is_cppcc_member": SpecialDebtorKind.CPPCC,
    "is_public_servant": SpecialDebtorKind.PUBLIC_SERVANT,
    "is_party_government_organ": SpecialDebtorKind.ORGAN,
}
# The roster units that may be addressed for each kind (None: any unit of the roster, e.g. an organ's superior).
ADDRESSEE_KINDS = {
    SpecialDebtorKind.DEPUTY: (OrganisationKind.CONGRESS,),
    SpecialDebtorKind.CPPCC: (OrganisationKind.CPPCC,),
    SpecialDebtorKind.PUBLIC_SERVANT: (OrganisationKind.PERSONNEL, OrganisationKind.DISCIPLINE),
    SpecialDebtorKind.ORGAN: None,
}
# Where the roster has no unit of the kind: the body named in words (the clerk corrects it before sending).
FALLBACK_ADDRESSEES = {
    SpecialDebtorKind.DEPUTY: "{place}人大常委会（或该代表所属人大常委会）",
    SpecialDebtorKind.CPPCC: "{place}政协（或该委员所属政协）",
    SpecialDebtorKind.PUBLIC_SERVANT: "有干部管理权限的组织人事部门",
    SpecialDebtorKind.ORGAN: "上级机关或党委政法委",
}
# Kinds the level of the body is recorded for (the congress or the CPPCC the person sits in).
LEVELLED_KINDS = (SpecialDebtorKind.DEPUTY, SpecialDebtorKind.CPPCC)
# Reminder rows: one per task and working day (the row's due_at is that day's morning).
REMINDER_KIND = "special_notification"


def flagged_kinds(party):
    return [kind for flag, kind in FLAG_KINDS.items() if getattr(party, flag)]


def _subject(party, kind):
    """Who holds the status: a company cannot sit in a congress or a CPPCC, its legal representative can; a
    state-owned enterprise or an organ is the debtor itself."""
    if party.kind == PartyKind.ORGANISATION and kind in LEVELLED_KINDS:
        return NotificationSubject.LEGAL_REPRESENTATIVE, party.legal_representative
    return NotificationSubject.DEBTOR, party.name


def roster_addressees(jurisdiction_id, kind):
    """The active units of the jurisdiction's roster a task of this kind may be addressed to."""
    units = Organisation.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    kinds = ADDRESSEE_KINDS[SpecialDebtorKind(kind)]
    if kinds is not None:
        units = units.filter(kind__in=kinds)
    return units.order_by("sort_order", "id")


def _default_addressee(case, kind):
    """The roster's unit of the kind at the court's level first (e.g. 楚雄州人大常委会内务司法工作委员会), else the
    kind's body in words; an organ's superior cannot be guessed: the jurisdiction's committee (domain rules)."""
    court = case.court
    if kind == SpecialDebtorKind.ORGAN:
        unit = roster_addressees(court.jurisdiction_id, kind).filter(kind=OrganisationKind.COMMITTEE).first()
    else:
        unit = roster_addressees(court.jurisdiction_id, kind).first()
    if unit is not None:
        return unit, unit.name, unit.level if kind in LEVELLED_KINDS else ""
    level = court.level if kind in LEVELLED_KINDS and court.level in NotificationLevel.values else ""
    return None, FALLBACK_ADDRESSEES[kind].format(place=court.jurisdiction.name)[:100], level


def clean_addressee(*, case, kind, unit=None, name="", level="", label="", field="addressees"):
    """(unit, name, level) of an addressee the clerk chose: a unit of the court's jurisdiction's roster fitting
    the kind (given as the unit or its code), or a name typed in; for a deputy or a CPPCC member the level of the
    congress or CPPCC (全国、省、市（州）、县（市、区）、乡镇) is recorded, a roster unit's own level by default."""
    prefix = f"{label}：" if label else ""
    name, level = (name or "").strip(), (level or "").strip()
    if level and level not in NotificationLevel.values:
        raise ApplicationError(f"{prefix}通报对象层级只能是：{'、'.join(NotificationLevel.labels)}。", field=field)
    if unit not in (None, ""):
        if not isinstance(unit, Organisation):
            unit = roster_addressees(case.court.jurisdiction_id, kind).filter(code=str(unit).strip()).first()
        elif not roster_addressees(case.court.jurisdiction_id, kind).filter(pk=unit.pk).exists():
            unit = None
        if unit is None:
            raise ApplicationError(f"{prefix}通报对象应为本辖区名册中的{SpecialDebtorKind(kind).label}通报机关。",
                                   field=field)
        level = level or (unit.level if kind in LEVELLED_KINDS else "")
        return unit, unit.name, level
    if not name:
        raise ApplicationError(f"{prefix}请从名册中选择通报对象，或填写通报对象名称。", field=field)
    if len(name) > 100:
        raise ApplicationError(f"{prefix}通报对象名称不能超过100字。", field=field)
    if kind in LEVELLED_KINDS and not level:
        raise ApplicationError(f"{prefix}请选择{'人大' if kind == SpecialDebtorKind.DEPUTY else '政协'}的层级。",
                               field=field)
    return None, name, level


def clean_addressees(entries, *, party_data, label, field):
    """The addressees given with a debtor at filing: [{kind, unit (code) | name, level}], at most one per kind,
    each for a kind the debtor is flagged with. Returns {kind: {"unit", "name", "level"}} (checked again against
    the roster by `ensure_special_notifications`)."""
    chosen = {}
    for entry in entries or []:
        kind = (entry.get("kind") or "").strip()
        if kind not in SpecialDebtorKind.values:
            raise ApplicationError(f"{label}：通报对象的类别无法识别。", field=field)
        flag = next(flag for flag, value in FLAG_KINDS.items() if value == kind)
        if not party_data.get(flag):
            raise ApplicationError(f"{label}：未标记为{SpecialDebtorKind(kind).label}，不能指定该类通报对象。",
                                   field=field)
        if kind in chosen:
            raise ApplicationError(f"{label}：同一类别只能指定一个通报对象。", field=field)
        chosen[kind] = {"unit": entry.get("unit"), "name": entry.get("name") or "", "level": entry.get("level") or ""}
    return chosen


def ensure_special_notifications(debtor, *, trigger, addressees=None):
    """Open the clerk's notification tasks a special debtor calls for, once per debtor and kind, addressed to the
    body chosen in `addressees` ({kind: {"unit", "name", "level"}}) or else the roster's default. Called in the
    caller's transaction when a case is filed, a debtor added or flagged (`cases.services`), a measure drafted
    (`open_on_measure`) or a listing proposed (blacklist). Returns the debtor's tasks."""
    if debtor.role != PartyRole.DEBTOR:
        return []
    addressees = addressees or {}
    existing = set(SpecialDebtorNotification.objects.filter(debtor=debtor).values_list("kind", flat=True))
    case = debtor.case
    for kind in flagged_kinds(debtor):
        if kind in existing:
            continue
        if kind in addressees:
            unit, name, level = clean_addressee(case=case, kind=kind, label=debtor.name, field="debtors",
                                                 **addressees[kind])
        else:
            unit, name, level = _default_addressee(case, kind)
        subject, subject_name = _subject(debtor, kind)
        # A concurrent trigger for the same debtor and kind: the constraint keeps one, this one is not written.
        SpecialDebtorNotification.objects.get_or_create(debtor=debtor, kind=kind, defaults={
            "case": case, "subject": subject, "subject_name": subject_name[:100], "trigger": trigger,
            "recipient": name, "recipient_unit": unit, "recipient_level": level})
    return list(SpecialDebtorNotification.objects.filter(debtor=debtor))


def open_on_measure(sender, *, debtor, **kwargs):
    """`cases.signals.measure_drafted`: a measure against a special debtor opens the tasks filing missed."""
    ensure_special_notifications(debtor, trigger=NotificationTrigger.MEASURE)


def deadline_of(task):
    """The time limit of a task: N working days after the day it was opened (`workdays.Deadline`)."""
    return workdays.add_working_days(task.created_at, settings.SPECIAL_NOTIFICATION_WORKING_DAYS)


def deadlines_of(tasks):
    """{task id: Deadline} of many tasks, over one calendar window (one query, not one per task)."""
    tasks = list(tasks)
    if not tasks:
        return {}
    days = [timezone.localtime(task.created_at, workdays.TIMEZONE).date() for task in tasks]
    calendar = workdays.WorkingCalendar.for_range(min(days), max(days) + datetime.timedelta(days=40))
    return {task.pk: calendar.add_working_days(task.created_at, settings.SPECIAL_NOTIFICATION_WORKING_DAYS)
            for task in tasks}


def is_overdue(task, deadline, now=None):
    return task.done_on is None and (now or timezone.now()) > deadline.due_at


def _lock_for_clerk(actor, notification):
    notification = (SpecialDebtorNotification.objects.select_for_update(of=("self",))
                    .select_related("case__court").get(pk=notification.pk))
    if not (actor.is_clerk and actor.organisation_id == notification.case.court_id):
        raise PermissionDenied("只有本院执行员可以办理此事项。")
    if notification.done_on is not None:
        raise TransitionNotAllowed("该通报已记录完成。", state="done")
    return notification


@transaction.atomic
def set_addressee(*, actor, notification, unit=None, name="", level=""):
    """A clerk of the case's court names the body to notify before sending (`clean_addressee`)."""
    notification = _lock_for_clerk(actor, notification)
    unit, name, level = clean_addressee(case=notification.case, kind=notification.kind, unit=unit, name=name,
                                        level=level, field="recipient")
    notification.recipient_unit, notification.recipient, notification.recipient_level = unit, name, level
    notification.save(update_fields=["recipient_unit", "recipient", "recipient_level"])
    return notification


@transaction.atomic
def record_sending(*, actor, notification, sent_on, method, document_number="", note="", unit=None, name="",
                   level=""):
    """A clerk of the case's court records that the notification was sent: the day (not in the future, not before
    the filing), how (letter, online, in person), the document number and a note; with a new addressee when one is
    given. Done once: the reminders stop."""
    notification = _lock_for_clerk(actor, notification)
    if unit not in (None, "") or (name or "").strip():
        notification.recipient_unit, notification.recipient, notification.recipient_level = clean_addressee(
            case=notification.case, kind=notification.kind, unit=unit, name=name, level=level, field="recipient")
    if sent_on is None:
        raise ApplicationError("请填写通报日期。", field="done_on")
    sent_on = require_past_date(sent_on, "通报日期", "done_on")
    if sent_on < notification.case.filed_on:
        raise ApplicationError(f"通报日期不能早于立案日期（{notification.case.filed_on:%Y-%m-%d}）。", field="done_on")
    if method not in NotificationMethod.values:
        raise ApplicationError(f"通报方式只能是：{'、'.join(NotificationMethod.labels)}。", field="method")
    document_number = (document_number or "").strip()
    if len(document_number) > 80:
        raise ApplicationError("通报文书文号不能超过80字。", field="document_number")
    notification.done_on, notification.done_by, notification.method = sent_on, actor, method
    notification.document_number = document_number
    notification.note = bounded_text((note or "").strip(), limit=REASON_MAX, label="通报情况", field="note")
    notification.save(update_fields=["done_on", "done_by", "method", "document_number", "note", "recipient_unit",
                                     "recipient", "recipient_level"])
    return notification


def _reminder_message(task, deadline, today):
    overdue = deadline.due_at.date() < today
    when = f"{deadline.due_at:%Y年%m月%d日}" + ("（暂定）" if deadline.provisional else "")
    who = (f"{task.debtor.name}（{task.get_subject_display()}{task.subject_name}）"
           if task.subject == NotificationSubject.LEGAL_REPRESENTATIVE else task.debtor.name)
    return Message(
        kind=REMINDER_KIND,
        title=f"【{'特殊主体通报已逾期' if overdue else '特殊主体待通报'}】{task.case.number} {task.debtor.name}",
        body=(f"被执行人{who}为{task.get_kind_display()}，应将案件情况通报{task.recipient}，期限{when}"
              f"{'，已逾期' if overdue else ''}。通报后请在案件页面记录通报日期、方式和文号。"),
        link=f"/cases/{task.case_id}/#special-notifications",
    )


def remind_special_notifications(now=None):
    """Daily, on working days from the reminder hour: the clerk who filed the case is reminded of each task not yet
    recorded as sent (open cases only: a concluded case's court has nothing left to urge), once per task and day.
    Idempotent: a second run the same day sends nothing. Returns the number of reminders sent."""
    now = now or timezone.now()
    today = timezone.localtime(now, workdays.TIMEZONE).date()
    calendar = workdays.WorkingCalendar.for_range(today, today + datetime.timedelta(days=14))
    if reminder_window(now, calendar) is None:
        return 0
    morning = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=workdays.TIMEZONE)
    with transaction.atomic():
        tasks = list(SpecialDebtorNotification.objects.select_for_update(skip_locked=True, of=("self",))
                     .filter(done_on__isnull=True).exclude(case__status__in=CONCLUDED_STATUSES)
                     .select_related("case__created_by", "debtor").order_by("created_at", "id")[:5000])
        deadlines = deadlines_of(tasks)  # one calendar read for the batch, not one per task
        batch = []
        for task in tasks:
            recipients = user_recipients([task.case.created_by])
            if recipients:
                batch.append((task.pk, REMINDER_KIND, morning, recipients,
                              lambda task=task: _reminder_message(task, deadlines[task.pk], today)))
        return send_reminders(batch, content_type=ContentType.objects.get_for_model(SpecialDebtorNotification))

