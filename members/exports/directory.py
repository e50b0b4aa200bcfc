"""The contact directory (通讯录): one row per current contact, and per missing role of a member unit."""



from linkage.exports import SafeWorkbook, new_workbook

from ..models import (
    LIAISON_ROLES,
    ContactRole,
)
from .common import (
    DIRECTORY_COLUMNS,
    DIRECTORY_SHEET,
    INCOMPLETE,
    NOT_MEMBER_KINDS,
    current_contacts_by_unit,
    finish_table,
    organisation_rows,
    write_header,
    write_row,
)


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


def directory_workbook(queryset) -> SafeWorkbook:
    """The contact directory: one row per current contact (and per missing role of a member unit)."""
    entries = directory_entries(queryset)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = DIRECTORY_SHEET
    write_header(sheet, DIRECTORY_COLUMNS)
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
            write_row(sheet, number, [*values, note], text_columns=(5, 6))
    finish_table(sheet, DIRECTORY_COLUMNS, 1, number)
    return workbook
