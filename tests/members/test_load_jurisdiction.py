"""The seed jurisdictions: the curated fixtures are checked against the text of their documents
(fixtures/seeds/), and the loader and its command are checked to be idempotent. Yunfu (no member list: its units
come from the items' 责任单位) and the national reference catalogue have their own checks in
test_seed_catalogues.py; the checks here that need no member list run over all five."""

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from linkage.errors import ApplicationError
from members.catalogue import MEASURE_NAMES
from members.jurisdictions import CODE_PREFIXES, available_jurisdictions, load_jurisdiction
from members.models import Jurisdiction, Measure, Organisation, OrganisationKind, OrganisationLevel

BASE = Path(settings.BASE_DIR) / "fixtures"

# name -> (seed file, sha256 of the seed, how the document's member list starts and ends, member count)
SEEDS = {
    "liwan": (
        "000_f6583654c79a834d.txt",
        "795d4a745cde62bed6c272031f8ed59513e3ab1a639066f3f5e8e0397e16d14f",
        r"由区委政法委牵头，建立由(.+?)组成的",
        25,
    ),
    "chuxiong": (
        "001_92dc571e584eda19.txt",
        "9cb2fb49679e26e522fd3dbd8792b239de964431a1f45437705a939e00179cf4",
        r"成员单位由(.+?)等部门组成",
        34,
    ),
    "gongan": (
        "002_de6e55689f788edd.txt",
        "b4c571200a41d49628d6fa9a5a47ed729e2760fb0195b5bb502bef34cd8803c5",
        r"联席会议成员单位包括(.+?)。",
        24,
    ),
}
NAMES = sorted(SEEDS)
# The two seeds without a member list: name -> (seed file, sha256 of the seed).
CATALOGUES = {
    "yunfu": ("003_0fcbc4eea0130725.txt", "55ad0cc8e9b5347ac09ff99a3706820c34c2724b96e285efa6221f7910206231"),
    "national": ("004_609ad937d615a4de.txt", "9cb2ac051284ae291d0a3ad12b7586be080d6f24b82670fe472a37e7893b1553"),
}
ALL = sorted([*SEEDS, *CATALOGUES])
LIVE = sorted([*SEEDS, "yunfu"])
COURTS = {"liwan": "lw-court", "chuxiong": "cx-court", "gongan": "ga-court", "yunfu": "yf-court"}
COMMITTEES = {"liwan": "lw-committee", "chuxiong": "cx-committee", "gongan": "ga-committee", "yunfu": "yf-committee"}


def seed_file(name):
    return SEEDS[name][0] if name in SEEDS else CATALOGUES[name][0]


def squeeze(text):
    """Drop all whitespace: the documents break lines mid-sentence."""
    return re.sub(r"\s+", "", text)


def document(name):
    """The seed text without whitespace and without the Markdown markers (#, **) its conversion left behind."""
    raw = (BASE / "seeds" / seed_file(name)).read_text(encoding="utf-8")
    return re.sub(r"[#*]", "", squeeze(raw))


def fixture(name):
    return json.loads((BASE / "jurisdictions" / f"{name}.json").read_text(encoding="utf-8"))


def org(name, code):
    return next(o for o in fixture(name)["organisations"] if o["code"] == code)


def member_list(name):
    """The member units as the document lists them, split on 、."""
    match = re.search(SEEDS[name][2], document(name))
    assert match, f"{name}: member list not found"
    return match.group(1).split("、")


# --- the fixtures against the documents -------------------------------------------------------------------------


def test_available_jurisdictions():
    assert available_jurisdictions() == ALL == ["chuxiong", "gongan", "liwan", "national", "yunfu"]


def test_every_seed_document_has_its_verbatim_copy():
    shared = Path("/work/shared/seeds")
    copied = sorted(p.name for p in (BASE / "seeds").glob("*.txt"))
    assert copied == sorted(seed_file(name) for name in ALL)
    if shared.is_dir():  # the originals, where this checkout sits next to them
        for name in copied:
            assert (shared / name).read_bytes() == (BASE / "seeds" / name).read_bytes()


@pytest.mark.parametrize("name", ALL)
def test_seed_copy_is_verbatim(name):
    seed, sha256 = (SEEDS[name][:2] if name in SEEDS else CATALOGUES[name])
    assert hashlib.sha256((BASE / "seeds" / seed).read_bytes()).hexdigest() == sha256
    assert fixture(name)["seed"] == seed


@pytest.mark.parametrize("name", NAMES)
def test_member_count_matches_document(name):
    listed = member_list(name)
    assert len(listed) == SEEDS[name][3]
    data = fixture(name)
    assert data["member_list"]["count"] == len(listed)
    assert len(data["organisations"]) == len(listed)


@pytest.mark.parametrize("name", NAMES)
def test_organisations_follow_member_list_order(name):
    """The n-th organisation is the n-th unit of the document's list, by its short name or an alias."""
    for listed, entry in zip(member_list(name), fixture(name)["organisations"], strict=True):
        assert listed in [entry["short_name"], *entry["aliases"]], (listed, entry["code"])


@pytest.mark.parametrize("name", ALL)
def test_names_appear_in_document(name):
    text = document(name)
    for entry in fixture(name)["organisations"]:
        forms = [entry["name"], entry["short_name"], *entry["aliases"]]
        assert any(squeeze(form) in text for form in forms), entry["code"]
        for alias in entry["aliases"]:
            assert squeeze(alias) in text, (entry["code"], alias)


@pytest.mark.parametrize("name", ALL)
def test_duties_are_verbatim(name):
    """Each paragraph of a unit's duties is the document's text (a unit several articles or items name has one
    paragraph per article or item)."""
    text = document(name)
    for entry in fixture(name)["organisations"]:
        if entry["duties"]:
            for paragraph in entry["duties"].split("\n"):
                assert squeeze(paragraph) in text, (entry["code"], paragraph[:20])
            assert entry["duties_source"], entry["code"]
            assert not re.search(r"[#*]", entry["duties"]), entry["code"]
        else:
            assert entry["duties_source"] == "", entry["code"]


def articles_of(source):
    """The articles a duties_source names: Yunfu's 第1、2、7项 are items 第1项, 第2项, 第7项; Chuxiong's 二、（五）、（二十二）
    are 二、（五） and 二、（二十二）; the others as written."""
    match = re.fullmatch(r"第([\d、]+)项", source)
    if match:
        return [f"第{n}项" for n in match.group(1).split("、")]
    match = re.fullmatch(r"二、((?:（[^）]+）、?)+)", source)
    if match:
        return [f"二、{part}" for part in re.findall(r"（[^）]+）", match.group(1))]
    return [source]


@pytest.mark.parametrize("name", ALL)
def test_article_map_matches_duties(name):
    data = fixture(name)
    text = document(name)
    by_code = {o["code"]: o for o in data["organisations"]}
    for item in data["article_map"] + data["unmapped_articles"]:
        assert squeeze(item["subject"]) in text, item
    for item in data["article_map"]:
        for code in item["organisations"]:
            assert any(item["article"] in source for source in articles_of(by_code[code]["duties_source"])), (
                item, code)
    mapped = {a for item in data["article_map"] for a in item["organisations"]}
    assert mapped == {o["code"] for o in data["organisations"] if o["duties"]}
    # A Yunfu item may name units and a group of unnamed ones (“各联合惩戒相关单位”), which alone is unmapped; that
    # every name of every item's 责任单位 is either a unit or unmapped is checked in test_seed_catalogues.py.
    if name != "yunfu":
        assert not {i["article"] for i in data["article_map"]} & {i["article"] for i in data["unmapped_articles"]}


def test_code_prefixes():
    assert CODE_PREFIXES == {"liwan": "lw-", "chuxiong": "cx-", "gongan": "ga-", "yunfu": "yf-", "national": "cn-"}


@pytest.mark.parametrize("name", ALL)
def test_codes_kinds_levels_and_measures_are_valid(name):
    data = fixture(name)
    prefix = CODE_PREFIXES[name]
    codes = [o["code"] for o in data["organisations"]]
    assert len(codes) == len(set(codes))
    for entry in data["organisations"]:
        assert re.fullmatch(rf"{prefix}[a-z0-9]+(-[a-z0-9]+)*", entry["code"])
        assert entry["kind"] in OrganisationKind.values
        assert entry["level"] in OrganisationLevel.values
        assert set(entry["measures"]) <= set(MEASURE_NAMES), entry["code"]
    if name == "national":  # a reference catalogue: departments only
        assert not {"court", "committee"} & {o["kind"] for o in data["organisations"]}
        return
    assert org(name, COURTS[name])["kind"] == "court"
    assert org(name, COMMITTEES[name])["kind"] == "committee"
    assert [o["kind"] for o in data["organisations"]].count("court") == 1
    assert [o["kind"] for o in data["organisations"]].count("committee") == 1


@pytest.mark.parametrize("name", LIVE)
def test_jurisdiction_document_fields(name):
    jurisdiction = fixture(name)["jurisdiction"]
    text = document(name)
    assert jurisdiction["code"] == name
    assert squeeze(jurisdiction["document_title"]) in text
    assert squeeze(jurisdiction["issuer"]) in text
    if jurisdiction["document_number"]:
        assert jurisdiction["document_number"] in text


def test_liwan_spot_checks():
    police = org("liwan", "lw-police")
    assert police["short_name"] == "区公安分局"
    assert police["duties_source"] == "四、（七）"
    assert "24小时内及时通知人民法院" in police["duties"]
    assert "应当于24小时内通知区人民法院" in police["duties"]
    assert "上述各项工作" in police["duties"]  # the last paragraph of the article is included
    assert {"inquiry", "locate_person", "seize_vehicle"} <= set(police["measures"])
    assert org("liwan", "lw-court")["name"] == "广州市荔湾区人民法院"
    assert org("liwan", "lw-land-planning")["aliases"] == ["区国土规划局"]
    assert org("liwan", "lw-housing")["aliases"] == ["区住房建设局"]
    assert {"inquiry", "seal"} <= set(org("liwan", "lw-land-planning")["measures"])
    assert org("liwan", "lw-subdistricts")["level"] == "township"
    assert {"other", "publish"} <= set(org("liwan", "lw-subdistricts")["measures"])
    # Listed in 三（三） but given no article in 四.
    for code in ("lw-development", "lw-industry", "lw-ethnic-religious"):
        assert org("liwan", code)["duties"] == ""
    assert sum(1 for o in fixture("liwan")["organisations"] if o["duties"]) == 22


def test_chuxiong_spot_checks():
    assert org("chuxiong", "cx-congress")["duties_source"] == "二、（一）"
    assert org("chuxiong", "cx-cppcc")["duties_source"] == "二、（二）"
    for code in ("cx-state-tax", "cx-local-tax"):
        assert org("chuxiong", code)["duties_source"] == "二、（二十五）"
        assert org("chuxiong", code)["duties"].startswith("（二十五）州国税局、州地税务局")
    police = org("chuxiong", "cx-police")
    assert "协助限制被执行人出境" in police["duties"]
    assert {"inquiry", "locate_person", "restrict_exit", "seize_vehicle"} <= set(police["measures"])
    assert "高收费私立学校" in org("chuxiong", "cx-education")["duties"]
    assert org("chuxiong", "cx-education")["measures"] == ["restrict_qualification"]
    # 二、（五）新闻媒体 and 二、（二十二）州网信部门 are not on the member list; both fall to 州委宣传部 (which runs
    # the news media and houses the 网信 office), each article its own paragraph.
    publicity = org("chuxiong", "cx-publicity")
    assert publicity["duties_source"] == "二、（五）、（二十二）"
    assert publicity["duties"].startswith("（五）新闻媒体")
    assert publicity["duties"].split("\n")[1].startswith("（二十二）州网信部门要根据人民法院提供的失信被执行人信息")
    assert publicity["measures"] == ["publish"]
    assert fixture("chuxiong")["unmapped_articles"] == []
    assets = org("chuxiong", "cx-state-assets")
    assert "即时将失信被执行人名单推送国有资产管理部门" in assets["duties"]
    assert "restrict_qualification" in assets["measures"]


def test_gongan_spot_checks():
    police = org("gongan", "ga-police")
    assert police["duties_source"] == "第十四条、第十五条"
    assert "限制失信被执行人出境" in police["duties"]
    assert org("gongan", "ga-procuratorate")["duties_source"] == "第十四条"
    assert org("gongan", "ga-discipline")["duties_source"] == "第十条"
    assert org("gongan", "ga-banks")["kind"] == "bank"
    assert org("gongan", "ga-insurer")["kind"] == "insurer"
    assert org("gongan", "ga-housing-fund")["kind"] == "housing_fund"
    assert {"inquiry", "freeze", "deduct"} <= set(org("gongan", "ga-housing-fund")["measures"])
    assert fixture("gongan")["jurisdiction"]["issued_on"] is None


# --- loading ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_load_creates_everything(name):
    result = load_jurisdiction(name)
    data = fixture(name)
    jurisdiction = Jurisdiction.objects.get(code=name)
    assert result.jurisdiction_status == "created"
    assert len(result.created) == SEEDS[name][3]
    assert result.updated == [] and result.unchanged == []
    assert jurisdiction.name == data["jurisdiction"]["name"]
    assert jurisdiction.organisations.count() == SEEDS[name][3]
    for entry in data["organisations"]:
        row = Organisation.objects.get(code=entry["code"])
        assert row.jurisdiction == jurisdiction
        assert (row.name, row.short_name, row.kind, row.level, row.duties, row.duties_source) == (
            entry["name"],
            entry["short_name"],
            entry["kind"],
            entry["level"],
            entry["duties"],
            entry["duties_source"],
        )
        assert set(row.measures.values_list("code", flat=True)) == set(entry["measures"])
    assert jurisdiction.organisations.courts().get().code == COURTS[name]
    assert jurisdiction.organisations.member_units().count() == SEEDS[name][3] - 2


@pytest.mark.django_db
def test_liwan_loaded_rows():
    load_jurisdiction("liwan")
    jurisdiction = Jurisdiction.objects.get(code="liwan")
    assert jurisdiction.document_number == "荔政法〔2017〕72号"
    assert jurisdiction.issued_on.isoformat() == "2017-09-19"
    police = Organisation.objects.get(code="lw-police")
    assert "locate_person" in police.measures.values_list("code", flat=True)
    assert "24小时内及时通知人民法院" in police.duties
    assert Organisation.objects.get(code="lw-court").kind == "court"
    assert Organisation.objects.get(code="lw-committee").kind == "committee"


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load_jurisdiction("liwan")
    before = {o.code: o.updated_at for o in Organisation.objects.all()}
    result = load_jurisdiction("liwan")
    assert result.jurisdiction_status == "unchanged"
    assert result.created == [] and result.updated == []
    assert len(result.unchanged) == 25
    assert not result.changed
    assert Jurisdiction.objects.filter(code="liwan").count() == 1
    assert Organisation.objects.count() == 25
    assert {o.code: o.updated_at for o in Organisation.objects.all()} == before


@pytest.mark.django_db
def test_reload_restores_changed_rows_and_keeps_active_flag():
    load_jurisdiction("chuxiong")
    police = Organisation.objects.get(code="cx-police")
    police.duties = "（被改动）"
    police.active = False
    police.save()
    police.measures.clear()
    Organisation.objects.get(code="cx-court").measures.add(Measure.objects.get(code="inquiry"))
    Jurisdiction.objects.filter(code="chuxiong").update(issuer="别的机关")

    result = load_jurisdiction("chuxiong")

    assert result.jurisdiction_status == "updated"
    assert sorted(result.updated) == ["cx-court", "cx-police"]
    assert len(result.unchanged) == 32
    police.refresh_from_db()
    assert police.duties == org("chuxiong", "cx-police")["duties"]
    assert set(police.measures.values_list("code", flat=True)) == set(org("chuxiong", "cx-police")["measures"])
    assert police.active is False  # the administrator's choice is kept
    assert not Organisation.objects.get(code="cx-court").measures.exists()
    assert Jurisdiction.objects.get(code="chuxiong").issuer == "中共楚雄州委政法委员会"


@pytest.mark.django_db
def test_all_three_load_side_by_side():
    for name in NAMES:
        load_jurisdiction(name)
    assert Jurisdiction.objects.count() == 3
    assert Organisation.objects.count() == 25 + 34 + 24
    assert Organisation.objects.courts().count() == 3


@pytest.mark.django_db
def test_all_five_load_side_by_side():
    for name in ALL:
        load_jurisdiction(name)
    assert Jurisdiction.objects.count() == 5
    assert list(Jurisdiction.objects.live().values_list("code", flat=True)) == LIVE
    assert list(Jurisdiction.objects.references().values_list("code", flat=True)) == ["national"]
    assert Organisation.objects.count() == 25 + 34 + 24 + 20 + 17
    assert Organisation.objects.courts().count() == 4
    # The national catalogue's 17 departments are templates: none of them is on the roster.
    assert Organisation.objects.active().count() == 25 + 34 + 24 + 20
    assert not Organisation.objects.active().filter(code__startswith="cn-").exists()


@pytest.mark.django_db
def test_unknown_name_is_refused_in_chinese():
    with pytest.raises(ApplicationError) as caught:
        load_jurisdiction("beijing")
    assert "未知的辖区“beijing”" in caught.value.message
    assert "liwan" in caught.value.message
    assert not Jurisdiction.objects.exists()


@pytest.mark.django_db
def test_name_clash_rolls_back_everything():
    """A unit registered by hand under another code stops the load, and nothing of the load is kept."""
    jurisdiction = Jurisdiction.objects.create(code="gongan", name="公安县")
    Organisation.objects.create(
        jurisdiction=jurisdiction,
        code="manual-court",
        name="湖北省公安县人民法院",
        short_name="县法院",
        kind="court",
        level="county",
    )
    with pytest.raises(ApplicationError) as caught:
        load_jurisdiction("gongan")
    assert "manual-court" in caught.value.message
    assert Organisation.objects.count() == 1
    assert Jurisdiction.objects.get(code="gongan").document_title == ""


# --- the command --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_summary():
    out = io.StringIO()
    call_command("load_jurisdiction", "gongan", stdout=out)
    text = out.getvalue()
    assert "湖北省公安县" in text
    assert "辖区新建" in text
    assert "新建 24 个" in text
    assert "导入完成" in text

    out = io.StringIO()
    call_command("load_jurisdiction", "gongan", stdout=out)
    text = out.getvalue()
    assert "辖区未变" in text
    assert "新建 0 个，更新 0 个，未变 24 个" in text
    assert "未作任何修改" in text
    assert Organisation.objects.count() == 24


@pytest.mark.django_db
def test_command_unknown_name():
    with pytest.raises(CommandError, match="未知的辖区"):
        call_command("load_jurisdiction", "nowhere", stdout=io.StringIO())
