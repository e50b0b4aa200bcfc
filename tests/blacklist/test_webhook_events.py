"""Pushed listing events reach the systems of the joint-punishment units of the listing court's jurisdiction that
subscribe to listing.*, typed with the feed's action names (approve is listing.publish); a unit without a
joint-punishment measure, or of another jurisdiction, gets nothing."""

import pytest

from blacklist.listings import services
from cases import services as case_services
from members.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests import factories

pytestmark = pytest.mark.django_db


def hook(unit, events=("listing.*",)):
    return WebhookEndpoint.objects.create(organisation=unit, name="惩戒系统", url="https://unit.example.cn/hooks",
                                          secret="s" * 32, event_types=list(events))


def test_listing_pushes_are_posted_to_joint_punishment_units(clerk, leader, court):
    joint = factories.OrganisationFactory(measures=["restrict_qualification"], jurisdiction=court.jurisdiction)
    endpoint = hook(joint)
    hook(factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction))
    other = factories.JurisdictionFactory(code="other", name="另一辖区")
    hook(factories.OrganisationFactory(measures=["publish"], jurisdiction=other))
    hook(factories.OrganisationFactory(measures=["publish"], jurisdiction=court.jurisdiction),
         events=("notice.served",))
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执801号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": "44010319850615123X"}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    assert not WebhookEvent.objects.exists()  # a proposal is not pushed
    listing = services.approve_listing(actor=leader, listing=listing)
    event = WebhookEvent.objects.get()
    pushed = listing.events.get(pushed=True)
    assert event.event_type == "listing.publish" and event.occurred_at == pushed.at
    assert event.data == {"id": listing.pk, "url": f"/api/v1/listings/{listing.pk}/", "feed_event": pushed.pk,
                          "action": "publish", "feed_url": "/api/v1/listings/feed/"}
    assert WebhookDelivery.objects.get().endpoint == endpoint
