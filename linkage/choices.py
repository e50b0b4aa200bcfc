"""`get_<field>_display` without rebuilding the field's choices on every call.

Django's Model._get_FIELD_display turns the field's choices into a dict each time it is called (flatchoices is a
property): three times per row of a notice list, a fifth of the list's rendering. Models whose labels are read row
by row take this mixin; the labels are looked up in a dict built once per field, with Django's own rules (a value
that is not a choice is shown as it is; lazy labels are translated when read, in the active language).
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS = {}


class ChoiceLabels:
    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name, overridden
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {make_hashable(value): label for value, label in field.flatchoices}
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


_MEMBERS = {}


def label_of(choices, value, default=""):
    """`choices(value).label` for a value of the TextChoices/IntegerChoices class `choices`, else `default`, without
    the class's `values` list that Django builds anew on each read (once per row of a list, on the hot reads)."""
    members = _MEMBERS.get(choices)
    if members is None:
        members = _MEMBERS[choices] = {member.value: member for member in choices}
    member = members.get(value)
    return member.label if member is not None else default
