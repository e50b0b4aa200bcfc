"""Metrics on a constructed year (2025) of notices with known answers, across National Day and Spring Festival with
their make-up working days (2025: 1-8 Oct off, Sun 28 Sep and Sat 11 Oct worked; 28 Jan-4 Feb off, Sun 26 Jan and
Sat 8 Feb worked; 2026: 1-2 Jan off, Sun 4 Jan worked).

The set-based SQL and the Python implementation are held to the same answers."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from assessment.metrics import compute_metrics, notices_behind, percentile_cont
from assistance import services as notice_services
from assistance.models import Notice
from linkage.models import Reminder
from tests import factories

from .conftest import at

pytestmark = pytest.mark.django_db

AS_OF = at(2026, 1, 5, 12)  # Monday, a working day after the 2026 New Year holiday and its make-up Sunday


def remind(notice, kind, *recipients):
    content_type = ContentType.objects.get_for_model(Notice)
    for key in recipients:
        Reminder.objects.create(content_type=content_type, object_id=notice.pk, kind=kind, due_at=notice.due_at,
                                recipient_key=key)


@pytest.fixture
def year_2025(notices, unit, other_unit, third_unit, clerk):
    """Seven notices of `unit` served in 2025 (N1-N7), one withdrawn, two outside the year; ten for `other_unit`
    replied 0..9 working days after service; nothing for `third_unit`."""
    n = {}
    # N1: served Tue 30 Sep; the first working day after is Thu 9 Oct (National Day): signed for and replied then.
    # Deadline 3 working days: 9 Oct, 10 Oct, Sat 11 Oct (make-up) → extended by one working day to Mon 13 Oct.
    n[1] = notices.notice(unit, at(2025, 9, 30, 10), acknowledged=at(2025, 10, 9, 9))
    liaison = notices.liaison(unit)
    with time_machine.travel(at(2025, 10, 9, 9, 30), tick=False):
        request = notice_services.request_extension(actor=liaison, notice=n[1], days=1, reason="需调取档案")
        notice_services.decide_extension(actor=clerk, request=request, granted=True, reason="同意")
    with time_machine.travel(at(2025, 10, 9, 15), tick=False):
        notice_services.reply_to_notice(actor=liaison, notice=n[1], outcome="not_found", text="未查到。")
    # N2: served Fri 26 Sep; signed for and replied on Sun 28 Sep, a make-up working day: 1 working day.
    n[2] = notices.notice(unit, at(2025, 9, 26, 16), acknowledged=at(2025, 9, 28, 9), replied=at(2025, 9, 28, 11))
    # N3: served Fri 24 Jan; the first working day after is the make-up Sun 26 Jan, so Mon 27 Jan is late;
    # replied Wed 5 Feb after Spring Festival: 26 Jan, 27 Jan, 5 Feb = 3 working days, on the deadline day.
    n[3] = notices.notice(unit, at(2025, 1, 24, 10), acknowledged=at(2025, 1, 27, 9), replied=at(2025, 2, 5, 10))
    # N4: served Tue 30 Dec 2025, replied Tue 6 Jan 2026: 31 Dec, Sun 4 Jan, 5 Jan, 6 Jan = 4 working days;
    # deadline Mon 5 Jan → one working day late. Counts in 2025, the year it was served.
    n[4] = notices.notice(unit, at(2025, 12, 30, 10), acknowledged=at(2025, 12, 31, 9))
    with time_machine.travel(at(2025, 12, 31, 10), tick=False):
        request = notice_services.request_extension(actor=liaison, notice=n[4], days=3, reason="节假日人手不足")
        notice_services.decide_extension(actor=clerk, request=request, granted=False, reason="不同意")
    with time_machine.travel(at(2026, 1, 6, 10), tick=False):
        notice_services.reply_to_notice(actor=liaison, notice=n[4], outcome="not_found", text="未查到。")
    # N5: served and replied the same day: 0 working days; a review suggestion not upheld.
    n[5] = notices.notice(unit, at(2025, 6, 10, 9), acknowledged=at(2025, 6, 10, 11))
    with time_machine.travel(at(2025, 6, 10, 12), tick=False):
        suggestion = notice_services.raise_review_suggestion(actor=liaison, notice=n[5], reason="账户非本人")
        notice_services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=False, reason="不成立")
    with time_machine.travel(at(2025, 6, 10, 16), tick=False):
        notice_services.reply_to_notice(actor=liaison, notice=n[5], outcome="not_found", text="未查到。")
    # N6: a freeze served Mon 22 Dec, due Tue 23 Dec, never signed for nor answered: at AS_OF (Mon 5 Jan 2026)
    # overdue by 24, 25, 26, 29, 30, 31 Dec, Sun 4 Jan, 5 Jan = 8 working days. Asked for time, refused.
    n[6] = notices.notice(unit, at(2025, 12, 22, 10), measure="freeze")
    with time_machine.travel(at(2025, 12, 22, 11), tick=False):
        request = notice_services.request_extension(actor=liaison, notice=n[6], days=2, reason="系统故障")
        notice_services.decide_extension(actor=clerk, request=request, granted=False, reason="不同意")
    # N7: a freeze lifted before its deadline, never answered: received, not assessed, not overdue.
    n[7] = notices.notice(unit, at(2025, 11, 3, 10), measure="freeze", lifted=at(2025, 11, 4, 9))
    # A review suggestion upheld: the notice is withdrawn, so it leaves the figures but the suggestion counts.
    withdrawn = notices.notice(unit, at(2025, 3, 3, 10))
    with time_machine.travel(at(2025, 3, 3, 11), tick=False):
        suggestion = notice_services.raise_review_suggestion(actor=liaison, notice=withdrawn, reason="非本单位职责")
        notice_services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=True,
                                                 resolution="withdrawn", reason="成立")
    # Outside the year: served 30 Dec 2024 (replied in 2025) and served 5 Jan 2026.
    n["2024"] = notices.notice(unit, at(2024, 12, 30, 10), replied=at(2025, 1, 3, 10))
    n["2026"] = notices.notice(unit, at(2026, 1, 5, 9), replied=at(2026, 1, 5, 10))
    # Reminders: N4 got "before due" (A) and "due day" (A and B: one stage); N6 "overdue" and an escalation sent to
    # two people (one escalation).
    remind(n[4], "before_due", "user:1")
    remind(n[4], "due_day", "user:1", "user:2")
    remind(n[6], "overdue", "user:1")
    remind(n[6], "escalation", "user:3", "user:4")
    # other_unit: ten inquiries served Mon 3 Mar 2025, replied after 0..9 working days (3-14 Mar, no holiday).
    replies = [datetime.date(2025, 3, day) for day in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14)]
    for day in replies:
        notices.notice(other_unit, at(2025, 3, 3, 9), acknowledged=at(2025, 3, 3, 10),
                       replied=at(day.year, day.month, day.day, 16))
    return n


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_known_answers(year_2025, unit, other_unit, third_unit, engine):
    metrics = compute_metrics([unit.pk, other_unit.pk, third_unit.pk], 2025, as_of=AS_OF, engine=engine)
    m = metrics[unit.pk]
    assert m["received"] == 7
    assert m["by_measure"] == {"inquiry": 5, "freeze": 2}
    # In time: N1 (9 Oct is the first working day after 30 Sep), N2 (make-up Sunday), N4, N5; late: N3; never: N6, N7.
    assert m["acknowledged_in_time"] == 4
    assert m["ack_due"] == 6  # N7 was lifted before its time to sign for it ran out
    assert m["replied"] == 5
    assert m["replied_on_time"] == 4  # N1 (extended deadline), N2, N3 (on the deadline day), N5
    assert m["assessed"] == 6  # five replies and N6; N7 was lifted before it fell due
    assert m["overdue"] == 2  # N4 (replied late), N6 (open)
    assert m["open_overdue"] == 1
    assert m["overdue_days"] == 1 + 8
    # Reply times 1, 1, 3, 4, 0 working days.
    assert m["reply_days_avg"] == 1.8
    assert m["reply_days_p90"] == 3.6  # sorted 0,1,1,3,4: position 3.6 → 3 + 0.6 × (4 − 3)
    assert m["reply_histogram"] == {"0": 1, "1": 2, "3": 1, "4": 1}
    assert m["reminders"] == 3 and m["reminded_notices"] == 2
    assert m["escalations"] == 1 and m["escalated_notices"] == 1
    assert m["extensions_requested"] == 3 and m["extensions_granted"] == 1
    assert m["reviews_raised"] == 2 and m["reviews_upheld"] == 1
    assert m["pushes"] is None  # not a joint-punishment unit

    other = metrics[other_unit.pk]
    assert other["received"] == 10 and other["replied"] == 10
    assert other["replied_on_time"] == 4  # 0-3 working days within the 3-working-day inquiry deadline
    assert other["overdue"] == 6
    assert other["overdue_days"] == 1 + 2 + 3 + 4 + 5 + 6
    assert other["reply_days_avg"] == 4.5
    assert other["reply_days_p90"] == 8.1  # 0..9: position 8.1
    assert other["acknowledged_in_time"] == 10

    empty = metrics[third_unit.pk]
    assert empty["received"] == 0 and empty["assessed"] == 0 and empty["replied_on_time"] == 0
    assert empty["reply_days_avg"] is None and empty["reply_days_p90"] is None
    assert empty["by_measure"] == {} and empty["reply_histogram"] == {}


def test_sql_and_python_agree(year_2025, unit, other_unit, third_unit):
    units = [unit.pk, other_unit.pk, third_unit.pk]
    for year in (2024, 2025, 2026):
        assert compute_metrics(units, year, as_of=AS_OF, engine="sql") == compute_metrics(
            units, year, as_of=AS_OF, engine="python"
        )


def test_december_notice_replied_in_january_counts_in_the_served_year(year_2025, unit):
    in_2024 = compute_metrics([unit.pk], 2024, as_of=AS_OF)[unit.pk]
    assert in_2024["received"] == 1 and in_2024["replied"] == 1
    in_2026 = compute_metrics([unit.pk], 2026, as_of=AS_OF)[unit.pk]
    assert in_2026["received"] == 1 and in_2026["reply_days_avg"] == 0


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_notices_behind_each_figure(year_2025, unit, engine):
    n = year_2025
    behind = lambda metric: set(notices_behind(metric, unit.pk, 2025, as_of=AS_OF, engine=engine)  # noqa: E731
                                .values_list("pk", flat=True))
    assert behind("received") == {n[i].pk for i in range(1, 8)}
    assert behind("replied_late") == {n[4].pk}
    assert behind("open_overdue") == {n[6].pk}
    assert behind("overdue") == {n[4].pk, n[6].pk}
    # N7 was lifted on the day it was due to be signed for: its time never ran out, so it is not late.
    assert behind("acknowledged_late") == {n[3].pk, n[6].pk}
    assert behind("ack_due") == {n[i].pk for i in range(1, 7)}
    assert behind("escalated") == {n[6].pk}
    assert behind("reminded") == {n[4].pk, n[6].pk}
    assert behind("extensions_granted") == {n[1].pk}
    assert behind("measure:freeze") == {n[6].pk, n[7].pk}
    assert behind("reply_days:1") == {n[1].pk, n[2].pk}
    assert len(behind("reviews_raised")) == 2  # N5 and the withdrawn one
    with pytest.raises(KeyError):
        behind("1=1; drop table x")


def test_a_calendar_change_moves_the_working_day_count(year_2025, unit):
    """The counts read the calendar table as it is now: marking Wed 31 Dec 2025 a holiday shortens N4's reply time
    from 4 to 3 working days (Sun 4 Jan, 5 Jan, 6 Jan)."""
    from linkage.models import CalendarDay

    before = compute_metrics([unit.pk], 2025, as_of=AS_OF)[unit.pk]
    CalendarDay.objects.create(date=datetime.date(2025, 12, 31), kind="holiday", name="测试", source="测试")
    after = compute_metrics([unit.pk], 2025, as_of=AS_OF)[unit.pk]
    assert before["reply_histogram"]["4"] == 1
    assert after["reply_histogram"] == {"0": 1, "1": 2, "3": 2}
    assert after == compute_metrics([unit.pk], 2025, as_of=AS_OF, engine="python")[unit.pk]


def test_joint_punishment_pushes_acknowledged_in_time(clerk, leader, unit, other_unit):
    """A push on Fri 26 Sep 2025 acknowledged on the make-up Sun 28 Sep is in time; one on Tue 30 Sep
    acknowledged on Fri 10 Oct (the second working day after) is late. Only joint-punishment units owe them."""
    from blacklist.models import ListingAcknowledgement, ListingEvent
    from members.models import Measure

    from .conftest import listing_for

    unit.measures.add(Measure.objects.get(code="publish"))
    listing = listing_for(clerk)
    first = ListingEvent.objects.create(listing=listing, at=at(2025, 9, 26, 15), action="approve", pushed=True)
    second = ListingEvent.objects.create(listing=listing, at=at(2025, 9, 30, 15), action="correct", pushed=True)
    ListingEvent.objects.create(listing=listing, at=at(2025, 9, 30, 16), action="note", pushed=False)
    liaison = factories.LiaisonFactory(organisation=unit)
    for event, moment in ((first, at(2025, 9, 28, 10)), (second, at(2025, 10, 10, 10))):
        with time_machine.travel(moment, tick=False):
            ListingAcknowledgement.objects.create(event=event, unit=unit, acknowledged_by=liaison)
    metrics = compute_metrics([unit.pk, other_unit.pk], 2025, as_of=AS_OF)
    assert (metrics[unit.pk]["pushes"], metrics[unit.pk]["pushes_acknowledged"],
            metrics[unit.pk]["pushes_acknowledged_in_time"]) == (2, 2, 1)
    assert metrics[other_unit.pk]["pushes"] is None


def test_percentile_matches_postgres_definition():
    assert percentile_cont([0, 1, 1, 3, 4], 0.9) == pytest.approx(3.6)
    assert percentile_cont([5], 0.9) == 5
    assert percentile_cont([], 0.9) is None
