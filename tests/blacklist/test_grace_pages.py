"""The grace panel of a listing's page and the case page's schedule (暂缓采取失信惩戒措施): the leader's form, the
schedule with overdue instalments in red, the clerk's buttons, the history; refusals shown at the form (400)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blacklist.grace import services
from blacklist.listings import services as listing_services
from blacklist.models import GraceEvent, GracePeriod, GraceState, ListingState
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db
ADULT = "44010319850615123X"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def listing(clerk, leader):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执778号", amount="30000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初78号", filed_on="2026-01-05", obligation="给付货款30000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王缓", "id_number": ADULT}],
    )
    listing = listing_services.propose_listing(actor=clerk, debtor=case.parties.get(role="debtor"), ground=3,
                                               facts="转移财产")
    return listing_services.approve_listing(actor=leader, listing=listing)


def detail(client, listing):
    return client.get(reverse("blacklist:listing-detail", args=[listing.pk]))


def grant_data(today, lines):
    return {"grant-promisor": "debtor", "grant-promise": "承诺分期履行。", "grant-promised_on": today.isoformat(),
            "grant-months": "", "grant-instalments": lines}


def test_the_leader_grants_from_the_page_and_the_clerk_sees_the_schedule(client_for, clerk, leader, listing):
    today = timezone.localdate()
    page = detail(client_for(leader), listing).content.decode()
    assert 'id="grace-grant"' in page and "准予暂缓" in page
    assert f'value="{today.isoformat()}"' in page  # the promise date defaults to today, in the date input's format
    assert 'id="grace-grant"' not in detail(client_for(clerk), listing).content.decode()

    url = reverse("blacklist:grace-grant", args=[listing.pk])
    bad = client_for(leader).post(url, grant_data(today, "明天 5000"))
    assert bad.status_code == 400 and "第1行应为“日期 金额”" in bad.content.decode()
    late = (today + 200 * DAY).isoformat()
    bad = client_for(leader).post(url, grant_data(today, f"{late} 5000"))
    assert bad.status_code == 400 and "暂缓届满日" in bad.content.decode()
    refused = client_for(clerk).post(url, grant_data(today, f"{(today + 5 * DAY).isoformat()} 5000"))
    assert refused.status_code == 400 and "执行局领导" in refused.content.decode()
    assert not GracePeriod.objects.exists()

    lines = f"{(today + 5 * DAY).isoformat()} 10000\n{(today + 30 * DAY).isoformat()}，20,000元"
    response = client_for(leader).post(url, grant_data(today, lines))
    assert response.status_code == 302
    grace = GracePeriod.objects.get()
    assert [str(item.amount) for item in grace.instalments.order_by("number")] == ["10000.00", "20000.00"]
    listing.refresh_from_db()
    assert listing.state == ListingState.SUSPENDED

    page = detail(client_for(clerk), listing).content.decode()
    assert 'id="grace-pay"' in page and 'id="grace-break"' in page and 'id="grace-fulfil"' not in page
    assert "第2期" in page and "overdue" not in page and "准予暂缓" in page  # the history names the grant
    # Past the first due date the unpaid instalment shows in red; the case page shows the schedule too.
    with time_machine.travel(datetime.datetime.combine(today + 6 * DAY, datetime.time(10)).astimezone(), tick=False):
        page = detail(client_for(clerk), listing).content.decode()
        assert "table-danger" in page and "逾期未履行" in page
        case_page = client_for(clerk).get(reverse("cases:detail", args=[listing.case_id])).content.decode()
        assert 'id="case-graces"' in case_page and "逾期未履行" in case_page


def test_payments_fulfilment_and_break_from_the_page(client_for, clerk, leader, listing):
    today = timezone.localdate()
    grace = services.grant_grace(actor=leader, listing=listing, promisor="applicant", promise="代为承诺。",
                                 promised_on=today, instalments=[{"due_on": today + 5 * DAY, "amount": "30000"}])
    item = grace.instalments.get()
    pay = reverse("blacklist:grace-step", args=[grace.pk, "pay"])
    bad = client_for(clerk).post(pay, {"pay-instalment": item.pk, "pay-paid_on": today.isoformat(),
                                       "pay-paid_amount": "100"})
    assert bad.status_code == 400 and "少于该期应履行金额" in bad.content.decode()
    ok = client_for(clerk).post(pay, {"pay-instalment": item.pk, "pay-paid_on": today.isoformat(),
                                      "pay-paid_amount": "30000"})
    assert ok.status_code == 302
    page = detail(client_for(clerk), listing).content.decode()
    assert 'id="grace-fulfil"' in page and 'id="grace-pay"' not in page
    assert 'id="grace-fulfil"' not in detail(client_for(leader), listing).content.decode()  # a clerk's
    done = client_for(clerk).post(reverse("blacklist:grace-step", args=[grace.pk, "fulfil"]), {"fulfil-reason": ""})
    assert done.status_code == 302
    grace.refresh_from_db()
    listing.refresh_from_db()
    assert grace.state == GraceState.FULFILLED and listing.state == ListingState.DELETED
    # A finished grace takes no further step.
    again = client_for(clerk).post(reverse("blacklist:grace-step", args=[grace.pk, "break"]), {"break-reason": "x"})
    assert again.status_code == 400 and "不能再确认未履行" in again.content.decode()
    assert list(GraceEvent.objects.filter(grace=grace).values_list("action", flat=True)) == ["grant", "pay", "fulfil"]


def test_break_from_the_page_and_visibility(client_for, clerk, leader, listing):
    today = timezone.localdate()
    grace = services.grant_grace(actor=leader, listing=listing, promisor="debtor", promise="承诺。",
                                 promised_on=today, instalments=[{"due_on": today + 5 * DAY, "amount": "1000"}])
    url = reverse("blacklist:grace-step", args=[grace.pk, "break"])
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    assert client_for(other).post(url, {"break-reason": "未履行"}).status_code == 404
    assert client_for(other).post(reverse("blacklist:grace-grant", args=[listing.pk]), {}).status_code == 404
    assert client_for(clerk).post(reverse("blacklist:grace-step", args=[grace.pk, "nope"]), {}).status_code == 404
    empty = client_for(clerk).post(url, {"break-reason": ""})
    assert empty.status_code == 400 and "请写明未按承诺履行的情况" in empty.content.decode()
    assert client_for(clerk).post(url, {"break-reason": "第1期未履行"}).status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED
    page = detail(client_for(clerk), listing).content.decode()
    assert "未按承诺履行，已恢复惩戒" in page and 'id="grace-grant"' not in page
    assert 'id="grace-grant"' in detail(client_for(leader), listing).content.decode()  # a new grace may be granted


def test_the_grace_api(api_for, clerk, leader, committee_user, listing):
    today = timezone.localdate()
    grace = services.grant_grace(actor=leader, listing=listing, promisor="debtor", promise="承诺。", promised_on=today,
                                 instalments=[{"due_on": today + 5 * DAY, "amount": "1000"},
                                              {"due_on": today + 9 * DAY, "amount": "2000"}])
    url = f"/api/v1/listings/{listing.pk}/grace/"
    body = api_for(clerk).get(url).json()
    assert body["listing"] == listing.pk and [g["id"] for g in body["results"]] == [grace.pk]
    result = body["results"][0]
    assert (result["state"], result["was_published"], result["ends_on"]) == (
        "granted", True, services.grace_end(today, 3).isoformat())
    assert [(i["number"], i["amount"], i["overdue"]) for i in result["instalments"]] == [
        (1, "1000.00", False), (2, "2000.00", False)]
    assert "promise" not in result
    with time_machine.travel(datetime.datetime.combine(today + 6 * DAY, datetime.time(10)).astimezone(), tick=False):
        overdue = api_for(clerk).get(url).json()["results"][0]["instalments"]
    assert [i["overdue"] for i in overdue] == [True, False]
    assert api_for(committee_user).get(url).status_code == 200
    joint = factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["restrict_qualification"]))
    assert api_for(joint).get(url).status_code == 200  # the listing was pushed to its unit
    plain = factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["inquiry"]))
    assert api_for(plain).get(url).status_code == 404
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    assert api_for(other).get(url).status_code == 404
    assert api_for(clerk).post(url, {}).status_code == 405
