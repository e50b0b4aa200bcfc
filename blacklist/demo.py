"""Demo dishonest-debtor listings and restriction orders for a newcomer, on the cases of ``load_demo_data``:

- （2026）粤0103执1002号: the debtor company, which never reported its property, proposed for the list twelve days
  ago and published by the leader the next morning, with the consumption-restriction order that comes with it;
- （2026）粤0103执1003号: a restriction order without listing, issued three weeks ago;
- （2026）粤0103执1001号: the debtor proposed for the list yesterday, waiting for the leader's approval;
- on the published listing, a credit objection (征信异议) received six days ago and a paper application for credit
  repair received three days ago, both on the court's priority queue, the repair waiting for the leader.

Made through the real services as the demo users ``clerk`` and ``leader``, each step on its own day
(`linkage.democlock`). Run after ``load_demo_data``. Idempotent: a case that already has a listing or an order is
left as it is. Never in production.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Party, PartyRole
from cases.services import set_debtor_subdistrict
from linkage import democlock
from linkage.errors import ApplicationError
from linkage.identifiers import normalize_case_number
from members.models import Organisation, OrganisationKind, User

from .corrections import services as corrections
from .listings import services as listings
from .models import CorrectionKind, Listing, ListingGround, ListingState, RepairGround, RestrictionOrder
from .repair import services as repairs
from .restrictions import services as restrictions

PUBLISHED_CASE = "（2026）粤0103执1002号"
ORDER_CASE = "（2026）粤0103执1003号"
PROPOSED_CASE = "（2026）粤0103执1001号"


def _at(days_ago, hour, minute=0):
    local = timezone.localtime() - datetime.timedelta(days=days_ago)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _debtor(number):
    case = Case.objects.filter(number=normalize_case_number(number)).first()
    if case is None:
        return None
    return Party.objects.filter(case=case, role=PartyRole.DEBTOR).order_by("position").first()


def _user(username):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(f"找不到演示账号“{username}”，请先运行 python manage.py create_demo_accounts。")
    return user


@transaction.atomic
def load_demo_listings():
    """Make what is missing; returns a list of what was made, in words."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    clerk, leader = _user("clerk"), _user("leader")
    made = []
    debtor = _debtor(PUBLISHED_CASE)
    if debtor is not None and not Listing.objects.filter(debtor=debtor).exists():
        subdistrict = Organisation.objects.filter(jurisdiction=debtor.case.court.jurisdiction,
                                                  kind=OrganisationKind.SUBDISTRICT, active=True).first()
        if subdistrict is not None:  # registered there, so the subdistrict's community posting lists the debtor
            with democlock.at(_at(12, 15)):
                set_debtor_subdistrict(actor=clerk, party=debtor, subdistrict=subdistrict)
        with democlock.at(_at(12, 16)):
            listing = listings.propose_listing(
                actor=clerk, debtor=debtor, ground=ListingGround.REPORT, period_years=2,
                facts="被执行人收到报告财产令后，无正当理由逾期未报告财产情况，经本院训诫后仍不报告。",
            )
        with democlock.at(_at(11, 9, 20)):
            listings.approve_listing(actor=leader, listing=listing, reason="符合法释〔2017〕7号第一条第四项情形。")
        made.append(f"已发布的失信名单及限制消费令：{debtor.name}（{debtor.case.number}）")
    debtor = _debtor(ORDER_CASE)
    if debtor is not None and not RestrictionOrder.objects.filter(debtor=debtor).exists():
        with democlock.at(_at(21, 10)):
            restrictions.issue_restriction_order(actor=clerk, debtor=debtor)
        made.append(f"限制消费令：{debtor.name}（{debtor.case.number}）")
    debtor = _debtor(PROPOSED_CASE)
    if debtor is not None and not Listing.objects.filter(debtor=debtor).exists():
        with democlock.at(_at(1, 15, 30)):
            listings.propose_listing(
                actor=clerk, debtor=debtor, ground=ListingGround.REFUSES,
                facts="被执行人名下有股权等财产，有履行能力而拒不履行生效判决确定的给付义务。",
            )
        made.append(f"待审批的失信名单：{debtor.name}（{debtor.case.number}）")
    made += _credit_errors(clerk)
    return made


def _credit_errors(clerk):
    """A credit objection and a credit-repair application on the published listing (the priority queue's rows)."""
    made = []
    listing = Listing.objects.filter(case__number=normalize_case_number(PUBLISHED_CASE),
                                     state=ListingState.PUBLISHED).first()
    if listing is None:
        return made
    if not listing.correction_requests.exists():
        moment = _at(6, 11)
        with democlock.at(moment):
            corrections.receive_correction_request(
                actor=clerk, listing=listing, applicant=listing.name, contact="020-81234567",
                kind=CorrectionKind.OBJECTION, received_on=moment.date(),
                content="征信报告显示的未履行金额与执行案件记载不一致，申请核实更正。")
        made.append(f"征信异议：{listing.name}（{listing.case_number}）")
    if not listing.credit_repairs.exists():
        moment = _at(3, 10)
        with democlock.at(moment):
            repairs.receive_repair(
                actor=clerk, listing=listing, ground=RepairGround.SETTLEMENT, applicant_name=listing.name,
                phone="02081234567", received_on=moment.date(),
                statement="已与申请执行人达成执行和解协议，首期款项已支付，申请信用修复以便恢复经营融资。")
        made.append(f"待决定的信用修复申请：{listing.name}（{listing.case_number}）")
    return made
