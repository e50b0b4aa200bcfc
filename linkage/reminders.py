"""Sending a reminder exactly once. A reminder is a `Reminder` row unique on (subject, kind, deadline, recipient);
`send_reminders` skips the recipients that already have their row and inserts the rest in the caller's
transaction, so a redelivered or concurrent scan sends nothing twice (the constraint is the last word).

`reminder_window` is when every ladder (notices, list pushes, meeting decisions) may send: working days from the
morning hour (`settings.REMINDER_HOUR`) on."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Reminder
from .notify import Message, Recipient, notify_many
from .workdays import TIMEZONE


def next_working_day(calendar, day):
    """The first working day after `day` in a `WorkingCalendar`."""
    day += datetime.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def reminder_window(now, calendar):
    """None when reminders may not go out now (a non-working day, or before the morning hour); else the horizon:
    subjects due before it are candidates (the close of the next working day)."""
    local = timezone.localtime(now, TIMEZONE)
    if not calendar.is_working_day(local.date()) or local.hour < settings.REMINDER_HOUR:
        return None
    next_day = next_working_day(calendar, local.date())
    return datetime.datetime.combine(next_day, datetime.time(23, 59, 59), tzinfo=TIMEZONE)


def already_sent(content_type, object_ids, kinds=None):
    """{(object_id, kind, due_at, recipient_key)} of the reminders already sent for these subjects (one query)."""
    queryset = Reminder.objects.filter(content_type=content_type, object_id__in=list(object_ids))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return set(queryset.values_list("object_id", "kind", "due_at", "recipient_key"))


def send_reminders(batch, *, content_type):
    """Send a batch of reminders: `batch` is a list of (subject_id, kind, due_at, [Recipient], message), where
    message is a `Message` or a callable returning one (built only when somebody still needs it).

    Must run inside a transaction that holds the subjects' rows locked (SELECT … FOR UPDATE SKIP LOCKED), so two
    scans never work on the same subject at once. Returns the number of reminder rows written."""
    sent = already_sent(content_type, {item[0] for item in batch})
    fresh_batch = []
    for subject_id, kind, due_at, recipients, message in batch:
        fresh = [r for r in recipients if (subject_id, kind, due_at, r.key) not in sent]
        for recipient in fresh:
            sent.add((subject_id, kind, due_at, recipient.key))
        if fresh:
            fresh_batch.append((subject_id, kind, due_at, fresh, message() if callable(message) else message))
    notified = notify_many([(recipients, message) for _, _, _, recipients, message in fresh_batch])
    rows = [
        Reminder(content_type_id=content_type.pk, object_id=subject_id, kind=kind, due_at=due_at,
                 recipient_key=recipient.key, recipient_name=recipient.name[:60],
                 notification_id=notifications.get(recipient.key))
        for (subject_id, kind, due_at, recipients, _), notifications in zip(fresh_batch, notified, strict=True)
        for recipient in recipients
    ]
    Reminder.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def remind_administrators_of_calendar(next_year):
    """Once a year, tell every administrator that next year's holiday schedule must be loaded."""
    from .models import CalendarYear

    User = get_user_model()

    content_type = ContentType.objects.get_for_model(CalendarYear)
    due_at = timezone.make_aware(datetime.datetime(next_year - 1, 11, 1))
    admins = User.objects.filter(is_active=True).filter(role="admin") | User.objects.filter(is_superuser=True,
                                                                                           is_active=True)
    recipients = [Recipient.from_user(user) for user in admins.distinct()]
    message = Message(
        kind="calendar",
        title=f"请载入{next_year}年法定节假日安排",
        body=(f"工作日历尚未载入{next_year}年的节假日和调休上班日。国务院办公厅发布通知后，请在后台“工作日历”中录入，"
              f"并新增“已载入年度”{next_year}。在此之前，落在{next_year}年的期限按周一至周五暂计并标注为“暂定”。"),
        link="/admin/linkage/calendarday/",
    )
    try:
        with transaction.atomic():
            return send_reminders([(next_year, "calendar_next_year", due_at, recipients, message)],
                                  content_type=content_type)
    except IntegrityError:  # a concurrent run sent it first
        return 0
