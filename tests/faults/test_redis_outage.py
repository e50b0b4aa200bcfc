"""Redis stopped: the web app keeps serving (a liaison's inbox, a reply through the page with a scan and one through
the API, the public search), and the reminders that fell due meanwhile go out exactly once when it returns."""

import hashlib
import logging
import uuid
from collections import Counter

import pytest
import redis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError

from assistance.models import Notice, NoticeState, Reply
from assistance.tasks import scan_reminders_task
from linkage.models import Reminder

from .conftest import (
    RETRY_DELIVERIES,
    SCAN,
    acknowledged_notice,
    at,
    pdf_bytes,
    reminder_deliveries,
    wait_until_all_sent,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BEFORE_DUE = at(2026, 10, 9, 9)  # the scan a worker already held when Redis went down
OVERDUE = at(2026, 10, 12, 9)  # the first scan beat hands out once Redis is back


def reminders_of(notice):
    return sorted(Reminder.objects.filter(object_id=notice.pk).values_list("kind", "recipient_name"))


def test_redis_down_web_serves_and_reminders_due_meanwhile_go_out_once_when_it_returns(
    people, due_notice, app_on_own_redis, celery_workers, sms_gateway, client_for, api_for, caplog, settings, tmp_path
):
    own_redis = app_on_own_redis
    settings.MEDIA_ROOT = tmp_path / "media"
    liaison = people["liaison"]
    on_page, by_api = acknowledged_notice(people), acknowledged_notice(people)
    assert cache.add("faults:probe", 1) and cache.get("faults:probe") == 1  # the cache really is this Redis

    own_redis.stop()
    with pytest.raises(redis.ConnectionError):
        cache.get("faults:probe")

    # The liaison's inbox, and a reply with a scan through the page.
    web = client_for(liaison)
    inbox = web.get(reverse("assistance:inbox"), {"tab": "overdue"})
    assert inbox.status_code == 200 and due_notice.case.number in inbox.content.decode()
    scan = pdf_bytes(200_000)
    response = web.post(reverse("assistance:reply", args=[on_page.pk]), {
        "outcome": "done", "text": "经查，被执行人在我局登记的账户如下。",
        "results-TOTAL_FORMS": "1", "results-INITIAL_FORMS": "0", "results-0-property_kind": "bank_account",
        "results-0-identifier": "6222000011112222", "results-0-institution": "工商银行荔湾支行",
        "results-0-value": "12345.67", "save": "1",
        "attachments": [SimpleUploadedFile("回执.pdf", scan, content_type="application/pdf")],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = Reply.objects.get(notice=on_page)
    (attachment,) = reply.attachments.all()
    with attachment.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(scan).hexdigest() == attachment.sha256
    assert reply.results.get().identifier == "6222000011112222"

    # A reply through the API.
    response = api_for(liaison).post(f"/api/v1/notices/{by_api.pk}/reply/", {
        "outcome": "done", "text": "已查询。",
        "results": [{"property_kind": "bank_account", "identifier": "6222000033334444", "institution": "建设银行"}],
    }, format="json")
    assert response.status_code == 200, response.content.decode()
    assert Notice.objects.get(pk=by_api.pk).state == NoticeState.REPLIED
    assert Notice.objects.get(pk=on_page.pk).state == NoticeState.REPLIED
    answered = web.get(reverse("assistance:inbox"), {"tab": "replied"}).content.decode()
    assert on_page.case.number in answered and by_api.case.number in answered

    # The public search, whose rate limit counts in the cache: served unthrottled rather than failed.
    with caplog.at_level(logging.WARNING, logger="blacklist.public"):
        assert Client().get("/public/debtors/", {"name": "张三丰"}).status_code == 200
        assert Client().get("/api/v1/public/debtors/", {"name": "张三丰"}).status_code == 200
    assert "rate limit" in caplog.text

    # Beat cannot hand out a scan while the broker is down ...
    with pytest.raises(OperationalError):
        celery_workers.send(SCAN, [OVERDUE.isoformat()])
    # ... and a scan a worker fetched before the outage records its reminder, but cannot queue the SMS: that is
    # logged and left to the periodic retry (the reminder row is the promise; the delivery row stays pending).
    # (Its warning, "could not queue 1 deliveries", is not asserted: under xdist the captured log of this step came
    # back empty once in CI, cause not found; what matters is asserted instead: the row stays pending, nothing sent.)
    assert scan_reminders_task.apply(args=[BEFORE_DUE.isoformat()]).get()["reminders"] == 1
    assert list(reminder_deliveries().values_list("state", "attempts")) == [("pending", 0)]
    assert sms_gateway.accepted == []

    # Redis returns, empty (no persistence: whatever it held is gone). Beat's next ticks reach a worker: the scan,
    # delivered twice (a duplicate delivery of the same task), and the delivery retry.
    own_redis.start()
    celery_workers.start()
    task_id = str(uuid.uuid4())
    scans = [celery_workers.send(SCAN, [OVERDUE.isoformat()], task_id=task_id) for _ in range(2)]
    celery_workers.send(RETRY_DELIVERIES)
    for result in scans:
        result.get(timeout=60)
    wait_until_all_sent(celery_workers, expected=4)

    # Each reminder exactly once: the one recorded during the outage, and the stage due now (the deadline day,
    # which passed while nothing could scan, is not sent late: a missed scan never floods stale stages).
    assert reminders_of(due_notice) == [("before_due", "甲联络"), ("overdue", "丙领导"), ("overdue", "乙联络"),
                                        ("overdue", "甲联络")]
    assert sorted(reminder_deliveries().values_list("attempts", flat=True)) == [1, 1, 1, 1]
    sent = Counter(sms_gateway.accepted)
    assert set(sent.values()) == {1}, sent
    assert Counter(mobile for mobile, _ in sent) == {"13800000001": 2, "13800000002": 1, "13800000003": 1}
    assert Counter("即将到期" in text for _, text in sent) == {True: 1, False: 3}
