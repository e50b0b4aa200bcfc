"""A finalised past year for a newcomer: last year's notices of 广州市荔湾区人民法院 to five Liwan units (served,
signed for, replied — one late —, closed), scored by the court, adjusted by the committee and finalised in the
following January, so `/assessment/` opens on a board with its frozen version.

Everything goes through the real services as the demo users ``clerk``, ``leader``, ``committee`` and the units' ``X-a``
liaisons, each step on its own day of last year (`linkage.democlock`). Run after ``load_jurisdiction liwan`` and
``create_demo_accounts``. Idempotent: a year whose demo case is already registered is left as it is. Never in
production.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assistance import services as notices
from assistance.demo import DemoNotice, _make_notice, _user, organisation, person
from assistance.models import NoticeState, ReplyOutcome
from cases.models import Case, Party, PartyRole
from cases.services import create_case
from linkage import democlock
from linkage.errors import ApplicationError
from linkage.identifiers import normalize_case_number
from linkage.workdays import TIMEZONE
from members.models import Organisation

from . import services
from .models import Assessment

NOT_FOUND = (ReplyOutcome.NOT_FOUND, [], "经查，未查到被执行人名下的相关财产。")
REAL_ESTATE = (ReplyOutcome.DONE, [{
    "property_kind": "real_estate", "identifier": "粤（2018）广州市不动产权第07654321号",
    "institution": "广州市不动产登记中心", "value": "960000.00", "encumbrances": "无抵押、无查封",
}], "经查，被执行人名下有不动产一处，详见结果。")
# (unit, measure, description, month, day served) — all brought to closed; the police reply is late.
NOTICES = [
    ("lw-market", "inquiry", "查询被执行人的工商登记信息、股东及出资情况", 3, 12),
    ("lw-land-planning", "inquiry", "查询被执行人名下的不动产登记信息", 4, 8),
    ("lw-hrss", "inquiry", "查询被执行人的社会保险参保及缴费情况、现工作单位", 6, 17),
    ("lw-housing", "inquiry", "查询被执行人名下房产的网签备案情况", 9, 9),
]
LATE = ("lw-police", "inquiry", "查询被执行人名下登记的机动车及其抵押、查封情况", 10, 14)
PROPERTY_KIND = {"lw-market": "equity", "lw-land-planning": "real_estate", "lw-hrss": "social_security",
                 "lw-housing": "real_estate", "lw-police": "vehicle"}


def demo_year():
    return timezone.localdate().year - 1


def case_number(year):
    return f"（{year}）粤0103执2001号"


def _moment(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TIMEZONE)


def _late_notice(spec, *, case, debtor, clerk, leader, served_at):
    """Served (`_make_notice` serves a notice brought to "served" a day before `now`), signed for the next day, replied three weeks after service (past its deadline), then closed."""
    notice = _make_notice(spec, case=case, debtor=debtor, clerk=clerk, leader=leader, ruling_number=case.number,
                          now=served_at + datetime.timedelta(days=1))
    liaison = _user(f"{spec.unit}-a")
    with democlock.at(served_at + datetime.timedelta(days=1, hours=1)):
        notice = notices.acknowledge_notice(actor=liaison, notice=notice)
    with democlock.at(served_at + datetime.timedelta(days=21)):
        notices.reply_to_notice(actor=liaison, notice=notice, outcome=ReplyOutcome.NOT_FOUND, results=[],
                                text="经查，被执行人名下无登记的机动车。因系统升级，回复延迟。")
    with democlock.at(served_at + datetime.timedelta(days=22)):
        notices.close_notice(actor=clerk, notice=notice, reason="已收到回复，办结。")


def _year_of_notices(year, clerk, leader):
    with democlock.at(_moment(year, 3, 2, 10)):
        case = create_case(
            actor=clerk, number=case_number(year), amount="210000.00", basis_issuer="广州市荔湾区人民法院",
            basis_number=f"（{year - 1}）粤0103民初6021号", filed_on=datetime.date(year, 3, 2),
            applicants=[organisation("广州市荔湾区宏远建材有限公司", "MA5F3K2R", "郑晓东")],
            debtors=[person("罗海燕", "19780509", "284", address="广州市荔湾区龙津西路66号")],
            obligation="被执行人罗海燕应向申请执行人支付货款210,000元。",
            officer_name=clerk.display_name, officer_phone="020-81234567",
        )
    debtor = Party.objects.filter(case=case, role=PartyRole.DEBTOR).order_by("position").first()
    for unit, measure, description, month, day in NOTICES:
        spec = DemoNotice(unit, measure, NoticeState.CLOSED,
                          [{"property_kind": PROPERTY_KIND[unit], "description": description}],
                          reply=REAL_ESTATE if unit == "lw-land-planning" else NOT_FOUND)
        # _make_notice serves a closed notice 16 days before `now`
        _make_notice(spec, case=case, debtor=debtor, clerk=clerk, leader=leader, ruling_number=case.number,
                     now=_moment(year, month, day, 10) + datetime.timedelta(days=16))
    unit, measure, description, month, day = LATE
    spec = DemoNotice(unit, measure, NoticeState.SERVED,
                      [{"property_kind": PROPERTY_KIND[unit], "description": description}])
    _late_notice(spec, case=case, debtor=debtor, clerk=clerk, leader=leader, served_at=_moment(year, month, day, 10))
    return case


def _score_and_finalise(year, clerk, committee):
    jurisdiction = Organisation.objects.get(code="lw-court").jurisdiction
    with democlock.at(_moment(year + 1, 1, 6, 9)):
        assessment = services.open_assessment(actor=clerk, jurisdiction=jurisdiction, year=year)
        services.start_scoring(actor=clerk, assessment=assessment, reason="年度考评开始评分。")
    police = Organisation.objects.get(code="lw-police")
    with democlock.at(_moment(year + 1, 1, 8, 15)):
        services.enter_court_score(actor=clerk, assessment=assessment, unit=police, criterion="reply_quality",
                                   points="7", reason="10月的车辆查询回复逾期三周，且未说明延迟原因。")
        services.enter_court_score(actor=clerk, assessment=assessment, unit=Organisation.objects.get(code="lw-market"),
                                   criterion="cooperation", points="5", reason="联系人响应及时，全年配合良好。")
    with democlock.at(_moment(year + 1, 1, 9, 17)):
        services.submit_scores(actor=clerk, assessment=assessment, reason="报区委政法委审定。")
    with democlock.at(_moment(year + 1, 1, 15, 10)):
        services.adjust_score(actor=committee, assessment=assessment, unit=police, criterion="committee",
                              points="8", reason="全年协助查找被执行人成效明显，但有一件回复逾期。")
    with democlock.at(_moment(year + 1, 1, 20, 10)):
        services.finalise(actor=committee, assessment=assessment, reason="经区委政法委会议审定。")
    return assessment


@transaction.atomic
def load_demo_assessment():
    """Make last year's finalised assessment if its demo case is not there; returns the assessment or None."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    year = demo_year()
    if Case.objects.filter(number=normalize_case_number(case_number(year))).exists():
        return None
    clerk, leader, committee = _user("clerk"), _user("leader"), _user("committee")
    if Assessment.objects.filter(year=year, jurisdiction=clerk.organisation.jurisdiction).exclude(
            state="preparing").exists():
        return None  # someone already scores that year: leave it alone
    _year_of_notices(year, clerk, leader)
    return _score_and_finalise(year, clerk, committee)
