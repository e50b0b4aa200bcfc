"""Issue 19's acceptance loop in headless Chromium, with the notifications of each hand-over: the clerk serves a
notice to two units → the A and B liaisons of each see the bell and get an SMS (through the logging gateway) → A
signs for it and the notice stays in the inbox's 已签收 tab → A replies → the clerk's home shows the reply to read →
the clerk concludes the case → the leader signs the liftings → every unit still assisting is told and acknowledges
its lifting notice online."""

import logging

import pytest
from django.core.management import call_command

from assistance import services
from assistance.models import Notice, NoticeState
from cases import services as case_services
from linkage.models import Delivery, DeliveryChannel, DeliveryState
from members.models import Contact, Organisation, User

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "（2026）粤0103执2101号"
UNITS = ("lw-market", "lw-housing")


@pytest.fixture
def signed(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # deliveries are sent on commit, in the live server's thread
    settings.SMS_GATEWAY = "linkage.notify.LoggingSMSGateway"
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    clerk, leader = User.objects.get(username="clerk"), User.objects.get(username="leader")
    case = case_services.create_case(
        actor=clerk, number=NUMBER, amount="80000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初99号", filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"}],
    )
    _, notices = services.draft_notices(
        actor=clerk, case=case, units=[Organisation.objects.get(code=code) for code in UNITS], measure="inquiry",
        debtor=case.parties.debtors().get(), ruling_number=NUMBER,
        items=[{"property_kind": "real_estate", "description": "查询被执行人名下不动产及登记信息"}],
    )
    return [services.sign_notice(actor=leader, notice=notice) for notice in notices]


def bell(page):
    page.reload()
    badge = page.locator("#bell-count")
    return int(badge.text_content().strip()) if badge.count() else 0


def sms_to(caplog, mobile):
    return [r.getMessage() for r in caplog.records if r.name == "linkage.notify" and f"SMS to {mobile}" in r.getMessage()]


def test_the_loop_tells_each_person_when_it_is_their_turn(signed, new_page, caplog):
    caplog.set_level(logging.INFO, logger="linkage.notify")
    liaisons = {}
    for code in UNITS:
        for role in ("a", "b"):
            page = new_page(390, 844) if role == "a" else new_page()
            login(page, f"{code}-{role}")
            liaisons[code, role] = (page, bell(page))

    clerk = new_page()
    login(clerk, "clerk")
    for notice in signed:
        clerk.goto(f"{clerk.base_url}/notices/{notice.pk}/")
        clerk.click("#serve-button")
        clerk.wait_for_selector(".alert-success")
    assert {n.state for n in Notice.objects.filter(case__number=NUMBER)} == {NoticeState.SERVED}

    # A and B of each unit see the bell go up, and each gets one SMS through the logging gateway.
    for (code, role), (page, before) in liaisons.items():
        assert bell(page) == before + 1, (code, role)
        contact = Contact.objects.current().get(organisation__code=code, role=role.upper())
        assert len(sms_to(caplog, contact.mobile)) == 1, (code, role)
        assert Delivery.objects.get(channel=DeliveryChannel.SMS, address=contact.mobile).state == DeliveryState.SENT
    market_a = liaisons["lw-market", "a"][0]
    screenshot(market_a, "loop-01-liaison-bell-phone")

    # A signs for the notice: it stays in an inbox tab (已签收), with its count.
    market = Notice.objects.get(case__number=NUMBER, unit__code="lw-market")
    market_a.goto(f"{market_a.base_url}/notices/{market.pk}/")
    market_a.click("#acknowledge-button")
    market_a.wait_for_selector("#reply-form")
    market_a.goto(f"{market_a.base_url}/inbox/?tab=in_hand")
    assert market_a.text_content("#inbox-tabs [data-tab=in_hand] .tab-count").strip() == "1"
    assert NUMBER in market_a.text_content("main")
    screenshot(market_a, "loop-02-inbox-in-hand-phone")

    # A replies; the clerk's home shows one reply to read, and its link lists it.
    market_a.goto(f"{market_a.base_url}/notices/{market.pk}/")
    market_a.select_option("#id_outcome", "not_found")
    market_a.fill("#id_text", "经查询，被执行人名下无不动产登记。")
    market_a.click("#reply-button")
    market_a.wait_for_selector("#reply-card")
    clerk.goto(clerk.base_url + "/")
    assert clerk.text_content("#queue-replies .queue-count").strip() == "1"
    screenshot(clerk, "loop-03-clerk-home-reply")
    with clerk.expect_navigation():
        clerk.click("#queue-replies")
    listed = clerk.text_content("main")
    # one notice listed, the market's: the other unit has not replied, so it is not a reply to read
    assert listed.count(NUMBER) == 1 and "协助单位 区市场和质量监管局" in listed and "协助单位 区住建局" not in listed

    # The clerk concludes the case: both notices, replied and served, go to the leader to lift.
    clerk.goto(f"{clerk.base_url}/cases/{market.case_id}/")
    clerk.select_option("#id_status", "concluded")
    clerk.fill("#id_reason", "被执行人已全部履行")
    clerk.fill("#id_lifting_ruling_number", "（2026）粤0103执2101号之一")
    with clerk.expect_navigation():
        clerk.click("#case-status-card button[type=submit]")
    assert {n.state for n in Notice.objects.filter(case__number=NUMBER)} == {NoticeState.LIFTING}

    leader = new_page()
    login(leader, "leader")
    leader.goto(leader.base_url + "/notices/to-sign/")
    for _ in UNITS:
        with leader.expect_navigation():
            leader.click("#liftings button:has-text('签发解除')")
    assert {n.state for n in Notice.objects.filter(case__number=NUMBER)} == {NoticeState.LIFTED}

    # Every unit still assisting is told, and acknowledges its lifting notice online.
    for code in UNITS:
        page, _ = liaisons[code, "a"]
        page.goto(page.base_url + "/notifications/")
        assert "【解除协助执行】" in page.text_content("main"), code
        notice = Notice.objects.get(case__number=NUMBER, unit__code=code)
        page.goto(f"{page.base_url}/notices/{notice.pk}/")
        page.click("#acknowledge-lifting-button")
        page.wait_for_selector("#lift-acknowledged")
    screenshot(liaisons["lw-housing", "a"][0], "loop-04-lifting-acknowledged-phone")
    assert {n.state for n in Notice.objects.filter(case__number=NUMBER)} == {NoticeState.LIFT_ACKNOWLEDGED}
