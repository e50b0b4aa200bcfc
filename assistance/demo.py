"""Demo cases and notices for a newcomer: a handful of 广州市荔湾区人民法院 cases with notices to Liwan units in
every state a notice goes through (draft, signed, served, acknowledged, overdue, replied, closed, lifted).

Everything is made through the real services, acting as the demo users ``clerk``, ``leader`` and the units'
``X-a`` liaisons, so the events, deadlines and replies are what the product would record. Run after
``load_jurisdiction liwan`` and ``create_demo_accounts``. Idempotent: a case whose number is already registered is
skipped with its notices, so a second run adds nothing. Never in production.

Histories run in time order over the weeks before today (`linkage.democlock`): a case is filed, its notices are
drafted the next morning, signed two hours later and served the day after; the unit signs for a notice a few hours
after service and replies days later, the clerk closes or lifts it after that, and nothing is later than now. Each
state has its own service date (``SERVED_DAYS_AGO``), recent enough for a notice in hand not to be overdue.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Party, PartyRole
from cases.services import create_case, update_case
from linkage import democlock
from linkage.errors import ApplicationError
from linkage.identifiers import (
    credit_code_check_char,
    normalize_case_number,
    organisation_code_check_char,
    resident_id_check_char,
)
from members.models import Organisation, User

from . import services
from .models import LiftGround, Notice, NoticeState, ReplyOutcome

COURT_CODE = "lw-court"
LIWAN_DIVISION = "440103"  # 广州市荔湾区


def resident_id(birth: str, sequence: str, *, division: str = LIWAN_DIVISION) -> str:
    """A resident ID number with a correct GB 11643 check character, e.g. resident_id("19850612", "123")."""
    first17 = f"{division}{birth}{sequence}"
    return first17 + resident_id_check_char(first17)


def credit_code(body: str, *, prefix: str = "91", division: str = LIWAN_DIVISION) -> str:
    """A unified social credit code with correct organisation-code and GB 32100 check characters.
    ``body`` is the 8-character organisation code body (no I, O, Z, S, V)."""
    first17 = f"{prefix}{division}{body}{organisation_code_check_char(body)}"
    return first17 + credit_code_check_char(first17)


def person(name, birth, sequence, **extra):
    return {"kind": "person", "name": name, "id_number": resident_id(birth, sequence), **extra}


def organisation(name, body, legal_representative, **extra):
    return {
        "kind": "organisation",
        "name": name,
        "credit_code": credit_code(body),
        "legal_representative": legal_representative,
        **extra,
    }


@dataclass
class DemoNotice:
    """One notice to make and the state to bring it to. ``served_days_ago`` serves it in the past (an overdue
    notice); ``reply`` is (outcome, results, text); ``lift`` the ground for lifting."""

    unit: str
    measure: str
    state: str
    items: list
    served_days_ago: float = 0
    reply: tuple | None = None
    lift: str = ""
    note: str = ""
    tracking: dict | None = None  # a locate or vehicle request's reason and 24-hour contact


@dataclass
class DemoCase:
    number: str
    amount: str
    basis_number: str
    filed_days_ago: int
    applicants: list
    debtors: list
    notices: list = field(default_factory=list)
    obligation: str = ""
    officer_phone: str = "020-81234567"
    performed: bool = False


def _three_years_from(day):
    """The last day of a three-year period starting on ``day`` (a seal of real estate, art. 485)."""
    try:
        end = day.replace(year=day.year + 3)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + 3, day=28)
    return end - datetime.timedelta(days=1)


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def demo_cases():
    """The demo cases, built afresh so dates are relative to today."""
    # The seal and the freeze start on the day the unit replied (see notice_timeline).
    sealed_on = _days_ago(SERVED_DAYS_AGO[NoticeState.CLOSED] - 3)
    frozen_on = _days_ago(SERVED_DAYS_AGO[NoticeState.LIFTED] - 3)
    return [
        DemoCase(
            number="（2026）粤0103执1001号",
            amount="386500.00",
            basis_number="（2025）粤0103民初4567号",
            filed_days_ago=40,
            obligation="被执行人王堃应向申请执行人支付货款386,500元及逾期付款利息。",
            applicants=[
                organisation("广州市荔湾区恒昌贸易有限公司", "MA59C1K3", "何志明", address="广州市荔湾区康王中路100号")
            ],
            debtors=[person("王堃", "19850612", "123", address="广州市荔湾区多宝路18号")],
            notices=[
                DemoNotice(
                    "lw-hrss",
                    "inquiry",
                    NoticeState.DRAFT,
                    [
                        {
                            "property_kind": "social_security",
                            "description": "查询被执行人的社会保险参保及缴费情况、现工作单位",
                            "identifier": resident_id("19850612", "123"),
                        },
                    ],
                ),
                DemoNotice(
                    "lw-land-planning",
                    "inquiry",
                    NoticeState.SIGNED,
                    [
                        {
                            "property_kind": "real_estate",
                            "description": "查询被执行人名下的不动产登记信息，包括权属、面积及抵押、查封情况",
                        },
                    ],
                ),
                DemoNotice(
                    "lw-market",
                    "freeze",
                    NoticeState.SERVED,
                    [
                        {
                            "property_kind": "equity",
                            "description": "冻结被执行人持有的广州市荔湾区恒通建材有限公司40%股权",
                            "identifier": "广州市荔湾区恒通建材有限公司",
                            "holder": "广州市荔湾区市场和质量监督管理局",
                            "share": "40%",
                            "amount": "386500.00",
                            "period_months": 36,
                        },
                        {
                            "property_kind": "equity",
                            "description": "冻结被执行人就上述股权享有的股息、红利等收益",
                            "identifier": "广州市荔湾区恒通建材有限公司",
                            "amount": "386500.00",
                            "period_months": 36,
                        },
                    ],
                    note="冻结期间，未经本院许可不得办理上述股权的转让、出质等变更登记手续。",
                ),
            ],
        ),
        DemoCase(
            number="（2026）粤0103执1002号",
            amount="128000.00",
            basis_number="（2025）粤0103民初3312号",
            filed_days_ago=45,
            obligation="被执行人应向申请执行人支付租金128,000元。",
            applicants=[person("陈秀英", "19620304", "246", address="广州市荔湾区芳村大道中36号")],
            debtors=[
                organisation("广州市西关食府餐饮管理有限公司", "MA5AB2Q7", "黄建华", address="广州市荔湾区上下九路52号")
            ],
            notices=[
                DemoNotice(
                    "lw-market",
                    "inquiry",
                    NoticeState.ACKNOWLEDGED,
                    [
                        {
                            "property_kind": "equity",
                            "description": "查询被执行人的工商登记信息、股东及出资情况、对外投资情况",
                        },
                    ],
                ),
                DemoNotice(
                    "lw-police",
                    "inquiry",
                    "overdue",
                    [
                        {"property_kind": "vehicle", "description": "查询被执行人名下登记的机动车及其抵押、查封情况"},
                    ],
                    served_days_ago=30,
                ),
            ],
        ),
        DemoCase(
            number="（2026）粤0103执1003号",
            amount="95000.00",
            basis_number="（2026）粤0103民初215号",
            filed_days_ago=60,
            obligation="被执行人李喆应返还借款95,000元及利息。",
            applicants=[person("刘海燕", "19790921", "368")],
            debtors=[person("李喆", "19900115", "017", address="广州市荔湾区中山八路9号")],
            notices=[
                DemoNotice(
                    "lw-land-planning",
                    "inquiry",
                    NoticeState.REPLIED,
                    [
                        {"property_kind": "real_estate", "description": "查询被执行人名下的不动产登记信息"},
                    ],
                    reply=(
                        ReplyOutcome.DONE,
                        [
                            {
                                "property_kind": "real_estate",
                                "identifier": "粤（2019）广州市不动产权第01234567号",
                                "institution": "广州市不动产登记中心",
                                "value": "1850000.00",
                                "encumbrances": "已抵押给中国建设银行广州荔湾支行",
                            },
                        ],
                        "经查，被执行人名下有不动产一处，详见结果。",
                    ),
                ),
                DemoNotice(
                    "lw-land-planning",
                    "seal",
                    NoticeState.CLOSED,
                    [
                        {
                            "property_kind": "real_estate",
                            "description": "查封被执行人名下位于广州市荔湾区中山八路9号的房产",
                            "identifier": "粤（2019）广州市不动产权第01234567号",
                            "holder": "广州市不动产登记中心",
                            "period_months": 36,
                        },
                    ],
                    reply=(
                        ReplyOutcome.DONE,
                        [
                            {
                                "property_kind": "real_estate",
                                "identifier": "粤（2019）广州市不动产权第01234567号",
                                "institution": "广州市不动产登记中心",
                                "start_on": sealed_on.isoformat(),
                                "end_on": _three_years_from(sealed_on).isoformat(),
                            },
                        ],
                        "已办理查封登记。",
                    ),
                ),
                DemoNotice(
                    "lw-police",
                    "locate_person",
                    NoticeState.ACKNOWLEDGED,
                    [
                        {
                            "property_kind": "person",
                            "description": "查找被执行人李喆的下落，发现后24小时内通知本院接收",
                            "identifier": "最后居住地：广州市荔湾区中山八路9号",
                        },
                    ],
                    served_days_ago=0.25,  # served this morning: a status reply is owed in 30 days
                    tracking={"reason": "missing", "reason_detail": "经住所地居民委员会证实，下落不明已逾3个月",
                              "contact_person": "林佩文", "contact_phone": "13802781234"},
                ),
            ],
        ),
        DemoCase(
            number="（2026）粤0103执1004号",
            amount="52300.00",
            basis_number="（2025）粤0103民初5120号",
            filed_days_ago=50,
            performed=True,
            obligation="被执行人张赟应偿还借款本金52,300元。",
            applicants=[organisation("广州市荔湾区信达小额贷款有限公司", "MA5D7H0N", "梁志强")],
            debtors=[person("张赟", "19931108", "052")],
            notices=[
                DemoNotice(
                    "lw-market",
                    "freeze",
                    NoticeState.LIFTED,
                    [
                        {
                            "property_kind": "equity",
                            "description": "冻结被执行人持有的广州市荔湾区瑞丰五金有限公司15%股权",
                            "identifier": "广州市荔湾区瑞丰五金有限公司",
                            "share": "15%",
                            "amount": "52300.00",
                            "period_months": 36,
                        },
                    ],
                    reply=(
                        ReplyOutcome.DONE,
                        [
                            {
                                "property_kind": "equity",
                                "identifier": "广州市荔湾区瑞丰五金有限公司15%股权",
                                "institution": "广州市荔湾区市场和质量监督管理局",
                                "amount": "52300.00",
                                "start_on": frozen_on.isoformat(),
                                "end_on": _three_years_from(frozen_on).isoformat(),
                            },
                        ],
                        "已办理股权冻结。",
                    ),
                    lift=LiftGround.PERFORMED,
                ),
            ],
        ),
    ]


@dataclass
class DemoResult:
    cases_created: list = field(default_factory=list)
    cases_skipped: list = field(default_factory=list)
    notices: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return bool(self.cases_created)


def _user(username):
    user = User.objects.filter(username=username, is_active=True).select_related("organisation").first()
    if user is None:
        raise ApplicationError(f"找不到演示账号“{username}”，请先运行 python manage.py create_demo_accounts。")
    return user


def _unit(code):
    unit = Organisation.objects.filter(code=code).first()
    if unit is None:
        raise ApplicationError(f"找不到单位“{code}”，请先运行 python manage.py load_jurisdiction liwan。")
    return unit


# Days between a notice's service and today, by the state it is brought to (an explicit `served_days_ago` wins).
SERVED_DAYS_AGO = {
    NoticeState.SERVED: 1, NoticeState.ACKNOWLEDGED: 2, NoticeState.REPLIED: 9, NoticeState.CLOSED: 16,
    NoticeState.LIFTED: 20, "overdue": 30,
}


def notice_timeline(served_at):
    """When each step of a notice served at `served_at` happens, in office hours on working days: drafted and signed
    the working day before, signed for three hours after service, replied on the third working day after it, closed
    or lifted two working days after the reply."""
    reply = democlock.working_days_after(served_at, 3, 11)
    return {
        "draft": democlock.working_moment(served_at - datetime.timedelta(days=1), 14),
        "sign": democlock.working_moment(served_at - datetime.timedelta(days=1), 16, 30),
        "serve": served_at,
        "acknowledge": served_at + datetime.timedelta(hours=3),
        "reply": reply,
        "finish": democlock.working_days_after(reply, 2, 10),
    }


def _make_notice(spec, *, case, debtor, clerk, leader, ruling_number, now=None):
    unit = _unit(spec.unit)
    liaison = _user(f"{spec.unit}-a")
    now = now or timezone.now()
    days_ago = spec.served_days_ago or SERVED_DAYS_AGO.get(spec.state)
    if days_ago and days_ago < 1:  # served a few hours ago
        when = notice_timeline(now - datetime.timedelta(days=days_ago))
    elif days_ago:  # served at 10:00 on that day, or the working day before it
        when = notice_timeline(democlock.working_moment(now - datetime.timedelta(days=days_ago), 10))
    else:  # drafted (and signed) the last working day
        yesterday = now - datetime.timedelta(days=1)
        when = {"draft": democlock.working_moment(yesterday, 15), "sign": democlock.working_moment(yesterday, 17)}
    with democlock.at(when["draft"]):
        _, (notice,) = services.draft_notices(
            actor=clerk,
            case=case,
            units=[unit],
            measure=spec.measure,
            debtor=debtor,
            items=spec.items,
            ruling_number=ruling_number,
            note=spec.note,
            tracking=spec.tracking,
        )
    if spec.state == NoticeState.DRAFT:
        return notice
    with democlock.at(when["sign"]):
        notice = services.sign_notice(actor=leader, notice=notice, at=when["sign"])
    if spec.state == NoticeState.SIGNED:
        return notice
    with democlock.at(when["serve"]):
        notice = services.serve_notice(actor=clerk, notice=notice, at=when["serve"])
    if spec.state in (NoticeState.SERVED, "overdue"):
        if spec.state == "overdue" and not notice.is_overdue():
            raise ApplicationError(f"演示通知书 {notice.pk} 应已逾期，但期限为 {notice.due_at}。")
        return notice
    with democlock.at(when["acknowledge"]):
        notice = services.acknowledge_notice(actor=liaison, notice=notice)
    if spec.state == NoticeState.ACKNOWLEDGED:
        return notice
    if spec.reply:
        outcome, results, text = spec.reply
        with democlock.at(when["reply"]):
            services.reply_to_notice(actor=liaison, notice=notice, outcome=outcome, results=results, text=text)
    with democlock.at(when["finish"]):
        if spec.state == NoticeState.CLOSED:
            services.close_notice(actor=clerk, notice=notice, reason="已收到回复，办结。")
        elif spec.state == NoticeState.LIFTED:
            services.lift_notice(actor=clerk, notice=notice, ground=spec.lift,
                                 ruling_number=f"{notice.case.number}之一")
            services.sign_lifting(actor=leader, notice=notice)
    return Notice.objects.get(pk=notice.pk)


@transaction.atomic
def _load_case(spec, *, clerk, leader):
    now = timezone.now()
    with democlock.at(now - datetime.timedelta(days=spec.filed_days_ago)):
        case = create_case(
            actor=clerk,
            number=spec.number,
            amount=spec.amount,
            basis_issuer="广州市荔湾区人民法院",
            basis_number=spec.basis_number,
            filed_on=_days_ago(spec.filed_days_ago),
            applicants=spec.applicants,
            debtors=spec.debtors,
            obligation=spec.obligation,
            officer_name=clerk.display_name,
            officer_phone=spec.officer_phone,
        )
    debtor = Party.objects.filter(case=case, role=PartyRole.DEBTOR).order_by("position").first()
    states = []
    for notice_spec in spec.notices:
        _make_notice(notice_spec, case=case, debtor=debtor, clerk=clerk, leader=leader, ruling_number=case.number,
                     now=now)
        states.append(notice_spec.state)
    if spec.performed:
        # recorded the day after the freeze was lifted on the ground that the debtor performed
        with democlock.at(now - datetime.timedelta(days=SERVED_DAYS_AGO[NoticeState.LIFTED] - 6)):
            update_case(actor=clerk, case=case, performed_amount=spec.amount)
    return case, states


def load_demo_data():
    """Create the demo cases and notices that are not there yet; return what was created and skipped."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    clerk, leader = _user("clerk"), _user("leader")
    court = _unit(COURT_CODE)
    if clerk.organisation_id != court.pk or leader.organisation_id != court.pk:
        raise ApplicationError(
            "演示账号 clerk、leader 不属于广州市荔湾区人民法院，请用 create_demo_accounts --jurisdiction liwan 重建。"
        )
    result = DemoResult()
    for spec in demo_cases():
        if Case.objects.filter(number=normalize_case_number(spec.number)).exists():
            result.cases_skipped.append(spec.number)
            continue
        case, states = _load_case(spec, clerk=clerk, leader=leader)
        result.cases_created.append(case.number)
        result.notices.update(states)
    return result
