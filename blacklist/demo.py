"""Demo dishonest-debtor listings and restriction orders for a newcomer, on the cases of ``load_demo_data``:

- （2026）粤0103执1002号: the debtor company, which never reported its property, proposed for the list twelve days
  ago and published by the leader the next morning, with the consumption-restriction order that comes with it;
- （2026）粤0103执1003号: a restriction order without listing, issued three weeks ago;
- （2026）粤0103执1001号: the debtor proposed for the list yesterday, waiting for the leader's approval.

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

from .listings import services as listings
from .models import Listing, ListingGround, RestrictionOrder
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
    return made
