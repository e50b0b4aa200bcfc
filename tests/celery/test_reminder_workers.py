"""The reminder ladder run by real Celery workers on Redis against PostgreSQL: each step reaches its recipients
exactly once, although every scan is delivered twice (same task id, as a broker redelivery would) and two
workers run the scans at the same time."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from assistance import services
from cases import services as case_services
from linkage import notify
from linkage.models import Delivery, DeliveryState, Reminder
from tests import factories

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")
SCAN = "assistance.tasks.scan_reminders"


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def overdue_notice(db):
    court = factories.CourtFactory()
    clerk = factories.ClerkFactory(organisation=court)
    leader = factories.LeaderFactory(organisation=court)
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    factories.ContactFactory(organisation=unit, role="A", name="甲联络", mobile="13800000001", email="a@unit.cn")
    factories.ContactFactory(organisation=unit, role="B", name="乙联络", mobile="13800000002", email="")
    factories.ContactFactory(organisation=unit, role="L", name="丙领导", mobile="13800000003", email="")
    factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=court.jurisdiction),
                                   full_name="丁督办", email="d@committee.cn")
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执88号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初1号",
        filed_on="2026-03-02", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "乙", "id_number": "44010319850615123X"}],
    )
    _, (notice,) = services.draft_notices(
        actor=clerk, case=case, units=[unit], measure="inquiry", debtor=case.parties.debtors().get(),
        ruling_number="（2026）粤0103执88号", items=[{"property_kind": "bank_account", "description": "查询存款"}],
    )
    services.sign_notice(actor=leader, notice=notice)
    notice = services.serve_notice(actor=clerk, notice=notice, at=at(2026, 9, 30, 10))  # due Sat 10-10 (make-up)
    # The unit was told of the service; those messages went out before the workers start (no worker ran yet).
    notify.retry_due_deliveries()
    return notice, clerk


def run_twice_on_two_workers(workers, moment):
    """The same scan delivered twice (one task id, as a redelivery) plus a third copy, on two workers at once."""
    task_id = str(uuid.uuid4())
    results = [workers.send(SCAN, [moment.isoformat()], task_id=task_id) for _ in range(2)]
    results.append(workers.send(SCAN, [moment.isoformat()]))
    for result in results:
        result.get(timeout=60, propagate=True)
    workers.wait_idle()  # the copy that shares the first one's id may still be running after its result came


def recipients(notice, kind):
    return sorted(Reminder.objects.filter(object_id=notice.pk, kind=kind).values_list("recipient_name", flat=True))


def test_ladder_on_real_workers_each_step_exactly_once(overdue_notice, celery_workers):
    notice, clerk = overdue_notice
    workers = celery_workers(2)

    run_twice_on_two_workers(workers, at(2026, 10, 9, 9))  # one working day before
    assert recipients(notice, "before_due") == ["甲联络"]
    run_twice_on_two_workers(workers, at(2026, 10, 10, 9))  # the deadline day (a make-up Saturday)
    assert recipients(notice, "due_day") == ["乙联络", "甲联络"]
    run_twice_on_two_workers(workers, at(2026, 10, 11, 9))  # Sunday: nothing goes out
    run_twice_on_two_workers(workers, at(2026, 10, 12, 9))  # overdue
    assert recipients(notice, "overdue") == ["丙领导", "乙联络", "甲联络"]
    run_twice_on_two_workers(workers, at(2026, 10, 14, 9))  # overdue by 3 working days: escalation
    assert recipients(notice, "escalation") == sorted([clerk.display_name, "丁督办"])

    assert Reminder.objects.filter(object_id=notice.pk).count() == 1 + 2 + 3 + 2
    # Each email/SMS went out exactly once, sent by the workers after the scan's transaction committed.
    # (Besides the reminders, A and B were told once when the notice was served.)
    sms = list(Delivery.objects.filter(channel="sms").exclude(subject__startswith="【新通知书】")
               .values_list("address", flat=True))
    assert sorted(sms) == sorted(["13800000001"] * 3 + ["13800000002"] * 2 + ["13800000003"])
    served = Delivery.objects.filter(channel="sms", subject__startswith="【新通知书】").values_list("address", flat=True)
    assert sorted(served) == ["13800000001", "13800000002"]
    import time

    deadline = time.monotonic() + 30
    while Delivery.objects.exclude(state=DeliveryState.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
