"""The grid's pages: the tree (subdistricts → villages and communities → grid liaisons) for those whose business it
is, and the administrator's import of it from Excel with its template (anyone else gets 404)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .export_views import _stamp, _xlsx_response, upload_page
from .exports.grid import grid_workbook
from .grid_import import MAX_FILE_BYTES, import_grid
from .grid_selectors import grid_subdistricts_visible_to, grid_tree
from .models import Jurisdiction


@login_required
def tree(request):
    subdistricts = grid_subdistricts_visible_to(request.user)
    if subdistricts is None:
        raise Http404
    code = request.GET.get("jurisdiction", "").strip()
    if code:
        subdistricts = subdistricts.filter(jurisdiction__code=code)
    subdistricts = list(grid_tree(subdistricts, include_inactive=request.user.is_administrator))
    return render(request, "members/grid_tree.html", {
        "subdistricts": subdistricts,
        "community_count": sum(len(s.grid_communities) for s in subdistricts),
        "jurisdictions": Jurisdiction.objects.live() if request.user.is_administrator else None,
        "jurisdiction_code": code,
    })


class GridImportForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label="辖区", queryset=Jurisdiction.objects.live(), empty_label="请选择辖区", to_field_name="code")
    file = forms.FileField(label="Excel 文件（.xlsx）")
    preview = forms.BooleanField(label="只检查并预览结果，不写入", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].error_messages["required"] = "请选择辖区。"
        self.fields["jurisdiction"].error_messages["invalid_choice"] = "请选择有效的辖区。"
        self.fields["file"].error_messages["required"] = "请选择要上传的文件。"
        self.fields["file"].error_messages["empty"] = "上传的文件是空的。"
        if not self.is_bound:
            only = list(Jurisdiction.objects.live()[:2])
            if len(only) == 1:
                self.initial["jurisdiction"] = only[0].code

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
        return file


@login_required
def grid_import_page(request):
    """Upload the grid; checked whole, then imported in one transaction (or only previewed), or nothing is."""
    if not request.user.is_administrator:
        raise Http404
    form = GridImportForm(request.POST or None, request.FILES or None)
    return upload_page(request, form, "members/grid_import.html", lambda data: import_grid(
        data["file"], actor=request.user, jurisdiction=data["jurisdiction"], apply=not data["preview"]))


@login_required
def grid_template(request):
    """The import's template, filled with the chosen jurisdiction's current tree (?jurisdiction=<code>; the only
    running one by default)."""
    if not request.user.is_administrator:
        raise Http404
    code = request.GET.get("jurisdiction", "").strip()
    live = Jurisdiction.objects.live()
    jurisdiction = get_object_or_404(live, code=code) if code else live.order_by("code").first()
    if jurisdiction is None:
        raise Http404
    subdistricts = grid_subdistricts_visible_to(request.user).filter(jurisdiction=jurisdiction)
    workbook = grid_workbook(jurisdiction, grid_tree(subdistricts))
    return _xlsx_response(workbook, f"网格单元-{jurisdiction.name}-{_stamp()}.xlsx")
