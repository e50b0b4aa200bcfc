"""The roster (名册): its workbook, one row per unit, and the administrator's import of it (new units by code are
created, the others updated; 在册=否 deactivates, 是 reactivates; nothing is deleted)."""

import re
from dataclasses import dataclass

from django.db import transaction
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linkage.errors import ApplicationError
from linkage.exports import SafeWorkbook, new_workbook

from .. import services
from ..models import (
    Measure,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
)
from .common import (
    MAX_IMPORT_ROWS,
    MEASURE_SEPARATOR,
    NO,
    ROSTER_COLUMNS,
    ROSTER_SHEET,
    YES,
    add_options_sheet,
    finish_table,
    measure_names_by_unit,
    organisation_rows,
    write_header,
    write_row,
)
from .reading import ImportResult, RowErrors, compact, find_header, read_cell, read_sheet, require_admin


def roster_workbook(queryset) -> SafeWorkbook:
    """The roster, one row per unit, in the layout ``import_roster`` reads back."""
    rows = organisation_rows(queryset)
    measures = measure_names_by_unit([row["id"] for row in rows])
    kinds, levels = dict(OrganisationKind.choices), dict(OrganisationLevel.choices)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = ROSTER_SHEET
    write_header(sheet, ROSTER_COLUMNS)
    for number, row in enumerate(rows, start=2):
        write_row(
            sheet,
            number,
            [
                row["code"],
                row["name"],
                row["short_name"],
                kinds.get(row["kind"], row["kind"]),
                levels.get(row["level"], row["level"]),
                YES if row["active"] else NO,
                MEASURE_SEPARATOR.join(measures.get(row["id"], [])),
                row["duties_source"],
                row["duties"],
            ],
            text_columns=(1,),
        )
    last_row = len(rows) + 1
    finish_table(sheet, ROSTER_COLUMNS, 1, last_row)
    sources = add_options_sheet(workbook)
    for key, source in sources.items():
        column = get_column_letter([c[0] for c in ROSTER_COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        validation.error = "请从下拉列表中选择。"
        validation.errorTitle = "输入无效"
        validation.add(f"{column}2:{column}{max(last_row, 2) + 500}")
        sheet.add_data_validation(validation)
    return workbook


def _label_key(text):
    """Labels compared without spaces, case, or the difference between half- and full-width parentheses."""
    return compact(text).replace("(", "（").replace(")", "）").lower()


def _label_lookup(choices):
    lookup = {}
    for value, label in choices:
        lookup[_label_key(label)] = value
        lookup[_label_key(value)] = value
    return lookup


KIND_LOOKUP = _label_lookup(OrganisationKind.choices)
LEVEL_LOOKUP = _label_lookup(OrganisationLevel.choices)
ACTIVE_LOOKUP = {"是": True, "在册": True, "否": False, "停用": False, "不在册": False}
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
MEASURE_SPLIT_RE = re.compile(r"[、，,；;\n]+")


@dataclass
class _RosterRow:
    number: int
    code: str
    values: dict
    measures: list | None
    active: bool | None


def _validate_roster_rows(rows, jurisdiction):
    """Every row checked before anything is written; returns the parsed rows or raises with all the errors."""
    required = [header for key, header, _ in ROSTER_COLUMNS if key in ("code", "name", "short_name", "kind", "level")]
    optional = [
        header for key, header, _ in ROSTER_COLUMNS if key not in ("code", "name", "short_name", "kind", "level")
    ]
    header_index, columns = find_header(rows, required, optional)
    labels = {key: header for key, header, _ in ROSTER_COLUMNS}
    measures = {}
    for pk, code, name in Measure.objects.values_list("pk", "code", "name"):
        measures[_label_key(name)] = measures[_label_key(code)] = pk
    errors = RowErrors()
    parsed = []
    seen_codes, seen_names = {}, {}
    for number, values in rows[header_index + 1 :]:
        cell = {key: read_cell(values, columns, labels[key]) for key in labels}
        code = cell["code"]
        if not code:
            errors.add(number, "代码", "未填写")
        elif len(code) > 50 or not SLUG_RE.match(code):
            errors.add(number, "代码", f"只能包含字母、数字、连字符和下划线，且不超过50个字符：{code}")
        elif code in seen_codes:
            errors.add(number, "代码", f"与第{seen_codes[code]}行重复：{code}")
        else:
            seen_codes[code] = number
        for key, limit in (("name", 100), ("short_name", 50), ("duties_source", 100)):
            if key in ("name", "short_name") and not cell[key]:
                errors.add(number, labels[key], "未填写")
            elif len(cell[key]) > limit:
                errors.add(number, labels[key], f"不能超过{limit}个字")
        if cell["name"]:
            key = compact(cell["name"])
            if key in seen_names:
                errors.add(number, "全称", f"与第{seen_names[key]}行重复：{cell['name']}")
            else:
                seen_names[key] = number
        kind = KIND_LOOKUP.get(_label_key(cell["kind"]))
        if not kind:
            errors.add(number, "类别", f"无法识别：{cell['kind'] or '（空）'}")
        level = LEVEL_LOOKUP.get(_label_key(cell["level"]))
        if not level:
            errors.add(number, "层级", f"无法识别：{cell['level'] or '（空）'}")
        active = None
        if "在册" in columns and cell["active"]:
            active = ACTIVE_LOOKUP.get(_label_key(cell["active"]))
            if active is None:
                errors.add(number, "在册", f"应填“是”或“否”：{cell['active']}")
        measure_ids = None
        if "可协助措施" in columns:
            measure_ids = []
            for name in filter(None, (compact(part) for part in MEASURE_SPLIT_RE.split(cell["measures"]))):
                if _label_key(name) in measures:
                    measure_ids.append(measures[_label_key(name)])
                else:
                    errors.add(number, "可协助措施", f"无法识别：{name}")
        fields = {"name": cell["name"], "short_name": cell["short_name"], "kind": kind, "level": level}
        for key in ("duties_source", "duties"):
            if labels[key] in columns:
                fields[key] = cell[key]
        parsed.append(_RosterRow(number, code, fields, measure_ids, active))
    if len(parsed) > MAX_IMPORT_ROWS:
        raise ApplicationError(f"文件行数过多，一次最多导入 {MAX_IMPORT_ROWS} 行。", field="file")
    if not parsed and not errors.messages:
        raise ApplicationError("文件中没有可导入的单位。", field="file")

    existing = {
        row["code"]: row
        for row in Organisation.objects.filter(code__in=seen_codes).values(
            "id", "code", "name", "jurisdiction_id", "jurisdiction__name"
        )
    }
    names_in_jurisdiction = {
        compact(name): code
        for code, name in Organisation.objects.filter(jurisdiction=jurisdiction).values_list("code", "name")
    }
    for row in parsed:
        other = existing.get(row.code)
        if other and other["jurisdiction_id"] != jurisdiction.pk:
            errors.add(row.number, "代码", f"{row.code}已被{other['jurisdiction__name']}的“{other['name']}”使用")
        holder = names_in_jurisdiction.get(compact(row.values["name"]))
        if holder and holder != row.code and holder not in seen_codes:
            errors.add(row.number, "全称", f"与本辖区已有单位重名（代码 {holder}）：{row.values['name']}")
    errors.raise_if_any()
    return parsed


@transaction.atomic
def import_roster(file, *, actor, jurisdiction) -> ImportResult:
    """Create the file's new units (by code) in ``jurisdiction`` and update the existing ones; 在册=否 deactivates,
    是 reactivates. Nothing is deleted. All rows are validated first; any bad row refuses the whole file."""
    require_admin(actor, "成员单位名册")
    rows = read_sheet(file, ROSTER_SHEET)
    parsed = _validate_roster_rows(rows, jurisdiction)
    result = ImportResult(kind="roster", rows=len(parsed))
    organisations = Organisation.objects.filter(code__in=[row.code for row in parsed]).prefetch_related("measures")
    by_code = {organisation.code: organisation for organisation in organisations}
    next_order = max(
        Organisation.objects.filter(jurisdiction=jurisdiction).values_list("sort_order", flat=True), default=0
    )
    for row in parsed:
        try:
            organisation = by_code.get(row.code)
            if organisation is None:
                next_order += 1
                organisation = services.create_organisation(
                    actor=actor,
                    jurisdiction=jurisdiction,
                    code=row.code,
                    measures=row.measures or (),
                    sort_order=next_order,
                    **row.values,
                )
                result.created.append(organisation.name)
                if row.active is False:
                    services.set_organisation_active(actor=actor, organisation=organisation, active=False)
                    result.deactivated.append(organisation.name)
                continue
            # Cells are read stripped: a stored value differing only by surrounding blanks is not a change.
            changes = {
                key: value for key, value in row.values.items() if (getattr(organisation, key) or "").strip() != value
            }
            measures = None
            if row.measures is not None and set(row.measures) != {m.pk for m in organisation.measures.all()}:
                measures = row.measures
            if changes or measures is not None:
                services.update_organisation(actor=actor, organisation=organisation, measures=measures, **changes)
                result.updated.append(organisation.name)
            if row.active is not None and row.active != organisation.active:
                services.set_organisation_active(actor=actor, organisation=organisation, active=row.active)
                (result.reactivated if row.active else result.deactivated).append(organisation.name)
            elif not (changes or measures is not None):
                result.unchanged.append(organisation.name)
        except ApplicationError as error:
            raise ApplicationError(f"第{row.number}行：{error.message}", field="file") from error
    return result
