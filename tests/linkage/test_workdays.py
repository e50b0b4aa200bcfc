"""Working-day calendar arithmetic (domain rules, "Working days").

The test database holds the calendar seeded by the data migration from chinese_calendar 1.11.0, which knows
2004-2026: 2026 National Day holiday 10-01..10-07 with make-up days 09-20 (Sun) and 10-10 (Sat); Mid-autumn
09-25..09-27; Spring Festival 02-15..02-23 with make-up days 02-14 and 02-28 (Sat).
"""

import datetime
import io
import logging

import pytest
import time_machine
from django.core.management import call_command

from linkage import workdays
from linkage.models import CalendarDay, CalendarYear
from linkage.tasks import check_calendar_coverage
from linkage.workdays import (
    TIMEZONE,
    WorkingCalendar,
    add_calendar_days,
    add_hours,
    add_working_days,
    calendar_coverage,
    is_provisional,
    is_working_day,
    last_known_year,
    seed_from_chinese_calendar,
)

pytestmark = pytest.mark.django_db

d = datetime.date


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TIMEZONE)


def close_of(year, month, day):
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=TIMEZONE)


@pytest.fixture
def unknown_2027():
    """The calendar knows nothing of 2027 (as with chinese_calendar 1.11.0), whatever a later package carries."""
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    CalendarYear.objects.filter(year__gte=2027).delete()


# ---------------------------------------------------------------------------------------------------------------------
# The seeded data


def test_seeded_calendar_matches_the_2026_schedule():
    national_day = CalendarDay.objects.filter(date__range=(d(2026, 10, 1), d(2026, 10, 7)))
    assert set(national_day.values_list("kind", flat=True)) == {"holiday"}
    assert set(national_day.values_list("name", flat=True)) == {"国庆节"}
    assert national_day.count() == 7
    makeup = CalendarDay.objects.filter(kind="workday", date__year=2026).values_list("date", flat=True)
    assert sorted(makeup) == [
        d(2026, 1, 4),
        d(2026, 2, 14),
        d(2026, 2, 28),
        d(2026, 5, 9),
        d(2026, 9, 20),
        d(2026, 10, 10),
    ]
    assert CalendarDay.objects.get(date=d(2026, 2, 15)).name == "春节"
    assert CalendarDay.objects.get(date=d(2026, 2, 15)).source == "chinese-calendar 1.11.0"
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))


def test_is_working_day():
    assert is_working_day(d(2026, 3, 13)) is True  # Friday
    assert is_working_day(d(2026, 3, 14)) is False  # Saturday
    assert is_working_day(d(2026, 10, 1)) is False  # National Day, Thursday
    assert is_working_day(d(2026, 10, 10)) is True  # make-up Saturday
    assert is_working_day(d(2026, 9, 20)) is True  # make-up Sunday
    assert is_working_day(at(2026, 10, 9, 23)) is True


def test_last_known_year_and_provisional(unknown_2027):
    assert last_known_year() == 2026
    assert is_provisional(d(2026, 12, 31)) is False
    assert is_provisional(d(2027, 1, 1)) is True
    CalendarYear.objects.all().delete()
    assert last_known_year() is None
    assert is_provisional(d(2026, 6, 1)) is True


# ---------------------------------------------------------------------------------------------------------------------
# Working days


def test_three_working_days_across_a_weekend():
    deadline = add_working_days(at(2026, 3, 12), 3)  # Thursday
    assert deadline.due_at == close_of(2026, 3, 17)
    assert deadline.skipped == [(d(2026, 3, 14), "星期六"), (d(2026, 3, 15), "星期日")]
    assert deadline.makeup_days == []
    assert deadline.provisional is False
    assert deadline.rule == "3个工作日"
    assert deadline.due_date == d(2026, 3, 17)


def test_day_zero_is_the_shanghai_date_of_service():
    # 2026-03-12 17:00 UTC is Friday 2026-03-13 01:00 in Shanghai: day 0 is the Friday.
    deadline = add_working_days(datetime.datetime(2026, 3, 12, 17, 0, tzinfo=datetime.UTC), 1)
    assert deadline.due_at == close_of(2026, 3, 16)
    assert deadline.due_at.tzinfo == TIMEZONE


def test_national_day_served_on_the_eve_one_working_day():
    deadline = add_working_days(at(2026, 9, 30), 1)
    assert deadline.due_at == close_of(2026, 10, 8)
    assert deadline.skipped == [(d(2026, 10, day), "国庆节") for day in range(1, 8)]
    assert deadline.provisional is False


def test_national_day_served_on_the_eve_three_working_days_ends_on_the_makeup_saturday():
    deadline = add_working_days(at(2026, 9, 30), 3)
    assert deadline.due_at == close_of(2026, 10, 10)
    assert deadline.makeup_days == [d(2026, 10, 10)]
    assert len(deadline.skipped) == 7


def test_served_on_a_makeup_sunday():
    assert add_working_days(at(2026, 9, 20), 1).due_at == close_of(2026, 9, 21)
    same_day = add_working_days(at(2026, 9, 20), 0)
    assert same_day.due_at == close_of(2026, 9, 20)
    assert same_day.makeup_days == [d(2026, 9, 20)]
    # Served on the Saturday before: the make-up Sunday is the first working day.
    next_day = add_working_days(at(2026, 9, 19), 1)
    assert next_day.due_at == close_of(2026, 9, 20)
    assert next_day.makeup_days == [d(2026, 9, 20)]


def test_mid_autumn_friday_is_skipped():
    deadline = add_working_days(at(2026, 9, 24), 1)  # Thursday; Friday 09-25 is Mid-autumn
    assert deadline.due_at == close_of(2026, 9, 28)
    assert deadline.skipped == [(d(2026, 9, 25), "中秋节"), (d(2026, 9, 26), "中秋节"), (d(2026, 9, 27), "中秋节")]


def test_spring_festival_2026():
    assert add_working_days(at(2026, 2, 13), 1).due_at == close_of(2026, 2, 14)  # make-up Saturday
    deadline = add_working_days(at(2026, 2, 12), 3)
    assert deadline.due_at == close_of(2026, 2, 24)
    assert deadline.makeup_days == [d(2026, 2, 14)]
    assert deadline.skipped == [(d(2026, 2, day), "春节") for day in range(15, 24)]
    late = add_working_days(at(2026, 2, 27), 1)
    assert late.due_at == close_of(2026, 2, 28)
    assert late.makeup_days == [d(2026, 2, 28)]


def test_zero_working_days():
    assert add_working_days(at(2026, 3, 13), 0).due_at == close_of(2026, 3, 13)
    on_sunday = add_working_days(at(2026, 3, 15), 0)
    assert on_sunday.due_at == close_of(2026, 3, 16)
    assert on_sunday.skipped == [(d(2026, 3, 15), "星期日")]


def test_deadline_in_an_unknown_year_is_provisional_and_counts_monday_to_friday(unknown_2027):
    deadline = add_working_days(at(2026, 12, 30), 3)
    # 2027-01-01 is surely a holiday, but no schedule is loaded: counted as a Friday, and flagged.
    assert deadline.due_at == close_of(2027, 1, 4)
    assert deadline.provisional is True
    assert deadline.skipped == [(d(2027, 1, 2), "星期六"), (d(2027, 1, 3), "星期日")]
    assert add_working_days(at(2027, 3, 10), 5).provisional is True
    assert add_working_days(at(2026, 12, 1), 1).provisional is False


def test_administrator_override_changes_the_result():
    assert add_working_days(at(2026, 3, 12), 3).due_at == close_of(2026, 3, 17)
    CalendarDay.objects.create(date=d(2026, 3, 13), kind="holiday", name="台风停工", source="穗府办明电〔2026〕1号")
    deadline = add_working_days(at(2026, 3, 12), 3)
    assert deadline.due_at == close_of(2026, 3, 18)
    assert (d(2026, 3, 13), "台风停工") in deadline.skipped


def test_administrator_override_in_an_unknown_year_counts_but_stays_provisional(unknown_2027):
    CalendarDay.objects.create(date=d(2027, 1, 1), kind="holiday", name="元旦", source="管理员预录")
    deadline = add_working_days(at(2026, 12, 30), 3)
    assert deadline.due_at == close_of(2027, 1, 5)
    assert deadline.provisional is True
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    assert add_working_days(at(2026, 12, 30), 3).provisional is False


def test_bad_arguments():
    with pytest.raises(ValueError):
        add_working_days(datetime.datetime(2026, 3, 12, 10, 0), 1)  # naive
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 12), -1)
    with pytest.raises(TypeError):
        add_working_days(at(2026, 3, 12), 1.5)


# ---------------------------------------------------------------------------------------------------------------------
# Calendar days and hours


def test_calendar_days_ending_on_a_holiday_roll_forward():
    deadline = add_calendar_days(at(2026, 9, 26), 5)  # 5th day is 10-01
    assert deadline.due_at == close_of(2026, 10, 8)
    assert deadline.skipped == [(d(2026, 10, day), "国庆节") for day in range(1, 8)]
    assert deadline.rule == "5日"


def test_calendar_days_ending_on_a_weekday_or_makeup_day():
    assert add_calendar_days(at(2026, 3, 2), 10).due_at == close_of(2026, 3, 12)
    assert add_calendar_days(at(2026, 3, 2), 12).due_at == close_of(2026, 3, 16)  # Saturday → Monday
    makeup = add_calendar_days(at(2026, 10, 3), 7)  # ends on the make-up Saturday 10-10
    assert makeup.due_at == close_of(2026, 10, 10)
    assert makeup.makeup_days == [d(2026, 10, 10)]
    assert makeup.skipped == []


def test_calendar_days_into_an_unknown_year_are_provisional(unknown_2027):
    assert add_calendar_days(at(2026, 12, 20), 15).provisional is True
    assert add_calendar_days(at(2026, 12, 1), 15).provisional is False


def test_hours_run_through_a_holiday():
    deadline = add_hours(at(2026, 9, 30, 18), 24)
    assert deadline.due_at == at(2026, 10, 1, 18)
    assert deadline.skipped == []
    assert deadline.provisional is False
    assert deadline.rule == "24小时"


def test_hours_are_never_provisional_and_are_returned_in_shanghai_time(unknown_2027):
    deadline = add_hours(datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC), 24)
    assert deadline.due_at == at(2027, 1, 1, 20)
    assert deadline.due_at.utcoffset() == datetime.timedelta(hours=8)
    assert deadline.provisional is False


def test_deadline_as_dict():
    data = add_working_days(at(2026, 9, 30), 3).as_dict()
    assert data["due_at"] == "2026-10-10T23:59:59+08:00"
    assert data["makeup_days"] == ["2026-10-10"]
    assert data["skipped"][0] == {"date": "2026-10-01", "reason": "国庆节"}
    assert data["provisional"] is False


# ---------------------------------------------------------------------------------------------------------------------
# Queries


def test_one_query_per_computation(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(at(2026, 9, 30), 3)
    with django_assert_num_queries(1):
        add_working_days(at(2026, 1, 5), 250)
    with django_assert_num_queries(1):
        add_calendar_days(at(2026, 9, 26), 5)
    with django_assert_num_queries(1):
        is_working_day(d(2026, 10, 10))
    with django_assert_num_queries(0):
        add_hours(at(2026, 9, 30), 24)


def test_working_calendar_answers_many_questions_from_memory(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = WorkingCalendar.for_range(d(2026, 1, 1), d(2026, 12, 31))
    with django_assert_num_queries(0):
        results = [calendar.add_working_days(at(2026, 1, 1) + datetime.timedelta(days=i), 3) for i in range(300)]
        assert calendar.is_working_day(d(2026, 10, 10))
        assert calendar.last_known_year >= 2026
    assert results[272].due_at == add_working_days(at(2026, 9, 30), 3).due_at


def test_working_calendar_widens_its_window_with_one_query(django_assert_num_queries):
    calendar = WorkingCalendar.for_range(d(2026, 9, 1), d(2026, 9, 2))
    with django_assert_num_queries(1):
        deadline = calendar.add_working_days(at(2026, 9, 1), 30)
    assert deadline.due_at == add_working_days(at(2026, 9, 1), 30).due_at
    with django_assert_num_queries(1):
        assert calendar.is_working_day(d(2026, 2, 14))


# ---------------------------------------------------------------------------------------------------------------------
# Coverage reminder


def test_calendar_coverage_in_november_without_next_year(unknown_2027, caplog):
    with caplog.at_level(logging.WARNING, logger="linkage.workdays"):
        result = calendar_coverage(d(2026, 11, 24))
    assert result["next_year"] == 2027
    assert result["loaded"] is False
    assert result["reminder"] is True
    assert "2027年" in caplog.text
    assert "管理员" in caplog.text


def test_calendar_coverage_in_november_with_next_year_loaded(unknown_2027, caplog):
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    with caplog.at_level(logging.WARNING, logger="linkage.workdays"):
        result = calendar_coverage(d(2026, 11, 24))
    assert result == {"next_year": 2027, "loaded": True, "reminder": False, "current_year_loaded": True}
    assert caplog.text == ""


def test_calendar_coverage_before_november_is_quiet(unknown_2027, caplog):
    with caplog.at_level(logging.WARNING, logger="linkage.workdays"):
        result = calendar_coverage(d(2026, 10, 31))
    assert result["loaded"] is False
    assert result["reminder"] is False
    assert caplog.text == ""


def test_calendar_coverage_warns_when_the_current_year_is_missing(unknown_2027, caplog):
    with caplog.at_level(logging.WARNING, logger="linkage.workdays"):
        result = calendar_coverage(d(2027, 3, 1))
    assert result["current_year_loaded"] is False
    assert "本年度（2027年）" in caplog.text


def test_check_calendar_coverage_task_uses_today_in_shanghai(unknown_2027):
    # 2026-10-31 16:30 UTC is already 1 November in Shanghai.
    with time_machine.travel(datetime.datetime(2026, 10, 31, 16, 30, tzinfo=datetime.UTC), tick=False):
        result = check_calendar_coverage()
    assert result["next_year"] == 2027
    assert result["reminder"] is True
    assert check_calendar_coverage.name == "linkage.tasks.check_calendar_coverage"


# ---------------------------------------------------------------------------------------------------------------------
# Seeding


def test_seeding_is_idempotent():
    result = seed_from_chinese_calendar(CalendarDay, CalendarYear)
    assert result.changed is False
    assert result.added == [] and result.updated == [] and result.removed == []


def test_seeding_restores_refreshes_and_prunes_package_rows_only():
    CalendarDay.objects.filter(date=d(2026, 10, 10)).delete()
    CalendarDay.objects.filter(date=d(2026, 2, 15)).update(name="旧名称", source="chinese-calendar 1.10.0")
    CalendarDay.objects.create(date=d(2026, 3, 13), kind="holiday", name="旧数据", source="chinese-calendar 1.10.0")
    CalendarYear.objects.filter(year=2010).delete()

    result = seed_from_chinese_calendar(CalendarDay, CalendarYear)

    assert result.added == [d(2026, 10, 10)]
    assert result.updated == [d(2026, 2, 15)]
    assert result.removed == [d(2026, 3, 13)]
    assert result.added_years == [2010]
    assert result.changed_dates == [d(2026, 2, 15), d(2026, 3, 13), d(2026, 10, 10)]
    assert CalendarDay.objects.get(date=d(2026, 10, 10)).kind == "workday"
    assert CalendarDay.objects.get(date=d(2026, 2, 15)).name == "春节"
    assert not CalendarDay.objects.filter(date=d(2026, 3, 13)).exists()


def test_seeding_never_overwrites_an_administrator_row():
    CalendarDay.objects.filter(date=d(2026, 10, 7)).update(
        kind="workday", name="本市调整上班", source="穗府办〔2026〕9号"
    )
    CalendarYear.objects.filter(year=2026).update(source="国办发明电〔2025〕7号")

    result = seed_from_chinese_calendar(CalendarDay, CalendarYear)

    assert result.kept == [d(2026, 10, 7)]
    row = CalendarDay.objects.get(date=d(2026, 10, 7))
    assert (row.kind, row.name, row.source) == ("workday", "本市调整上班", "穗府办〔2026〕9号")
    assert CalendarYear.objects.get(year=2026).source == "国办发明电〔2025〕7号"
    assert add_working_days(at(2026, 9, 30), 1).due_at == close_of(2026, 10, 7)


def test_holiday_names_from_enum_or_string():
    class FakeHoliday:
        value = ("National Day", "国庆节", 7)

    assert workdays._holiday_name_zh(FakeHoliday()) == "国庆节"
    assert workdays._holiday_name_zh("Spring Festival") == "春节"
    assert workdays._holiday_name_zh("Tomb-sweeping Day") == "清明节"


def test_sync_calendar_command_reports_what_it_added():
    CalendarDay.objects.filter(date__in=[d(2026, 10, 1), d(2026, 10, 10)]).delete()
    out = io.StringIO()
    call_command("sync_calendar", stdout=out)
    text = out.getvalue()
    assert "新增日历调整日 2 天：2026-10-01、2026-10-10" in text
    assert "chinese-calendar 1.11.0" in text
    out = io.StringIO()
    call_command("sync_calendar", stdout=out)
    assert "无新增或变化" in out.getvalue()
