"""linkage.choices.ChoiceLabels: get_<field>_display answers as Django's own does, value for value, in each
language, and for a value that is not one of the choices."""

import pytest
from django.db import models
from django.utils import translation

from assistance.models import LiftGround, Notice, NoticeItem, NoticeState, PropertyKind
from blacklist.models import ListingGround
from cases.models import Party, PartyKind
from linkage.choices import label_of


def _django(instance, name):
    """Django's own answer (Model._get_FIELD_display), which the mixin overrides."""
    return models.Model._get_FIELD_display(instance, instance._meta.get_field(name))


def test_labels_are_djangos_for_every_choice_and_for_unknown_values():
    cases = [(Notice, "state", [*NoticeState.values, "no-such-state", ""]),
             (Notice, "lift_ground", ["", "performed", "unknown"]),
             (NoticeItem, "property_kind", [*PropertyKind.values, "x"]),
             (Party, "kind", [*PartyKind.values, None])]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for model, name, values in cases:
                for value in values:
                    instance = model(**{name: value})
                    mine = getattr(instance, f"get_{name}_display")()
                    assert mine == _django(instance, name), (language, model.__name__, name, value)
                    assert type(mine) is type(_django(instance, name))


def test_a_known_choice_is_labelled_not_echoed():
    assert Notice(state=NoticeState.SERVED).get_state_display() == NoticeState.SERVED.label != NoticeState.SERVED


@pytest.mark.parametrize("choices", [LiftGround, ListingGround])
def test_label_of_answers_as_the_enum_does(choices):
    for member in choices:
        assert label_of(choices, member.value) == choices(member.value).label
    for unknown in ("", "nope", None, 999):
        assert label_of(choices, unknown) == ""
    assert label_of(choices, "nope", default="nope") == "nope"
