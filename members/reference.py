"""A reference catalogue (a jurisdiction with ``is_reference``, e.g. the national frame 法发〔2010〕15号 loaded by
``load_jurisdiction national``): one inactive template per department with its article. An office copies a
template's duties and measures into one of its own units with ``manage.py copy_duties TEMPLATE UNIT``.

The templates never take part in the mechanism: they are created inactive (so no notice, push, reminder, demo
account or assessment row reaches them), may not be activated, and the units API lists them only when asked
(``?reference=true``)."""

from dataclasses import dataclass

from django.db import transaction

from linkage.errors import ApplicationError

from .jurisdictions import REFERENCE_MARK
from .models import Organisation

SOURCE_MAX = Organisation._meta.get_field("duties_source").max_length


@dataclass
class CopyResult:
    target: Organisation
    changed: bool
    added_measures: list[str]


def _template(code):
    template = Organisation.objects.select_related("jurisdiction").filter(code=code).first()
    if template is None or not template.jurisdiction.is_reference:
        raise ApplicationError(f"“{code}”不是参考目录中的部门条目。", field="template")
    return template


def _target(code):
    target = Organisation.objects.select_related("jurisdiction").select_for_update().filter(code=code).first()
    if target is None:
        raise ApplicationError(f"没有代码为“{code}”的单位。", field="target")
    if target.jurisdiction.is_reference:
        raise ApplicationError(f"{target.name}属于参考目录，不能作为复制目标。", field="target")
    if target.kind in ("court", "committee"):
        raise ApplicationError(f"{target.name}不是成员单位，不复制部门职责。", field="target")
    return target


def reference_source(template):
    """Where a copied duty comes from, e.g. 法发〔2010〕15号第六条（参考目录）."""
    document = template.jurisdiction.document_number or template.jurisdiction.name
    return f"{document}{template.duties_source}"[: SOURCE_MAX - len(REFERENCE_MARK)] + REFERENCE_MARK


@transaction.atomic
def copy_reference_duties(*, template_code, target_code, replace=False):
    """Copy a template's article into a unit's duties and add the template's measures to the unit's.

    A unit that already has duties keeps them unless ``replace`` is given (its own document's text comes first); the
    unit's own measures are kept either way. Copying the same template twice changes nothing the second time, and
    ``load_jurisdiction`` keeps a copied duty of a unit its own document gives no article."""
    template = _template(template_code)
    target = _target(target_code)
    source = reference_source(template)
    changed = []
    if target.duties != template.duties or target.duties_source != source:
        if target.duties and not replace:
            raise ApplicationError(
                f"{target.name}已有职责条文（{target.duties_source or '未注明出处'}），未复制；确需以参考目录条文替换，"
                "请加 --replace。", field="target")
        target.duties, target.duties_source = template.duties, source
        changed = ["duties", "duties_source"]
        target.full_clean()
        target.save(update_fields=[*changed, "updated_at"])
    have = set(target.measures.values_list("code", flat=True))
    added = [m.code for m in template.measures.all() if m.code not in have]
    if added:
        target.measures.add(*template.measures.filter(code__in=added))
        if not changed:
            target.save(update_fields=["updated_at"])
    return CopyResult(target=target, changed=bool(changed or added), added_measures=added)
