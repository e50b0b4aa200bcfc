"""No export can carry a formula (issue 17 item 6): the helper in linkage/exports.py writes formula-like text as
text in .xlsx (a plain string with the quote prefix) and in CSV (a leading single quote), and no module writes a
workbook or a CSV file without it. Each export's own test (roster, directory, receipt, screening results,
scoreboard) puts `=1+1` into a field that flows into it and reads the file back."""

import ast
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from linkage.exports import csv_writer, new_workbook

ROOT = Path(__file__).resolve().parents[2]
DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']
HARMLESS = ["张三", "1+1", "a=b", "", "13800000000"]


def read_back(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [False, True])
def test_workbook_cells_starting_with_a_formula_trigger_stay_text(write_only):
    workbook = new_workbook(write_only=write_only)
    sheet = workbook.create_sheet("表") if write_only else workbook.active
    for value in DANGEROUS + HARMLESS:
        sheet.append([value, -5, 1.5])

    rows = list(read_back(workbook).iter_rows())

    # openpyxl writes through lxml (installed with pyHanko), which keeps a carriage return as &#13;: the text comes
    # back exactly as written.
    assert [row[0].value or "" for row in rows] == DANGEROUS + HARMLESS
    for row in rows[: len(DANGEROUS)]:
        assert row[0].data_type == "s" and row[0].quotePrefix, row[0].value
    for row in rows[len(DANGEROUS) :]:
        assert not row[0].quotePrefix
    assert all(row[1].value == -5 and row[1].data_type == "n" for row in rows)  # numbers stay numbers


def test_cells_written_one_by_one_or_changed_later_are_text_too():
    workbook = new_workbook()
    sheet = workbook.active
    sheet.cell(row=1, column=1, value="安全")
    sheet["A1"] = "=1+1"  # overwritten after the first write
    sheet["B2"].value = "@A1"

    sheet = read_back(workbook)

    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=1+1", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("@A1", "s")


def test_csv_fields_starting_with_a_formula_trigger_get_a_leading_quote():
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow(["姓名", "备注"])
    writer.writerows([[value, 3] for value in DANGEROUS + HARMLESS])

    rows = list(csv.reader(io.StringIO(stream.getvalue())))

    assert rows[0] == ["姓名", "备注"]
    assert [row[0] for row in rows[1 : 1 + len(DANGEROUS)]] == [f"'{value}" for value in DANGEROUS]
    assert all(row[0].startswith("'") for row in rows[1 : 1 + len(DANGEROUS)])
    assert [row[0] for row in rows[1 + len(DANGEROUS) :]] == HARMLESS
    assert all(row[1] == "3" for row in rows[1:])


def _source_files():
    skip = {".venv", "tests", "bench", "migrations", "node_modules", "var"}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if not skip.intersection(relative.parts[:-1]) and relative.as_posix() != "linkage/exports.py":
            yield relative, path


def _writers_in(tree):
    """Names and calls that create a workbook or a CSV writer without linkage.exports."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            found += [alias.name for alias in node.names if alias.name in ("Workbook", "WriteOnlyCell", "*")]
        elif isinstance(node, ast.Attribute) and node.attr in ("Workbook", "WriteOnlyCell", "DictWriter"):
            found.append(node.attr)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "writer"
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append("csv.writer")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [alias.name for alias in node.names if alias.name in ("writer", "DictWriter", "*")]
    return found


def test_no_module_writes_a_workbook_or_csv_without_the_helper():
    offenders = {}
    for relative, path in _source_files():
        found = _writers_in(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[relative.as_posix()] = found
    assert offenders == {}, "创建 Excel 工作簿或 CSV 文件请使用 linkage.exports.new_workbook / csv_writer"


def test_the_scan_would_see_a_direct_writer():
    source = "import csv\nfrom openpyxl import Workbook\nw = csv.writer(f)\nimport openpyxl\nopenpyxl.Workbook()\n"
    assert sorted(_writers_in(ast.parse(source))) == ["Workbook", "Workbook", "csv.writer"]
