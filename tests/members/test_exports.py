"""Exports of the roster, the directory (Excel and PDF) and the contact-list receipt, and the administrator's
imports of a roster or a filled-in receipt: all-or-nothing, row numbers in every refusal, history kept."""

import datetime
import io
import shutil
import subprocess
import time

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linkage import pdf as pdf_module
from linkage.errors import ApplicationError, PermissionDenied
from linkage.pdf import content_disposition, local_url_fetcher, pdf_response, render_pdf
from members import exports
from members.models import Contact, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

RARE_NAMES = ["王堃", "李喆", "张赟", "陈祎", "刘玥", "赵昇", "朱镕", "周旻", "黄燊"]
A4_POINTS = (595.28, 841.89)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def liwan(db):
    return factories.JurisdictionFactory(code="liwan-test", name="广州市荔湾区")


def make_unit(jurisdiction, *, contacts="AB", index=0, **kwargs):
    defaults = {
        "jurisdiction": jurisdiction,
        "code": f"lw-unit-{index}",
        "name": f"荔湾区测试局{index}",
        "short_name": f"测试局{index}",
        "sort_order": index,
    }
    unit = factories.OrganisationFactory(**{**defaults, **kwargs})
    for role in contacts:
        factories.ContactFactory(
            organisation=unit,
            role=role,
            name=f"{role}联系人{index}",
            mobile=f"1380000{index:02d}{ord(role) % 100:02d}",
            email=f"{role.lower()}{index}@example.cn",
        )
    return unit


def make_units(jurisdiction, count, *, start=0):
    return [make_unit(jurisdiction, index=start + i) for i in range(count)]


def open_workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def as_upload(workbook, name="upload.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def roster_snapshot():
    rows = list(Organisation.objects.order_by("pk").values())
    measures = sorted(Organisation.measures.through.objects.values_list("organisation_id", "measure_id"))
    return rows, measures


def contact_snapshot():
    return list(Contact.objects.order_by("pk").values())


# ---------------------------------------------------------------------------------------------------------------
# Exports


def test_roster_xlsx_has_one_row_per_unit_with_chinese_labels(liwan, admin_user, client_for):
    unit = make_unit(
        liwan,
        index=1,
        kind="police",
        level="county",
        measures=["inquiry", "freeze", "locate_person"],
        duties="协助查找被执行人下落。",
        duties_source="荔政法〔2017〕72号 四（三）",
    )
    make_unit(liwan, index=2, kind="bank", level="prefecture", active=False)

    workbook = open_workbook(client_for(admin_user).get(reverse("members:roster-xlsx")))

    sheet = workbook["成员单位名册"]
    rows = sheet_rows(sheet)
    assert rows[0] == ["代码", "全称", "简称", "类别", "层级", "在册", "可协助措施", "职责出处", "职责"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 30
    assert rows[1] == [
        unit.code,
        unit.name,
        unit.short_name,
        "公安机关",
        "县（区）级",
        "是",
        "查询、冻结、查找被执行人下落",
        "荔政法〔2017〕72号 四（三）",
        "协助查找被执行人下落。",
    ]
    assert rows[2][:6] == ["lw-unit-2", "荔湾区测试局2", "测试局2", "商业银行", "市（州）级", "否"]
    assert len(rows) == 3


def test_roster_xlsx_hides_deactivated_units_from_other_roles(liwan, liaison, client_for):
    make_unit(liwan, index=1)
    make_unit(liwan, index=2, active=False)
    rows = sheet_rows(open_workbook(client_for(liaison).get(reverse("members:roster-xlsx")))["成员单位名册"])
    codes = [row[0] for row in rows[1:]]
    assert "lw-unit-1" in codes
    assert "lw-unit-2" not in codes


def test_directory_xlsx_lists_current_contacts_and_marks_incomplete_units(liwan, clerk, client_for):
    complete = make_unit(liwan, index=1)
    factories.ContactFactory(
        organisation=complete,
        role="A",
        name="已离任",
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2026, 1, 1),
    )
    make_unit(liwan, index=2, contacts="A")

    sheet = open_workbook(client_for(clerk).get(reverse("members:directory-xlsx")))["联系人通讯录"]
    rows = [row for row in sheet_rows(sheet) if row[0] and row[0].startswith("荔湾区测试局")]

    assert sheet_rows(sheet)[0] == ["单位", "角色", "姓名", "职务", "固定电话", "手机", "电子邮箱", "备注"]
    assert all(cell.font.bold for cell in sheet[1])
    assert rows[0][:3] == ["荔湾区测试局1", "A角", "A联系人1"]
    assert rows[0][6] == "a1@example.cn"
    assert rows[1][:3] == ["荔湾区测试局1", "B角", "B联系人1"]
    assert rows[0][7] is None and rows[1][7] is None
    assert rows[2][:3] == ["荔湾区测试局2", "A角", "A联系人2"]
    assert rows[3][:3] == ["荔湾区测试局2", "B角", None]
    assert rows[2][7] == rows[3][7] == "联系人不全"
    assert all(row[2] != "已离任" for row in rows)


def test_receipt_xlsx_follows_the_seed_layout(liwan, court, liaison, client_for):
    complete = make_unit(liwan, index=1)
    half = make_unit(liwan, index=2, contacts="A")
    make_unit(liwan, index=3, active=False)
    court.jurisdiction = liwan
    court.save()

    workbook = open_workbook(client_for(liaison).get(reverse("members:receipt-xlsx"), {"jurisdiction": liwan.code}))

    sheet = workbook["联系人名单回执"]
    rows = sheet_rows(sheet)
    assert "广州市荔湾区" in rows[0][0] and "成员单位联系人名单回执" in rows[0][0]
    assert rows[1] == ["单位", "姓名", "职务", "固定电话", "手机"]
    assert all(cell.font.bold for cell in sheet[2])
    a, b = complete.contacts.get(role="A"), complete.contacts.get(role="B")
    assert rows[2] == [complete.name, a.name, a.position, a.landline, a.mobile]
    assert rows[3] == [None, b.name, b.position, b.landline, b.mobile]
    assert rows[4][:2] == [half.name, "A联系人2"]
    assert rows[5] == [None, None, None, None, None] or rows[5] == [None, "", "", "", ""]
    assert rows[6][0].startswith("注：每个成员单位报 2 名联系人")
    assert len(rows) == 7  # the court and the deactivated unit are not member units to ask
    assert "A3:A4" in {str(merged) for merged in sheet.merged_cells.ranges}


def test_receipt_xlsx_for_one_unit(liwan, liaison, client_for):
    make_unit(liwan, index=1)
    wanted = make_unit(liwan, index=2)
    response = client_for(liaison).get(reverse("members:receipt-xlsx"), {"unit": wanted.code})
    rows = sheet_rows(open_workbook(response)["联系人名单回执"])
    assert [row[0] for row in rows[2:4]] == [wanted.name, None]
    assert len(rows) == 5
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert client_for(liaison).get(reverse("members:receipt-xlsx"), {"unit": "no-such-unit"}).status_code == 404


def test_exports_need_login(client):
    for name in ("roster-xlsx", "directory-xlsx", "directory-pdf", "receipt-xlsx"):
        response = client.get(reverse(f"members:{name}"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


# ---------------------------------------------------------------------------------------------------------------
# The directory PDF


def test_directory_pdf_is_an_a4_pdf_with_every_name_and_no_missing_glyph(liwan, leader, client_for):
    units = []
    for index, name in enumerate(RARE_NAMES):
        unit = make_unit(liwan, index=index, contacts="", name=f"荔湾区协助单位{index}", short_name=f"协助{index}")
        factories.ContactFactory(organisation=unit, role="A", name=name, mobile=f"139{index:08d}")
        if index % 2 == 0:
            factories.ContactFactory(organisation=unit, role="B", name=f"副{index}")
        units.append(unit)

    started = time.perf_counter()
    response = client_for(leader).get(reverse("members:directory-pdf"), {"jurisdiction": liwan.code})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E8%81%94%E7%B3%BB%E4%BA%BA" in response["Content-Disposition"]  # 联系人…
    assert response.content.startswith(b"%PDF")
    assert elapsed < 10  # about 0.2-0.5 s on this machine; minutes would mean HarfBuzz subsetting is missing
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        for page in document.pages:
            assert (round(page.width, 2), round(page.height, 2)) == A4_POINTS
        text = "".join(page.extract_text() or "" for page in document.pages)
        chars = [char for page in document.pages for char in page.chars]
    flat = text.replace("\n", "").replace(" ", "")
    assert "成员单位联系人通讯录" in flat
    assert "广州市荔湾区" in flat
    assert "联系人不全" in flat
    assert "第1页/共1页" in flat
    for unit in units:
        assert unit.name in flat
    for name in RARE_NAMES:
        assert name in flat, name
    # A glyph no font has is dropped from the text layer; each rare character must come from an embedded CJK face.
    rare = {name[-1] for name in RARE_NAMES}
    rare_fonts = {char["fontname"] for char in chars if char["text"] in rare}
    assert {char["text"] for char in chars} >= rare
    assert rare_fonts and all("CJK" in font for font in rare_fonts)


def test_directory_pdf_embeds_every_font(liwan, admin_user, client_for, tmp_path):
    assert shutil.which("pdffonts"), "pdffonts missing: scripts/test installs Debian's poppler-utils"
    unit = make_unit(liwan, index=1, contacts="")
    factories.ContactFactory(organisation=unit, role="A", name="王堃")
    path = tmp_path / "directory.pdf"
    path.write_bytes(client_for(admin_user).get(reverse("members:directory-pdf")).content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "CJK" in line
        assert line.split()[-5] == "yes"  # emb
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "王堃" in text


def test_pdf_helper_reads_static_from_disk_and_refuses_the_network(settings):
    for url in ("file:///static/css/linkage.css", "css/linkage.css"):
        absolute = url if url.startswith("file:") else pdf_module._base_url() + url
        result = local_url_fetcher(absolute)
        assert b"font-family" in result["string"]
        assert result["redirected_url"].startswith("file://")
    refused = [
        "https://example.com/x.css",
        "http://127.0.0.1:8000/static/css/linkage.css",
        "file:///etc/passwd",
        "file:///static/../../../etc/passwd",
        (settings.BASE_DIR / "manage.py").as_uri(),  # the project directory (.env, SQLite) is not readable
    ]
    for url in refused:
        with pytest.raises(ValueError):
            local_url_fetcher(url)


def test_pdf_response_names_the_file_in_utf8():
    response = pdf_response(b"%PDF-1.7", "联系人通讯录-20260302.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="20260302.pdf"; '
        "filename*=UTF-8''%E8%81%94%E7%B3%BB%E4%BA%BA%E9%80%9A%E8%AE%AF%E5%BD%95-20260302.pdf"
    )
    assert content_disposition("名册.xlsx", as_attachment=False).startswith('inline; filename="download.xlsx"')


def test_render_pdf_renders_any_template_on_a4():
    pdf = render_pdf("pdf/directory.html", {"units": [], "jurisdiction": "", "generated_on": datetime.date(2026, 3, 2)})
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert (round(document.pages[0].width, 2), round(document.pages[0].height, 2)) == A4_POINTS
        assert "2026年3月2日" in document.pages[0].extract_text()


# ---------------------------------------------------------------------------------------------------------------
# Query counts do not grow with the number of units


# Every export: session, user, the administrator's second factor (enrolled, LINKAGE_OTP_REQUIRED_ROLES), the export's
# own reads, and the audit entry of the request.
REQUEST_QUERIES = 2 + 1 + 1
EXPORT_QUERIES = {
    "roster-xlsx": REQUEST_QUERIES + 2,  # units, their measures
    "directory-xlsx": REQUEST_QUERIES + 2,  # units, their current contacts
    "directory-pdf": REQUEST_QUERIES + 2,
    "receipt-xlsx": REQUEST_QUERIES + 2,
}


@pytest.mark.parametrize("count", [3, 10])
@pytest.mark.parametrize("name", sorted(EXPORT_QUERIES))
def test_export_query_count_is_constant(name, count, liwan, admin_user, client_for, django_assert_num_queries):
    for unit in make_units(liwan, count):
        unit.measures.set(unit.measures.model.objects.filter(code__in=["inquiry", "freeze"]))
    client = client_for(admin_user)
    with django_assert_num_queries(EXPORT_QUERIES[name]):
        response = client.get(reverse(f"members:{name}"))
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# Formula injection: text typed as `=1+1` is text in every export (linkage/exports.py)


def formula_cells(workbook):
    return [cell.coordinate for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]


def assert_text_cell(workbook, value):
    found = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value == value]
    assert found, value
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found), value


def test_roster_xlsx_writes_formula_like_text_as_text_and_imports_it_back_unchanged(liwan, admin_user, client_for):
    make_unit(liwan, index=1, name="=1+1", duties="+cmd|' /C calc'!A0", duties_source="@SUM(1+1)")
    before = roster_snapshot()

    workbook = open_workbook(client_for(admin_user).get(reverse("members:roster-xlsx")))

    assert formula_cells(workbook) == []
    for value in ("=1+1", "+cmd|' /C calc'!A0", "@SUM(1+1)"):
        assert_text_cell(workbook, value)
    result = exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)
    assert not result.changed and roster_snapshot() == before


def test_directory_xlsx_writes_formula_like_text_as_text(liwan, clerk, client_for):
    unit = make_unit(liwan, index=1, contacts="")
    factories.ContactFactory(organisation=unit, role="A", name="=1+1", position="-2+3", mobile="13800000001")

    workbook = open_workbook(client_for(clerk).get(reverse("members:directory-xlsx")))

    assert formula_cells(workbook) == []
    assert_text_cell(workbook, "=1+1")
    assert_text_cell(workbook, "-2+3")


def test_receipt_xlsx_writes_formula_like_text_as_text(liwan, liaison, client_for):
    unit = make_unit(liwan, index=1, contacts="B", name="=HYPERLINK(\"http://x\",\"y\")")
    factories.ContactFactory(organisation=unit, role="A", name="=1+1", position="\t=2+2", mobile="13800000001")

    workbook = open_workbook(client_for(liaison).get(reverse("members:receipt-xlsx"), {"unit": unit.code}))

    assert formula_cells(workbook) == []
    for value in ("=1+1", "\t=2+2", unit.name):
        assert_text_cell(workbook, value)


# ---------------------------------------------------------------------------------------------------------------
# Roster import


def test_roster_round_trip_changes_nothing(liwan, admin_user, client_for):
    make_unit(liwan, index=1, measures=["inquiry", "deduct"], duties="第一条\n第二条", duties_source="四（一）")
    make_unit(liwan, index=2, kind="natural_resources", level="township", active=False)
    make_unit(liwan, index=3, measures=[])
    before = roster_snapshot()
    workbook = open_workbook(client_for(admin_user).get(reverse("members:roster-xlsx")))

    result = exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert not result.changed
    assert len(result.unchanged) == 3
    assert roster_snapshot() == before


def test_roster_import_creates_updates_and_deactivates(liwan, admin_user):
    kept = make_unit(liwan, index=1, measures=["inquiry"])
    renamed = make_unit(liwan, index=2)
    retired = make_unit(liwan, index=3)
    contacts_before = contact_snapshot()
    workbook = exports.roster_workbook(Organisation.objects.filter(jurisdiction=liwan).order_by("sort_order"))
    sheet = workbook["成员单位名册"]
    sheet["C3"] = "改名后简称"
    sheet["G3"] = "查询、冻结"
    sheet["F4"] = "否"
    sheet.append(["lw-new", "荔湾区新成员单位", "新单位", "住房和城乡建设", "县(区)级", "是", "查询", "", "新增职责"])

    result = exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert result.created == ["荔湾区新成员单位"]
    assert result.updated == [renamed.name]
    assert result.deactivated == [retired.name]
    assert result.unchanged == [kept.name]
    renamed.refresh_from_db()
    retired.refresh_from_db()
    assert renamed.short_name == "改名后简称"
    assert sorted(renamed.measures.values_list("code", flat=True)) == ["freeze", "inquiry"]
    assert not retired.active
    assert Organisation.objects.filter(pk=retired.pk).exists()  # never deleted
    new = Organisation.objects.get(code="lw-new")
    assert (new.jurisdiction, new.kind, new.level, new.duties) == (liwan, "housing", "county", "新增职责")
    assert list(new.measures.values_list("code", flat=True)) == ["inquiry"]
    assert contact_snapshot() == contacts_before


def test_roster_import_with_an_unknown_kind_names_the_row_and_writes_nothing(liwan, admin_user):
    make_units(liwan, 3)
    workbook = exports.roster_workbook(Organisation.objects.filter(jurisdiction=liwan).order_by("sort_order"))
    sheet = workbook["成员单位名册"]
    sheet["C2"] = "本应更新的简称"  # a valid change in row 2 must not be written either
    sheet.append(["lw-new", "荔湾区新单位", "新单位", "公安机关", "县（区）级", "是", "", "", ""])
    sheet["D5"] = "外星事务"
    before = roster_snapshot()
    count = Organisation.objects.count()

    with pytest.raises(ApplicationError) as refused:
        exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert "第5行“类别”无法识别：外星事务" in refused.value.message
    assert Organisation.objects.count() == count
    assert roster_snapshot() == before


def test_roster_import_reports_every_bad_row_with_its_column(liwan, admin_user):
    workbook = exports.roster_workbook(Organisation.objects.none())
    sheet = workbook["成员单位名册"]
    sheet.append(["ok-1", "单位甲", "甲", "公安机关", "县（区）级", "是", "查询", "", ""])
    sheet.append(["bad code", "单位乙", "乙", "公安机关", "省部级", "也许", "飞行", "", ""])
    sheet.append(["ok-1", "单位甲", "", "公安机关", "县（区）级", "是", "", "", ""])

    with pytest.raises(ApplicationError) as refused:
        exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    errors = refused.value.extra["errors"]
    assert any(e.startswith("第3行“代码”") for e in errors)
    assert "第3行“层级”无法识别：省部级" in errors
    assert "第3行“在册”应填“是”或“否”：也许" in errors
    assert "第3行“可协助措施”无法识别：飞行" in errors
    assert "第4行“代码”与第2行重复：ok-1" in errors
    assert "第4行“简称”未填写" in errors
    assert not Organisation.objects.filter(code="ok-1").exists()


def test_roster_import_refuses_a_code_of_another_jurisdiction(liwan, admin_user):
    elsewhere = make_unit(factories.JurisdictionFactory(code="other", name="别处"), index=9)
    workbook = exports.roster_workbook(Organisation.objects.filter(pk=elsewhere.pk))
    with pytest.raises(ApplicationError) as refused:
        exports.import_roster(as_upload(workbook), actor=admin_user, jurisdiction=liwan)
    assert "第2行“代码”" in refused.value.message
    assert "别处" in refused.value.message


def test_import_refuses_a_file_that_is_not_a_workbook(liwan, admin_user):
    for upload in (
        SimpleUploadedFile("roster.csv", "代码,全称\n".encode(), content_type="text/csv"),
        SimpleUploadedFile("roster.xlsx", b"this is not a zip", content_type=XLSX),
        SimpleUploadedFile("roster.xls", b"\xd0\xcf\x11\xe0 old excel", content_type="application/vnd.ms-excel"),
    ):
        for importer in (exports.import_roster, exports.import_receipt):
            with pytest.raises(ApplicationError) as refused:
                importer(upload, actor=admin_user, jurisdiction=liwan)
            assert ".xlsx" in refused.value.message


def test_only_administrators_may_import(liwan, liaison):
    workbook = exports.roster_workbook(Organisation.objects.none())
    with pytest.raises(PermissionDenied):
        exports.import_roster(as_upload(workbook), actor=liaison, jurisdiction=liwan)
    with pytest.raises(PermissionDenied):
        exports.import_receipt(as_upload(workbook), actor=liaison, jurisdiction=liwan)


# ---------------------------------------------------------------------------------------------------------------
# Receipt import


def test_receipt_import_sets_a_and_b_and_ends_the_previous_terms(liwan, admin_user):
    unit = make_unit(liwan, index=1)
    old_a, old_b = unit.contacts.get(role="A"), unit.contacts.get(role="B")
    untouched = make_unit(liwan, index=2)
    workbook = exports.receipt_workbook(Organisation.objects.filter(pk__in=[unit.pk, untouched.pk]).order_by("pk"))
    sheet = workbook["联系人名单回执"]
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "王堃", "科长", "020-81234567", "13912345678"
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["E4"] = "李喆", "副科长", "", 13987654321  # typed as a number

    result = exports.import_receipt(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    today = timezone.localdate()
    assert result.contacts_assigned == [f"{unit.name} A角：王堃", f"{unit.name} B角：李喆"]
    assert result.contacts_unchanged == 2
    new_a = unit.contacts.current().get(role="A")
    new_b = unit.contacts.current().get(role="B")
    assert (new_a.name, new_a.position, new_a.landline, new_a.mobile, new_a.started_on) == (
        "王堃",
        "科长",
        "020-81234567",
        "13912345678",
        today,
    )
    assert (new_b.name, new_b.mobile) == ("李喆", "13987654321")
    old_a.refresh_from_db()
    old_b.refresh_from_db()
    assert old_a.ended_on == today and old_b.ended_on == today  # history kept, terms ended
    assert unit.contacts.count() == 4
    assert untouched.contacts.current().count() == 2 and untouched.contacts.count() == 2


def test_receipt_round_trip_changes_nothing(liwan, admin_user, client_for):
    make_units(liwan, 3)
    make_unit(liwan, index=5, contacts="A")
    before = contact_snapshot()
    workbook = open_workbook(client_for(admin_user).get(reverse("members:receipt-xlsx")))

    result = exports.import_receipt(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert not result.changed
    assert result.contacts_unchanged == 7
    assert contact_snapshot() == before  # e-mail addresses, which the receipt does not carry, survive too


def test_receipt_import_matches_short_names_and_unmerged_unit_cells(liwan, admin_user):
    unit = make_unit(liwan, index=1, contacts="")
    workbook = exports.receipt_workbook(Organisation.objects.none())
    sheet = workbook["联系人名单回执"]
    sheet.delete_rows(3)  # the empty note line of an empty receipt
    sheet.append([unit.short_name, "周旻", "主任", "81000000", ""])
    sheet.append([unit.short_name, "黄燊", "", "", "13800138000"])
    sheet.append(["注：每个成员单位报 2 名联系人", None, None, None, None])

    exports.import_receipt(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert unit.contacts.current().get(role="A").name == "周旻"
    assert unit.contacts.current().get(role="B").name == "黄燊"


def test_receipt_with_a_ten_digit_mobile_names_the_row_and_writes_nothing(liwan, admin_user):
    first = make_unit(liwan, index=1)
    second = make_unit(liwan, index=2)
    workbook = exports.receipt_workbook(Organisation.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    sheet = workbook["联系人名单回执"]
    sheet["B3"], sheet["E3"] = "王堃", "13912345678"  # a good change on row 3 must not be written either
    sheet["B6"], sheet["E6"] = "赵昇", "1391234567"
    before = contact_snapshot()
    count = Contact.objects.count()

    with pytest.raises(ApplicationError) as refused:
        exports.import_receipt(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert "第6行“手机”" in refused.value.message
    assert "11位" in refused.value.message
    assert Contact.objects.count() == count
    assert contact_snapshot() == before


def test_receipt_refuses_unknown_units_and_a_third_contact(liwan, admin_user):
    unit = make_unit(liwan, index=1)
    workbook = exports.receipt_workbook(Organisation.objects.none())
    sheet = workbook["联系人名单回执"]
    sheet.delete_rows(3)
    sheet.append(["不存在的单位", "甲", "", "", "13800000001"])
    sheet.append([None, "乙", "", "", "13800000002"])  # its merged second row: no second error
    sheet.append([unit.name, "丙", "", "", "13800000003"])
    sheet.append([unit.name, "丁", "", "", "13800000004"])
    sheet.append([unit.name, "戊", "", "", "13800000005"])

    with pytest.raises(ApplicationError) as refused:
        exports.import_receipt(as_upload(workbook), actor=admin_user, jurisdiction=liwan)

    assert refused.value.extra["errors"] == [
        "第3行“单位”在广州市荔湾区的名册中未找到：不存在的单位",
        f"第7行：每个单位最多报 2 名联系人，{unit.name}已超过",
    ]


# ---------------------------------------------------------------------------------------------------------------
# The import page


@pytest.mark.parametrize("who", ["liaison", "clerk", "committee_user"])
def test_import_page_is_not_found_for_anyone_but_administrators(who, request, client_for, liwan):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("members:roster-import")).status_code == 404
    upload = as_upload(exports.roster_workbook(Organisation.objects.none()))
    response = client.post(
        reverse("members:roster-import"), {"kind": "roster", "jurisdiction": liwan.code, "file": upload}
    )
    assert response.status_code == 404


def test_import_page_shows_the_form(admin_user, client_for, liwan):
    response = client_for(admin_user).get(reverse("members:roster-import"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "成员单位名册" in content and "联系人名单回执" in content and "广州市荔湾区" in content
    assert 'enctype="multipart/form-data"' in content


def test_import_page_imports_a_receipt_and_shows_a_summary(admin_user, client_for, liwan):
    unit = make_unit(liwan, index=1)
    workbook = exports.receipt_workbook(Organisation.objects.filter(pk=unit.pk))
    workbook["联系人名单回执"]["B3"] = "刘玥"
    response = client_for(admin_user).post(
        reverse("members:roster-import"), {"kind": "receipt", "jurisdiction": liwan.code, "file": as_upload(workbook)}
    )
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert f"{unit.name} A角：刘玥" in response.content.decode()
    assert unit.contacts.current().get(role="A").name == "刘玥"


def test_import_page_refuses_a_bad_file_with_400_and_writes_nothing(admin_user, client_for, liwan):
    make_units(liwan, 2)
    workbook = exports.roster_workbook(Organisation.objects.filter(jurisdiction=liwan).order_by("sort_order"))
    workbook["成员单位名册"]["C2"] = "新简称"
    workbook["成员单位名册"]["E3"] = "宇宙级"
    before = roster_snapshot()
    client = client_for(admin_user)

    response = client.post(
        reverse("members:roster-import"), {"kind": "roster", "jurisdiction": liwan.code, "file": as_upload(workbook)}
    )

    assert response.status_code == 400
    assert "第3行“层级”无法识别：宇宙级" in response.content.decode()
    assert roster_snapshot() == before

    not_xlsx = SimpleUploadedFile("名册.txt", "随便写点什么".encode(), content_type="text/plain")
    response = client.post(
        reverse("members:roster-import"), {"kind": "roster", "jurisdiction": liwan.code, "file": not_xlsx}
    )
    assert response.status_code == 400
    assert "只能导入 Excel 工作簿（.xlsx）文件" in response.content.decode()
    assert roster_snapshot() == before
