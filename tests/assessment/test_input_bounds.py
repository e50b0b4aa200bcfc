"""Issue 17 items 5 and 8 on the assessment: the facts of a nomination are bounded with a message naming the field,
and a nominated person's name must be visible and free of bidirectional controls."""

import pytest

from assessment.models import Nomination

from .test_api import URL, year_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(api_for, clerk, year_data):  # noqa: F811
    court = api_for(clerk)
    assert court.post(URL + "start-scoring/", {}, format="json").status_code == 200
    return court


def nominate(court, unit, **overrides):
    body = {"kind": "commend_person", "unit": unit.pk, "person_name": "王堃", "evidence": "协助查控车辆三台",
            **overrides}
    return court.post(URL + "nominations/", body, format="json")


@pytest.mark.parametrize("overrides, message", [
    ({"evidence": "a" * 1_000_000}, "事实和依据不能超过2000字（现有1000000字）"),
    ({"person_name": "\u200b"}, "个人姓名不能只由空白或不可见字符组成"),
    ({"person_name": "王\u202e堃"}, "个人姓名含有文字方向控制字符"),
])
def test_a_bad_nomination_is_refused_in_chinese_and_writes_nothing(scoring, unit, overrides, message):
    response = nominate(scoring, unit, **overrides)
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("name", ["阿卜杜拉·买买提", "李喆"])
def test_real_names_are_accepted(scoring, unit, name):
    response = nominate(scoring, unit, person_name=name)
    assert response.status_code == 201, response.json()
    assert Nomination.objects.get().person_name == name


def test_an_overlong_nomination_on_the_page_is_a_chinese_message_naming_the_field(client_for, clerk, scoring, unit):
    response = client_for(clerk).post("/assessment/2025/nominations/", {
        "kind": "commend_unit", "unit": unit.pk, "evidence": "a" * 1_000_000}, follow=True)
    assert "事实和依据不能超过2000字（现有1000000字）" in response.content.decode()
    assert not Nomination.objects.exists()
