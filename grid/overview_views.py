"""The grid overview's pages: the table per subdistrict (`grid:overview`), the overdue tasks behind a figure
(`grid:overview-overdue`) and the same figures as an Excel file (`grid:overview-xlsx`). Who may read them and what
they count: `grid/overview.py`; anybody else gets 404."""

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl.styles import Border, Font, PatternFill, Side

from linkage.exports import new_workbook
from linkage.pdf import content_disposition

from .overview import FIRST_YEAR, RATE_RULE, Period, overdue_tasks_for, overview_for, year_or_none

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
YEARS_SHOWN = 6
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _year(request):
    today = timezone.localdate()
    value = request.GET.get("year")
    if value in (None, ""):
        return today.year
    year = year_or_none(value, today)
    if year is None:
        raise Http404
    return year


def _id(request, name):
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _overview(request):
    year = _year(request)
    overview = overview_for(request.user, Period.of_year(year))
    if overview is None:
        raise Http404
    return year, overview


@login_required
def overview_page(request):
    year, overview = _overview(request)
    this_year = timezone.localdate().year
    years = [y for y in range(this_year, this_year - YEARS_SHOWN, -1) if y >= FIRST_YEAR]
    return render(request, "grid/overview.html", {
        "year": year, "years": years, "overview": overview, "rate_rule": RATE_RULE,
        "open_all": len(overview.subdistricts) == 1,
    })


@login_required
def overdue_page(request):
    year = _year(request)
    subdistrict_id, community_id = _id(request, "subdistrict"), _id(request, "community")
    tasks = overdue_tasks_for(request.user, Period.of_year(year), subdistrict_id=subdistrict_id,
                              community_id=community_id)
    if tasks is None:
        raise Http404
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grid/overview_overdue.html", {
        "year": year, "page": page, "today": timezone.localdate(),
        "subdistrict_id": subdistrict_id, "community_id": community_id,
    })


HEADERS = ["街道（镇）", "村（居）委会", "发出", "按期回复", "逾期回复", "未到期", "逾期未回复", "按期回复率"]


def _cells(figures):
    return [figures.sent, figures.on_time, figures.late, figures.pending, figures.overdue, figures.rate_text]


def overview_workbook(overview, year):
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = f"{year}年网格协助"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font, cell.border = Font(bold=True), BORDER
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    for row in overview.subdistricts:
        sheet.append([row.subdistrict.name, "小计", *_cells(row.figures)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for community_row in row.communities:
            sheet.append([row.subdistrict.name, community_row.community.name, *_cells(community_row.figures)])
    sheet.append(["合计", "", *_cells(overview.totals)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", [24, 20, 8, 10, 10, 8, 12, 12], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([])
    sheet.append([f"统计截至{overview.today:%Y-%m-%d}；{RATE_RULE}"])
    return workbook


@login_required
def overview_xlsx(request):
    year, overview = _overview(request)
    buffer = io.BytesIO()
    overview_workbook(overview, year).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{year}年网格协助情况统计.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response
