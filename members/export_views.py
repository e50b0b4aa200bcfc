"""Downloads of the roster, the directory and the contact-list receipt (Excel, PDF), and the administrator's
import of a filled-in roster or receipt. Exports are open to every logged-in role, like the pages they mirror;
the import page exists only for administrators (anyone else gets 404)."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from linkage.errors import ApplicationError
from linkage.pdf import content_disposition, pdf_response, render_pdf

from . import exports, selectors
from .forms import RosterFilterForm
from .models import Jurisdiction, Organisation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(workbook, filename):
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    # Exports carry names and telephone numbers: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _stamp():
    return timezone.localdate().strftime("%Y%m%d")


def _jurisdiction(request):
    """The jurisdiction named by ?jurisdiction=<code>, or None for all."""
    code = request.GET.get("jurisdiction", "").strip()
    if not code:
        return None
    return get_object_or_404(Jurisdiction, code=code)


@login_required
def roster_xlsx(request):
    """The roster as on the roster page (same filters; administrators also get deactivated units)."""
    form = RosterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.roster(
        jurisdiction=_jurisdiction(request),
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        incomplete_only=filters.get("incomplete", False),
        include_inactive=request.user.is_administrator,
    )
    return _xlsx_response(exports.roster_workbook(organisations), f"成员单位名册-{_stamp()}.xlsx")


@login_required
def directory_xlsx(request):
    organisations = selectors.roster(jurisdiction=_jurisdiction(request))
    return _xlsx_response(exports.directory_workbook(organisations), f"联系人通讯录-{_stamp()}.xlsx")


@login_required
def directory_pdf(request):
    entries = exports.directory_entries(selectors.roster(jurisdiction=_jurisdiction(request)))
    context = {
        "units": entries,
        "jurisdiction": exports.jurisdiction_label(entries),
        "generated_on": timezone.localdate(),
        "incomplete_count": sum(1 for entry in entries if entry["incomplete"]),
    }
    return pdf_response(render_pdf("pdf/directory.html", context), f"联系人通讯录-{_stamp()}.pdf")


@login_required
def receipt_xlsx(request):
    """?unit=<code>: that unit's receipt; otherwise every active member unit (of ?jurisdiction=<code>, if given)."""
    code = request.GET.get("unit", "").strip()
    if code:
        organisations = Organisation.objects.filter(code=code)
        if not request.user.is_administrator:
            organisations = organisations.filter(active=True)
        organisations = organisations.select_related("jurisdiction")
        organisation = organisations.first()
        if organisation is None:
            raise Http404
        return _xlsx_response(
            exports.receipt_workbook([organisation]), f"联系人名单回执-{organisation.short_name}.xlsx"
        )
    organisations = Organisation.objects.active().member_units().order_by("jurisdiction__code", "sort_order", "id")
    jurisdiction = _jurisdiction(request)
    if jurisdiction is not None:
        organisations = organisations.filter(jurisdiction=jurisdiction)
    return _xlsx_response(exports.receipt_workbook(organisations), f"联系人名单回执-{_stamp()}.xlsx")


IMPORT_KINDS = [("roster", "成员单位名册"), ("receipt", "联系人名单回执")]
IMPORTERS = {"roster": exports.import_roster, "receipt": exports.import_receipt}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=IMPORT_KINDS, widget=forms.RadioSelect, initial="roster")
    jurisdiction = forms.ModelChoiceField(
        label="辖区", queryset=Jurisdiction.objects.live(), empty_label="请选择辖区", to_field_name="code"
    )
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].error_messages["required"] = "请选择辖区。"
        self.fields["jurisdiction"].error_messages["invalid_choice"] = "请选择有效的辖区。"
        self.fields["file"].error_messages["required"] = "请选择要上传的文件。"
        self.fields["file"].error_messages["empty"] = "上传的文件是空的。"
        self.fields["kind"].error_messages["required"] = "请选择导入内容。"
        if not self.is_bound:
            only = list(Jurisdiction.objects.live()[:2])
            if len(only) == 1:
                self.initial["jurisdiction"] = only[0].code


@login_required
def roster_import(request):
    """Upload a roster or a receipt; the whole file is imported in one transaction, or nothing is."""
    if not request.user.is_administrator:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)

    def run(data):
        with transaction.atomic():
            return IMPORTERS[data["kind"]](data["file"], actor=request.user, jurisdiction=data["jurisdiction"])

    return upload_page(request, form, "members/roster_import.html", run)


def upload_page(request, form, template, run):
    """An administrator's import page: on a valid POST, `run(cleaned_data)` imports and its result is shown (200);
    a refusal shows its message and the rows' errors (400), as does an invalid form."""
    context = {"form": form, "result": None, "errors": []}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                context["result"] = run(form.cleaned_data)
                status = 200
            except ApplicationError as error:
                context["error"] = error.message
                context["errors"] = error.extra.get("errors", [])
    return render(request, template, context, status=status)
