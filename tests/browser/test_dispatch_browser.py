"""Urgent dispatch (紧急出警) in headless Chromium at phone width (issue 20, item 3): the clerk, facing violent
resistance, sends the request from the case page on a phone → the police unit's A, B and responsible leader each get
an SMS at once (logging gateway) and A sees it on the work bench → nobody acknowledges, the escalation task runs when
the minutes are up and the committee gets the escalation (SMS and bell), once → the police then acknowledge with the
big button and record the arrival, and the clerk closes the request."""

import datetime
import logging

import pytest
from django.core.management import call_command

from assistance.models import DispatchRequest, DispatchState
from assistance.tasks import escalate_dispatches_task
from cases import services as case_services
from members.models import Contact, User
from tests import factories

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "（2026）粤0103执2301号"
PLACE = "荔湾区芳村大道东100号3栋"
PHONE = (390, 844)
LEADER_MOBILE, COMMITTEE_MOBILE, COURT_LEADER_MOBILE = "13700000007", "13700000009", "13700000008"


@pytest.fixture
def case(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # deliveries are sent on commit, in the thread that commits
    settings.SMS_GATEWAY = "linkage.notify.LoggingSMSGateway"
    settings.NOTIFY_DEFAULT_QUIET_HOURS = "00:00-23:59"  # all day quiet: an alarm does not wait for it
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    User.objects.filter(username="committee").update(mobile=COMMITTEE_MOBILE)
    User.objects.filter(username="leader").update(mobile=COURT_LEADER_MOBILE)
    police = Contact.objects.current().get(organisation__code="lw-police", role="A").organisation
    factories.ContactFactory(organisation=police, role="L", name="区公安分局负责人", mobile=LEADER_MOBILE, email="")
    return case_services.create_case(
        actor=User.objects.get(username="clerk"), number=NUMBER, amount="80000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初199号", filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"}],
    )


def sms_to(caplog, mobile):
    return [r.getMessage() for r in caplog.records if r.name == "linkage.notify" and f"SMS to {mobile}" in r.getMessage()]


def test_urgent_dispatch_from_a_phone_reaches_a_b_and_the_leader_and_escalates_when_unacknowledged(
        case, new_page, caplog):
    caplog.set_level(logging.INFO, logger="linkage.notify")
    contacts = {c.role: c for c in Contact.objects.current().filter(organisation__code="lw-police")}

    clerk = new_page(*PHONE)
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/cases/{case.pk}/")
    with clerk.expect_navigation():
        clerk.click("#dispatch-button")
    screenshot(clerk, "dispatch-01-form-phone")
    clerk.click("#dispatch-send")  # nothing filled in: refused on the page, nothing sent
    clerk.wait_for_selector(".invalid-feedback")
    assert not DispatchRequest.objects.exists()
    clerk.fill("#id_place", PLACE)
    clerk.fill("#id_situation", "被执行人亲属围堵、推搡执行人员")
    clerk.check("#id_confirm")
    with clerk.expect_navigation():
        clerk.click("#dispatch-send")
    assert clerk.text_content("#dispatch-state").strip() == "待接警"
    screenshot(clerk, "dispatch-02-sent-phone")
    dispatch = DispatchRequest.objects.get()
    assert dispatch.police.code == "lw-police"

    # A, B and the unit's responsible leader: one SMS each, at once, whatever the quiet hours.
    for role in ("A", "B", "L"):
        messages = sms_to(caplog, contacts[role].mobile)
        assert len(messages) == 1 and "紧急出警" in messages[0] and PLACE in messages[0], role
    assert sms_to(caplog, COMMITTEE_MOBILE) == []

    police_a = new_page(*PHONE)
    login(police_a, "lw-police-a")
    assert PLACE in police_a.text_content("#open-dispatches")
    screenshot(police_a, "dispatch-03-police-home-phone")

    # Nobody acknowledges: one second before the time is up nothing happens; then the committee is told, once.
    assert escalate_dispatches_task(now_iso=(dispatch.ack_due_at - datetime.timedelta(seconds=1)).isoformat()) == {
        "escalated": []}
    assert escalate_dispatches_task(now_iso=dispatch.ack_due_at.isoformat()) == {"escalated": [dispatch.pk]}
    assert escalate_dispatches_task(now_iso=(dispatch.ack_due_at + datetime.timedelta(minutes=1)).isoformat()) == {
        "escalated": []}
    escalation = sms_to(caplog, COMMITTEE_MOBILE)
    assert len(escalation) == 1 and "出警督办" in escalation[0]
    assert len(sms_to(caplog, COURT_LEADER_MOBILE)) == 1

    committee = new_page()
    login(committee, "committee")
    assert PLACE in committee.text_content("#open-dispatches")
    committee.goto(f"{committee.base_url}/dispatches/{dispatch.pk}/")
    assert committee.is_visible("#dispatch-escalated")
    assert not committee.locator("#acknowledge-dispatch").count()  # the committee follows it, it does not act
    screenshot(committee, "dispatch-04-committee-escalated")

    # The police acknowledge late, with the one big button, then record their arrival.
    police_a.goto(f"{police_a.base_url}/dispatches/{dispatch.pk}/")
    with police_a.expect_navigation():
        police_a.click("#acknowledge-dispatch")
    assert police_a.text_content("#dispatch-state").strip() == "已接警"
    with police_a.expect_navigation():
        police_a.click("#arrive-dispatch")
    assert police_a.text_content("#dispatch-state").strip() == "已到场"
    screenshot(police_a, "dispatch-05-police-arrived-phone")

    clerk.goto(f"{clerk.base_url}/dispatches/{dispatch.pk}/")
    assert clerk.is_visible("#dispatch-arrived")
    clerk.fill("#id_note", "民警到场后围堵人员散去，查封完毕。")
    with clerk.expect_navigation():
        clerk.click("#close-dispatch")
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.CLOSED and dispatch.escalated_at == dispatch.ack_due_at
    # In the order they were written (the escalation's time is the task's `now`, ten minutes ahead of this test's clock).
    assert list(dispatch.events.order_by("id").values_list("action", flat=True)) == [
        "request", "escalate", "acknowledge", "arrive", "close"]
