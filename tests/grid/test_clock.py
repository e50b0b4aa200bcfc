"""Each grid task's clock on the working-day calendar: N working days (GridTaskTerm) from the day after sending
(Beijing days), holidays passed over, make-up working days counted; a witness task counted from its visit; the
open tasks (only) recomputed when the calendar changes."""

import datetime

import pytest
import time_machine

from grid import services
from grid.clock import due_for
from grid.models import GridTask, GridTaskTerm
from linkage.calendar_services import save_calendar_day
from linkage.models import CalendarDay

from .conftest import local

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize("kind, sent_at, due_on", [
    # Sent the Wednesday before the National Day week (1-7 October 2026): counted from the 8th; Saturday the 10th is
    # a make-up working day and is the third.
    ("locate", local(2026, 9, 30, 14, 0), D(2026, 10, 10)),
    ("post", local(2026, 9, 30, 14, 0), D(2026, 10, 9)),
    # Sent the Thursday before Labour Day (1-5 May 2026): 6, 7, 8, Saturday 9 (make-up), Monday 11.
    ("investigate", local(2026, 4, 30, 9, 0), D(2026, 5, 11)),
    ("serve", local(2026, 4, 30, 9, 0), D(2026, 5, 8)),
    # Sent on a Saturday: day 0 is the Saturday, the count starts on Monday.
    ("locate", local(2026, 11, 28, 10, 0), D(2026, 12, 2)),
    # Friday 18 September 2026 01:00 in Beijing is still Thursday in UTC: the Beijing day counts. Sunday the 20th is
    # a make-up working day.
    ("locate", local(2026, 9, 18, 1, 0), D(2026, 9, 22)),
])
def test_due_day_counts_working_days_from_the_day_after_sending(kind, sent_at, due_on):
    assert due_for(kind, sent_at)[0] == due_on


def test_a_task_sent_on_the_friday_before_a_holiday_week_falls_due_after_it():
    for day in range(16, 21):  # Monday 16 to Friday 20 November 2026, made a holiday week here
        CalendarDay.objects.create(date=D(2026, 11, day), kind="holiday", name="测试假期")
    due_on, rule = due_for("locate", local(2026, 11, 13, 16, 30))
    assert due_on == D(2026, 11, 25)
    assert rule == "发出后3个工作日内回复"


def test_a_witness_task_is_due_the_working_day_after_the_visit_not_after_sending():
    # Visit on Thursday 24 September 2026; the 25th to the 27th are the Mid-autumn holiday.
    due_on, rule = due_for("witness", local(2026, 9, 14, 9, 0), local(2026, 9, 24, 10, 0))
    assert due_on == D(2026, 9, 28)
    assert rule == "见证后1个工作日内回复"
    with pytest.raises(ValueError):
        due_for("witness", local(2026, 9, 14, 9, 0))


def test_the_administrators_term_is_the_one_counted():
    GridTaskTerm.objects.filter(kind="locate").update(working_days=1)
    assert due_for("locate", local(2026, 11, 2, 9, 0)) == (D(2026, 11, 3), "发出后1个工作日内回复")


def test_a_year_whose_holidays_are_not_loaded_is_counted_provisionally():
    due_on, rule = due_for("locate", local(2027, 3, 1, 9, 0))
    assert due_on == D(2027, 3, 4)
    assert "暂按周一至周五计" in rule


def test_send_task_stores_the_due_day_and_its_rule(send):
    with time_machine.travel(local(2026, 9, 30, 14, 0), tick=False):
        task = send("locate")
    assert (task.due_on, task.due_rule) == (D(2026, 10, 10), "发出后3个工作日内回复")
    event = task.events.get(action="send")
    assert event.data["due_on"] == "2026-10-10"


def test_witness_task_sent_through_the_service_counts_from_the_visit(send):
    with time_machine.travel(local(2026, 9, 21, 9, 0), tick=False):
        task = send("witness", scheduled_at=local(2026, 9, 24, 10, 0))
    assert task.due_on == D(2026, 9, 28)


def test_a_calendar_change_moves_open_tasks_only(send, grid_liaison, admin_user):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):  # Monday
        open_task = send("locate")
        answered = send("serve")
        untouched = send("investigate")
    assert open_task.due_on == answered.due_on == D(2026, 11, 5)
    assert untouched.due_on == D(2026, 11, 9)
    with time_machine.travel(local(2026, 11, 3, 10, 0), tick=False):
        services.answer_task(actor=grid_liaison, task=answered,
                             answer={"served": False, "served_at": local(2026, 11, 3, 9, 0), "refusal_note": "无人在家"})
        save_calendar_day(actor=admin_user, date=D(2026, 11, 4), kind="holiday", name="测试调整")
    open_task.refresh_from_db()
    answered.refresh_from_db()
    untouched.refresh_from_db()
    assert open_task.due_on == D(2026, 11, 6)
    assert answered.due_on == D(2026, 11, 5)
    assert untouched.due_on == D(2026, 11, 10)
    moved = open_task.events.get(action="due_moved")
    assert moved.data["previous_due_on"] == "2026-11-05" and moved.data["due_on"] == "2026-11-06"
    assert moved.actor == admin_user and "测试调整" in moved.reason
    assert not answered.events.filter(action="due_moved").exists()


def test_a_calendar_change_after_the_due_day_moves_nothing(send, admin_user):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        task = send("locate")
        save_calendar_day(actor=admin_user, date=D(2026, 11, 12), kind="holiday", name="测试调整")
    task.refresh_from_db()
    assert task.due_on == D(2026, 11, 5)
    assert not GridTask.objects.get(pk=task.pk).events.filter(action="due_moved").exists()


def test_loading_next_years_holidays_recomputes_a_provisional_due_day(send, admin_user):
    from linkage.calendar_services import mark_year_loaded

    with time_machine.travel(local(2026, 12, 30, 10, 0), tick=False):  # Wednesday; 2027 is not loaded
        task = send("locate")
        assert task.due_on == D(2027, 1, 4) and "暂按周一至周五计" in task.due_rule
        save_calendar_day(actor=admin_user, date=D(2027, 1, 1), kind="holiday", name="元旦")
        mark_year_loaded(actor=admin_user, year=2027, source="国办发明电〔2026〕测试号")
    task.refresh_from_db()
    assert (task.due_on, task.due_rule) == (D(2027, 1, 5), "发出后3个工作日内回复")
    assert [event.data["due_on"] for event in task.events.filter(action="due_moved")] == ["2027-01-05", "2027-01-05"]
