"""The scoreboard as a PDF for the annual meeting (a 通报 in the GB/T 9704-2012 layout: red issuer banner, red rule,
bold Song title, FangSong body, `— 1 —` page numbers) and as an Excel workbook. Both are rendered from the same
board data and the same column definitions as the page (`presentation.py`), so they hold the same figures."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from linkage.exports import new_workbook
from linkage.gbt9704 import official_context
from linkage.pdf import content_disposition, pdf_response, render_pdf
from members.models import Organisation, OrganisationKind

from . import charts, presentation
from .models import NominationKind
from .services import scoreboard_number

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def _issued_on(board):
    moment = parse_datetime(board.get("finalised_at") or board["as_of"])
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def _filename(board, suffix):
    stem = f"{board['jurisdiction']['name']}{board['year']}年度执行联动工作考评"
    if board.get("final"):
        stem += f"（定稿第{board['version']}版）"
    else:
        stem += "（审核稿）"
    return f"{stem}.{suffix}"


def _nominations(board, kind):
    return [n for n in board.get("nominations", []) if n["kind"] == kind and n["state"] == "approved"]


def pdf_context(board, jurisdiction):
    committee = (Organisation.objects.filter(jurisdiction_id=jurisdiction.pk, kind=OrganisationKind.COMMITTEE)
                 .order_by("sort_order", "id").first())
    court = (Organisation.objects.filter(jurisdiction_id=jurisdiction.pk, kind=OrganisationKind.COURT)
             .order_by("sort_order", "id").first())
    issued_on = _issued_on(board)
    issuer = committee.name if committee else f"{jurisdiction.name}政法委"
    number = scoreboard_number(jurisdiction.pk, board["year"], board["version"]) if board.get("final") else None
    return {
        **official_context(
            issuer=issuer, title=f"关于{board['year']}年度执行联动工作考评结果的通报", document_number=number,
            is_draft=not board.get("final"), date=f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
            draft_note=f"（审核稿：{board.get('state_display', '')}，尚未定稿，不得据此表彰或通报）",
            addressees="各执行联动成员单位", attachments=["考评图表"],
            copied=court.name if court else ""),
        "number_label": "通报文号",
        "board": board,
        "court_name": court.name if court else "人民法院",
        "issued_on": issued_on,
        "notice_headers": presentation.NOTICE_COLUMNS,
        "cooperation_headers": presentation.COOPERATION_COLUMNS,
        "commended_units": _nominations(board, NominationKind.COMMEND_UNIT),
        "commended_people": _nominations(board, NominationKind.COMMEND_PERSON),
        "criticised": _nominations(board, NominationKind.CRITICISE_UNIT),
        "charts": {key: value for key, value in charts.board_charts(board).items() if key in ("on_time", "histogram")},
        "trend_chart": charts.board_charts(board)["trend"],
    }


def scoreboard_pdf(board, jurisdiction):
    """A finalised version's 通报 as issued at finalising (`assessment.issuing`), byte for byte; a board under
    review (or a version finalised before documents were issued) is rendered."""
    from .issuing import stored_pdf  # issuing renders through this module

    stored = stored_pdf(board, jurisdiction)
    if stored is not None:
        return stored
    return render_pdf("pdf/scoreboard.html", pdf_context(board, jurisdiction))


def pdf_response_for(board, jurisdiction):
    return pdf_response(scoreboard_pdf(board, jurisdiction), _filename(board, "pdf"))


# --------------------------------------------------------------------------------------------------- Excel


def _header(sheet, row, headers, widths=None):
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, CENTER
        if widths:
            sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]


def _number(text):
    """A printed figure back as a number for the cell (the sheet shows it with the same decimals), "—" stays."""
    if text in ("—", "", None):
        return "—"
    if text.endswith("%"):
        return text
    try:
        return int(text)
    except ValueError:
        return float(text)


def scoreboard_workbook(board):
    workbook = new_workbook()
    ranking = workbook.active
    ranking.title = "考评结果"
    title = f"{board['jurisdiction']['name']}{board['year']}年度执行联动工作考评结果"
    status = f"定稿第{board['version']}版" if board.get("final") else f"审核稿（{board['state_display']}）"
    ranking.cell(row=1, column=1, value=f"{title}（{status}）").font = Font(bold=True, size=14)
    headers = ["名次", "单位", *[f"{c['name']}（{c['points']}）" for c in board["criteria"]], "总分"]
    _header(ranking, 3, headers, [6, 30, *[12] * len(board["criteria"]), 10])
    for index, row in enumerate(board["rows"], start=4):
        values = [row["rank"] or row.get("standing_display") or "—", row["unit"]["name"], *[float(cell["text"]) for cell in row["score_cells"]],
                  float(row["total"])]
        for column, value in enumerate(values, start=1):
            cell = ranking.cell(row=index, column=column, value=value)
            cell.border = BORDER
            if isinstance(value, float):
                cell.number_format = "0.00"
    ranking.freeze_panes = "C4"

    metrics = workbook.create_sheet("考评指标")
    columns = presentation.METRIC_COLUMNS
    _header(metrics, 1, ["单位", *[header for _, header, _ in columns]], [30, *[11] * len(columns)])
    for index, row in enumerate(board["rows"], start=2):
        metrics.cell(row=index, column=1, value=row["unit"]["name"]).border = BORDER
        for column, cell_data in enumerate(row["notice_cells"] + row["cooperation_cells"], start=2):
            value = _number(cell_data["text"])
            cell = metrics.cell(row=index, column=column, value=value)
            cell.border = BORDER
            if isinstance(value, float):
                cell.number_format = "0.00"
    metrics.freeze_panes = "B2"

    lost = workbook.create_sheet("扣分说明")
    _header(lost, 1, ["单位", "考评项目", "失分", "原因"], [30, 18, 8, 80])
    line = 2
    for row in board["rows"]:
        for item in row["pulled_down"]:
            for column, value in enumerate([row["unit"]["name"], item["name"], float(item["lost"]), item["reason"]],
                                           start=1):
                cell = lost.cell(row=line, column=column, value=value)
                cell.border, cell.alignment = BORDER, WRAP
                if isinstance(value, float):
                    cell.number_format = "0.00"
            line += 1

    nominations = workbook.create_sheet("表彰与批评")
    _header(nominations, 1, ["类别", "单位", "个人", "职务", "事实和依据", "状态", "决定意见"], [12, 30, 10, 14, 60, 12, 30])
    for line, item in enumerate(board.get("nominations", []), start=2):
        for column, value in enumerate([item["kind_display"], item["unit_name"], item["person_name"],
                                        item["person_position"], item["evidence"], item["state_display"],
                                        item["decision_reason"]], start=1):
            cell = nominations.cell(row=line, column=column, value=value)
            cell.border, cell.alignment = BORDER, WRAP

    scheme = workbook.create_sheet("考评项目")
    _header(scheme, 1, ["类别", "考评项目", "分值", "评分方式", "说明"], [12, 18, 8, 16, 60])
    for line, criterion in enumerate(board["criteria"], start=2):
        for column, value in enumerate([criterion["group_display"], criterion["name"], float(criterion["points"]),
                                        criterion["source_display"], criterion["description"]], start=1):
            scheme.cell(row=line, column=column, value=value).border = BORDER
    return workbook


def xlsx_response_for(board):
    buffer = io.BytesIO()
    scoreboard_workbook(board).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(_filename(board, "xlsx"))
    response["Cache-Control"] = "private, no-store"
    return response
