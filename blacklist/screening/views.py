"""Pages of screening (issue 5 item 6) for member units' liaisons: the unit's screenings, a form to check one
applicant or upload a file, the results (hits first) and their Excel download. Another unit's screening is a 404,
and so is every page for a user who is not a liaison."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from linkage.errors import ApplicationError
from linkage.exports import new_workbook

from ..models import ListingGround, ScreeningSource
from . import services as screening

RESULTS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SingleScreeningForm(forms.Form):
    name = forms.CharField(label="姓名或名称", max_length=100)
    identifier = forms.CharField(label="公民身份号码或统一社会信用代码", max_length=40)


class UploadScreeningForm(forms.Form):
    file = forms.FileField(label="人员名单文件（.xlsx 或 .csv）")


def _liaison(request):
    if not request.user.is_liaison or not request.user.organisation_id:
        raise Http404
    return request.user


def _batch(request, pk):
    return get_object_or_404(screening.screenings_for(_liaison(request)).select_related("submitted_by"), pk=pk)


@login_required
def screening_list(request):
    user = _liaison(request)
    page = Paginator(screening.screenings_for(user).select_related("submitted_by"), 20).get_page(request.GET.get("page"))
    return render(request, "blacklist/screening_list.html", {"page": page})


@login_required
def screening_new(request):
    user = _liaison(request)
    single, upload = SingleScreeningForm(), UploadScreeningForm()
    error = None
    if request.method == "POST":
        mode = request.POST.get("mode")
        form = UploadScreeningForm(request.POST, request.FILES) if mode == "upload" else SingleScreeningForm(request.POST)
        if mode == "upload":
            upload = form
        else:
            single = form
        if form.is_valid():
            try:
                if mode == "upload":
                    file = form.cleaned_data["file"]
                    batch = screening.screen_applicants(actor=user, applicants=screening.parse_upload(file),
                                                        source=ScreeningSource.UPLOAD, file_name=file.name)
                else:
                    batch = screening.screen_applicants(
                        actor=user, source=ScreeningSource.SINGLE,
                        applicants=[{"name": form.cleaned_data["name"],
                                     "identifier": form.cleaned_data["identifier"]}])
            except ApplicationError as failure:
                error = failure
            else:
                return redirect("blacklist:screening-detail", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "blacklist/screening_new.html",
                  {"single": single, "upload": upload, "error": error,
                   "errors": error.extra.get("errors", []) if error else [],
                   "mode": request.POST.get("mode", "")}, status=status)


@login_required
def screening_detail(request, pk):
    batch = _batch(request, pk)
    page = Paginator(screening.results_hits_first(batch), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "blacklist/screening_detail.html", {"batch": batch, "page": page})


RESULT_COLUMNS = [("行号", 8), ("姓名或名称", 20), ("公民身份号码", 22), ("统一社会信用代码", 22), ("是否命中", 10),
                  ("姓名一致", 10), ("案号", 28), ("执行法院", 28), ("失信情形", 40), ("发布时间", 12)]


@login_required
def screening_results_xlsx(request, pk):
    batch = _batch(request, pk)
    grounds = dict(ListingGround.choices)
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("筛查结果")
    for index, (_header, width) in enumerate(RESULT_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([header for header, _width in RESULT_COLUMNS])
    for result in screening.results_hits_first(batch).iterator(chunk_size=2000):
        listing = result.listing
        sheet.append([
            result.row_number, result.name, result.id_number, result.credit_code,
            "是" if result.hit else "否", ("是" if result.name_matches else "否") if result.hit else "",
            listing.case_number if listing else "", listing.court_name if listing else "",
            grounds.get(listing.ground, "") if listing else "",
            listing.published_on.isoformat() if listing and listing.published_on else "",
        ])
    response = HttpResponse(content_type=XLSX)
    workbook.save(response)
    stamp = timezone.localtime(batch.submitted_at).strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(True, f"失信筛查结果-{batch.pk}-{stamp}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
