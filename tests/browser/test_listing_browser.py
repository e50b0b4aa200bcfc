"""Issue 5 in headless Chromium: the clerk proposes listing a case's debtor; the leader approves and it is
published; the public search (no login) finds it by two characters of the name with the ID number masked; the
housing bureau's liaison (a joint-punishment unit) sees the push and acknowledges it, then screens one applicant and
gets the hit; the clerk deletes the listing and the public search no longer shows it."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from blacklist.models import Listing, ListingAcknowledgement, ListingEvent, ListingState, ScreeningResult
from cases import services as case_services
from members.models import Organisation, User

from .conftest import login, open_nav, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEBTOR_ID = "11010519491231002X"
MASKED_ID = "110105********002X"


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


@pytest.fixture
def case(liwan):
    clerk = User.objects.get(username="clerk")
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执2468号", amount="386000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初4567号", filed_on="2026-03-02", obligation="被执行人支付货款386000元及利息",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": DEBTOR_ID}],
    )


def public_search(page, text):
    """Search the public page as an anonymous visitor. The rate-limit window of the loopback address is reset first:
    other tests search from the same address."""
    window = int(time.time() // 60)
    cache.delete_many([f"public-search:127.0.0.1:{window + offset}" for offset in (0, 1)])
    page.goto(f"{page.base_url}/public/debtors/")
    page.fill("#id_name", text)
    with page.expect_navigation():
        page.click("#public-search-form button[type=submit]")
    return page


def test_listing_from_proposal_to_deletion(case, new_page):
    debtor = case.parties.debtors().get()

    # The clerk proposes the listing from the case page.
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/cases/{case.pk}/")
    clerk.click("#parties >> text=提请纳入失信被执行人名单")
    clerk.wait_for_selector("#listing-form")
    clerk.select_option("#id_debtor", str(debtor.pk))
    clerk.select_option("#id_ground", "3")
    clerk.fill("#id_facts", "被执行人在诉讼期间将名下房产无偿转让给亲属，规避执行。")
    screenshot(clerk, "listing-01-propose")
    with clerk.expect_navigation():
        clerk.click("#listing-form button[type=submit]")
    assert "待执行局领导批准" in clerk.text_content("main")
    assert clerk.text_content("#listing-state").strip() == "待审批"
    listing = Listing.objects.get()
    assert (listing.name, listing.id_number, listing.period_years) == ("欧阳燊", DEBTOR_ID, 2)

    # The leader approves: published and pushed.
    leader = new_page()
    login(leader, "leader")
    leader.goto(f"{leader.base_url}/listings/{listing.pk}/")
    leader.fill("#id_approve-reason", "符合第三项情形，同意纳入")
    with leader.expect_navigation():
        leader.click("#action-approve button[type=submit]")
    assert leader.text_content("#listing-state").strip() == "已发布"
    assert "已推送" in leader.text_content("#listing-events")
    screenshot(leader, "listing-02-published")
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED and listing.ends_on is not None
    published = ListingEvent.objects.get(listing=listing, action="approve", pushed=True)

    # Anybody finds it by two characters of the name, with the ID number masked.
    visitor = new_page(width=390, height=844)
    public_search(visitor, "欧阳")
    cards = visitor.locator(".public-debtor")
    assert cards.count() == 1
    card = cards.first.text_content()
    assert "欧阳燊" in card and MASKED_ID in card and DEBTOR_ID not in visitor.content()
    assert "（2026）粤0103执2468号" in card and "广州市荔湾区人民法院" in card
    screenshot(visitor, "listing-03-public-search-phone")

    # The housing bureau (joint punishment: restricts qualifications) sees the push and acknowledges it.
    housing = Organisation.objects.get(code="lw-housing")
    liaison = new_page()
    login(liaison, "lw-housing-a")
    open_nav(liaison, "失信推送")
    liaison.wait_for_selector("#push-list")
    row = liaison.locator(f"#push-{published.pk}")
    assert "欧阳燊" in row.text_content() and "发布" in row.text_content() and DEBTOR_ID in row.text_content()
    screenshot(liaison, "listing-04-push")
    with liaison.expect_navigation():
        liaison.click(f"#ack-{published.pk}")
    assert "已签收：欧阳燊" in liaison.text_content("main")
    assert "已签收" in liaison.text_content(f"#push-{published.pk}")
    assert liaison.locator(f"#ack-{published.pk}").count() == 0
    assert ListingAcknowledgement.objects.filter(event=published, unit=housing).count() == 1

    # The same liaison screens one applicant and gets the hit.
    open_nav(liaison, "失信筛查")
    liaison.goto(f"{liaison.base_url}/screenings/new/")
    liaison.fill("#single-form #id_name", "欧阳燊")
    liaison.fill("#single-form #id_identifier", DEBTOR_ID.lower())
    with liaison.expect_navigation():
        liaison.click("#single-form button[type=submit]")
    assert "命中失信被执行人名单 1 人" in liaison.text_content("#screening-summary")
    results = liaison.text_content("#results")
    assert "命中" in results and "姓名一致" in results and "（2026）粤0103执2468号" in results
    screenshot(liaison, "listing-05-screening-hit")
    assert ScreeningResult.objects.get(hit=True).listing_id == listing.pk

    # The court sees the feedback; the clerk deletes the listing (the debtor has performed).
    clerk.goto(f"{clerk.base_url}/listings/{listing.pk}/")
    assert "广州市荔湾区住房和建设局" in clerk.text_content("#screening-hits")
    clerk.select_option("#id_delete-ground", "performed")
    clerk.fill("#id_delete-arose_on", listing.published_on.isoformat())
    with clerk.expect_navigation():
        clerk.click("#action-delete button[type=submit]")
    assert clerk.text_content("#listing-state").strip() == "已删除"
    assert clerk.locator("#removal-on-time").count() == 1
    screenshot(clerk, "listing-06-deleted")
    listing.refresh_from_db()
    assert listing.state == ListingState.DELETED

    # The public search no longer shows it, and the deletion is pushed to the unit.
    public_search(visitor, "欧阳")
    assert visitor.locator(".public-debtor").count() == 0
    assert "未查询到符合条件的失信被执行人" in visitor.text_content("#public-search-message")
    deleted = ListingEvent.objects.get(listing=listing, action="delete", pushed=True)
    liaison.goto(f"{liaison.base_url}/listings/pushes/?pending=1")
    assert "删除" in liaison.text_content(f"#push-{deleted.pk}")
    assert liaison.locator(f"#push-{published.pk}").count() == 0
