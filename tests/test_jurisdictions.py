"""A committee belongs to its jurisdiction (issue 17, item 3). The permission world (tests/permission_world.py) has
every kind of object in its first jurisdiction, and a second one with its court's clerk, its committee's reviewer and
a joint-punishment unit's liaison. None of the first jurisdiction's
objects is the second's business: its committee gets a 404 on each, finds none in any list, cannot decide the first
jurisdiction's contact changes, and the first jurisdiction's list pushes (feed, push page, acknowledgements,
reminders, the assessment's figures) do not reach its units."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessment.sources import push_metrics, record_rows
from assessment.yearspan import Ordinals, Window
from assistance.demo import person
from assistance.models import Notice
from blacklist.corrections.selectors import corrections_visible_to
from blacklist.listings import reminders, selectors
from blacklist.listings import services as listing_services
from blacklist.restrictions.views import restriction_orders_visible_to
from cases.models import Case
from linkage.errors import PermissionDenied
from linkage.models import Reminder
from meetings import services as meeting_services
from meetings.models import AgendaItem, AnnualReport, Decision, Meeting
from members import services as member_services
from members.models import ChangeRequestState
from members.selectors import change_requests_visible_to
from tests import factories
from tests.assistance.helpers import file_case
from tests.permission_world import ONE_PAGE_PDF, build_world

SH = ZoneInfo("Asia/Shanghai")


def _lay_out(html, **kwargs):
    """Stands in for the render process (as in the permission matrix): the template is rendered, the layout skipped."""
    return ONE_PAGE_PDF


@pytest.fixture
def world(db, settings, monkeypatch):
    monkeypatch.setattr("linkage.pdf_process.lay_out", _lay_out)
    w = build_world()
    # A report the first jurisdiction's court has sent to its committee (the world's own is still a draft).
    w.report_sent = meeting_services.send_annual_report(
        actor=w.clerk1, report=meeting_services.create_annual_report(actor=w.clerk1, year=w.year - 1))
    return w


def _page(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    client.raise_request_exception = False
    client.force_authenticate(user)
    return client


def _object_urls(w):
    """Every page and API route that names one of the first jurisdiction's objects, as its committee reads it."""
    pages = [
        reverse("cases:detail", args=[w.case.pk]),
        reverse("assistance:detail", args=[w.notice_served.pk]),
        reverse("assistance:pdf", args=[w.notice_served.pk]),
        reverse("assistance:lifting-pdf", args=[w.notice_lifted.pk]),
        reverse("assistance:attachment", args=[w.attachment.pk]),
        reverse("blacklist:listing-detail", args=[w.listing_published.pk]),
        reverse("blacklist:correction-detail", args=[w.correction_pending.pk]),
        reverse("blacklist:restriction-pdf", args=[w.restriction_order.pk]),
        reverse("blacklist:community-posting", args=[w.subdistrict.code]),
        reverse("meetings:detail", args=[w.meeting_published.pk]),
        reverse("meetings:notice-pdf", args=[w.meeting_scheduled.pk]),
        reverse("meetings:minutes-pdf", args=[w.meeting_published.pk]),
        reverse("meetings:item-detail", args=[w.item.pk]),
        reverse("meetings:decision-detail", args=[w.decision_replied.pk]),
        reverse("meetings:reply-attachment", args=[w.decision_reply.pk]),
        reverse("meetings:report-detail", args=[w.report_sent.pk]),
    ]
    apis = [
        reverse("case-detail", args=[w.case.pk]),
        reverse("notice-detail", args=[w.notice_served.pk]),
        reverse("notice-pdf", args=[w.notice_served.pk]),
        reverse("api-attachment-download", args=[w.attachment.pk]),
        reverse("listing-detail", args=[w.listing_published.pk]),
        reverse("meeting-detail", args=[w.meeting_published.pk]),
        reverse("decision-detail", args=[w.decision_replied.pk]),
    ]
    return pages, apis


def test_the_second_committee_gets_404_on_every_object_of_the_first(world):
    pages, apis = _object_urls(world)
    own, other = _page(world.committee), _page(world.committee_j2)
    own_api, other_api = _api(world.committee), _api(world.committee_j2)
    for url in pages:
        assert own.get(url).status_code == 200, url  # the first jurisdiction's committee reads each of them
        assert other.get(url).status_code == 404, url
    for url in apis:
        assert own_api.get(url).status_code == 200, url
        assert other_api.get(url).status_code == 404, url


def test_the_second_committee_finds_none_of_the_first_in_any_list(world):
    w = world
    rules = {
        "cases": lambda user: Case.objects.visible_to(user),
        "notices": lambda user: Notice.objects.visible_to(user),
        "listings": selectors.listings_visible_to,
        "corrections": corrections_visible_to,
        "restriction orders": restriction_orders_visible_to,
        "meetings": lambda user: Meeting.objects.visible_to(user),
        "agenda items": lambda user: AgendaItem.objects.visible_to(user),
        "decisions": lambda user: Decision.objects.visible_to(user),
        "annual reports": lambda user: AnnualReport.objects.visible_to(user),
        "contact changes": change_requests_visible_to,
    }
    for name, rule in rules.items():
        assert rule(w.committee).exists(), name
        assert not rule(w.committee_j2).exists(), name

    markers = (w.case.number, w.decision_replied.task, w.change_request.name, w.report_sent.title)
    client, api = _page(w.committee_j2), _api(w.committee_j2)
    for name in ("home", "cases:list", "assistance:list", "blacklist:listing-list", "blacklist:correction-list",
                 "meetings:list", "meetings:item-list", "meetings:decision-list", "meetings:report-list",
                 "members:change-requests"):
        response = client.get(reverse(name))
        body = response.content.decode()
        assert response.status_code == 200 and not [m for m in markers if m in body], name
    response = client.get(reverse("members:change-requests") + "?state=pending")
    assert w.unit_x.short_name not in response.content.decode()
    for name in ("case-list", "notice-list", "listing-list", "meeting-list", "decision-list", "api-listing-feed"):
        response = api.get(reverse(name))
        body = response.content.decode()
        assert response.status_code == 200 and not [m for m in markers if m in body], name


def test_the_second_committee_cannot_decide_a_contact_change_of_the_first(world):
    w = world
    with pytest.raises(PermissionDenied, match="本辖区"):
        member_services.approve_contact_change(actor=w.committee_j2, change_request=w.change_request, reason="同意。")
    with pytest.raises(PermissionDenied, match="本辖区"):
        member_services.reject_contact_change(actor=w.committee_j2, change_request=w.change_request, reason="不同意。")
    url = reverse("members:decide-change", args=[w.change_request.pk])
    assert _page(w.committee_j2).post(url, {"decision": "approve", "reason": "同意。"}).status_code == 404
    w.change_request.refresh_from_db()
    assert w.change_request.state == ChangeRequestState.PENDING and w.change_request.decided_by is None
    assert not w.unit_x.contacts.filter(name=w.change_request.name).exists()
    # The first jurisdiction's committee decides it.
    member_services.approve_contact_change(actor=w.committee, change_request=w.change_request)
    assert w.unit_x.contacts.current().filter(role="B").get().name == w.change_request.name


def test_the_first_jurisdictions_pushes_do_not_reach_the_seconds_units(world):
    w = world
    event = w.push_event
    liaison = w.liaison_j2
    assert selectors.may_read_feed(liaison)  # a joint-punishment unit: it reads the feed, of its own jurisdiction
    assert selectors.feed_for(liaison)[0] == []
    assert selectors.feed_for(w.committee_j2)[0] == []
    assert list(selectors.pushes_for_unit(w.unit_j2)) == []
    assert _api(liaison).get(reverse("api-listing-feed")).json()["results"] == []
    page = _page(liaison).get(reverse("blacklist:push-list"))
    assert page.status_code == 200 and w.case.number not in page.content.decode()
    assert _api(liaison).post(reverse("api-listing-feed-ack", args=[event.pk])).status_code == 404
    assert _page(liaison).post(reverse("blacklist:push-acknowledge", args=[event.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        listing_services.acknowledge_event(actor=liaison, event=event)
    assert not event.acknowledgements.exists()
    # The first jurisdiction's unit X receives it.
    assert [e.pk for e in selectors.feed_for(w.liaison_xa)[0]] == list(
        selectors.pushed_events(w.court1.jurisdiction_id).order_by("id").values_list("pk", flat=True))
    assert event.pk in [e.pk for e in selectors.pushes_for_unit(w.unit_x)]

    # A listing of the second jurisdiction's court reaches its unit, and not the first jurisdiction's.
    leader_j2 = factories.LeaderFactory(organisation=w.court_j2)
    case = file_case(w.clerk_j2, number="（2026）云2301执77号",
                     debtors=[person("楚某", "19800101", "055")])
    listing = listing_services.approve_listing(actor=leader_j2, listing=listing_services.propose_listing(
        actor=w.clerk_j2, debtor=case.parties.debtors().get(), ground=2, facts="转移财产。"))
    pushed = listing.events.get(pushed=True)
    assert [e.pk for e in selectors.feed_for(liaison)[0]] == [pushed.pk]
    assert pushed.pk not in [e.pk for e in selectors.feed_for(w.liaison_xa)[0]]
    assert pushed.pk not in [e.pk for e in selectors.pushes_for_unit(w.unit_x)]
    listing_services.acknowledge_event(actor=liaison, event=pushed)

    # The assessment counts for each unit the pushes it received, not the other jurisdiction's.
    window = Window(w.year)
    ordinals = Ordinals(window.first_day, window.last_day)
    metrics = push_metrics([w.unit_x.pk, w.unit_j2.pk], window, ordinals)
    first = selectors.pushed_events(w.court1.jurisdiction_id).filter(at__gte=window.start, at__lt=window.stop)
    assert metrics[w.unit_j2.pk] == (1, 1, 1, 1)  # pushed, acknowledged, in time, due (acknowledged)
    assert metrics[w.unit_x.pk][0] == first.count()
    assert [row["reference"] for row in record_rows("pushes", w.unit_j2.pk, w.year)] == [case.number]


def test_push_reminders_go_only_to_the_listing_jurisdictions_units(db):
    """Two jurisdictions, one joint-punishment unit in each: a push of the first's court is reminded to its unit
    only (the reminder scan's SQL joins the listing's court's jurisdiction)."""
    moment = datetime.datetime(2026, 9, 30, 10, tzinfo=SH)  # a Wednesday, a working day
    second = factories.JurisdictionFactory(code="cx-test", name="第二辖区")
    with time_machine.travel(moment - datetime.timedelta(days=30), tick=False):
        units = {"first": factories.OrganisationFactory(name="第一辖区市场监管局", measures=["restrict_qualification"]),
                 "second": factories.OrganisationFactory(name="第二辖区市场监管局", jurisdiction=second,
                                                         measures=["restrict_qualification"])}
    for unit in units.values():
        factories.ContactFactory(organisation=unit, role="A", name=f"{unit.name}A")
    court = factories.CourtFactory()
    clerk, leader = factories.ClerkFactory(organisation=court), factories.LeaderFactory(organisation=court)
    with time_machine.travel(moment, tick=False):
        case = file_case(clerk)
        listing = listing_services.approve_listing(actor=leader, listing=listing_services.propose_listing(
            actor=clerk, debtor=case.parties.debtors().get(), ground=2, facts="转移财产。"))
    event = listing.events.get(pushed=True)
    reminders.scan_push_reminders(moment + datetime.timedelta(minutes=15))
    assert list(Reminder.objects.filter(object_id=event.pk).values_list("recipient_name", flat=True)) == [
        "第一辖区市场监管局A"]
