"""Issue 17 items 5 and 8 on cases: the obligation is bounded, the filing date is a past fact (not in the future,
not before 1949-10-01), and a party's name must be visible and free of bidirectional controls. Through the API and
the filing page, a refusal is in Chinese and writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Party
from tests.cases.test_pages import case_post

pytestmark = pytest.mark.django_db

PERSON_ID = "44010319850615123X"
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def body(**overrides):
    data = {
        "number": "（2026）粤0103执1234号", "amount": "386500.00", "basis_issuer": "广州市荔湾区人民法院",
        "basis_number": "（2025）粤0103民初4567号", "filed_on": "2026-03-02",
        "applicants": [{"kind": "person", "name": "陈大文", "id_number": "11010519491231002X"}],
        "debtors": [{"kind": "person", "name": "王堃", "id_number": PERSON_ID}],
    }
    data.update(overrides)
    return data


def debtor(name):
    return [{"kind": "person", "name": name, "id_number": PERSON_ID}]


@pytest.mark.parametrize("overrides, message", [
    ({"obligation": "a" * 1_000_000}, "生效法律文书确定的义务不能超过10000字（现有1000000字）"),
    ({"filed_on": TOMORROW}, "立案日期不能晚于今天"),
    ({"filed_on": "1900-01-01"}, "立案日期不能早于1949年10月01日"),
    ({"debtors": debtor("\u200b")}, "不能只由空白或不可见字符组成"),
    ({"debtors": debtor("王\u202e堃")}, "含有文字方向控制字符"),
    ({"officer_name": "\u200b\u200b"}, "承办人不能只由空白或不可见字符组成"),
])
def test_the_api_refuses_in_chinese_and_writes_nothing(api_for, clerk, overrides, message):
    response = api_for(clerk).post("/api/v1/cases/", body(**overrides), format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Case.objects.exists() and not Party.objects.exists()


def test_real_names_with_a_middle_dot_and_rare_characters_are_accepted(api_for, clerk):
    response = api_for(clerk).post("/api/v1/cases/", body(
        applicants=[{"kind": "person", "name": "李喆", "id_number": "11010519491231002X"}],
        debtors=debtor("阿卜杜拉·买买提"), officer_name="王堃", filed_on=timezone.localdate().isoformat(),
    ), format="json")
    assert response.status_code == 201, response.json()
    assert set(Party.objects.values_list("name", flat=True)) == {"李喆", "阿卜杜拉·买买提"}


def test_a_future_filing_date_cannot_be_set_by_a_correction_either(api_for, clerk):
    case = api_for(clerk).post("/api/v1/cases/", body(), format="json").json()
    response = api_for(clerk).patch(f"/api/v1/cases/{case['id']}/", {"filed_on": TOMORROW}, format="json")
    assert response.status_code == 400
    assert "立案日期不能晚于今天" in str(response.json())
    assert Case.objects.get().filed_on == datetime.date(2026, 3, 2)


@pytest.mark.parametrize("overrides, message", [
    ({"obligation": "a" * 1_000_000}, "生效法律文书确定的义务不能超过10000字（现有1000000字）"),
    ({"filed_on": TOMORROW}, "立案日期不能晚于今天"),
    ({"filed_on": "1900-01-01"}, "立案日期不能早于1949年10月01日"),
    ({"debtors-0-name": "\u200b"}, "不能只由空白或不可见字符组成"),
    ({"debtors-0-name": "王\u202e堃"}, "含有文字方向控制字符"),
])
def test_the_filing_page_shows_a_form_error_and_writes_nothing(client_for, clerk, overrides, message):
    response = client_for(clerk).post(reverse("cases:create"), case_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Party.objects.exists()
