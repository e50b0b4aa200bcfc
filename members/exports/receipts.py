"""The contact-list receipt (联系人名单回执, the layout of the Liwan seed's 附件2) and the administrator's import of a
filled-in one: each unit's first row is its A contact, the second its B contact."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from linkage.errors import ApplicationError
from linkage.exports import SafeWorkbook, new_workbook

from .. import services
from ..models import (
    LIAISON_ROLES,
    Contact,
    ContactRole,
    Organisation,
    User,
    UserRole,
)
from ..validators import clean_contact_fields
from .common import (
    CENTER,
    CONTACT_FIELD_LABELS,
    RECEIPT_COLUMNS,
    RECEIPT_NOTE,
    RECEIPT_SHEET,
    RECEIPT_TITLE,
    current_contacts_by_unit,
    jurisdiction_label,
    organisation_rows,
    write_header,
    write_row,
)
from .reading import ImportResult, RowErrors, compact, find_header, read_cell, read_sheet, require_admin


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
    write_header(sheet, RECEIPT_COLUMNS, row=2)
    number = 2
    for row in rows:
        current = contacts.get(row["id"], {})
        first = number + 1
        for role in LIAISON_ROLES:
            number += 1
            contact = current.get(role) or {}
            values = [row["name"] if number == first else None]
            values += [contact.get(key, "") for key in ("name", "position", "landline", "mobile")]
            write_row(sheet, number, values, text_columns=(4, 5), alignment=CENTER)
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
    by_name = {compact(unit["name"]): unit for unit in units}
    by_short = defaultdict(list)
    for unit in units:
        by_short[compact(unit["short_name"])].append(unit)
    return by_name, by_short


UNKNOWN = object()


def _validate_receipt_rows(rows, jurisdiction):
    required = [header for _key, header, _ in RECEIPT_COLUMNS]
    header_index, columns = find_header(rows, required, optional=["电子邮箱"])
    has_email = "电子邮箱" in columns
    by_name, by_short = _match_units(jurisdiction)
    errors = RowErrors()
    parsed = []
    slots = defaultdict(int)
    unit = None
    for number, values in rows[header_index + 1 :]:
        unit_text = read_cell(values, columns, "单位")
        if unit_text.startswith(("注：", "注:", "注 ")) or unit_text == "注":
            break
        contact = {key: read_cell(values, columns, label) for key, label in CONTACT_FIELD_LABELS.items()}
        filled = any(contact.values())
        if unit_text:
            match = by_name.get(compact(unit_text))
            if match is None:
                candidates = by_short.get(compact(unit_text), [])
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
    require_admin(actor, "联系人名单回执")
    rows = read_sheet(file, RECEIPT_SHEET)
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
