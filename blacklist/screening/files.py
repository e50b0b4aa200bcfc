"""What an uploaded screening file may cost before it is read: checked on the file's structure, never by loading it.

An .xlsx is a zip of XML parts. Its cost is what the zip declares, and openpyxl honours the declarations: a part is
never inflated past its declared size (zipfile stops there and a lying checksum fails), and in read-only mode a row
is expanded to the sheet's declared width. So a 104 KB workbook with one cell at column XFD (16,384) in each of
20,000 rows asks for 16,384 values per row: measured on today's reader, 2,000 such rows took 20 s and 250 MB, the
issue's 143 KB file 1.2 GB. Before openpyxl opens a workbook, ``check_workbook`` refuses one with too many parts,
parts that inflate past ``MAX_UNCOMPRESSED_BYTES`` in all, or a worksheet whose declared dimension spans more than
``MAX_DECLARED_CELLS``; the reader then asks for the first ``MAX_COLUMNS`` columns only, where the header must be,
so a sheet without a dimension costs no more. A CSV is refused past ``MAX_CSV_LINE`` characters on a line.

Every refusal is an ApplicationError on ``file`` (a Chinese 400); the file is left where it was (position 0).
"""

import re
import zipfile

from openpyxl.utils.cell import column_index_from_string

from linkage.errors import ApplicationError

# A screening workbook is a header and up to 20,000 rows of a few columns: about 10-20 parts and a few MB of XML.
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
# 20,010 rows by 50 columns is 1,000,500 cells; a sheet formatted down a whole column declares 1,048,576 rows
# of a few columns (about 4 million cells), which the reader cuts short at its empty rows.
MAX_DECLARED_CELLS = 5_000_000
# The reader looks for the header, and reads values, in this many leading columns.
MAX_COLUMNS = 50
MAX_CSV_LINE = 4096
DIMENSION_SCAN_BYTES = 64 * 1024

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_NOT_A_WORKBOOK = "文件不是有效的 Excel 工作簿（.xlsx），请另存为 .xlsx 或 .csv 后上传。"


def _refuse(message):
    raise ApplicationError(message, field="file")


def check_workbook(file):
    """Refuse an .xlsx whose zip or declared sheet size is absurd, reading only the zip directory and the first
    bytes of each worksheet part."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                _refuse(
                    f"工作簿包含的部件过多（{len(members)} 个），不是普通的名单文件，请另存为 .xlsx 或 .csv 后上传。"
                )
            inflated = sum(member.file_size for member in members)
            if inflated > MAX_UNCOMPRESSED_BYTES:
                _refuse(
                    f"工作簿解压后超过 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，请只保留姓名和证件号码两列后重新上传。"
                )
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    _check_dimension(archive, member)
    except zipfile.BadZipFile as error:
        raise ApplicationError(_NOT_A_WORKBOOK, field="file") from error
    finally:
        file.seek(0)


def _check_dimension(archive, member):
    with archive.open(member) as part:
        head = part.read(DIMENSION_SCAN_BYTES)
    match = _DIMENSION.search(head)
    if match is None:  # a dimension is optional: the reader's column bound still holds
        return
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    columns = column_index_from_string(last_col.decode()) - column_index_from_string(first_col.decode()) + 1
    rows = int(last_row) - int(first_row) + 1
    if columns * rows > MAX_DECLARED_CELLS:
        _refuse(
            f"工作表声明的范围为 {first_col.decode()}{first_row.decode()}:{last_col.decode()}{last_row.decode()}"
            f"（约 {columns * rows:,} 个单元格），远超名单所需。请删除多余的行列，只保留姓名和证件号码两列后重新上传。"
        )


def check_csv_lines(text):
    """Refuse a CSV with a line longer than MAX_CSV_LINE characters (the csv module would build it whole)."""
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        end = length if end == -1 else end
        if end - start > MAX_CSV_LINE:
            line = text.count("\n", 0, start) + 1
            _refuse(f"CSV 文件第{line}行超过 {MAX_CSV_LINE} 个字符，不是普通的名单行，请检查文件。")
        start = end + 1
