"""The operations v1.5 added (docs/api-changelog.md: issue 25), driven through the client openapi-python-client
generates from the live schema, each by the role that uses it: the court registers a debtor's village or community
on the case and reads it back; the court and the subdistrict's liaison read that community's posting of the list;
the court and the committee read the grid overview; a grid liaison gets no token. The court's moves that have no
API (approving the listing, sending a grid task, the grid liaison's answer) are made with the services, as the
pages would."""

import datetime

import pytest
from django.utils import timezone

from blacklist.listings import services as listing_services
from grid import services as grid_services
from members.models import Community
from tests import factories
from tests.assistance.helpers import file_case

from .generated_client_support import PASSWORD, call, module, user_with_password
from .test_generated_client_v13 import Clients

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(client_package):
    court = factories.CourtFactory()
    jurisdiction = court.jurisdiction
    street = factories.OrganisationFactory(kind="subdistrict", level="township", jurisdiction=jurisdiction,
                                           code="v15-street", name="测试街道办事处", short_name="测试街道")
    w = type("World", (), {})()
    w.community = Community.objects.create(subdistrict=street, code="v15-east", name="东风社区")
    w.other = Community.objects.create(subdistrict=street, code="v15-west", name="西风社区")
    w.people = {
        "clerk": user_with_password(factories.ClerkFactory, organisation=court),
        "leader": user_with_password(factories.LeaderFactory, organisation=court),
        "street": user_with_password(factories.LiaisonFactory, organisation=street, liaison_role="A"),
        "committee": user_with_password(
            factories.CommitteeUserFactory, organisation=factories.CommitteeFactory(jurisdiction=jurisdiction)),
        "grid": user_with_password(factories.UserFactory, role="grid", organisation=street, community=w.community,
                                   mobile="13900000015"),
    }
    w.case = file_case(w.people["clerk"])
    w.debtor = w.case.parties.debtors().get()
    return w


@pytest.fixture
def api(client_package, world, live_server):
    return Clients(client_package, world, live_server.url)


def test_a_debtors_community_its_posting_and_the_grid_overview(client_package, world, api, live_server):
    pkg, people = client_package, world.people
    models = module(pkg, "models")

    # The court registers the debtor in 东风社区 by its code: the subdistrict comes with it.
    case = call(pkg, "cases.cases_parties_partial_update", 200, id=world.case.pk, party_id=world.debtor.pk,
                client=api["clerk"], body=models.PatchedPartySubdistrictRequest(community=world.community.code))
    (debtor,) = [party for party in case.debtors if party.id == world.debtor.pk]
    assert (debtor.community, debtor.community_name, debtor.subdistrict) == ("v15-east", "东风社区", "v15-street")
    refused = module(pkg, "api.cases.cases_parties_partial_update").sync_detailed(
        id=world.case.pk, party_id=world.debtor.pk, client=api["clerk"],
        body=models.PatchedPartySubdistrictRequest(community="no-such-community"))
    assert refused.status_code == 400 and "村（居）委会" in refused.content.decode()

    # Listed and published: the community's posting names the debtor, for the court and the subdistrict's liaison.
    listing = listing_services.propose_listing(actor=people["clerk"], debtor=world.debtor, ground=3,
                                               facts="转移财产规避执行")
    listing_services.approve_listing(actor=people["leader"], listing=listing)
    for role in ("clerk", "street"):
        pdf = module(pkg, "api.communities.communities_posting_pdf_retrieve").sync_detailed(
            code=world.community.code, client=api[role])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), role
    empty = module(pkg, "api.communities.communities_posting_pdf_retrieve").sync_detailed(
        code=world.other.code, client=api["clerk"])
    assert empty.status_code == 200 and len(empty.content) < len(pdf.content)  # nobody registered there

    # A grid task sent and answered on time: the overview counts it for the court and the committee.
    task = grid_services.send_task(actor=people["clerk"], case=world.case, community=world.community, kind="locate",
                                   party=world.debtor)
    grid_services.answer_task(actor=people["grid"], task=task, answer={
        "found": True, "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "东风路菜市场"})
    year = timezone.localdate().year
    for role in ("clerk", "committee"):
        overview = call(pkg, "grid.grid_overview", 200, client=api[role], year=year)
        assert overview.year == year and isinstance(overview.first_day, datetime.date)
        (street,) = [row for row in overview.subdistricts if row.code == "v15-street"]
        east = {row.code: row for row in street.communities}["v15-east"]
        assert (east.figures.sent, east.figures.on_time, east.figures.overdue) == (1, 1, 0), role
        assert east.figures.on_time_rate == 1.0 and street.figures.sent == 1
    assert module(pkg, "api.grid.grid_overview").sync_detailed(client=api["street"], year=1800).status_code == 400

    # The grid liaison has no API: the token endpoint refuses its account.
    refused = module(pkg, "api.auth.auth_token_create").sync_detailed(
        client=pkg.Client(base_url=live_server.url),
        body=models.TokenRequestRequest(username=people["grid"].username, password=PASSWORD))
    assert refused.status_code == 400 and "网格员" in refused.content.decode()
