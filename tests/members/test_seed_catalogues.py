"""The two seeds without a member list (issue 20, item 9).

Yunfu (云法治委〔2022〕2号): its units are the 责任单位 of its 25 items, each unit once, with every item that names
it as a paragraph of its duties; the court is 市法院 (the intermediate court, which leads item 1), the committee
市委政法委 (item 23: 由党委政法委牵头).

The national frame (法发〔2010〕15号) is a reference catalogue: articles 1-17, one template per department, no court,
no committee; its templates are inactive and stay out of everything that expects a running jurisdiction (the
units API unless asked, the demo accounts, the assessment's default jurisdiction, the roster import), may not be
activated, and are copied into a unit with `manage.py copy_duties`.
"""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assessment.selectors import jurisdiction_for
from linkage.errors import ApplicationError
from members import services
from members.demo import create_demo_accounts
from members.export_views import ImportForm
from members.jurisdictions import load_jurisdiction
from members.models import Jurisdiction, Organisation, User
from members.reference import copy_reference_duties
from tests import factories

BASE = Path(settings.BASE_DIR) / "fixtures"
CN_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七"]


def fixture(name):
    return json.loads((BASE / "jurisdictions" / f"{name}.json").read_text(encoding="utf-8"))


def squeeze(text):
    return re.sub(r"\s+", "", text)


def yunfu_items():
    """{number: text} of the Yunfu items 1-25, each joined across the page breaks of the document."""
    lines = [line.strip() for line in (BASE / "seeds" / "003_0fcbc4eea0130725.txt").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
    blocks = []
    for line in lines:
        if re.match(r"^(\d+\.|[一二三四五]、)", line) or not blocks:
            blocks.append(line)
        else:
            blocks[-1] += line
    items = {int(m.group(1)): block for block in blocks if (m := re.match(r"^(\d+)\.", block))}
    assert sorted(items) == list(range(1, 26))
    return items


def responsible(item):
    """The units an item's （责任单位：…） clause names, without “主办” and “等部门配合”."""
    clause = re.search(r"[（(]责任单位：(.+)[）)]$", item).group(1)
    clause = clause.replace("主办，", "、").replace("等部门配合", "")
    protected = clause.replace("各县（市、区）人民政府", "各县（市区）人民政府")
    return [name.replace("各县（市区）人民政府", "各县（市、区）人民政府") for name in protected.split("、")]


# --- Yunfu: the fixture against the document -----------------------------------------------------------------------


def test_yunfu_units_are_the_items_responsible_units_deduplicated():
    data = fixture("yunfu")
    by_name = {}
    for entry in data["organisations"]:
        for form in (entry["name"], entry["short_name"], *entry["aliases"]):
            by_name[form] = entry["code"]
    unmapped = {(u["article"], u["subject"]) for u in data["unmapped_articles"]}
    named = {}  # code -> item numbers
    for number, item in yunfu_items().items():
        for name in responsible(item):
            if name in by_name:
                named.setdefault(by_name[name], []).append(number)
            else:
                assert (f"第{number}项", name) in unmapped, (number, name)
    assert set(named) == {o["code"] for o in data["organisations"]}
    items = yunfu_items()
    for entry in data["organisations"]:
        numbers = named[entry["code"]]
        assert entry["duties_source"] == "第" + "、".join(map(str, numbers)) + "项", entry["code"]
        assert entry["duties"].split("\n") == [items[n] for n in numbers], entry["code"]
    assert data["member_list"]["count"] == len(data["organisations"]) == 20


def test_yunfu_court_committee_and_spot_checks():
    data = fixture("yunfu")
    orgs = {o["code"]: o for o in data["organisations"]}
    assert data["jurisdiction"]["document_number"] == "云法治委〔2022〕2号"
    assert data["jurisdiction"]["issuer"] == "中共云浮市委全面依法治市委员会"
    assert [o["code"] for o in data["organisations"] if o["kind"] == "court"] == ["yf-court"]
    assert [o["code"] for o in data["organisations"] if o["kind"] == "committee"] == ["yf-committee"]
    assert orgs["yf-court"]["short_name"] == "市法院"
    assert "市法院主办" in orgs["yf-court"]["duties"]
    assert orgs["yf-committee"]["duties_source"] == "第8、9、23项"
    assert orgs["yf-committee"]["duties"].split("\n")[-1].startswith("23. 完善综合治理体制。由党委政法委牵头")
    police = orgs["yf-police"]
    assert police["duties_source"] == "第1、2、7、17项"
    assert {"locate_person", "seize_vehicle", "inquiry"} <= set(police["measures"])
    assert "法院决定拘留但下落不明的被执行人，按规程商请公安机关布控" in squeeze(police["duties"])
    assert orgs["yf-pbc"]["duties_source"] == orgs["yf-banking-regulator"]["duties_source"] == "第1、16项"
    assert orgs["yf-county-governments"]["level"] == "county"


# --- national: the fixture against the document --------------------------------------------------------------------


def test_national_catalogue_is_articles_one_to_seventeen():
    data = fixture("national")
    text = squeeze((BASE / "seeds" / "004_609ad937d615a4de.txt").read_text(encoding="utf-8"))
    assert data["jurisdiction"]["reference"] is True
    assert data["jurisdiction"]["document_number"] == "法发〔2010〕15号"
    assert data["jurisdiction"]["document_title"] in text and data["jurisdiction"]["document_number"] in text
    entries = data["organisations"]
    assert [e["duties_source"] for e in entries] == [f"第{n}条" for n in CN_NUMBERS]
    for entry in entries:
        assert entry["duties"].startswith(f"{entry['duties_source']}　{entry['name']}")
        assert squeeze(entry["duties"]) in text
        assert entry["level"] == "national"
        assert squeeze(entry["central_body"].split("、")[0]) in text  # its signatory
    assert not {"court", "committee"} & {e["kind"] for e in entries}
    police = next(e for e in entries if e["code"] == "cn-police")
    assert "在接到人民法院通报后立即出警" in police["duties"]
    assert {"inquiry", "locate_person", "seize_vehicle", "restrict_exit"} <= set(police["measures"])


# --- loading -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_yunfu_twice_changes_nothing_the_second_time():
    out = io.StringIO()
    call_command("load_jurisdiction", "yunfu", stdout=out)
    assert "云浮市（云法治委〔2022〕2号）：辖区新建；成员单位共 20 个，新建 20 个" in out.getvalue()
    yunfu = Jurisdiction.objects.get(code="yunfu")
    assert not yunfu.is_reference
    assert yunfu.organisations.courts().get().code == "yf-court"
    assert yunfu.organisations.filter(kind="committee").get().code == "yf-committee"
    assert yunfu.organisations.active().member_units().count() == 18
    police = Organisation.objects.get(code="yf-police")
    assert police.duties_source == "第1、2、7、17项" and police.duties.count("\n") == 3
    before = {o.code: o.updated_at for o in Organisation.objects.all()}

    out = io.StringIO()
    call_command("load_jurisdiction", "yunfu", stdout=out)
    assert "辖区未变；成员单位共 20 个，新建 0 个，更新 0 个，未变 20 个" in out.getvalue()
    assert "未作任何修改" in out.getvalue()
    assert {o.code: o.updated_at for o in Organisation.objects.all()} == before


@pytest.mark.django_db
def test_load_national_twice_lists_the_departments_and_changes_nothing_the_second_time():
    out = io.StringIO()
    call_command("load_jurisdiction", "national", stdout=out)
    text = out.getvalue()
    assert "全国执行联动职责参考目录（法发〔2010〕15号）：参考目录新建；部门条目共 17 个（不在册，供复制职责），新建 17 个" in text
    assert "cn-police：第六条　公安机关应当依法严厉打击" in text  # each department with its article
    national = Jurisdiction.objects.get(code="national")
    assert national.is_reference
    assert national.organisations.count() == 17
    assert not national.organisations.active().exists()  # templates, never on the roster
    assert not national.organisations.filter(kind__in=["court", "committee"]).exists()
    before = {o.code: o.updated_at for o in Organisation.objects.all()}

    out = io.StringIO()
    call_command("load_jurisdiction", "national", stdout=out)
    assert "参考目录未变；部门条目共 17 个（不在册，供复制职责），新建 0 个，更新 0 个，未变 17 个" in out.getvalue()
    assert "未作任何修改" in out.getvalue()
    assert {o.code: o.updated_at for o in Organisation.objects.all()} == before


@pytest.mark.django_db
def test_a_reference_fixture_with_a_court_is_refused(tmp_path, monkeypatch, settings):
    from members import jurisdictions

    data = fixture("national")
    data["organisations"][0]["kind"] = "court"
    (tmp_path / "national.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(jurisdictions, "FIXTURE_DIR", tmp_path)
    with pytest.raises(ApplicationError, match="参考目录不设法院和政法委"):
        load_jurisdiction("national")
    assert not Jurisdiction.objects.exists()


# --- kept out of what expects a running jurisdiction ---------------------------------------------------------------


@pytest.fixture
def loaded(db):
    load_jurisdiction("yunfu")
    load_jurisdiction("national")


def _token(client, user):
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": settings.DEMO_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


def _codes(client, url, auth):
    codes, rows = [], []
    while url:
        body = client.get(url, **auth).json()
        rows += body["results"]
        url = body["next"]
    codes = [row["code"] for row in rows]
    return codes, rows


def test_units_api_lists_yunfu_to_its_liaison_and_the_catalogue_only_when_asked(client, loaded):
    liaison = factories.LiaisonFactory(organisation=Organisation.objects.get(code="yf-police"))
    auth = _token(client, liaison)

    codes, rows = _codes(client, "/api/v1/units/?jurisdiction__code=yunfu", auth)
    assert codes == list(Organisation.objects.filter(jurisdiction__code="yunfu")
                         .order_by("sort_order", "id").values_list("code", flat=True))
    assert len(codes) == 20
    police = next(r for r in rows if r["code"] == "yf-police")
    assert police["duties_source"] == "第1、2、7、17项" and police["reference"] is False
    assert police["jurisdiction"] == "yunfu" and police["active"] is True

    codes, _ = _codes(client, "/api/v1/units/", auth)
    assert not [c for c in codes if c.startswith("cn-")]
    codes, _ = _codes(client, "/api/v1/units/?jurisdiction__code=national", auth)
    assert codes == []

    codes, rows = _codes(client, "/api/v1/units/?reference=true", auth)
    assert codes == list(Organisation.objects.filter(jurisdiction__code="national")
                         .order_by("sort_order", "id").values_list("code", flat=True))
    assert all(r["reference"] is True and r["active"] is False for r in rows)
    police = next(r for r in rows if r["code"] == "cn-police")
    assert police["duties"].startswith("第六条　公安机关") and police["duties_source"] == "第六条"
    # A template's own URL answers.
    assert client.get(f"/api/v1/units/{police['id']}/", **auth).json()["code"] == "cn-police"


def test_demo_accounts_skip_the_catalogue(loaded):
    accounts = create_demo_accounts("yunfu")
    usernames = {a.username for a in accounts}
    assert {"yf-police-a", "yf-police-b", "clerk", "committee"} <= usernames
    assert not [u for u in usernames if u.startswith("cn-")]
    assert User.objects.get(username="clerk").organisation.code == "yf-court"
    assert User.objects.get(username="committee").organisation.code == "yf-committee"


def test_demo_accounts_never_land_in_the_catalogue(db):
    load_jurisdiction("national")
    with pytest.raises(ApplicationError, match="请先载入一个辖区"):
        create_demo_accounts("national")


def test_the_administrators_default_assessment_jurisdiction_is_a_running_one(loaded):
    admin = factories.UserFactory(role="admin")
    assert jurisdiction_for(admin).code == "yunfu"  # not "national", which sorts first
    assert jurisdiction_for(admin, "national") is None


def test_the_roster_import_offers_running_jurisdictions_only(loaded):
    form = ImportForm()
    assert [j.code for j in form.fields["jurisdiction"].queryset] == ["yunfu"]
    assert form.initial["jurisdiction"] == "yunfu"


def test_a_template_cannot_be_put_on_the_roster(loaded):
    admin = factories.UserFactory(role="admin")
    template = Organisation.objects.get(code="cn-police")
    with pytest.raises(ApplicationError, match="参考目录中的部门条目，不能设为在册"):
        services.set_organisation_active(actor=admin, organisation=template, active=True)
    template.refresh_from_db()
    assert template.active is False
    # a running unit still can be
    unit = services.set_organisation_active(actor=admin, organisation=Organisation.objects.get(code="yf-tax"),
                                            active=False)
    assert services.set_organisation_active(actor=admin, organisation=unit, active=True).active is True


def test_the_admin_activate_action_leaves_templates_off_the_roster(client, loaded):
    admin = factories.UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    template, unit = Organisation.objects.get(code="cn-tax"), Organisation.objects.get(code="yf-tax")
    Organisation.objects.filter(pk=unit.pk).update(active=False)
    response = client.post("/admin/members/organisation/", {"action": "activate",
                                                             "_selected_action": [template.pk, unit.pk]}, follow=True)
    assert response.status_code == 200
    assert "税务机关是参考目录中的部门条目，不能设为在册" in response.content.decode()
    template.refresh_from_db()
    unit.refresh_from_db()
    assert template.active is False and unit.active is True


# --- copying a template's duties into a unit ------------------------------------------------------------------------


@pytest.fixture
def liwan_and_national(db):
    load_jurisdiction("liwan")
    load_jurisdiction("national")


def test_copy_duties_fills_a_unit_without_an_article_and_is_idempotent(liwan_and_national):
    unit = Organisation.objects.get(code="lw-development")  # listed in 三（三）, no article in 四
    assert unit.duties == "" and not unit.measures.exists()
    out = io.StringIO()
    call_command("copy_duties", "cn-development", "lw-development", stdout=out)
    assert "已复制到广州市荔湾区发展和改革局：职责出处 法发〔2010〕15号第九条（参考目录）；新增协助措施：查询、停止办理登记手续" in (
        out.getvalue())
    unit.refresh_from_db()
    assert unit.duties == Organisation.objects.get(code="cn-development").duties
    assert unit.duties_source == "法发〔2010〕15号第九条（参考目录）"
    assert set(unit.measures.values_list("code", flat=True)) == {"inquiry", "stop_registration"}
    stamp = unit.updated_at

    out = io.StringIO()
    call_command("copy_duties", "cn-development", "lw-development", stdout=out)
    assert "已与参考目录一致，未作任何修改" in out.getvalue()
    unit.refresh_from_db()
    assert unit.updated_at == stamp

    # Reloading Liwan, whose document gives the unit no article, keeps the copy.
    result = load_jurisdiction("liwan")
    assert not result.changed
    unit.refresh_from_db()
    assert unit.duties_source == "法发〔2010〕15号第九条（参考目录）"
    assert set(unit.measures.values_list("code", flat=True)) == {"inquiry", "stop_registration"}


def test_copy_duties_keeps_a_units_own_article_unless_told_to_replace(liwan_and_national):
    own = Organisation.objects.get(code="lw-police").duties
    with pytest.raises(CommandError, match="已有职责条文（四、（七）），未复制"):
        call_command("copy_duties", "cn-police", "lw-police", stdout=io.StringIO())
    assert Organisation.objects.get(code="lw-police").duties == own

    result = copy_reference_duties(template_code="cn-police", target_code="lw-police", replace=True)
    unit = Organisation.objects.get(code="lw-police")
    assert unit.duties.startswith("第六条　公安机关") and unit.duties_source == "法发〔2010〕15号第六条（参考目录）"
    assert result.added_measures == ["restrict_exit"]  # its own measures are kept, the template's added
    assert {"locate_person", "seize_vehicle", "restrict_exit"} <= set(unit.measures.values_list("code", flat=True))
    # The unit's own document has an article for it: a reload puts the document's text back.
    assert load_jurisdiction("liwan").updated == ["lw-police"]
    assert Organisation.objects.get(code="lw-police").duties == own


@pytest.mark.parametrize(("template", "target", "message"), [
    ("lw-police", "lw-development", "“lw-police”不是参考目录中的部门条目"),
    ("cn-nothing", "lw-development", "“cn-nothing”不是参考目录中的部门条目"),
    ("cn-police", "cn-tax", "属于参考目录，不能作为复制目标"),
    ("cn-police", "lw-court", "不是成员单位，不复制部门职责"),
    ("cn-police", "lw-nothing", "没有代码为“lw-nothing”的单位"),
])
def test_copy_duties_refusals(liwan_and_national, template, target, message):
    before = {o.code: (o.duties, o.updated_at) for o in Organisation.objects.all()}
    with pytest.raises(CommandError, match=message):
        call_command("copy_duties", template, target, stdout=io.StringIO())
    assert {o.code: (o.duties, o.updated_at) for o in Organisation.objects.all()} == before


def test_no_unit_is_added_to_the_catalogue_through_the_api(api_for, admin_user, loaded):
    api = api_for(admin_user)
    unit = {"code": "cn-extra", "name": "某部门", "short_name": "某部门", "kind": "tax", "level": "national"}
    response = api.post("/api/v1/units/", {**unit, "jurisdiction": "national"}, format="json")
    assert response.status_code == 400 and "jurisdiction" in response.json(), response.json()
    assert not Organisation.objects.filter(code="cn-extra").exists()
    response = api.post("/api/v1/units/", {**unit, "code": "yf-extra", "jurisdiction": "yunfu"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["reference"] is False


@pytest.mark.django_db
def test_a_running_jurisdiction_without_a_committee_is_refused(tmp_path, monkeypatch):
    from members import jurisdictions

    data = fixture("yunfu")
    data["organisations"] = [o for o in data["organisations"] if o["kind"] != "committee"]
    (tmp_path / "yunfu.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(jurisdictions, "FIXTURE_DIR", tmp_path)
    with pytest.raises(ApplicationError, match="辖区应有一个政法委和至少一个法院"):
        load_jurisdiction("yunfu")
    assert not Jurisdiction.objects.exists()
