"""Listing proposed → the court's bureau leaders (kind `listing_proposed`), once per proposal: not the clerk, not
another court's leaders, not an inactive leader; correcting or approving the proposal tells nobody again."""

import pytest

from blacklist.listings import services
from linkage.models import Delivery, Notification
from tests import factories
from tests.assistance_factories import CaseFactory, DebtorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(clerk, court):
    case = CaseFactory(court=court, created_by=clerk)
    debtor = DebtorFactory(case=case)
    return services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="隐匿、转移财产规避执行")


def test_the_leaders_of_the_court_are_told_once(clerk, leader, court):
    second = factories.LeaderFactory(organisation=court, mobile="13900001111")
    retired = factories.LeaderFactory(organisation=court, is_active=False)
    stranger = factories.LeaderFactory()  # another court's leader
    case = CaseFactory(court=court, created_by=clerk)
    listing = services.propose_listing(actor=clerk, debtor=DebtorFactory(case=case), ground=3,
                                       facts="隐匿、转移财产规避执行")
    messages = Notification.objects.filter(kind="listing_proposed")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted([leader.pk, second.pk])
    message = messages.get(recipient=leader)
    assert message.title == f"【失信名单待审批】{listing.name}（{listing.case_number}）"
    assert clerk.display_name in message.body and "请审批" in message.body
    assert "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行" in message.body
    assert message.link == f"/listings/{listing.pk}/"
    assert Delivery.objects.filter(address="13900001111", subject__startswith="【失信名单待审批】").count() == 1
    assert not Notification.objects.filter(recipient__in=[clerk, retired, stranger]).exists()

    services.correct_listing(actor=clerk, listing=listing, changes={"facts": "隐匿财产规避执行"}, reason="笔误")
    services.approve_listing(actor=leader, listing=listing)
    assert messages.count() == 2


def test_a_refused_proposal_tells_nobody(clerk, leader, court):
    case = CaseFactory(court=court, created_by=clerk)
    with pytest.raises(Exception, match="失信"):
        services.propose_listing(actor=clerk, debtor=DebtorFactory(case=case), ground=3, facts="")
    assert not Notification.objects.filter(kind="listing_proposed").exists()
