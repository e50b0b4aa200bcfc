"""The in-app push page of joint-punishment units: every pushed event, its acknowledgement deadline, a button to
acknowledge it once; a unit without the duty sees none; anybody but a liaison gets a 404."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from blacklist.listings import push_views, services
from blacklist.models import ListingAcknowledgement, ListingEvent
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def login(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def joint_liaison(db):
    return factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["restrict_qualification"]))


def publish(clerk, leader, n, moment):
    with time_machine.travel(moment, tick=False):
        case = case_services.create_case(
            actor=clerk, number=f"（2026）粤0103执{3000 + n}号", amount="1000", basis_issuer="某院",
            basis_number="（2025）粤0103民初1号", filed_on="2026-01-05",
            applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
            debtors=[{"kind": "person", "name": f"王{n}", "id_number": "44010319850615123X"}],
        )
        listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3,
                                           facts="转移财产")
        services.approve_listing(actor=leader, listing=listing)
    return ListingEvent.objects.get(listing=listing, pushed=True)


def test_a_liaison_sees_the_push_and_acknowledges_it_once(login, clerk, leader, joint_liaison):
    old = publish(clerk, leader, 1, datetime.datetime(2026, 11, 20, 16, tzinfo=SH))  # Friday: due Monday 23:59:59
    client = login(joint_liaison)
    page = client.get("/listings/pushes/").content.decode()
    assert "王1" in page and "44010319850615123X" in page and "签收期限 2026-11-23 23:59" in page
    assert f'id="ack-{old.pk}"' in page and "逾期未签收" in page  # today is after Monday
    response = client.post(f"/listings/pushes/{old.pk}/acknowledge/", {"next": "/listings/pushes/?pending=1"})
    assert response.status_code == 302 and response["Location"] == "/listings/pushes/?pending=1"
    acknowledgement = ListingAcknowledgement.objects.get()
    assert (acknowledgement.event_id, acknowledgement.unit_id) == (old.pk, joint_liaison.organisation_id)
    page = client.get("/listings/pushes/").content.decode()
    assert f'id="ack-{old.pk}"' not in page and "已签收" in page and "逾期签收" in page
    again = client.post(f"/listings/pushes/{old.pk}/acknowledge/", follow=True)
    assert "本单位已签收过该推送。" in again.content.decode()
    assert ListingAcknowledgement.objects.count() == 1
    # An open redirect is not possible through `next`.
    assert client.post(f"/listings/pushes/{old.pk}/acknowledge/",
                       {"next": "https://example.com/"})["Location"] == "/listings/pushes/"


def test_pending_only_and_older_pages(login, clerk, leader, joint_liaison, monkeypatch):
    events = [publish(clerk, leader, n, datetime.datetime(2026, 11, 23, 9, n, tzinfo=SH)) for n in range(3)]
    services.acknowledge_event(actor=joint_liaison, event=events[1])
    client = login(joint_liaison)
    pending = client.get("/listings/pushes/?pending=1").content.decode()
    assert "王0" in pending and "王2" in pending and "王1" not in pending
    monkeypatch.setattr(push_views, "PUSHES_PER_PAGE", 2)
    first = client.get("/listings/pushes/")
    assert [row["event"].pk for row in first.context["rows"]] == [events[2].pk, events[1].pk]
    assert first.context["older_url"] == f"?before={events[1].pk}"
    second = client.get(f"/listings/pushes/{first.context['older_url']}")
    assert [row["event"].pk for row in second.context["rows"]] == [events[0].pk]
    assert second.context["older_url"] == ""


def test_who_may_see_and_acknowledge(login, clerk, leader, liaison, committee_user):
    event = publish(clerk, leader, 1, datetime.datetime(2026, 11, 23, 9, tzinfo=SH))
    proposal = ListingEvent.objects.get(listing=event.listing, action="propose")
    # `liaison`'s unit does inquiries and freezes: no joint-punishment duty, so no pushes.
    page = login(liaison).get("/listings/pushes/").content.decode()
    assert "本单位不承担联合惩戒职责" in page and "王1" not in page
    refused = login(liaison).post(f"/listings/pushes/{event.pk}/acknowledge/", follow=True)
    assert "只有联合惩戒单位的联络员可以签收推送。" in refused.content.decode()
    for user in (clerk, leader, committee_user):
        assert login(user).get("/listings/pushes/").status_code == 404
        assert login(user).post(f"/listings/pushes/{event.pk}/acknowledge/").status_code == 404
    joint = factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["publish"]))
    assert login(joint).post(f"/listings/pushes/{proposal.pk}/acknowledge/").status_code == 404  # not pushed
    assert not ListingAcknowledgement.objects.exists()


def test_page_query_count_does_not_grow(login, clerk, leader, joint_liaison, django_assert_num_queries):
    first = publish(clerk, leader, 0, datetime.datetime(2026, 11, 23, 9, tzinfo=SH))
    services.acknowledge_event(actor=joint_liaison, event=first)
    client = login(joint_liaison)
    client.get("/listings/pushes/")
    # session, user, joint-punishment check, events, acknowledgements, calendar, the nav's organisation and
    # unread count, the audit entry
    with django_assert_num_queries(9):
        client.get("/listings/pushes/")
    for n in range(1, 8):
        publish(clerk, leader, n, datetime.datetime(2026, 11, 23, 10, n, tzinfo=SH))
    with django_assert_num_queries(9):
        page = client.get("/listings/pushes/")
    assert len(page.context["rows"]) == 8
