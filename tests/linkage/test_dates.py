"""Dates of past facts lie between LINKAGE_EARLIEST_FACT_DATE and today's local date (Asia/Shanghai)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linkage.dates import PastDateValidator, earliest_fact_date, require_past_date
from linkage.errors import ApplicationError

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_earliest_fact_date_defaults_to_the_founding_of_the_republic():
    assert earliest_fact_date() == datetime.date(1949, 10, 1)


def test_today_and_the_earliest_date_are_accepted():
    validator = PastDateValidator("立案日期")
    validator(timezone.localdate())
    validator(datetime.date(1949, 10, 1))


def test_a_future_date_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        PastDateValidator("立案日期")(timezone.localdate() + datetime.timedelta(days=1))
    assert error.value.messages == ["立案日期不能晚于今天。"]


def test_a_date_before_the_earliest_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        PastDateValidator("立案日期")(datetime.date(1900, 1, 1))
    assert error.value.messages == ["立案日期不能早于1949年10月01日。"]


def test_the_earliest_date_is_a_setting(settings):
    settings.LINKAGE_EARLIEST_FACT_DATE = datetime.date(2000, 1, 1)
    with pytest.raises(ValidationError):
        PastDateValidator("立案日期")(datetime.date(1999, 12, 31))


def test_a_moment_is_judged_by_its_local_date():
    now = timezone.localtime(timezone.now(), SHANGHAI)
    late_today = now.replace(hour=23, minute=59)
    PastDateValidator("发现时间")(late_today.astimezone(datetime.UTC))  # still today in Shanghai
    with pytest.raises(ValidationError):
        PastDateValidator("发现时间")((late_today + datetime.timedelta(minutes=2)).astimezone(datetime.UTC))


def test_a_service_gets_an_application_error_naming_the_field():
    with pytest.raises(ApplicationError) as error:
        require_past_date(datetime.date(2999, 1, 1), "决定日期", "decided_on")
    assert error.value.as_dict() == {"decided_on": ["决定日期不能晚于今天。"]}
