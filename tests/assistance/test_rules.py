"""The rules written once: overdue (the queryset and the single-row property agree everywhere around the deadline)
and the notice's table of moves and roles (what each role may do in each state)."""

import datetime
from itertools import product

import pytest

from assistance.machines import NOTICE_MACHINE
from assistance.models import Notice, NoticeState
from assistance.querysets import OPEN_STATES
from tests import factories
from tests.assistance.helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=datetime.UTC)
OFFSETS = [None, -datetime.timedelta(days=3), -datetime.timedelta(seconds=1), -datetime.timedelta(microseconds=1),
           datetime.timedelta(0), datetime.timedelta(microseconds=1), datetime.timedelta(seconds=1),
           datetime.timedelta(days=3)]
ITEMS = [{"property_kind": "bank_account", "description": "查询存款"}]


@pytest.fixture
def unit(court):
    return factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)


@pytest.fixture
def notice(clerk, unit):
    return draft_notice(clerk, file_case(clerk), unit, measure="inquiry", items=ITEMS)


def test_overdue_queryset_and_property_agree_for_every_state_and_deadline_around_now(notice):
    checked = 0
    for state, offset in product(NoticeState.values, OFFSETS):
        due_at = None if offset is None else NOW + offset
        if due_at is None and state not in ("draft", "returned", "signed", "withdrawn"):
            continue  # a served notice always has its clock (served_notice_has_clock)
        Notice.objects.filter(pk=notice.pk).update(
            state=state, due_at=due_at, served_at=None if due_at is None else NOW - datetime.timedelta(days=5))
        row = Notice.objects.get(pk=notice.pk)
        in_query = Notice.objects.filter(pk=notice.pk).overdue(NOW).exists()
        outside = Notice.objects.filter(pk=notice.pk).not_overdue(NOW).exists()
        assert in_query == row.is_overdue(NOW) != outside, (state, offset)
        assert row.is_overdue(NOW) == (state in OPEN_STATES and due_at is not None and due_at < NOW), (state, offset)
        checked += 1
    assert checked == 4 * len(OFFSETS) + 7 * (len(OFFSETS) - 1)


def test_the_table_says_who_may_do_what_in_each_state(clerk, leader, unit, notice):
    liaison = factories.LiaisonFactory(organisation=unit)
    other_clerk = factories.ClerkFactory()  # of another court
    assert NOTICE_MACHINE.actions_for(leader, notice) == ["sign", "return"]
    assert NOTICE_MACHINE.actions_for(clerk, notice) == ["withdraw", "amend"]
    assert NOTICE_MACHINE.actions_for(liaison, notice) == []
    served = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    assert NOTICE_MACHINE.actions_for(clerk, served) == ["lift", "withdraw"]
    assert NOTICE_MACHINE.actions_for(liaison, served) == ["acknowledge", "extension_requested", "review_raised"]
    assert NOTICE_MACHINE.actions_for(leader, served) == []
    assert NOTICE_MACHINE.actions_for(other_clerk, served) == []
    assert NOTICE_MACHINE.may(liaison, served, "acknowledge") and not NOTICE_MACHINE.may(clerk, served, "acknowledge")
