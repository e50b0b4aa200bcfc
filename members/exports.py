"""Excel workbooks of the roster (名册), the contact directory (通讯录) and the contact-list receipt (联系人名单回执,
the layout of the Liwan seed's 附件2), and the administrator's imports of a filled-in roster or receipt.

Exports read plain rows (``.values()``): one query for the units, one for their measures, one for their current
contacts, whatever the number of units. Imports validate every row first and write nothing if any row is wrong;
the writes go through the roster services (``create_organisation``, ``update_organisation``,
``set_organisation_active``, ``assign_contact``) in one transaction, and only for rows that change something, so
importing an unchanged export writes nothing at all.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linkage.errors import ApplicationError, PermissionDenied
from linkage.exports import SafeWorkbook, new_workbook, xlsx_text

from . import services
from .models import (
    LIAISON_ROLES,
    Contact,
    ContactRole,
    Measure,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
    User,
    UserRole,
)
from .validators import clean_contact_fields

ROSTER_SHEET = "成员单位名册"
DIRECTORY_SHEET = "联系人通讯录"
RECEIPT_SHEET = "联系人名单回执"
OPTIONS_SHEET = "选项"

RECEIPT_TITLE = "成员单位联系人名单回执"
RECEIPT_NOTE = (
    "注：每个成员单位报 2 名联系人，第一行为A角、第二行为B角；联系人有变动的请直接改写，"
    "固定电话和手机至少填写一项，手机为11位数字。"
)
INCOMPLETE = "联系人不全"
YES, NO = "是", "否"
MEASURE_SEPARATOR = "、"
MAX_IMPORT_ROWS = 5000
MAX_REPORTED_ERRORS = 20
HEADER_SEARCH_ROWS = 10
MAX_EMPTY_RUN = 1000

# (key, header, column width)
ROSTER_COLUMNS = [
    ("code", "代码", 18),
    ("name", "全称", 36),
    ("short_name", "简称", 16),
    ("kind", "类别", 16),
    ("level", "层级", 12),
    ("active", "在册", 8),
    ("measures", "可协助措施", 36),
    ("duties_source", "职责出处", 24),
    ("duties", "职责", 80),
]
DIRECTORY_COLUMNS = [
    ("unit", "单位", 36),
    ("role", "角色", 8),
    ("name", "姓名", 12),
    ("position", "职务", 18),
    ("landline", "固定电话", 18),
    ("mobile", "手机", 16),
    ("email", "电子邮箱", 28),
    ("note", "备注", 12),
]
RECEIPT_COLUMNS = [
    ("unit", "单位", 36),
    ("name", "姓名", 14),
    ("position", "职务", 20),
    ("landline", "固定电话", 18),
    ("mobile", "手机", 16),
]
CONTACT_FIELD_LABELS = {
    "name": "姓名",
    "position": "职务",
    "landline": "固定电话",
    "mobile": "手机",
    "email": "电子邮箱",
}
NOT_MEMBER_KINDS = {OrganisationKind.COURT, OrganisationKind.COMMITTEE}
ORGANISATION_VALUES = (
    "id",
    "code",
    "name",
    "short_name",
    "kind",
    "level",
    "active",
    "duties",
    "duties_source",
    "jurisdiction_id",
    "jurisdiction__name",
)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_FORMAT = "@"


# ---------------------------------------------------------------------------------------------------------------
# Plain rows


def organisation_rows(organisations):
    """The units as plain dicts (``ORGANISATION_VALUES``), from a queryset (one query) or from instances."""
    if isinstance(organisations, QuerySet):
        return list(organisations.prefetch_related(None).values(*ORGANISATION_VALUES))
    rows = []
    for organisation in organisations:
        row = {key: getattr(organisation, key) for key in ORGANISATION_VALUES if "__" not in key}
        row["jurisdiction__name"] = organisation.jurisdiction.name
        rows.append(row)
    return rows


def measure_names_by_unit(unit_ids):
    """{unit id: [measure names in catalogue order]} in one query."""
    names = defaultdict(list)
    if not unit_ids:
        return names
    through = Organisation.measures.through
    pairs = (
        through.objects.filter(organisation_id__in=unit_ids)
        .order_by("measure__sort_order", "measure__code")
        .values_list("organisation_id", "measure__name")
    )
    for unit_id, name in pairs:
        names[unit_id].append(name)
    return names


def current_contacts_by_unit(unit_ids):
    """{unit id: {"A": {...}, "B": {...}}} of current contacts, in one query."""
    contacts = defaultdict(dict)
    if not unit_ids:
        return contacts
    rows = (
        Contact.objects.current()
        .filter(organisation_id__in=unit_ids)
        .order_by("organisation_id", "role")
        .values("organisation_id", "role", "name", "position", "landline", "mobile", "email")
    )
    for row in rows:
        contacts[row["organisation_id"]][row["role"]] = row
    return contacts


def jurisdiction_label(rows):
    """The jurisdictions the rows belong to, in order of first appearance, joined by 、."""
    names = list(dict.fromkeys(row["jurisdiction__name"] for row in rows))
    return MEASURE_SEPARATOR.join(names)


def directory_entries(organisations):
    """The directory as plain data, shared by the Excel and the PDF: one entry per unit with its contacts
    (A then B). A member unit missing a role gets a placeholder contact (``missing=True``) and ``incomplete``."""
    rows = organisation_rows(organisations)
    contacts = current_contacts_by_unit([row["id"] for row in rows])
    entries = []
    for row in rows:
        current = contacts.get(row["id"], {})
        is_member = row["kind"] not in NOT_MEMBER_KINDS
        people = []
        for role, label in ContactRole.choices:
            contact = current.get(role)
            if contact is not None:
                people.append({**contact, "role_label": label, "missing": False})
            elif is_member and role in LIAISON_ROLES:
                people.append({"role": role, "role_label": label, "missing": True})
        entries.append(
            {
                **row,
                "is_member": is_member,
                "incomplete": is_member and not all(role in current for role in LIAISON_ROLES),
                "contacts": people,
            }
        )
    return entries


# ---------------------------------------------------------------------------------------------------------------
# Workbooks


def _write_header(sheet, columns, row=1):
    for index, (_key, header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER
        sheet.column_dimensions[get_column_letter(index)].width = width


def _write_row(sheet, row_number, values, *, text_columns=(), alignment=WRAP_TOP):
    for index, value in enumerate(values, start=1):
        # Control characters pasted from word processors are not allowed in an .xlsx cell.
        cell = sheet.cell(row=row_number, column=index, value=xlsx_text(value))
        cell.border = BORDER
        cell.alignment = alignment
        if index in text_columns:
            cell.number_format = TEXT_FORMAT


def _finish_table(sheet, columns, header_row, last_row):
    sheet.freeze_panes = f"A{header_row + 1}"  # a coordinate, not sheet.cell(): that would create an empty row
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row)}"


def _add_options_sheet(workbook):
    """A hidden sheet of the accepted labels, the source of the drop-down lists in 类别, 层级 and 在册."""
    options = workbook.create_sheet(OPTIONS_SHEET)
    lists = [OrganisationKind.labels, OrganisationLevel.labels, [YES, NO]]
    for column, values in enumerate(lists, start=1):
        for row, value in enumerate(values, start=1):
            options.cell(row=row, column=column, value=value)
    options.sheet_state = "hidden"
    return {
        "kind": f"'{OPTIONS_SHEET}'!$A$1:$A${len(lists[0])}",
        "level": f"'{OPTIONS_SHEET}'!$B$1:$B${len(lists[1])}",
        "active": f"'{OPTIONS_SHEET}'!$C$1:$C$2",
    }


def roster_workbook(queryset) -> SafeWorkbook:
    """The roster, one row per unit, in the layout ``import_roster`` reads back."""
    rows = organisation_rows(queryset)
    measures = measure_names_by_unit([row["id"] for row in rows])
    kinds, levels = dict(OrganisationKind.choices), dict(OrganisationLevel.choices)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = ROSTER_SHEET
    _write_header(sheet, ROSTER_COLUMNS)
    for number, row in enumerate(rows, start=2):
        _write_row(
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
    _finish_table(sheet, ROSTER_COLUMNS, 1, last_row)
    sources = _add_options_sheet(workbook)
    for key, source in sources.items():
        column = get_column_letter([c[0] for c in ROSTER_COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        validation.error = "请从下拉列表中选择。"
        validation.errorTitle = "输入无效"
        validation.add(f"{column}2:{column}{max(last_row, 2) + 500}")
        sheet.add_data_validation(validation)
    return workbook


def directory_workbook(queryset) -> SafeWorkbook:
    """The contact directory: one row per current contact (and per missing role of a member unit)."""
    entries = directory_entries(queryset)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = DIRECTORY_SHEET
    _write_header(sheet, DIRECTORY_COLUMNS)
    number = 1
    for entry in entries:
        note = INCOMPLETE if entry["incomplete"] else ""
        people = entry["contacts"] or [{"role_label": "", "missing": True}]
        for person in people:
            number += 1
            values = [entry["name"], person["role_label"]]
            if person["missing"]:
                values += ["", "", "", "", ""]
            else:
                values += [person[key] for key in ("name", "position", "landline", "mobile", "email")]
            _write_row(sheet, number, [*values, note], text_columns=(5, 6))
    _finish_table(sheet, DIRECTORY_COLUMNS, 1, number)
    return workbook


def receipt_title(jurisdiction_name):
    prefix = f"{jurisdiction_name}执行联动工作联席会议\n" if jurisdiction_name else ""
    return f"{prefix}{RECEIPT_TITLE}"


def receipt_workbook(organisations) -> SafeWorkbook:
    """The 联系人名单回执 of the Liwan seed's 附件2: a title with the jurisdiction, the header 单位 / 姓名 / 职务 /
    固定电话 / 手机, two rows per unit (the current A, then B, contact, or blank) and the 注 line."""
    rows = organisation_rows(organisations)
    contacts = current_contacts_by_unit([row["id"] for row in rows])
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = RECEIPT_SHEET
    width = len(RECEIPT_COLUMNS)
    last_column = get_column_letter(width)
    title = sheet.cell(row=1, column=1, value=receipt_title(jurisdiction_label(rows)))
    title.font = Font(bold=True, size=16)
    title.alignment = CENTER
    sheet.merge_cells(f"A1:{last_column}1")
    sheet.row_dimensions[1].height = 48
    _write_header(sheet, RECEIPT_COLUMNS, row=2)
    number = 2
    for row in rows:
        current = contacts.get(row["id"], {})
        first = number + 1
        for role in LIAISON_ROLES:
            number += 1
            contact = current.get(role) or {}
            values = [row["name"] if number == first else None]
            values += [contact.get(key, "") for key in ("name", "position", "landline", "mobile")]
            _write_row(sheet, number, values, text_columns=(4, 5), alignment=CENTER)
        sheet.merge_cells(start_row=first, start_column=1, end_row=number, end_column=1)
    note_row = number + 1
    note = sheet.cell(row=note_row, column=1, value=RECEIPT_NOTE)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(f"A{note_row}:{last_column}{note_row}")
    sheet.row_dimensions[note_row].height = 36
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    return workbook


# ---------------------------------------------------------------------------------------------------------------
# Imports


@dataclass
class ImportResult:
    """What an import did. Names are unit full names; ``contacts_assigned`` reads like "区公安分局 A角：王堃"."""

    kind: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    contacts_assigned: list[str] = field(default_factory=list)
    contacts_unchanged: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deactivated or self.reactivated or self.contacts_assigned)

    def summary(self):
        if self.kind == "receipt":
            return (
                f"读取 {self.rows} 行：更换或登记联系人 {len(self.contacts_assigned)} 名，"
                f"未变 {self.contacts_unchanged} 名。"
            )
        return (
            f"读取 {self.rows} 行：新建 {len(self.created)} 个单位，更新 {len(self.updated)} 个，"
            f"停用 {len(self.deactivated)} 个，恢复在册 {len(self.reactivated)} 个，未变 {len(self.unchanged)} 个。"
        )


class _Errors:
    """Row errors collected during validation, reported together."""

    def __init__(self):
        self.messages = []

    def add(self, row, column, message):
        self.messages.append(f"第{row}行“{column}”{message}")

    def add_row(self, row, message):
        self.messages.append(f"第{row}行：{message}")

    def raise_if_any(self):
        if not self.messages:
            return
        shown = self.messages[:MAX_REPORTED_ERRORS]
        more = len(self.messages) - len(shown)
        message = "；".join(shown) + (f"；另有 {more} 处错误未列出" if more > 0 else "")
        raise ApplicationError(
            f"导入未执行，共发现 {len(self.messages)} 处错误：{message}。",
            field="file",
            extra={"errors": self.messages},
        )


def _require_admin(actor, what):
    if actor is None or not actor.is_administrator:
        raise PermissionDenied(f"只有系统管理员可以导入{what}。")


def _normalise_header(value):
    return re.sub(r"\s+", "", _text(value)).replace("*", "")


def _compact(value):
    return re.sub(r"\s+", "", value)


def _text(value):
    """A cell as text: numbers typed into a phone column come back as digits, not as 1.38e10."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _read_sheet(file, sheet_name):
    """The non-empty rows of the named sheet (or the first sheet) as (row number, [raw values]); refuses
    anything but an .xlsx workbook."""
    name = getattr(file, "name", "") or ""
    if name and not name.lower().endswith((".xlsx", ".xlsm")):
        hint = "，请在 Excel 中另存为 .xlsx 后再上传" if name.lower().endswith((".xls", ".et", ".csv")) else ""
        raise ApplicationError(f"只能导入 Excel 工作簿（.xlsx）文件{hint}。", field="file")
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # zipfile, KeyError, XML and openpyxl's own errors: all mean "not a workbook"
        raise ApplicationError(
            "文件不是有效的 Excel 工作簿（.xlsx），请使用系统导出的模板填写后上传。", field="file"
        ) from error
    try:
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
        rows, empty_run = [], 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(_text(value) for value in values):
                empty_run += 1
                # Formatting applied to a whole column makes a sheet report a million empty rows.
                if empty_run > MAX_EMPTY_RUN:
                    break
                continue
            empty_run = 0
            rows.append((number, list(values)))
            if len(rows) > MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS:
                raise ApplicationError(f"文件行数过多，一次最多导入 {MAX_IMPORT_ROWS} 行。", field="file")
        return rows
    finally:
        workbook.close()


def _find_header(rows, required, optional=()):
    """(index of the header row, {header: column index}) — the header row is looked for near the top, so a
    title above it (as in the receipt) is fine and the columns may come in any order."""
    wanted = set(required) | set(optional)
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [_normalise_header(value) for value in values]
        if set(required) <= set(headers):
            return index, {header: position for position, header in enumerate(headers) if header in wanted}
    expected = "、".join(required)
    raise ApplicationError(f"未找到表头，请使用系统导出的模板（表头应包含：{expected}）。", field="file")


def _cell(values, columns, header):
    position = columns.get(header)
    if position is None or position >= len(values):
        return ""
    return _text(values[position])


def _label_key(text):
    """Labels compared without spaces, case, or the difference between half- and full-width parentheses."""
    return _compact(text).replace("(", "（").replace(")", "）").lower()


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
    header_index, columns = _find_header(rows, required, optional)
    labels = {key: header for key, header, _ in ROSTER_COLUMNS}
    measures = {}
    for pk, code, name in Measure.objects.values_list("pk", "code", "name"):
        measures[_label_key(name)] = measures[_label_key(code)] = pk
    errors = _Errors()
    parsed = []
    seen_codes, seen_names = {}, {}
    for number, values in rows[header_index + 1 :]:
        cell = {key: _cell(values, columns, labels[key]) for key in labels}
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
            key = _compact(cell["name"])
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
            for name in filter(None, (_compact(part) for part in MEASURE_SPLIT_RE.split(cell["measures"]))):
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
        _compact(name): code
        for code, name in Organisation.objects.filter(jurisdiction=jurisdiction).values_list("code", "name")
    }
    for row in parsed:
        other = existing.get(row.code)
        if other and other["jurisdiction_id"] != jurisdiction.pk:
            errors.add(row.number, "代码", f"{row.code}已被{other['jurisdiction__name']}的“{other['name']}”使用")
        holder = names_in_jurisdiction.get(_compact(row.values["name"]))
        if holder and holder != row.code and holder not in seen_codes:
            errors.add(row.number, "全称", f"与本辖区已有单位重名（代码 {holder}）：{row.values['name']}")
    errors.raise_if_any()
    return parsed


@transaction.atomic
def import_roster(file, *, actor, jurisdiction) -> ImportResult:
    """Create the file's new units (by code) in ``jurisdiction`` and update the existing ones; 在册=否 deactivates,
    是 reactivates. Nothing is deleted. All rows are validated first; any bad row refuses the whole file."""
    _require_admin(actor, "成员单位名册")
    rows = _read_sheet(file, ROSTER_SHEET)
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


@dataclass
class _ReceiptRow:
    number: int
    unit_id: int
    role: str
    fields: dict
    has_email: bool


def _match_units(jurisdiction):
    units = list(
        Organisation.objects.filter(jurisdiction=jurisdiction).values("id", "name", "short_name", "active", "code")
    )
    by_name = {_compact(unit["name"]): unit for unit in units}
    by_short = defaultdict(list)
    for unit in units:
        by_short[_compact(unit["short_name"])].append(unit)
    return by_name, by_short


UNKNOWN = object()


def _validate_receipt_rows(rows, jurisdiction):
    required = [header for _key, header, _ in RECEIPT_COLUMNS]
    header_index, columns = _find_header(rows, required, optional=["电子邮箱"])
    has_email = "电子邮箱" in columns
    by_name, by_short = _match_units(jurisdiction)
    errors = _Errors()
    parsed = []
    slots = defaultdict(int)
    unit = None
    for number, values in rows[header_index + 1 :]:
        unit_text = _cell(values, columns, "单位")
        if unit_text.startswith(("注：", "注:", "注 ")) or unit_text == "注":
            break
        contact = {key: _cell(values, columns, label) for key, label in CONTACT_FIELD_LABELS.items()}
        filled = any(contact.values())
        if unit_text:
            match = by_name.get(_compact(unit_text))
            if match is None:
                candidates = by_short.get(_compact(unit_text), [])
                if len(candidates) > 1:
                    errors.add(number, "单位", f"简称对应多个单位，请填写全称：{unit_text}")
                    unit = UNKNOWN
                    continue
                match = candidates[0] if candidates else None
            if match is None:
                errors.add(number, "单位", f"在{jurisdiction.name}的名册中未找到：{unit_text}")
                unit = UNKNOWN
                continue
            if not match["active"]:
                errors.add(number, "单位", f"已停用，不能登记联系人：{unit_text}")
                unit = UNKNOWN
                continue
            unit = match
        elif unit is None:
            if filled:
                errors.add(number, "单位", "未填写")
            continue
        elif unit is UNKNOWN:
            # The unit's row already reported the error; its second (merged) row adds nothing.
            continue
        # A unit's first row is its A contact, the second its B contact (the unit cell is merged over both).
        slots[unit["id"]] += 1
        slot = slots[unit["id"]]
        if not filled:
            continue
        if slot > len(LIAISON_ROLES):
            errors.add_row(number, f"每个单位最多报 {len(LIAISON_ROLES)} 名联系人，{unit['name']}已超过")
            continue
        try:
            fields = clean_contact_fields(**contact)
        except ApplicationError as error:
            errors.add(number, CONTACT_FIELD_LABELS.get(error.field, "联系人"), f"：{error.message}")
            continue
        parsed.append(_ReceiptRow(number, unit["id"], LIAISON_ROLES[slot - 1], fields, has_email))
    errors.raise_if_any()
    if not parsed:
        raise ApplicationError("回执中没有填写任何联系人。", field="file")
    return parsed


@transaction.atomic
def import_receipt(file, *, actor, jurisdiction) -> ImportResult:
    """Read a filled-in 联系人名单回执: each unit (matched by full or short name in ``jurisdiction``) gets the first
    row's person as A contact and the second's as B contact, through ``assign_contact`` (the previous holder's term
    ends today, the history is kept). A row identical to the current contact changes nothing; the current contact's
    e-mail and linked account stay when the same person is reported again. Any bad row refuses the whole file."""
    _require_admin(actor, "联系人名单回执")
    rows = _read_sheet(file, RECEIPT_SHEET)
    parsed = _validate_receipt_rows(rows, jurisdiction)
    unit_ids = {row.unit_id for row in parsed}
    organisations = Organisation.objects.in_bulk(unit_ids)
    current = {
        (contact.organisation_id, contact.role): contact
        for contact in Contact.objects.current().filter(organisation_id__in=unit_ids).select_related("user")
    }
    accounts = {}
    for account in User.objects.filter(role=UserRole.LIAISON, organisation_id__in=unit_ids).order_by("-id"):
        accounts[(account.organisation_id, account.liaison_role)] = account
    result = ImportResult(kind="receipt", rows=len(parsed))
    for row in parsed:
        organisation = organisations[row.unit_id]
        holder = current.get((row.unit_id, row.role))
        fields = dict(row.fields)
        same_person = holder is not None and holder.name == fields["name"]
        if same_person and not row.has_email:
            fields["email"] = holder.email
        user = holder.user if same_person else accounts.get((row.unit_id, row.role))
        if same_person and all(getattr(holder, key) == value for key, value in fields.items()):
            result.contacts_unchanged += 1
            continue
        try:
            services.assign_contact(actor=actor, organisation=organisation, role=row.role, user=user, **fields)
        except ApplicationError as error:
            raise ApplicationError(f"第{row.number}行：{error.message}", field="file") from error
        result.contacts_assigned.append(f"{organisation.name} {ContactRole(row.role).label}：{fields['name']}")
    return result
