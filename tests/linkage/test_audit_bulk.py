"""Bulk writes (bulk_create, bulk_update, update()) send no model signals; the audit records each one as an entry
naming the model, the rows' ids and, for updates, each row's values before and after."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from linkage import audit
from linkage.models import AuditEntry, CalendarDay, CalendarYear, Delivery, Notification
from linkage.notify import Message, Recipient, notify_many
from linkage.workdays import seed_from_chinese_calendar

pytestmark = pytest.mark.django_db


def bulk_entries(model, action):
    return list(AuditEntry.objects.filter(action=action, content_type=ContentType.objects.get_for_model(model)))


def test_notifications_and_deliveries_written_in_bulk_are_recorded(liaison, other_liaison):
    recipients = [Recipient(key=f"user:{user.pk}", name=user.username, user_id=user.pk, email=f"{user.username}@example.cn",
                            mobile="13800000000") for user in (liaison, other_liaison)]
    notify_many([(recipients, Message(kind="test", title="通知", body="正文"))])
    [notifications] = bulk_entries(Notification, "bulk_create")
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    assert sorted(notifications.changes["ids"]) == ids and notifications.changes["count"] == 2
    assert {row["recipient_id"] for row in notifications.changes["new"]} == {liaison.pk, other_liaison.pk}
    [deliveries] = bulk_entries(Delivery, "bulk_create")
    assert deliveries.changes["count"] == 4  # email and SMS for each
    assert sorted(deliveries.changes["ids"]) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_marking_all_read_is_an_update_with_before_and_after(client_for, liaison):
    notify_many([([Recipient.from_user(liaison)], Message(kind="test", title="通知", body="正文"))])
    notification = Notification.objects.get()
    client = client_for(liaison)
    client.post(reverse("notifications-read-all"))
    [entry] = bulk_entries(Notification, "bulk_update")
    assert entry.user == liaison and entry.changes["ids"] == [notification.pk]
    before, after = entry.changes["changed"][str(notification.pk)]["read_at"]
    assert before is None and after is not None


def test_an_update_that_matches_nothing_records_nothing():
    assert Notification.objects.filter(pk=-1).update(read_at=timezone.now()) == 0
    assert not bulk_entries(Notification, "bulk_update")


def test_seeding_the_calendar_records_its_bulk_creates_and_updates():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    AuditEntry.objects.all().delete()
    seed_from_chinese_calendar(CalendarDay, CalendarYear)
    [days] = bulk_entries(CalendarDay, "bulk_create")
    assert days.changes["count"] == CalendarDay.objects.count() > 100
    assert bulk_entries(CalendarYear, "bulk_create")
    # A package row that drifted is brought back by bulk_update: one entry, not a second one for Django's own update().
    row = CalendarDay.objects.order_by("date").first()
    CalendarDay.objects.filter(pk=row.pk).update(name="改过的名称")
    AuditEntry.objects.all().delete()
    seed_from_chinese_calendar(CalendarDay, CalendarYear)
    [fixed] = bulk_entries(CalendarDay, "bulk_update")
    assert fixed.changes["ids"] == [row.pk] and fixed.changes["new"][str(row.pk)]["name"] != "改过的名称"


def test_every_model_of_the_audited_apps_writes_in_bulk_through_the_audited_queryset():
    errors = [error for error in checks.run_checks() if error.id == "linkage.E001"]
    assert errors == []


def test_the_check_names_a_model_that_bypasses_the_audit(monkeypatch):
    from linkage import checks as linkage_checks

    monkeypatch.setattr(audit, "AUDITED_APPS", audit.AUDITED_APPS | {"contenttypes"})
    errors = linkage_checks.bulk_writes_are_audited(None)
    assert any("contenttypes.contenttype" in error.msg for error in errors)
