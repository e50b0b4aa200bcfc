"""Dashboards and lists around midnight and a holiday (time frozen), the committee's overdue board, the bell."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assistance import selectors, services
from cases import services as case_services
from linkage.models import Notification
from linkage.notify import Message, Recipient, notify
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def notice(court, clerk, leader):
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执77号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初1号",
        filed_on="2026-03-02", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "乙", "id_number": "44010319850615123X"}],
    )
    _, (notice,) = services.draft_notices(
        actor=clerk, case=case, units=[unit], measure="inquiry", debtor=case.parties.debtors().get(),
        ruling_number="（2026）粤0103执77号", items=[{"property_kind": "bank_account", "description": "查询存款"}],
    )
    services.sign_notice(actor=leader, notice=notice, at=at(2026, 9, 30, 9))
    # Served the last working day before National Day: due at the close of the make-up Saturday 10-10.
    return services.serve_notice(actor=clerk, notice=notice, at=at(2026, 9, 30, 10))


def tab_of(user, now):
    tabs = selectors.inbox_tabs(now)
    counts = selectors.inbox_counts(user, now, tabs)
    return {key for key, value in counts.items() if value}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 9, 30, 12), {"new"}),  # served today; due after the holiday
        (at(2026, 10, 9, 23, 59), {"new", "due_soon"}),  # Friday night: due by the close of the next working day
        (at(2026, 10, 10, 23, 59, 58), {"new", "due_soon"}),  # one second before the deadline
        (at(2026, 10, 11, 0, 0, 1), {"new", "overdue"}),  # just past midnight: overdue
    ],
)
def test_inbox_around_midnight_and_the_holiday(notice, moment, expected):
    liaison = factories.LiaisonFactory(organisation=notice.unit)
    with time_machine.travel(moment, tick=False):
        assert tab_of(liaison, moment) == expected


def test_due_soon_skips_the_national_day_holiday(notice):
    liaison = factories.LiaisonFactory(organisation=notice.unit)
    # On 09-30 the next working day is 10-08: a deadline on 10-10 is not "due soon" yet.
    assert "due_soon" not in tab_of(liaison, at(2026, 9, 30, 12))


def test_clerk_home_shows_overdue_after_midnight(client_for, clerk, notice):
    client = client_for(clerk)
    with time_machine.travel(at(2026, 10, 10, 23, 0), tick=False):
        before = selectors.court_workload(clerk)
    with time_machine.travel(at(2026, 10, 11, 0, 30), tick=False):
        after = selectors.court_workload(clerk)
        page = client.get(reverse("home")).content.decode()
    assert before["overdue_count"] == 0 and before["due_this_week_count"] == 1
    assert after["overdue_count"] == 1
    assert notice.case.number in page


def test_committee_sees_overdue_by_unit(client_for, committee_user, notice):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        rows = selectors.overdue_by_unit(committee_user)
        page = client_for(committee_user).get(reverse("home")).content.decode()
    assert [(row["unit"], row["count"]) for row in rows] == [(notice.unit, 1)]
    assert "各成员单位逾期未办" in page and notice.unit.name in page


def test_bell_counts_unread_and_hides_other_peoples(client_for, liaison, other_liaison):
    notify([Recipient.from_user(liaison)], Message(kind="t", title="请办理", body="正文", link="/inbox/"))
    mine = Notification.objects.get(recipient=liaison)
    client = client_for(liaison)
    assert 'id="bell-count">1<' in client.get(reverse("home")).content.decode()
    assert "请办理" in client.get(reverse("notifications")).content.decode()
    other = client_for(other_liaison)
    assert other.post(reverse("notification-read", args=[mine.pk])).status_code == 404
    assert "请办理" not in other.get(reverse("notifications")).content.decode()
    client = client_for(liaison)
    response = client.post(reverse("notification-read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_administrator_home_shows_failed_sends(client_for, admin_user):
    from linkage.models import Delivery

    Delivery.objects.create(channel="sms", address="13800000000", subject="提醒", body="正文", state="failed",
                            attempts=5, last_error="ConnectionError: 网关不可达")
    page = client_for(admin_user).get(reverse("home")).content.decode()
    assert 'id="failed-deliveries"' in page and "有 <strong>1</strong> 条短信或邮件" in page


def test_the_inbox_counts_never_sort_the_units_history(notice):
    """The history tabs are counted up to a cap; sorting the unit's whole history first (the model's default order)
    made the inbox take 130 ms of SQL at 33,000 notices of one unit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    liaison = factories.LiaisonFactory(organisation=notice.unit)
    with CaptureQueriesContext(connection) as queries:
        selectors.inbox_counts(liaison, at(2026, 9, 30, 12))
    counting = [query["sql"] for query in queries.captured_queries if "assistance_notice" in query["sql"]]
    # One aggregate over the open notices, and three capped counts: replied (awaiting the court), lifted (to
    # acknowledge) and finished (issue 19 split the former "replied and closed" tab so nothing open hides in it).
    assert len(counting) == 4 and not any("ORDER BY" in sql for sql in counting)
    capped = [sql for sql in counting if "LIMIT 1000" in sql]
    assert len(capped) == 3
    aggregate = next(sql for sql in counting if sql not in capped)
    assert "IN ('served', 'acknowledged')" in aggregate  # only what can be open
