"""Joint punishment reaches the units the seeds name (issue 20, item 8).

A unit is a joint-punishment unit — it reads the dishonest-debtor feed, acknowledges each push and is reminded when it
does not (`blacklist.listings.selectors.JOINT_PUNISHMENT_MEASURES`) — when its fixture gives it 限制消费/资格
(`restrict_qualification`) or 公示/曝光 (`publish`). Which units those are was decided by hand from each unit's duties
in its seed: a unit is one when its duty restricts, sanctions, discloses or supervises debtors *because they are on
the list*, or the seed says the court pushes the list to it. A duty that only has the unit answer a court's inquiry
about a dishonest debtor (楚雄 二（十六）州交通运输局), disciplines officials case by case (纪检、组织部门) or pushes
other data (楚雄 二（十二）离婚案件信息) does not make one.

EXPECTED lists, per jurisdiction, every such unit with the clause of its duties that makes it one; the test checks
both ways, so a fixture change that drops a unit (or marks one the seed does not support) fails, and so does a clause
that is not in the unit's duties.
"""

import datetime
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from blacklist.listings import reminders, selectors
from blacklist.listings import services as listing_services
from linkage.models import Reminder
from members.jurisdictions import load_jurisdiction
from members.models import Organisation
from tests import factories
from tests.assistance.helpers import file_case

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "jurisdictions"
SH = ZoneInfo("Asia/Shanghai")

EXPECTED = {
    "liwan": {
        # 四、（一）: the only publicity article; media reporting of the enforcement mechanism (kept as 公示/曝光).
        "lw-publicity": "配合有关部门协调媒体做好区法院执行联动情况的报道",
        # 四、（十）
        "lw-housing": "相关企业资格限制",
        # 四、（十三）2
        "lw-market": "在企业信用信息公示系统中设置“司法协助”栏目",
        # 四、（九）2
        "lw-land-planning": "根据法院提供的失信被执行人名单，严把工程项目报批审核关",
        # 四、（十七）: it audits the district's enterprises that are on the list, so it must learn who is.
        "lw-audit": "对作为失信被执行人的区属国有企业和金融机构财务收支情况的真实性、合法性进行审计监督",
        # 四、（二十二）2
        "lw-subdistricts": "落实失信被执行人信息进社区公开制度",
    },
    "chuxiong": {
        # 二、（五） and 二、（二十二）州网信部门, both with 州委宣传部
        "cx-publicity": "根据人民法院提供的失信被执行人信息，积极协调互联网新闻信息服务单位予以公布",
        "cx-civilisation": "为失信被执行人的评优评先进行限制",  # 二、（六）
        "cx-industry": "限制失信被执行人从事煤矿、民用爆炸物品生产经营",  # 二、（十一）
        "cx-education": "协助人民法院限制失信被执行人",  # 二、（十七）
        "cx-justice": "在一定期限内限制其参加评先、评优并将其失信信息报司法部公示",  # 二、（十三）
        "cx-housing": "记入房地产和建筑市场信用档案，向社会披露有关信息",  # 二、（十五）
        "cx-forestry": "协助人民法院限制申报重点林业建设项目",  # 二、（十八）
        "cx-tourism": "人民法院应及时将失信被执行人信息和限制高消费被执行人信息通过人工或者网络推送旅游发展部门",  # 二、（十九）
        "cx-state-assets": "人民法院应通过人工或者网络即时将失信被执行人名单推送国有资产管理部门",  # 二、（二十）
        "cx-legal-affairs": "对于被列入失信被执行人名单的行政机关，加大监督、考核、检查力度",  # 二、（二十一）
        "cx-market": "对被列入失信被执行人名单的自然人和法人，依照有关规定对其进行失信惩戒",  # 二、（二十四）
        "cx-food-drug": "将失信被执行人信息作为从事食品药品生产经营依法从严审批的参考",  # 二、（二十七）
        "cx-work-safety": "协助人民法院限制失信被执行人从事危险化学品生产经营储存",  # 二、（二十八）
        "cx-pbc": "人民法院应及时将失信被执行人信息通过网络推送人民银行",  # 二、（二十九）
        "cx-banking-regulator": "人民法院应及时将失信被执行人信息通过网络推送银行业监管部门",  # 二、（三十）
    },
    "gongan": {
        "ga-publicity": "配合法院建立失信被执行人公示制度并及时曝光",  # 第十二条
        "ga-police": "限制失信被执行人出境",  # 第十五条
        "ga-development": "关于对失信被执行人实施联合惩戒的合作备忘录",  # 第十七条
        "ga-finance": "依法限制失信被执行人作为供应商参加政府采购活动",  # 第十九条
        "ga-civilisation": "不得参加文明单位、慈善类奖项评选",  # 第三十条
        "ga-justice": "失信被执行人为律师、律师事务所的，不得参与评先、评优",  # 第十六条
        "ga-natural-resources": "限制失信被执行人及失信被执行人的法定代表人",  # 第二十一条
        "ga-civil-affairs": "积极协助限制失信被执行人申请政府补贴资金",  # 第二十二条
        "ga-agriculture": "限制失信被执行人申报水域、滩涂等国有自然资源利用项目",  # 第二十八条
        "ga-banks": "共享失信被执行人名单及其他执行案件信息",  # 第二十六条
        "ga-market": "失信被执行人名单等信息后，应将其作为加强市场信用监管的信息来源，实施相关的市场准入和任职资格限制",  # 第二十条
        "ga-hrss": "协助限制失信被执行人申请社会保障资金支持",  # 第二十三条
        "ga-housing-fund": "限制失信被执行人转移财产",  # 第二十九条
        "ga-banking-regulator": "限制失信被执行人设立融资性担保公司",  # 第二十五条
        "ga-insurer": "支付高额保费购买具有现金价值的保险产品",  # 第三十一条
    },
    # Yunfu names no unit: items 4-5 (失信联合惩戒, 信用修复) give them to the court and “各联合惩戒相关单位”, which
    # the fixture lists as unmapped. The office ticks the measure on the units it designates.
    "yunfu": {},
    # The national frame's templates (inactive; copied with their measures by `manage.py copy_duties`).
    "national": {
        "cn-publicity": "及时将人民法院委托公布的被执行人名单以及其他干扰、阻碍执行的行为予以曝光",  # 第三条
        "cn-housing": "记入房地产和建筑市场信用档案，向社会披露有关信息",  # 第十二条
        "cn-pbc": "纳入企业和个人信用信息基础数据库",  # 第十三条
        "cn-banking-regulator": "不开新户、不发放新贷款、不办理对外支付等制裁措施",  # 第十四条
        "cn-market": "录入企业信用分类监管系统",  # 第十七条
    },
}


def squeeze(text):
    return re.sub(r"\s+", "", text)


def organisations(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["organisations"]


def test_every_jurisdiction_is_checked():
    assert sorted(EXPECTED) == sorted(p.stem for p in FIXTURES.glob("*.json"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_joint_punishment_units_are_exactly_the_expected(name):
    marked = {o["code"] for o in organisations(name)
              if set(o["measures"]) & set(selectors.JOINT_PUNISHMENT_MEASURES)}
    assert marked == set(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_expected_clause_is_in_the_units_duties(name):
    duties = {o["code"]: squeeze(o["duties"]) for o in organisations(name)}
    for code, clause in EXPECTED[name].items():
        assert squeeze(clause) in duties[code], code


@pytest.mark.django_db
def test_chuxiongs_state_assets_commission_and_central_bank_receive_the_push():
    """Loaded from the fixture, 州国资委 (二（二十）) and 人民银行楚雄州中心支行 (二（二十九）) are joint-punishment units:
    a listing of the Chuxiong court is reminded to their A contacts (with every other such unit's), its liaison may
    acknowledge it, and the units the seed gives no such duty get nothing."""
    moment = datetime.datetime(2026, 9, 30, 10, tzinfo=SH)  # a Wednesday, a working day
    with time_machine.travel(moment - datetime.timedelta(days=30), tick=False):
        load_jurisdiction("chuxiong")
        for unit in Organisation.objects.filter(jurisdiction__code="chuxiong").member_units():
            factories.ContactFactory(organisation=unit, role="A", name=f"{unit.short_name}A")
    court = Organisation.objects.get(code="cx-court")
    clerk, leader = factories.ClerkFactory(organisation=court), factories.LeaderFactory(organisation=court)
    assets_liaison = factories.LiaisonFactory(organisation=Organisation.objects.get(code="cx-state-assets"))
    transport_liaison = factories.LiaisonFactory(organisation=Organisation.objects.get(code="cx-transport"))
    assert selectors.may_acknowledge(assets_liaison) and not selectors.may_acknowledge(transport_liaison)

    with time_machine.travel(moment, tick=False):
        case = file_case(clerk)
        listing = listing_services.approve_listing(actor=leader, listing=listing_services.propose_listing(
            actor=clerk, debtor=case.parties.debtors().get(), ground=2, facts="转移财产。"))
    event = listing.events.get(pushed=True)
    reminders.scan_push_reminders(moment + datetime.timedelta(minutes=15))
    reminded = set(Reminder.objects.filter(object_id=event.pk).values_list("recipient_name", flat=True))
    expected_units = Organisation.objects.filter(code__in=EXPECTED["chuxiong"])
    assert reminded == {f"{unit.short_name}A" for unit in expected_units}
    assert {"州国资委A", "人民银行楚雄州中心支行A", "州委宣传部A"} <= reminded
    assert "州交通局A" not in reminded
