"""Reading a filled-in workbook for an import: the sheet's rows as text, the header found near the top, the errors
of every row collected and reported together, and what the import did."""

import datetime
import re
from dataclasses import dataclass, field

from openpyxl import load_workbook

from linkage.errors import ApplicationError, PermissionDenied

from .common import HEADER_SEARCH_ROWS, MAX_EMPTY_RUN, MAX_IMPORT_ROWS, MAX_REPORTED_ERRORS, NO, YES


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


class RowErrors:
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


def require_admin(actor, what):
    if actor is None or not actor.is_administrator:
        raise PermissionDenied(f"只有系统管理员可以导入{what}。")


def _normalise_header(value):
    return re.sub(r"\s+", "", cell_text(value)).replace("*", "")


def compact(value):
    return re.sub(r"\s+", "", value)


def cell_text(value):
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


def read_sheet(file, sheet_name):
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
            if not any(cell_text(value) for value in values):
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


def find_header(rows, required, optional=()):
    """(index of the header row, {header: column index}) — the header row is looked for near the top, so a
    title above it (as in the receipt) is fine and the columns may come in any order."""
    wanted = set(required) | set(optional)
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [_normalise_header(value) for value in values]
        if set(required) <= set(headers):
            return index, {header: position for position, header in enumerate(headers) if header in wanted}
    expected = "、".join(required)
    raise ApplicationError(f"未找到表头，请使用系统导出的模板（表头应包含：{expected}）。", field="file")


def read_cell(values, columns, header):
    position = columns.get(header)
    if position is None or position >= len(values):
        return ""
    return cell_text(values[position])
