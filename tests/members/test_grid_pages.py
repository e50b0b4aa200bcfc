"""The grid's pages: the tree per role (administrator, the jurisdiction's committee and courts, a subdistrict's own
liaisons; 404 for everybody else), the administrator's import page and its template (a downloaded template imports
back unchanged), the import_grid command, the Community admin and the demo grid."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from linkage.models import AuditEntry
from members.grid_import import import_grid
from members.models import Community, Organisation, User
from tests import factories
from tests.members.test_grid_import import snapshot, tree_rows, workbook_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def liwan(db):
    return factories.JurisdictionFactory(code="gridtest", name="广州市荔湾区")


@pytest.fixture
def grid(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(3)), actor=admin_user, jurisdiction=liwan)
    return {s.short_name: s for s in Organisation.objects.filter(jurisdiction=liwan, kind="subdistrict")}


@pytest.fixture
def other_grid(db, admin_user):
    """A second jurisdiction's subdistrict with one community: nobody of the first sees it."""
    other = factories.JurisdictionFactory(code="gridother", name="第二辖区")
    import_grid(workbook_upload([["远方街道", "", "", "", ""], ["远方社区", "远方街道", "", "远方网格员", "13611112222"]]),
                actor=admin_user, jurisdiction=other)
    return other


def tree_page(client):
    return client.get(reverse("members:grid"))


def test_the_administrator_sees_every_jurisdictions_tree(grid, other_grid, admin_user, client_for):
    response = tree_page(client_for(admin_user))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("多宝街道", "华林第3社区", "网格员202", "13700002002", "远方社区", "导入网格"):
        assert name in page
    # A's contact of the subdistrict, as the roster shows it.
    assert "A角：街道联络0" in page and "13900000000" in page


def test_the_committee_and_courts_see_their_own_jurisdiction_only(grid, other_grid, liwan, client_for):
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=liwan))
    clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=liwan))
    for user in (committee, clerk):
        page = tree_page(client_for(user)).content.decode()
        assert "逢源第2社区" in page and "网格员101" in page
        assert "远方社区" not in page and "导入网格" not in page


def test_a_subdistricts_liaison_sees_its_own_subdistrict_only(grid, client_for):
    liaison = factories.LiaisonFactory(organisation=grid["多宝街道"], liaison_role="B")

    response = tree_page(client_for(liaison))

    assert response.status_code == 200
    page = response.content.decode()
    assert "多宝第1社区" in page and "逢源" not in page and "华林" not in page


def test_the_subdistricts_page_links_to_its_grid_for_those_who_may_see_it(grid, liaison, admin_user, client_for):
    url = reverse("members:organisation", args=[grid["逢源街道"].code])
    assert 'id="grid-tree-link"' in client_for(admin_user).get(url).content.decode()
    assert 'id="grid-tree-link"' not in client_for(liaison).get(url).content.decode()


def test_others_get_404_and_anonymous_the_login(grid, liaison, client, client_for):
    grid_liaison = User.objects.filter(role="grid").first()
    assert tree_page(client).status_code == 302 and "/login" in tree_page(client)["Location"]
    for user in (liaison, grid_liaison):
        assert tree_page(client_for(user)).status_code == 404


def test_the_tree_costs_a_constant_number_of_queries(grid, admin_user, client_for, django_assert_num_queries):
    client = client_for(admin_user)
    tree_page(client)
    with django_assert_num_queries(10):  # session, user, notifications, audit…, and the tree: four
        tree_page(client)
    import_grid(workbook_upload(tree_rows(8)), actor=admin_user, jurisdiction=grid["多宝街道"].jurisdiction)
    with django_assert_num_queries(10):
        tree_page(client)


def test_the_import_page_is_the_administrators_only(liaison, client, client_for):
    url = reverse("members:grid-import")
    assert client.get(url).status_code == 302
    assert client_for(liaison).get(url).status_code == 404
    assert client_for(liaison).post(url, {}).status_code == 404
    assert client_for(liaison).get(reverse("members:grid-template")).status_code == 404


def test_the_import_page_imports_previews_and_lists_errors(liwan, admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("members:grid-import")
    assert client.get(url).status_code == 200

    preview = client.post(url, {"jurisdiction": liwan.code, "file": workbook_upload(tree_rows(10)), "preview": "on"})
    assert preview.status_code == 200 and "预览" in preview.content.decode()
    assert not Community.objects.exists()

    done = client.post(url, {"jurisdiction": liwan.code, "file": workbook_upload(tree_rows(10))})
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Community.objects.count() == 30 and User.objects.filter(role="grid").count() == 30

    rows = tree_rows(1)
    rows[1][1] = "无此街道"
    refused = client.post(url, {"jurisdiction": liwan.code, "file": workbook_upload(rows)})
    page = refused.content.decode()
    assert refused.status_code == 400 and "第3行“上级”“无此街道”不是本辖区的街道（镇）" in page
    assert "没有写入任何数据" in page

    missing = client.post(url, {"jurisdiction": liwan.code})
    assert missing.status_code == 400 and "请选择要上传的文件" in missing.content.decode()

    too_big = SimpleUploadedFile("grid.xlsx", b"0" * (2 * 1024 * 1024 + 1), content_type=XLSX)
    refused = client.post(url, {"jurisdiction": liwan.code, "file": too_big})
    assert refused.status_code == 400 and "文件过大：不能超过 2 MB" in refused.content.decode()


def test_the_downloaded_template_imports_back_unchanged(grid, liwan, admin_user, client_for):
    response = client_for(admin_user).get(reverse("members:grid-template"), {"jurisdiction": liwan.code})

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content))["网格单元"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True) if any(row)]
    assert rows[0] == ["名称", "上级", "类别", "联络人", "手机"]
    assert rows[1] == ["多宝街道", "广州市荔湾区", "街道", "街道联络0", "13900000000"]
    assert rows[2] == ["多宝第1社区", "多宝街道", "社区", "网格员000", "13700000000"]
    assert len(rows) == 1 + 3 + 9
    before = snapshot()
    result = import_grid(io.BytesIO(response.content), actor=admin_user, jurisdiction=liwan)
    assert not result.changed and snapshot() == before


def test_the_command_imports_and_a_second_run_changes_nothing(liwan, admin_user, tmp_path):
    path = tmp_path / "grid.xlsx"
    path.write_bytes(workbook_upload(tree_rows(10)).read())
    out = io.StringIO()

    call_command("import_grid", liwan.code, str(path), "--by", admin_user.username, stdout=out)

    assert "村（居）委会新建 30 个" in out.getvalue() and Community.objects.count() == 30
    audit = AuditEntry.objects.count()
    again = io.StringIO()
    call_command("import_grid", liwan.code, str(path), "--by", admin_user.username, stdout=again)
    assert "未作任何修改" in again.getvalue() and AuditEntry.objects.count() == audit


def test_the_command_reports_bad_rows_and_unknown_arguments(liwan, admin_user, tmp_path):
    rows = tree_rows(1)
    rows[1][4] = "12345"
    path = tmp_path / "grid.xlsx"
    path.write_bytes(workbook_upload(rows).read())
    with pytest.raises(CommandError, match="第3行“手机”应为以1开头的11位数字"):
        call_command("import_grid", liwan.code, str(path), "--by", admin_user.username)
    with pytest.raises(CommandError, match="辖区不存在"):
        call_command("import_grid", "nowhere", str(path), "--by", admin_user.username)
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_grid", liwan.code, str(tmp_path / "none.xlsx"), "--by", admin_user.username)
    assert not Community.objects.exists()


def test_the_admin_lists_communities_and_deletes_none(grid, admin_user, client_for):
    client = client_for(admin_user)
    community = Community.objects.first()
    assert client.get(reverse("admin:members_community_changelist")).status_code == 200
    assert client.get(reverse("admin:members_community_change", args=[community.pk])).status_code == 200
    assert client.get(reverse("admin:members_community_delete", args=[community.pk])).status_code == 403


def test_the_demo_grid_of_liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)

    subdistricts = Organisation.objects.filter(jurisdiction__code="liwan", kind="subdistrict", active=True)
    assert {"多宝街道", "逢源街道", "华林街道", "各街道"} <= set(subdistricts.values_list("short_name", flat=True))
    assert Community.objects.filter(subdistrict__short_name="多宝街道").count() == 4
    liaisons = User.objects.filter(role="grid")
    assert liaisons.count() == 11 and all(not u.has_usable_password() for u in liaisons)
    for liaison in liaisons:
        assert liaison.username in out.getvalue()
    duobao = subdistricts.get(short_name="多宝街道")
    assert User.objects.filter(organisation=duobao, role="liaison").count() == 2  # its A/B, as every unit
    before = snapshot()
    call_command("create_demo_accounts", verbosity=0, stdout=io.StringIO())
    assert [row for row in snapshot()["communities"]] == before["communities"]
    assert User.objects.filter(role="grid").count() == 11
