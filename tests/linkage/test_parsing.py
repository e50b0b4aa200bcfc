"""The project's one set of parsers for raw input: each refusal names the field in Chinese."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from linkage import parsing
from linkage.errors import ApplicationError


def refusal(call, *args, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize("raw, expected", [
    ("1,234.5", Decimal("1234.50")), ("0", Decimal("0.00")), (Decimal("3.456"), Decimal("3.46")), (12, Decimal("12.00")),
])
def test_amounts_are_read_to_the_cent(raw, expected):
    assert parsing.amount(raw, "金额", "amount") == expected


@pytest.mark.parametrize("raw, message", [
    ("abc", "金额应为数字。"), ("NaN", "金额应为数字。"), ("Infinity", "金额应为数字。"), ("-1", "金额不能为负数。"),
    ("1e14", "金额过大。"),
])
def test_bad_amounts_are_refused_with_the_field_named(raw, message):
    error = refusal(parsing.amount, raw, "金额", "amount")
    assert error.message == message and error.field == "amount"


def test_an_exact_amount_refuses_a_third_decimal_and_blank_is_none_unless_required():
    assert refusal(parsing.amount, "1.005", "金额", "amount", exact=True).message == "金额最多保留两位小数。"
    assert parsing.amount("  ", "金额", "amount") is None
    assert refusal(parsing.amount, "", "金额", "amount", required=True).message == "请填写金额。"


def test_points_hold_their_bounds():
    assert parsing.points("7.5", "得分", "points", maximum=Decimal(10)) == Decimal("7.5")
    assert refusal(parsing.points, "11", "得分", "points", maximum=Decimal(10)).message == "得分应在0至10分之间。"
    assert refusal(parsing.points, "0", "分值", "criteria", maximum=Decimal(100),
                   above_minimum=True).message == "分值应为大于0、不超过100的数。"
    assert refusal(parsing.points, "1.234", "得分", "points", maximum=Decimal(10)).message == "得分最多保留两位小数。"


def test_dates_from_text_dates_and_aware_moments():
    assert parsing.date("2026-02-29".replace("29", "28"), "日期", "on") == datetime.date(2026, 2, 28)
    assert refusal(parsing.date, "2026-02-29", "日期", "on").message == "日期格式应为 YYYY-MM-DD。"
    late_evening_utc = datetime.datetime(2026, 3, 1, 17, 0, tzinfo=datetime.UTC)  # 01:00 on 2 March in Beijing
    assert parsing.date(late_evening_utc, "日期", "on") == datetime.date(2026, 3, 2)
    assert parsing.date(None, "日期", "on") is None


def test_a_moment_without_an_offset_is_beijing_time():
    parsed = parsing.moment("2026-03-02T10:30:00", "时间", "at")
    assert timezone.is_aware(parsed) and parsed.utcoffset() == datetime.timedelta(hours=8)
    assert refusal(parsing.moment, "yesterday", "时间", "at").field == "at"
    assert refusal(parsing.moment, "", "时间", "at", required=True).message == "请填写时间。"


def test_free_text_is_stripped_bounded_and_required_unless_told():
    assert parsing.text("  荔湾区中山八路  ", "现场地点", "place", limit=10) == "荔湾区中山八路"
    assert parsing.text("   ", "现场情况", "situation", limit=10, required=False) == ""
    assert parsing.text("一" * 10, "现场地点", "place", limit=10) == "一" * 10
    with pytest.raises(ApplicationError) as missing:
        parsing.text(None, "现场地点", "place", limit=10)
    assert (missing.value.message, missing.value.field) == ("请填写现场地点。", "place")
    with pytest.raises(ApplicationError) as long:
        parsing.text("一" * 11, "现场地点", "place", limit=10)
    assert (long.value.message, long.value.field) == ("现场地点不能超过10字（现有11字）。", "place")
