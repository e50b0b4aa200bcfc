"""Issue 17 items 5 and 8 on members: a contact change's reason is bounded; contact, organisation and user names
must be visible and free of bidirectional controls (the pages, and the admin through the models' validators)."""

import pytest
from django.core.exceptions import ValidationError

from members.models import ContactChangeRequest
from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "a" * 1_000_000


def change(**overrides):
    return {"role": "A", "name": "王堃", "position": "科长", "landline": "", "mobile": "13800000000", "email": "",
            "reason": "原联系人调岗", **overrides}


@pytest.mark.parametrize("overrides, message", [
    ({"reason": HUGE}, "变更原因不能超过2000字（现有1000000字）"),
    ({"name": "\u200b"}, "联系人姓名不能只由空白或不可见字符组成"),
    ({"name": "王\u202e堃"}, "联系人姓名含有文字方向控制字符"),
    ({"name": "\u2066王堃\u2069"}, "联系人姓名含有文字方向控制字符"),
])
def test_a_bad_contact_change_is_a_form_error_and_writes_nothing(client_for, liaison, overrides, message):
    response = client_for(liaison).post(f"/members/{liaison.organisation.code}/contact-change/", change(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactChangeRequest.objects.exists()


@pytest.mark.parametrize("name", ["阿卜杜拉·买买提", "李喆", "王堃"])
def test_real_names_are_accepted(client_for, liaison, name):
    response = client_for(liaison).post(f"/members/{liaison.organisation.code}/contact-change/", change(name=name))
    assert response.status_code == 302
    assert ContactChangeRequest.objects.get().name == name


@pytest.mark.parametrize("field", ["name", "short_name"])
def test_an_organisation_name_of_zero_width_characters_is_refused(unit, field):
    setattr(unit, field, "\u200b\u200b")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "不能只由空白或不可见字符组成" in str(error.value.message_dict[field])


def test_a_users_display_name_with_an_override_is_refused():
    user = factories.UserFactory.build(full_name="张三\u202e", role="committee")
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password", "organisation"])
    assert error.value.message_dict["full_name"] == ["姓名含有文字方向控制字符，请删除后重新填写。"]


def test_an_overlong_duty_text_is_refused_by_the_model(unit):
    unit.duties = HUGE
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert error.value.message_dict["duties"] == ["职责不能超过10000字（现有1000000字）。"]


@pytest.mark.parametrize("body, field, message", [
    ({"name": "\u200b"}, "name", "全称不能只由空白或不可见字符组成。"),
    ({"short_name": "市场\u202e局"}, "short_name", "简称含有文字方向控制字符，请删除后重新填写。"),
    ({"duties": HUGE}, "duties", "职责不能超过10000字（现有1000000字）。"),
])
def test_the_units_api_takes_the_models_rules(api_for, admin_user, unit, body, field, message):
    """A ModelSerializer picks up the model field's validators: the same rule and message as the admin."""
    before = (unit.name, unit.short_name, unit.duties)
    response = api_for(admin_user).patch(f"/api/v1/units/{unit.pk}/", body, format="json")
    assert response.status_code == 400
    assert message in response.json()[field]
    unit.refresh_from_db()
    assert (unit.name, unit.short_name, unit.duties) == before
