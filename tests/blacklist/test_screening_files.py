"""A screening upload is judged on its structure before it is read: a workbook with one cell at column XFD in each of
20,000 rows (104 KB; 2,000 such rows took 20 s and 250 MB on the old reader) is refused in Chinese within a second
and without 100 MB, a zip that inflates to hundreds of MB or holds thousands of parts is refused, a CSV line of a
megabyte is refused, and an ordinary file with a stray far column is still screened."""

import io
import json
import os
import subprocess
import sys
import time
import zipfile

import pytest
from django.conf import settings

from blacklist.screening import files as screening_files
from blacklist.screening.services import parse_upload
from linkage.errors import ApplicationError

from .test_screening import Upload, resident_id, xlsx

pytestmark = pytest.mark.django_db

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>证件号码</t></is></c></row>'
)


def workbook(sheet_data, *, dimension="", padding=0, extra_members=0):
    """A minimal .xlsx whose first sheet holds ``sheet_data`` (the <row> elements after the header)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + "<sheetData>"
        + HEADER_ROW
        + sheet_data
        + "</sheetData>"
        + " " * padding
        + "</worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for index in range(extra_members):
            archive.writestr(f"customXml/item{index}.xml", "<a/>")
    return buffer.getvalue()


def xfd_workbook(rows, *, dimension=True):
    """One cell at column XFD (16,384) in each of ``rows`` rows after the header."""
    cells = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(2, rows + 2))
    return workbook(cells, dimension=f"A1:XFD{rows + 1}" if dimension else "")


# Runs parse_upload on stdin's bytes in a fresh interpreter and reports what it cost: the peak resident memory
# above the one after Django's setup, and the time.
MEASURE = """
import io, json, resource, sys, time
import django
django.setup()
from blacklist.screening.services import parse_upload
from linkage.errors import ApplicationError
upload = io.BytesIO(sys.stdin.buffer.read())
upload.name = "名单.xlsx"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    parse_upload(upload)
    outcome = "accepted"
except ApplicationError as error:
    outcome = error.message
seconds = time.perf_counter() - started
extra_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"outcome": outcome, "seconds": seconds, "extra_mb": extra_mb}))
"""


def measure(content):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "linkage.settings")}
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=content,
        capture_output=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=30,  # the old reader needs minutes and gigabytes for this file
        check=True,
    )
    return json.loads(completed.stdout.decode().strip().splitlines()[-1])


def refusal(content, name="名单.xlsx"):
    with pytest.raises(ApplicationError) as error:
        parse_upload(Upload(content, name))
    assert error.value.field == "file"
    return error.value.message


def test_the_xfd_sheet_is_refused_within_a_second_and_100_mb():
    content = xfd_workbook(20_000)
    assert len(content) < 150 * 1024

    cost = measure(content)

    assert "工作表声明的范围为 A1:XFD20001" in cost["outcome"] and "远超名单所需" in cost["outcome"]
    assert cost["seconds"] < 1
    assert cost["extra_mb"] < 100


def test_the_xfd_sheet_is_a_chinese_400_over_the_api(liaison, api_for):
    api = api_for(liaison)
    upload = Upload(xfd_workbook(2_000), "名单.xlsx")
    assert api.get("/api/v1/screenings/").status_code == 200  # the URL configuration and the views loaded

    started = time.monotonic()
    response = api.post("/api/v1/screenings/", {"file": upload}, format="multipart")

    assert time.monotonic() - started < 1
    assert response.status_code == 400
    assert "远超名单所需" in response.json()["file"][0]


def test_without_a_dimension_only_the_leading_columns_are_read():
    cost = measure(xfd_workbook(20_000, dimension=False))

    assert cost["outcome"] == "文件中只有表头，没有可筛查的人员。"  # column XFD is never read
    assert cost["extra_mb"] < 100


def test_a_zip_that_inflates_past_the_bound_is_refused_unread():
    content = workbook("", padding=screening_files.MAX_UNCOMPRESSED_BYTES + 1)
    assert len(content) < 1024 * 1024

    started = time.monotonic()
    message = refusal(content)

    assert time.monotonic() - started < 1
    assert "解压后超过 64 MB" in message


def test_a_workbook_of_thousands_of_parts_is_refused():
    assert "部件过多" in refusal(workbook("", extra_members=screening_files.MAX_ZIP_MEMBERS))


def test_a_csv_line_of_a_megabyte_is_refused():
    content = ("姓名,证件号码\r\n张三," + "1," * 500_000 + "\r\n").encode()

    assert "第2行超过 4096 个字符" in refusal(content, "名单.csv")


def test_an_ordinary_workbook_with_a_stray_far_cell_is_still_read():
    upload = xlsx([("张三", resident_id(1)), ("李四", resident_id(2))])
    content = upload.getvalue()

    applicants = parse_upload(Upload(content, "名单.xlsx"))

    assert [applicant["name"] for applicant in applicants] == ["张三", "李四"]
    stray = workbook(
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>王五</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{resident_id(3)}</t></is></c>'
        '<c r="CV2" t="inlineStr"><is><t>备注</t></is></c></row>',
        dimension="A1:CV2",
    )
    assert parse_upload(Upload(stray, "名单.xlsx")) == [{"row": 2, "name": "王五", "identifier": resident_id(3)}]
