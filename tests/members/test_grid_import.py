"""The grid's import from Excel (members/grid_import.py): a 3 × 10 tree built, a re-import that writes nothing, a
changed phone that updates one account, a new person that replaces one, bad rows refused with the row and column
named and nothing written, the A contact never overwritten, communities left out never deleted."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linkage.errors import ApplicationError, PermissionDenied
from linkage.models import AuditEntry
from members.grid_import import import_grid
from members.models import Community, Contact, Organisation, User
from tests import factories

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["名称", "上级", "类别", "联络人", "手机"]
SUBDISTRICTS = ["多宝街道", "逢源街道", "华林街道"]


@pytest.fixture
def liwan(db):
    return factories.JurisdictionFactory(code="gridtest", name="广州市荔湾区")


def tree_rows(communities=10):
    """3 subdistricts × ``communities`` communities; the subdistricts' contacts and the liaisons' phones distinct."""
    rows = []
    for s, subdistrict in enumerate(SUBDISTRICTS):
        rows.append([subdistrict, "", "街道", f"街道联络{s}", f"1390000{s:04d}"])
        for c in range(communities):
            rows.append([f"{subdistrict[:2]}第{c + 1}社区", subdistrict, "", f"网格员{s}{c:02d}",
                         f"1370000{s}{c:03d}"])
    return rows


def workbook_upload(rows, header=HEADER, name="grid.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "网格单元"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def snapshot():
    """Every row the import may touch, with its updated_at, and the audit trail's length."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "communities": list(Community.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def test_import_builds_the_tree_of_three_subdistricts_and_thirty_communities(liwan, admin_user):
    result = import_grid(workbook_upload(tree_rows()), actor=admin_user, jurisdiction=liwan)

    subdistricts = Organisation.objects.filter(jurisdiction=liwan, kind="subdistrict")
    assert sorted(subdistricts.values_list("name", flat=True)) == sorted(SUBDISTRICTS)
    assert set(subdistricts.values_list("level", flat=True)) == {"township"}
    assert sorted(subdistricts.values_list("code", flat=True)) == ["gridtest-sd-1", "gridtest-sd-2", "gridtest-sd-3"]
    communities = Community.objects.filter(subdistrict__jurisdiction=liwan)
    assert communities.count() == 30
    for subdistrict in subdistricts:
        mine = subdistrict.communities.order_by("sort_order")
        assert mine.count() == 10
        assert [c.code for c in mine] == [f"{subdistrict.code}-{n}" for n in range(1, 11)]
        assert {c.kind for c in mine} == {"community"}
    liaisons = User.objects.filter(role="grid")
    assert liaisons.count() == 30
    for liaison in liaisons.select_related("community"):
        assert liaison.is_grid and liaison.is_active and not liaison.has_usable_password()
        assert liaison.organisation_id == liaison.community.subdistrict_id
        assert liaison.username == f"grid-{liaison.community.code}"
    duobao = subdistricts.get(name="多宝街道")
    first = duobao.communities.get(name="多宝第1社区").grid_liaison
    assert (first.full_name, first.mobile) == ("网格员000", "13700000000")
    a_contact = Contact.objects.get(organisation=duobao, role="A", ended_on__isnull=True)
    assert (a_contact.name, a_contact.mobile) == ("街道联络0", "13900000000")
    assert len(result.subdistricts.created) == 3 and len(result.communities.created) == 30
    assert len(result.liaisons.created) == 30 and len(result.contacts_assigned) == 3
    assert result.changed and result.rows == 33 and not result.differences and not result.missing
    # Audited: the communities and the accounts each in one bulk entry naming every row.
    bulk = {e.changes["model"]: e.changes["count"] for e in AuditEntry.objects.filter(action="bulk_create")}
    assert bulk == {"members.community": 30, "members.user": 30}


def test_a_reimport_of_the_same_file_writes_nothing(liwan, admin_user):
    import_grid(workbook_upload(tree_rows()), actor=admin_user, jurisdiction=liwan)
    before = snapshot()

    result = import_grid(workbook_upload(tree_rows()), actor=admin_user, jurisdiction=liwan)

    assert snapshot() == before  # no row, no updated_at, no audit entry
    assert not result.changed
    assert (len(result.subdistricts.unchanged), len(result.communities.unchanged), len(result.liaisons.unchanged)) \
        == (3, 30, 30)
    assert "未变 30 个" in result.summary()


def test_a_changed_phone_updates_that_one_account(liwan, admin_user):
    import_grid(workbook_upload(tree_rows()), actor=admin_user, jurisdiction=liwan)
    account = User.objects.get(mobile="13700001004")
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    rows = tree_rows()
    changed = next(row for row in rows if row[4] == "13700001004")
    changed[4] = "13600001004"

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert result.liaisons.updated == ["逢源街道·逢源第5社区：网格员104"] and not result.liaisons.created
    account.refresh_from_db()
    assert account.mobile == "13600001004" and account.is_active
    assert User.objects.filter(role="grid").count() == 30
    entries = AuditEntry.objects.filter(pk__gt=last)
    assert [(e.action, e.object_id, list(e.changes)) for e in entries] == [("update", str(account.pk), ["mobile"])]


def test_a_new_person_gets_a_new_account_and_the_old_one_is_deactivated(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(2)), actor=admin_user, jurisdiction=liwan)
    old = User.objects.get(mobile="13700002001")
    rows = tree_rows(2)
    row = next(row for row in rows if row[4] == "13700002001")
    row[3:5] = ["新网格员", "13500002001"]

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    old.refresh_from_db()
    assert not old.is_active
    new = old.community.grid_liaison
    assert (new.full_name, new.mobile, new.username) == ("新网格员", "13500002001", f"{old.username}-2")
    assert new.organisation_id == old.organisation_id and new.role == "grid"
    assert result.liaisons_replaced == [f"华林街道·华林第2社区：{old.full_name} → 新网格员"]


def test_a_number_given_up_in_the_same_file_may_go_to_another_community(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(2)), actor=admin_user, jurisdiction=liwan)
    rows = tree_rows(2)
    # 多宝第1社区 gets a new liaison; its old one's number goes to 多宝第2社区's new liaison.
    rows[1][3:5] = ["新人甲", "13500000001"]
    rows[2][3:5] = ["原网格员", "13700000000"]

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert len(result.liaisons_replaced) == 2
    active = User.objects.filter(role="grid", is_active=True)
    assert active.count() == 6 and active.get(mobile="13700000000").community.name == "多宝第2社区"


def test_only_the_name_changed_updates_the_account(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(1)), actor=admin_user, jurisdiction=liwan)
    rows = tree_rows(1)
    rows[1][3] = "网格员甲"

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert User.objects.filter(role="grid").count() == 3
    assert User.objects.get(mobile=rows[1][4]).full_name == "网格员甲" and len(result.liaisons.updated) == 1


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[1].__setitem__(1, "不存在街道"), "第3行“上级”“不存在街道”不是本辖区的街道（镇），也不在本文件中"),
    (lambda rows: rows[1].__setitem__(4, "1234567"), "第3行“手机”应为以1开头的11位数字：1234567"),
    (lambda rows: rows[2].__setitem__(0, rows[1][0]), "第4行“名称”与第3行重复（同一街道（镇）下的同名村居）"),
    (lambda rows: rows[2].__setitem__(4, rows[1][4]), "第4行“手机”与第3行的网格员重复：13700000000"),
    (lambda rows: rows[1].__setitem__(0, ""), "第3行“名称”未填写"),
    (lambda rows: rows[1].__setitem__(4, ""), "第3行“手机”未填写：填写了联络人的须同时填写手机"),
    (lambda rows: rows[1].__setitem__(2, "大队"), "第3行“类别”应为街道、镇、社区或村：大队"),
    (lambda rows: rows.append(["多宝街道", "", "", "", ""]), "第14行“名称”与第2行是同一街道（镇），重复：多宝街道"),
    (lambda rows: rows[1].__setitem__(0, "名" * 51), "第3行“名称”不能超过50个字"),
])
def test_a_bad_row_refuses_the_whole_file_in_chinese_and_writes_nothing(liwan, admin_user, change, message):
    rows = tree_rows(3)
    change(rows)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert message in refused.value.message and refused.value.message.startswith("导入未执行")
    assert any(e.startswith(message.split("”")[0]) for e in refused.value.extra["errors"])
    assert snapshot() == before


def test_a_mobile_of_another_communitys_liaison_is_refused(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(2)), actor=admin_user, jurisdiction=liwan)
    before = snapshot()
    # A file listing only 华林街道, whose new community claims the login of 多宝街道's first liaison.
    rows = [["华林街道", "", "", "", ""], ["华林新社区", "华林街道", "", "新人", "13700000000"]]

    with pytest.raises(ApplicationError, match="第3行“手机”已是多宝街道多宝第1社区网格员网格员000的登录手机"):
        import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)
    assert snapshot() == before


def test_the_a_contact_is_never_overwritten_only_reported(liwan, admin_user):
    subdistrict = factories.OrganisationFactory(jurisdiction=liwan, code="lw-duobao", name="广州市荔湾区多宝街道办事处",
                                                short_name="多宝街道", kind="subdistrict", level="township")
    current = factories.ContactFactory(organisation=subdistrict, role="A", name="现任甲", mobile="13811112222")
    rows = [["多宝街道", "广州市荔湾区", "", "另一人", "13922223333"], ["宝华社区", "多宝街道", "", "网格甲", "13733334444"]]

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert Organisation.objects.filter(kind="subdistrict").count() == 1  # matched by its short name
    assert list(Contact.objects.filter(organisation=subdistrict).current()) == [current]
    assert result.differences and "现任A角为现任甲" in result.differences[0] and "联系人变更申请" in result.differences[0]
    community = Community.objects.get()
    assert community.subdistrict == subdistrict and community.code == "lw-duobao-1"


def test_communities_left_out_are_reported_not_deleted(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(2)), actor=admin_user, jurisdiction=liwan)
    rows = [row for row in tree_rows(2) if row[0] != "多宝第2社区"]

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    assert result.missing == ["多宝街道·多宝第2社区"] and not result.changed
    left_out = Community.objects.get(name="多宝第2社区")
    assert left_out.active and left_out.grid_liaison is not None


def test_communities_of_a_roster_subdistrict_can_come_without_its_row_and_kinds_follow_the_name(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(0)), actor=admin_user, jurisdiction=liwan)
    rows = [["增滘村", "多宝街道", "", "", ""], ["宝源", "多宝街道", "村委会", "", ""],
            ["桥中社区", "华林街道", "社区", "", ""]]

    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)

    kinds = dict(Community.objects.values_list("name", "kind"))
    assert kinds == {"增滘村": "village", "宝源": "village", "桥中社区": "community"}
    assert len(result.without_liaison) == 3 and not User.objects.filter(role="grid").exists()


def test_a_preview_writes_nothing_and_reports_the_same(liwan, admin_user):
    before = snapshot()

    result = import_grid(workbook_upload(tree_rows()), actor=admin_user, jurisdiction=liwan, apply=False)

    assert snapshot() == before
    assert not result.applied and len(result.communities.created) == 30 and len(result.liaisons.created) == 30


def test_only_an_administrator_imports(liwan, liaison):
    with pytest.raises(PermissionDenied):
        import_grid(workbook_upload(tree_rows(1)), actor=liaison, jurisdiction=liwan)
    assert not Community.objects.exists()


def test_a_file_that_is_not_a_workbook_or_lacks_the_header_is_refused(liwan, admin_user):
    with pytest.raises(ApplicationError, match="不是有效的 Excel 工作簿"):
        import_grid(SimpleUploadedFile("grid.xlsx", b"not a zip"), actor=admin_user, jurisdiction=liwan)
    with pytest.raises(ApplicationError, match="未找到表头"):
        import_grid(workbook_upload([["多宝街道"]], header=["名称", "上级"]), actor=admin_user, jurisdiction=liwan)
    with pytest.raises(ApplicationError, match="一次最多导入 2000 行"):
        rows = [[f"社区{n}", "多宝街道", "", "", ""] for n in range(2001)]
        import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)


def test_a_deactivated_subdistrict_or_community_listed_again_is_restored(liwan, admin_user):
    import_grid(workbook_upload(tree_rows(2)), actor=admin_user, jurisdiction=liwan)
    duobao = Organisation.objects.get(short_name="多宝街道")
    Organisation.objects.filter(pk=duobao.pk).update(active=False)
    Community.objects.filter(name="逢源第1社区").update(active=False)
    only_communities = [row for row in tree_rows(2) if row[1]]

    with pytest.raises(ApplicationError, match="第3行“上级”“多宝街道”已停用"):
        import_grid(workbook_upload(only_communities), actor=admin_user, jurisdiction=liwan)

    rows = tree_rows(2)
    rows[5][2] = "村"  # 逢源第2社区 is in fact a village
    result = import_grid(workbook_upload(rows), actor=admin_user, jurisdiction=liwan)
    assert result.subdistricts.updated == ["多宝街道（恢复在册）"]
    assert result.communities.updated == ["逢源街道·逢源第1社区（恢复在册）", "逢源街道·逢源第2社区"]
    assert Organisation.objects.get(pk=duobao.pk).active and Community.objects.filter(active=False).count() == 0
    assert Community.objects.get(name="逢源第2社区").kind == "village"
