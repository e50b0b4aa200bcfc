"""A Celery worker killed with SIGKILL in the middle of a task loses and duplicates nothing. Tasks are acknowledged
late (CELERY_TASK_ACKS_LATE), so Redis still holds the killed worker's message and hands it to the next worker once
the visibility timeout has passed; the task's work is claimed and recorded in PostgreSQL, so running it again
sends only what the killed run did not commit.

Two places to kill it: inside the reminder scan's transaction (rows claimed, deliveries written, nothing committed),
and in the middle of sending the SMS (one sent, the provider stalled on the second while the worker holds its row)."""

import time
from collections import Counter

import psycopg2
import pytest
from django.contrib.contenttypes.models import ContentType

from assistance.models import Notice
from linkage.models import DeliveryState, Notification, Reminder

from .conftest import (
    SCAN,
    VISIBILITY_TIMEOUT,
    at,
    backends,
    pg_connection,
    reminder_deliveries,
    wait_for,
    wait_until_all_sent,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OVERDUE = at(2026, 10, 12, 9)
MOBILES = {"13800000001": 1, "13800000002": 1, "13800000003": 1}


def reminders_of(notice):
    return sorted(Reminder.objects.filter(object_id=notice.pk).values_list("kind", "recipient_name"))


def unacked(own_redis):
    return own_redis.client(1).hlen("unacked")


def wait_for_redelivery(killed_at):
    """Redis gives a message back only once it has been unacknowledged for the visibility timeout."""
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))


def test_worker_killed_inside_the_scan_transaction(people, due_notice, celery_workers, sms_gateway, own_redis):
    lead = people["contacts"]["L"]
    notice_type = ContentType.objects.get_for_model(Notice)
    with pg_connection(autocommit=False) as blocker, pg_connection() as probe:
        # Hold the scan halfway: an uncommitted row with the key of the leader's reminder, so the worker's INSERT
        # of the reminder rows waits on the unique index after it has claimed the notice and written deliveries.
        with blocker.cursor() as cursor:
            cursor.execute(
                "INSERT INTO linkage_reminder (content_type_id, object_id, kind, due_at, recipient_key, "
                "recipient_name, created_at) VALUES (%s, %s, 'overdue', %s, %s, '', now())",
                [notice_type.pk, due_notice.pk, due_notice.due_at, f"contact:{lead.pk}"],
            )
        first = celery_workers.start()
        scan = celery_workers.send(SCAN, [OVERDUE.isoformat()])
        ((pid, has_written),) = wait_for(
            lambda: [(row[0], row[4]) for row in backends(
                probe, celery_workers.application_name,
                where="wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"linkage_reminder\"%%'")],
            timeout=30, what="the worker's scan to reach the reminder INSERT",
        )
        assert has_written  # its deliveries are written, uncommitted
        with pytest.raises(psycopg2.errors.LockNotAvailable), probe.cursor() as cursor:
            cursor.execute("SELECT id FROM assistance_notice WHERE id = %s FOR UPDATE NOWAIT", [due_notice.pk])

        celery_workers.kill(first)
        killed_at = time.monotonic()
        assert unacked(own_redis) == 1  # the scan's message was never acknowledged

        blocker.rollback()
        wait_for(lambda: not backends(probe, celery_workers.application_name, where=f"pid = {pid}"), timeout=20,
                 what="the killed worker's backend to end")

    # Nothing of the killed run survived: its transaction was rolled back with its connection.
    assert not Reminder.objects.exists() and not reminder_deliveries().exists()
    assert not Notification.objects.filter(kind__startswith="reminder_").exists()
    assert sms_gateway.accepted == []

    wait_for_redelivery(killed_at)
    celery_workers.start()
    assert scan.get(timeout=60)["reminders"] == 3  # the same message, run by the new worker
    wait_until_all_sent(celery_workers, expected=3)

    assert reminders_of(due_notice) == [("overdue", "丙领导"), ("overdue", "乙联络"), ("overdue", "甲联络")]
    assert sorted(reminder_deliveries().values_list("attempts", flat=True)) == [1, 1, 1]
    assert Counter(mobile for mobile, _ in sms_gateway.accepted) == MOBILES
    wait_for(lambda: unacked(own_redis) == 0, timeout=10, what="every message acknowledged")


def test_worker_killed_while_sending_the_sms(people, due_notice, celery_workers, sms_gateway, own_redis):
    sms_gateway.hang_at = 2  # the provider takes the first SMS and stalls on the second
    first = celery_workers.start()
    assert celery_workers.send(SCAN, [OVERDUE.isoformat()]).get(timeout=60)["reminders"] == 3
    wait_for(sms_gateway.hanging.is_set, timeout=30, what="the worker to be sending the second SMS")

    with pg_connection() as probe:
        # Mid-task: one delivery sent and committed; the worker holds the second's row while it waits on the provider.
        with probe.cursor() as cursor:
            cursor.execute("SELECT id FROM linkage_delivery WHERE subject NOT LIKE '【新通知书】%' ORDER BY id "
                               "FOR UPDATE SKIP LOCKED")
            assert len(cursor.fetchall()) == 2
        assert list(reminder_deliveries().values_list("state", flat=True).order_by("id")) == [
            "sent", "pending", "pending"]

        celery_workers.kill(first)
        killed_at = time.monotonic()
        assert unacked(own_redis) == 1  # the delivery chunk's message

        def released():
            with probe.cursor() as cursor:
                cursor.execute("SELECT id FROM linkage_delivery WHERE subject NOT LIKE '【新通知书】%' ORDER BY id "
                               "FOR UPDATE SKIP LOCKED")
                return len(cursor.fetchall()) == 3

        wait_for(released, timeout=20, what="the killed worker's row lock to go with its connection")

    # The interrupted attempt left no trace: not counted, not marked sent, and the provider never accepted it.
    assert list(reminder_deliveries().values_list("state", "attempts").order_by("id")) == [
        (DeliveryState.SENT, 1), (DeliveryState.PENDING, 0), (DeliveryState.PENDING, 0)]
    assert len(sms_gateway.accepted) == 1 and sms_gateway.hung not in sms_gateway.accepted

    wait_for_redelivery(killed_at)
    celery_workers.start()
    wait_until_all_sent(celery_workers, expected=3)

    # The redelivered chunk skipped the SMS already sent and sent the other two: each exactly once.
    assert sorted(reminder_deliveries().values_list("attempts", flat=True)) == [1, 1, 1]
    assert Counter(mobile for mobile, _ in sms_gateway.accepted) == MOBILES
    assert sms_gateway.hung in sms_gateway.accepted
    assert reminders_of(due_notice) == [("overdue", "丙领导"), ("overdue", "乙联络"), ("overdue", "甲联络")]
    wait_for(lambda: unacked(own_redis) == 0, timeout=10, what="every message acknowledged")
