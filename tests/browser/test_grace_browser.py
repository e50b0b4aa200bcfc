"""Issue 22 item 1 in headless Chromium: the leader grants a grace on a published listing from its page (the
promise and a two-instalment schedule typed as "date amount" lines); the listing leaves the public list; the clerk
records the first payment, sees the schedule on the case page, and confirms the missed second instalment: the
punishment resumes and the listing is public again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from blacklist.listings import services as listing_services
from blacklist.models import GracePeriod, GraceState, Listing, ListingState
from cases import services as case_services
from members.models import User

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listing(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    clerk, leader = User.objects.get(username="clerk"), User.objects.get(username="leader")
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执3579号", amount="30000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初4568号", filed_on="2026-03-02", obligation="被执行人支付货款30000元",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳缓", "id_number": "11010519491231002X"}],
    )
    proposed = listing_services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3,
                                                facts="转移财产。")
    return listing_services.approve_listing(actor=leader, listing=proposed)


def test_grace_granted_paid_then_broken(listing, new_page):
    today = timezone.localdate()
    first, second = today + datetime.timedelta(days=5), today + datetime.timedelta(days=40)

    leader = new_page()
    login(leader, "leader")
    leader.goto(f"{leader.base_url}/listings/{listing.pk}/")
    leader.fill("#id_grant-promise", "本人承诺分两期履行全部欠款30000元。")
    leader.fill("#id_grant-instalments", f"{first.isoformat()} 10000\n{second.isoformat()} 30000")
    with leader.expect_navigation():
        leader.click("#grace-grant button[type=submit]")
    assert "超过未履行金额" in leader.text_content("#grace-grant")  # 40,000 > 30,000: refused at the form
    leader.fill("#id_grant-instalments", f"{first.isoformat()} 10000\n{second.isoformat()} 20000")
    with leader.expect_navigation():
        leader.click("#grace-grant button[type=submit]")
    assert leader.text_content("#listing-state").strip() == "暂缓惩戒"
    assert "暂缓期内" in leader.text_content("#grace-panel")
    assert leader.locator("#grace-panel .instalment").count() == 2
    screenshot(leader, "grace-01-granted")

    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/listings/{listing.pk}/")
    grace = GracePeriod.objects.get()
    clerk.select_option("#id_pay-instalment", str(grace.instalments.get(number=1).pk))
    clerk.fill("#id_pay-paid_amount", "10000")
    with clerk.expect_navigation():
        clerk.click("#grace-pay button[type=submit]")
    assert "已于" in clerk.text_content("#grace-panel .instalment >> nth=0")
    clerk.goto(f"{clerk.base_url}/cases/{listing.case_id}/")
    assert clerk.locator("#case-graces .instalment").count() == 2
    screenshot(clerk, "grace-02-case-schedule")

    clerk.goto(f"{clerk.base_url}/listings/{listing.pk}/")
    clerk.fill("#id_break-reason", "第2期未按期履行。")
    with clerk.expect_navigation():
        clerk.click("#grace-break button[type=submit]")
    assert clerk.text_content("#listing-state").strip() == "已发布"
    assert "恢复惩戒" in clerk.text_content("#listing-events")
    screenshot(clerk, "grace-03-resumed")
    grace.refresh_from_db()
    assert grace.state == GraceState.BROKEN
    assert Listing.objects.get().state == ListingState.PUBLISHED
