"""Free text has a limit that the model, the forms, the API serializers and the database all hold; names made of
nothing visible, or carrying bidirectional controls, are refused (issue 17, items 5 and 8)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assistance.models import Notice
from linkage.models import Notification
from linkage.text import (
    DOCUMENT_MAX,
    REASON_MAX,
    TEXT_MAX,
    ApiTextField,
    BoundedTextField,
    FormTextField,
    NameValidator,
    TextLengthValidator,
)

EVERY_TEXT_FIELD = [
    (model, field)
    for model in __import__("django.apps", fromlist=["apps"]).apps.get_models()
    if model._meta.app_label in {"linkage", "members", "cases", "assistance", "blacklist", "meetings", "assessment"}
    and not model._meta.proxy  # linkage.auth_models: third-party tables under a Chinese name, no columns of ours
    for field in model._meta.concrete_fields
    if field.get_internal_type() == "TextField"
]


def test_the_limits_are_ordered_and_fit_what_a_clerk_writes():
    assert 1000 <= REASON_MAX < TEXT_MAX < DOCUMENT_MAX <= 100_000


def test_every_text_field_of_every_app_is_bounded_and_checked_by_the_database():
    assert len(EVERY_TEXT_FIELD) > 30
    for model, field in EVERY_TEXT_FIELD:
        label = f"{model.__name__}.{field.name}"
        assert isinstance(field, BoundedTextField), label
        assert any(isinstance(v, TextLengthValidator) for v in field.validators), label
        names = {constraint.name for constraint in model._meta.constraints}
        assert f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_chars" in names, label


def test_the_message_names_the_field_the_limit_and_the_length():
    with pytest.raises(ValidationError) as error:
        TextLengthValidator(2000, "备注")("字" * 1_000_000)
    assert error.value.messages == ["备注不能超过2000字（现有1000000字）。"]
    TextLengthValidator(2000, "备注")("字" * 2000)


def test_a_model_field_refuses_text_past_its_limit_in_chinese():
    field = Notice._meta.get_field("note")
    with pytest.raises(ValidationError) as error:
        field.clean("x" * (field.max_chars + 1), None)
    assert error.value.messages == [f"其他事项不能超过{field.max_chars}字（现有{field.max_chars + 1}字）。"]


def test_a_form_field_takes_the_limit_and_the_label_of_its_model_field():
    class NoteForm(forms.Form):
        note = FormTextField((Notice, "note"), required=False)

    form = NoteForm(data={"note": "a" * 1_000_000})
    assert not form.is_valid()
    assert form.errors["note"] == ["其他事项不能超过2000字（现有1000000字）。"]
    assert 'maxlength="2000"' in str(form["note"])
    assert NoteForm(data={"note": "a" * 2000}).is_valid()


def test_an_api_field_refuses_in_chinese_and_documents_the_limit():
    field = ApiTextField(max_chars=10, label="理由")
    assert field.max_length == 10
    with pytest.raises(Exception) as error:
        field.run_validation("a" * 11)
    assert "理由不能超过10字（现有11字）" in str(error.value.detail)
    assert field.run_validation("a" * 10) == "a" * 10


@pytest.mark.django_db
def test_the_database_refuses_text_past_the_limit_when_code_skips_the_validators(clerk):
    Notification.objects.create(recipient=clerk, kind="x", title="t", body="x" * TEXT_MAX)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=clerk, kind="x", title="t", body="x" * (TEXT_MAX + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.update(body="字" * (TEXT_MAX + 1))


@pytest.mark.parametrize(
    "name",
    ["\u200b", "\u200b\u200c\u200d\ufeff", " \u3000\t", "\u3164", "\x00\x01"],
)
def test_a_name_made_only_of_invisible_characters_is_refused(name):
    with pytest.raises(ValidationError) as error:
        NameValidator("姓名")(name)
    assert error.value.messages == ["姓名不能只由空白或不可见字符组成。"]


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                     "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_a_name_with_a_bidirectional_control_is_refused(control):
    with pytest.raises(ValidationError) as error:
        NameValidator("姓名")(f"张三{control}五王")
    assert error.value.messages == ["姓名含有文字方向控制字符，请删除后重新填写。"]


@pytest.mark.parametrize("name", ["阿卜杜拉·买买提", "王堃", "李喆", "欧阳娜娜", "Zhang San", "广州市某某有限公司（分公司）"])
def test_real_names_are_accepted(name):
    NameValidator("姓名")(name)


def test_a_composed_message_body_is_cut_to_the_limit_not_refused():
    from linkage.notify import Message

    message = Message(kind="minutes_published", title="纪要", body="第1项 " + "落实" * TEXT_MAX)
    assert len(message.body) == TEXT_MAX and message.body.endswith("…")
