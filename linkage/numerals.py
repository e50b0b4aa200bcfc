"""Chinese numerals as the court's documents write them: a date 二〇二六年三月二日 (the year digit by digit, month
and day counted) and an item number 十一, 一百零一. Every app's documents use these (notices, restriction orders,
meeting minutes)."""

import datetime

from django.utils import timezone

_DIGITS = "〇一二三四五六七八九"
_COUNTING_DIGITS = "零一二三四五六七八九"
_SECTION_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def _section(n: int, *, leading: bool) -> str:
    """0-9999 counted: 一千零五, 一百一十; a leading 10-19 drops its 一 (十, 十二), as 十万 does."""
    parts = []
    pending_zero = False
    for unit, name in _SECTION_UNITS:
        digit, n = divmod(n, unit)
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        if not (leading and not parts and unit == 10 and digit == 1):
            parts.append(_COUNTING_DIGITS[digit])
        parts.append(name)
    return "".join(parts)


def _counted(n: int) -> str:
    """A positive whole number in Chinese numerals as documents count: 十二, 一百零一, 一百五十, 十二万零三百零五."""
    if n < 1 or n >= 10**8:
        raise ValueError(f"{n} is outside 1-99999999")
    high, low = divmod(n, 10000)
    if not high:
        return _section(low, leading=True)
    joiner = "零" if 0 < low < 1000 else ""
    return _section(high, leading=True) + "万" + joiner + (_section(low, leading=False) if low else "")


def arabic_date(value) -> str:
    """2026年3月20日: GB/T 9704-2012 writes dates in Arabic numerals, without zero padding (also how a date reads in
    a message). An aware datetime is taken on its Asia/Shanghai day."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_date(value) -> str:
    """The date in the style of the court's documents: 二〇二六年三月二日, 二〇二六年十月十日, 二〇二六年十二月三十一日.

    The year is read digit by digit with 〇 for zero; month and day are counted (十, 十二, 三十一). An aware
    datetime is taken on its Asia/Shanghai day.
    """
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    year = "".join(_DIGITS[int(digit)] for digit in f"{value.year:04d}")
    return f"{year}年{_counted(value.month)}月{_counted(value.day)}日"


def chinese_ordinal(n: int) -> str:
    """The item number of a document: 一, 二 … 十, 十一 … 九十九, 一百, 一百零一 …, with no upper bound a notice
    or an agenda reaches (up to 99,999,999)."""
    return _counted(n)
