"""Bounds on what a person types: the length of free text, and what a name may be made of (issue 17, items 5 and 8).

One place for the rule. A model's free-text field is a `BoundedTextField(max_chars=...)`: its validator names the
field and the limit in Chinese, and the database holds the same bound as a CHECK on the column's character length.
Page forms and API serializers declare their text inputs with `FormTextField` / `ApiTextField`, taking the limit
(and, by default, the label) from the model field the input ends up in, so a form and the API refuse the same text
with the same message before anything is written.

Names (of persons, organisations, contacts, users) get `NameValidator`: a name made only of invisible characters
(whitespace, zero-width, control) is no name, and bidirectional controls (which make 张三 display as another string
in a list or a printed document) are refused.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from rest_framework import serializers

# A reason, an opinion, a short explanation: a paragraph or a page.
REASON_MAX = 2000
# A description of facts, a plan, a reply, a summary: several pages.
TEXT_MAX = 10000
# A whole document typed or generated in the application (minutes, a yearly report).
DOCUMENT_MAX = 50000


def clip(text, limit=TEXT_MAX):
    """Text the application composes from many bounded parts (a message joining a unit's decisions, a digest): cut
    to `limit` characters with "…" marking the cut, not refused."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

BIDI_CONTROLS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Letters that render as nothing although Unicode does not class them as format or space characters.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_CATEGORIES = frozenset(["Cc", "Cf", "Zs", "Zl", "Zp"])


@deconstructible
class TextLengthValidator:
    """At most `limit` characters; the message names the field and says how long the text is."""

    def __init__(self, limit, label):
        self.limit = limit
        self.label = str(label)

    def __call__(self, value):
        length = len(value or "")
        if length > self.limit:
            raise ValidationError(
                f"{self.label}不能超过{self.limit}字（现有{length}字）。",
                code="max_length",
                params={"limit_value": self.limit, "show_value": length},
            )

    def __eq__(self, other):
        return isinstance(other, TextLengthValidator) and (self.limit, self.label) == (other.limit, other.label)


def is_invisible(char):
    return unicodedata.category(char) in INVISIBLE_CATEGORIES or char in BLANK_LETTERS or char.isspace()


@deconstructible
class NameValidator:
    """A name must show at least one visible character and carry no bidirectional control."""

    def __init__(self, label="姓名或名称"):
        self.label = str(label)

    def __call__(self, value):
        if not value:
            return
        if any(char in BIDI_CONTROLS for char in value):
            raise ValidationError(f"{self.label}含有文字方向控制字符，请删除后重新填写。", code="bidi")
        if all(is_invisible(char) for char in value):
            raise ValidationError(f"{self.label}不能只由空白或不可见字符组成。", code="invisible")

    def __eq__(self, other):
        return isinstance(other, NameValidator) and self.label == other.label


def check_name(value, label):
    """The name rule for a service that takes a name outside a form or a serializer: the first message, or None."""
    try:
        NameValidator(label)(value)
    except ValidationError as error:
        return error.messages[0]
    return None


class BoundedTextField(models.TextField):
    """A TextField with a length limit that the validators, the forms and the database all hold."""

    def __init__(self, *args, max_chars=TEXT_MAX, **kwargs):
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs["max_chars"] = self.max_chars
        return name, "linkage.text.BoundedTextField", args, kwargs

    @cached_property
    def validators(self):
        return [*super().validators, TextLengthValidator(self.max_chars, self.verbose_name)]

    def contribute_to_class(self, cls, name, *args, **kwargs):
        """The model gets a CHECK constraint on the column's character length, so the database holds the limit too
        (one per field, named after the model and the field; added once, also to the models migrations render)."""
        super().contribute_to_class(cls, name, *args, **kwargs)
        if cls._meta.abstract:
            return
        constraint_name = f"{cls._meta.app_label}_{cls._meta.model_name}_{name}_chars"[:63]
        if not any(constraint.name == constraint_name for constraint in cls._meta.constraints):
            cls._meta.constraints = [
                *cls._meta.constraints,
                models.CheckConstraint(
                    condition=LessThanOrEqual(Length(name), self.max_chars),
                    name=constraint_name,
                    violation_error_message=f"{self.verbose_name}不能超过{self.max_chars}字。",
                ),
            ]
            # Migrations read a model's options from its Meta: the constraint must be seen there too.
            cls._meta.original_attrs["constraints"] = cls._meta.constraints

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FormTextField, "max_chars": self.max_chars, **kwargs})


def _limit_and_label(source, limit, label):
    """`source` is a model field (or a `(Model, "field")` pair) whose limit and verbose name are the defaults."""
    if isinstance(source, tuple):
        model, name = source
        source = model._meta.get_field(name)
    if source is not None:
        limit = limit or source.max_chars
        label = label or source.verbose_name
    if not limit:
        raise TypeError("A bounded text input needs a limit or a bounded model field.")
    return limit, label


class FormTextField(forms.CharField):
    """A form's free-text input, bounded like the model field it is written to."""

    def __init__(self, source=None, *, max_chars=None, label=None, message_label=None, **kwargs):
        self.max_chars, model_label = _limit_and_label(source, max_chars, None)
        label = label or model_label
        super().__init__(label=label, **kwargs)
        self.validators.append(TextLengthValidator(self.max_chars, message_label or model_label or label))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.max_chars)
        return attrs


class ApiTextField(serializers.CharField):
    """An API's free-text input, bounded like the model field it is written to. The limit is in the schema."""

    def __init__(self, source_field=None, *, max_chars=None, label=None, message_label=None, **kwargs):
        self.max_chars, model_label = _limit_and_label(source_field, max_chars, None)
        label = label or model_label
        super().__init__(label=label, **kwargs)
        self.validators.append(TextLengthValidator(self.max_chars, message_label or model_label or label))
        self.max_length = self.max_chars  # documented in the schema; the check is the validator above


def bounded_text(value, *, limit, label, field=None):
    """The length rule for a service that takes text outside a form or a serializer (a button's reason)."""
    from linkage.errors import ApplicationError

    value = value or ""
    try:
        TextLengthValidator(limit, label)(value)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field=field) from None
    return value


def require_name(value, label, field=None):
    """`check_name` for services: a refusal is an ApplicationError naming the field; the value is returned."""
    from linkage.errors import ApplicationError

    message = check_name(value, label)
    if message:
        raise ApplicationError(message, field=field)
    return value
