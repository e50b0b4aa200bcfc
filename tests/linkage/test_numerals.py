"""Chinese numerals as the court's documents write them: dates and item numbers."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from linkage.numerals import chinese_date, chinese_ordinal


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.date(2026, 3, 2), "二〇二六年三月二日"),
        (datetime.date(2026, 10, 10), "二〇二六年十月十日"),
        (datetime.date(2026, 12, 31), "二〇二六年十二月三十一日"),
        (datetime.date(2020, 1, 20), "二〇二〇年一月二十日"),
        (datetime.date(2019, 11, 19), "二〇一九年十一月十九日"),
    ],
)
def test_chinese_date_writes_the_year_digit_by_digit_and_counts_month_and_day(day, expected):
    assert chinese_date(day) == expected


def test_chinese_date_of_a_moment_is_its_day_in_shanghai():
    moment = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 on 2 March in Shanghai
    assert chinese_date(moment) == "二〇二六年三月二日"


ORDINALS = (
    "1 一, 10 十, 11 十一, 20 二十, 99 九十九, 100 一百, 101 一百零一, 110 一百一十, 150 一百五十, 999 九百九十九, "
    "1000 一千, 1005 一千零五, 1010 一千零一十, 2300 二千三百, 10000 一万, 10010 一万零一十, 100000 十万, "
    "120305 十二万零三百零五"
)


@pytest.mark.parametrize(
    "n, expected", [(int(n), words) for n, words in (pair.split() for pair in ORDINALS.split(","))]
)
def test_chinese_ordinal_counts_past_ninety_nine(n, expected):
    assert chinese_ordinal(n) == expected
