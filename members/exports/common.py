"""What every roster workbook shares: the sheets' names and columns, the cell styles and the writing of a table,
and the plain rows (``.values()``) the exports read: one query for the units, one for their measures, one for their
current contacts, whatever the number of units."""

from collections import defaultdict

from django.db.models import QuerySet
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from linkage.exports import xlsx_text

from ..models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
)

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



# ---------------------------------------------------------------------------------------------------------------
# Workbooks


def write_header(sheet, columns, row=1):
    for index, (_key, header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_row(sheet, row_number, values, *, text_columns=(), alignment=WRAP_TOP):
    for index, value in enumerate(values, start=1):
        # Control characters pasted from word processors are not allowed in an .xlsx cell.
        cell = sheet.cell(row=row_number, column=index, value=xlsx_text(value))
        cell.border = BORDER
        cell.alignment = alignment
        if index in text_columns:
            cell.number_format = TEXT_FORMAT


def finish_table(sheet, columns, header_row, last_row):
    sheet.freeze_panes = f"A{header_row + 1}"  # a coordinate, not sheet.cell(): that would create an empty row
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row)}"


def add_options_sheet(workbook):
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
