"""Spreadsheets and CSV files the app hands out, written so that no cell can carry a formula.

A name, a reason or a note typed by one user ends up in a file another user opens in Excel or LibreOffice. A value
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read there as a formula (or a DDE
call) — "CSV/formula injection". Every export therefore goes through this module:

- Excel: ``new_workbook()`` gives a workbook that, when saved, stores every such text cell as a plain string with
  the "quote prefix" style (what typing an apostrophe in front does), so ``=1+1`` shows as ``=1+1``, is never
  evaluated, and reads back as the same text (a re-imported roster is unchanged). In write-only mode each appended
  row is converted the same way. Characters an .xlsx file cannot hold are dropped.
- CSV: ``csv_writer()`` prefixes such a value with a single quote, as OWASP recommends.

``tests/linkage/test_export_formulas.py`` checks that no other module creates a workbook or a CSV writer itself.
"""

import csv

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value):
    """True for text a spreadsheet would read as a formula when it opens the file."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def xlsx_text(value):
    """A value as an .xlsx cell can hold it: strings lose the control characters the format forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def mark_as_text(cell):
    """Make a cell holding formula-like text a plain string shown as typed (Excel's and LibreOffice's quotePrefix)."""
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _neutralise_sheet(sheet):
    # The cells that exist; iterating the whole range would create empty ones.
    for cell in list(sheet._cells.values()):
        if is_formula_like(cell._value):
            mark_as_text(cell)


class _SafeWriteOnlyWorksheet(WriteOnlyWorksheet):
    def append(self, row):
        super().append([self._safe(value) for value in row])

    def _safe(self, value):
        value = xlsx_text(value)
        if is_formula_like(value):
            return mark_as_text(WriteOnlyCell(self, value))
        return value


class SafeWorkbook(Workbook):
    """An openpyxl workbook whose text cells can never be formulas in the saved file."""

    def create_sheet(self, title=None, index=None):
        if not self.write_only:
            return super().create_sheet(title=title, index=index)
        sheet = _SafeWriteOnlyWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename):
        if not self.write_only:
            for sheet in self.worksheets:
                _neutralise_sheet(sheet)
        super().save(filename)


def new_workbook(*, write_only=False):
    """The workbook every Excel export starts from."""
    return SafeWorkbook(write_only=write_only)


# --------------------------------------------------------------------------------------------------------- CSV


def csv_value(value):
    """A CSV field that a spreadsheet shows as text: formula-like text gets a leading single quote (OWASP)."""
    if is_formula_like(value):
        return f"'{value}"
    return value


class _SafeCSVWriter:
    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self._writer.writerow([csv_value(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options):
    """``csv.writer`` whose every field goes through ``csv_value``."""
    return _SafeCSVWriter(stream, **options)
