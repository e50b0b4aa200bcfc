"""Every role's home counts agree with the lists they link to (issue 19, item 2).

One world holds notices in every state, at the liaison's unit and at another unit, from the user's court and from
another court, drafted by the clerk and by a colleague, and listings proposed and due for removal at both courts.
For each role the home page's cards are read as a user reads them (the number and the link), each link is followed,
and the count must equal the rows of that list; the expected numbers also show that nothing of another unit, court
or clerk is counted.

Every row reaches its state through the services a person's action calls (the leader's return and sign-off of a
lifting, the unit's acknowledgement of it included).
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import DeadlineRule
from blacklist.listings import services as listing_services
from members.models import Measure
from tests import factories
from tests.assistance.helpers import RARE_DEBTOR, file_case

pytestmark = pytest.mark.django_db

ITEMS = [{"property_kind": "bank_account", "identifier": "6222000011112222", "description": "查询存款"}]


def login(user):
    client = Client()
    client.force_login(user)
    return client


class Court:
    """A court with its clerk, a second clerk and a leader, and a helper to bring a notice to a state."""

    def __init__(self, court, number):
        self.court = court
        self.clerk = factories.ClerkFactory(organisation=court)
        self.colleague = factories.ClerkFactory(organisation=court)
        self.leader = factories.LeaderFactory(organisation=court)
        self.case = file_case(self.clerk, number=number)

    def notice(self, unit, state, *, liaison=None, by=None, measure="inquiry", served_at=None):
        by = by or self.clerk
        _, (notice,) = services.draft_notices(
            actor=by, case=self.case, units=[unit], measure=measure, debtor=self.case.parties.debtors().first(),
            items=ITEMS, ruling_number=self.case.number,
        )
        if state == "draft":
            return notice
        if state == "returned":
            return services.return_draft(actor=self.leader, notice=notice, reason="请补充财产线索。")
        notice = services.sign_notice(actor=self.leader, notice=notice)
        if state == "signed":
            return notice
        notice = services.serve_notice(actor=by, notice=notice, at=served_at)
        if state == "served":
            return notice
        if state == "withdrawn":
            return services.withdraw_notice(actor=by, notice=notice, reason="送达有误")
        if state in ("lifting", "lifted"):
            return self.lift(notice, by, sign=state == "lifted")
        notice = services.acknowledge_notice(actor=liaison, notice=notice)
        if state == "acknowledged":
            return notice
        services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到。")
        notice.refresh_from_db()
        if state == "replied":
            return notice
        if state == "closed":
            return services.close_notice(actor=by, notice=notice)
        if state == "lift_acknowledged":
            return services.acknowledge_lifting(actor=liaison, notice=self.lift(notice, by, sign=True))
        raise ValueError(state)

    def lift(self, notice, by, *, sign):
        notice = services.lift_notice(actor=by, notice=notice, ground="performed", ruling_number=f"{self.case.number}之一")
        return services.sign_lifting(actor=self.leader, notice=notice) if sign else notice


@pytest.fixture
def world(court):
    market = factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
    police = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    market_liaison = factories.LiaisonFactory(organisation=market, liaison_role="A")
    police_liaison = factories.LiaisonFactory(organisation=police, liaison_role="A")
    ours = Court(court, "（2026）粤0103执1234号")
    theirs = Court(factories.CourtFactory(jurisdiction=court.jurisdiction), "（2026）粤0104执55号")
    DeadlineRule.objects.create(measure=Measure.objects.get(code="freeze"), unit=market, count=2, count_unit="hours")
    long_ago = timezone.now() - datetime.timedelta(days=30)

    # Our court to the liaison's unit: one notice in every state.
    for state in ("draft", "signed", "served", "withdrawn", "closed", "lifted", "returned", "lifting",
                  "lift_acknowledged"):
        ours.notice(market, state, liaison=market_liaison)
    ours.notice(market, "served", served_at=long_ago)  # overdue
    ours.notice(market, "acknowledged", liaison=market_liaison)
    ours.notice(market, "acknowledged", liaison=market_liaison, measure="freeze")  # due within two hours
    extended = ours.notice(market, "acknowledged", liaison=market_liaison)
    services.request_extension(actor=market_liaison, notice=extended, days=3, reason="需调取外地档案")
    reviewed = ours.notice(market, "served")
    services.raise_review_suggestion(actor=market_liaison, notice=reviewed, reason="账户不属于被执行人")
    ours.notice(market, "replied", liaison=market_liaison)
    # A colleague's notices: the court's, not this clerk's.
    ours.notice(market, "replied", liaison=market_liaison, by=ours.colleague)
    ours.notice(market, "returned", by=ours.colleague)
    # Another unit of the same court.
    ours.notice(police, "replied", liaison=police_liaison)
    ours.notice(police, "served")
    ours.notice(police, "draft")
    ours.notice(police, "lifted")
    # Another court, to the liaison's unit: the unit's work, not our court's.
    theirs.notice(market, "served")
    theirs.notice(market, "replied", liaison=market_liaison)
    theirs.notice(market, "draft")
    theirs.notice(market, "lifting")
    extended_elsewhere = theirs.notice(market, "acknowledged", liaison=market_liaison)
    services.request_extension(actor=market_liaison, notice=extended_elsewhere, days=2, reason="系统升级")

    # Listings: proposed, and published with a ground for removal, at both courts.
    for side, number in ((ours, "（2026）粤0103执1235号"), (theirs, "（2026）粤0104执56号")):
        listing_services.propose_listing(actor=side.clerk, debtor=side.case.parties.debtors().get(), ground=3,
                                         facts="转移财产")
        other = file_case(side.clerk, number=number,
                          debtors=[{**RARE_DEBTOR, "name": "王堃"}])
        published = listing_services.propose_listing(actor=side.clerk, debtor=other.parties.debtors().get(),
                                                      ground=3, facts="转移财产")
        published = listing_services.approve_listing(actor=side.leader, listing=published)
        listing_services.record_removal_ground(actor=side.clerk, listing=published, ground="performed")
    return {"ours": ours, "theirs": theirs, "market_liaison": market_liaison, "police_liaison": police_liaison}


INBOX_CARD = re.compile(r'<a class="[^"]*inbox-count" href="([^"]+)" data-tab="(\w+)"><div class="[^"]*" '
                        r'id="count-\w+">(\d+)</div>')
QUEUE_CARD = re.compile(r'<a class="[^"]*court-queue" id="queue-(\w+)" href="([^"]+)"><span>[^<]*</span>'
                        r'<span class="[^"]*queue-count">(\d+)</span>')


def cards(client, pattern):
    """The home page's cards as the user reads them: {key: (count, link)}."""
    page = client.get(reverse("home")).content.decode()
    found = {}
    for match in pattern.finditer(page):
        if pattern is INBOX_CARD:
            link, key, count = match.groups()
        else:
            key, link, count = match.groups()
        found[key] = (int(count), link.replace("&amp;", "&"))
    return found


def rows_behind(client, link):
    """How many rows the list behind a card's link shows (every list pages by at least 20)."""
    response = client.get(link)
    assert response.status_code == 200, link
    page = response.context["page"]
    assert not page.has_next(), link
    return len(list(page))


def total_behind(client, link):
    return client.get(link).context["page"].paginator.count


def assert_cards_agree(client, found):
    for key, (count, link) in found.items():
        assert rows_behind(client, link) == count, key


def test_liaison_home_counts_every_tab_that_needs_the_unit(world):
    client = login(world["market_liaison"])
    found = cards(client, INBOX_CARD)
    assert {key: count for key, (count, _) in found.items()} == {
        "new": 4,  # fresh, overdue, under review (ours) and the other court's
        "in_hand": 4,  # signed for: three of ours (one due soon, one with an extension asked) and the other court's
        "due_soon": 1,
        "overdue": 1,
        "extension": 2,  # ours and the other court's
        "replied": 3,  # ours, the colleague's and the other court's; never the police's
        "lifted": 1,  # ours to the market; the police's lifting is not the market's
    }
    assert_cards_agree(client, found)
    # The inbox's own tab badges are the same numbers, and the finished notices have their tab.
    tabs = {key: count for key, _, count in client.get(reverse("assistance:inbox")).context["tabs"]}
    assert {key: tabs[key] for key in found} == {key: count for key, (count, _) in found.items()}
    assert tabs["finished"] == 3 == rows_behind(client, reverse("assistance:inbox") + "?tab=finished")


def test_the_other_units_liaison_counts_only_its_own(world):
    client = login(world["police_liaison"])
    found = cards(client, INBOX_CARD)
    assert {key: count for key, (count, _) in found.items() if count} == {"new": 1, "replied": 1, "lifted": 1}
    assert_cards_agree(client, found)


def test_clerk_home_counts_its_own_notices_waiting_for_it(world):
    client = login(world["ours"].clerk)
    found = cards(client, QUEUE_CARD)
    assert {key: count for key, (count, _) in found.items()} == {
        "replies": 2,  # to the market and to the police; not the colleague's, not the other court's
        "extensions": 1,
        "reviews": 1,
        "returned": 1,  # not the colleague's
        "removals": 1,  # the other court's listing is not ours
    }
    assert_cards_agree(client, found)


def test_the_colleague_sees_its_own_and_the_other_court_its_own(world):
    colleague = login(world["ours"].colleague)
    found = cards(colleague, QUEUE_CARD)
    assert {key: count for key, (count, _) in found.items()} == {
        "replies": 1, "extensions": 0, "reviews": 0, "returned": 1, "removals": 1,
    }
    assert_cards_agree(colleague, found)
    other_clerk = login(world["theirs"].clerk)
    found = cards(other_clerk, QUEUE_CARD)
    assert {key: count for key, (count, _) in found.items()} == {
        "replies": 1, "extensions": 1, "reviews": 0, "returned": 0, "removals": 1,
    }
    assert_cards_agree(other_clerk, found)


def test_leader_home_counts_what_waits_for_the_signature(world):
    client = login(world["ours"].leader)
    found = cards(client, QUEUE_CARD)
    assert {key: count for key, (count, _) in found.items()} == {
        "drafts": 2,  # to the market and to the police; never the other court's
        "liftings": 1,
        "listings": 1,
        "removals": 1,
    }
    assert found["drafts"][1] == reverse("assistance:to-sign")
    assert_cards_agree(client, found)
    other = login(world["theirs"].leader)
    found = cards(other, QUEUE_CARD)
    assert {key: count for key, (count, _) in found.items()} == {"drafts": 1, "liftings": 1, "listings": 1,
                                                                 "removals": 1}
    assert_cards_agree(other, found)


def test_a_queue_is_only_for_its_role(world):
    """A queue of another role in the address is ignored (the whole visible list), never another court's rows."""
    clerk = login(world["ours"].clerk)
    everything = total_behind(clerk, reverse("assistance:list"))
    assert total_behind(clerk, reverse("assistance:list") + "?queue=liftings") == everything
    liaison = login(world["market_liaison"])
    assert "court-queue" not in liaison.get(reverse("home")).content.decode()
    assert total_behind(liaison, reverse("assistance:list") + "?queue=replies") == total_behind(
        liaison, reverse("assistance:list"))
