"""Every document is reachable from the page of the thing it belongs to, for those who may read it, and for nobody
else (issue 19, item 5): the restriction order from the listing and the case, the community posting from the
subdistrict's page, the lifting notice from the notice."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from assistance import services as notice_services
from assistance.models import Notice
from blacklist.listings import services
from blacklist.models import RestrictionOrder
from cases import services as case_services
from tests import factories
from tests.assistance.helpers import advance, draft_notice

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def page(user, url):
    return login(user).get(url)


@pytest.fixture
def street(court):
    return factories.OrganisationFactory(kind="subdistrict", name="测试区多宝街道办事处", short_name="多宝街",
                                         jurisdiction=court.jurisdiction, measures=["publish"])


@pytest.fixture
def far_clerk(db):
    far = factories.JurisdictionFactory(code="far", name="远方辖区")
    return factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=far))


@pytest.fixture
def published(court, clerk, leader, street):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执700号", amount="80000", basis_issuer="某院", basis_number="（2025）粤0103民初7号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王堃", "id_number": "44010319850615123X", "subdistrict": street}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产",
                                       decided_on=datetime.date(2026, 11, 20))
    services.approve_listing(actor=leader, listing=listing)
    return case, listing, RestrictionOrder.objects.get(listing=listing)


def test_the_restriction_order_is_linked_from_the_listing_and_the_case(clerk, leader, committee_user, liaison,
                                                                        far_clerk, published):
    case, listing, order = published
    pdf = reverse("blacklist:restriction-pdf", args=[order.pk])
    for reader in (clerk, leader, committee_user):
        for url in (reverse("blacklist:listing-detail", args=[listing.pk]), reverse("cases:detail", args=[case.pk])):
            response = page(reader, url)
            assert response.status_code == 200 and f'href="{pdf}"' in response.content.decode(), (reader, url)
        assert page(reader, pdf)["Content-Type"] == "application/pdf"
    # Another court of the same jurisdiction, a far court, a unit's liaison: neither the pages nor the PDF.
    for outsider in (factories.ClerkFactory(), far_clerk, liaison):
        assert page(outsider, reverse("blacklist:listing-detail", args=[listing.pk])).status_code == 404
        assert page(outsider, reverse("cases:detail", args=[case.pk])).status_code == 404
        assert page(outsider, pdf).status_code == 404


def test_an_order_issued_without_listing_is_on_the_case_page_and_a_case_without_one_shows_none(clerk, published):
    case, _, _ = published
    other = case_services.create_case(
        actor=clerk, number="（2026）粤0103执701号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初8号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "organisation", "name": "某某贸易有限公司", "credit_code": "91110000600037341L",
                  "legal_representative": "李四"}],
    )
    assert 'id="restriction-orders"' not in page(clerk, reverse("cases:detail", args=[other.pk])).content.decode()
    from blacklist.restrictions.services import issue_restriction_order

    order = issue_restriction_order(actor=clerk, debtor=other.parties.debtors().get())
    body = page(clerk, reverse("cases:detail", args=[other.pk])).content.decode()
    assert reverse("blacklist:restriction-pdf", args=[order.pk]) in body and "某某贸易有限公司：限制消费令" in body


def test_the_listing_page_says_when_no_order_exists_yet(clerk, street):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执702号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王堃", "id_number": "44010319850615123X"}],
    )
    proposed = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    body = page(clerk, reverse("blacklist:listing-detail", args=[proposed.pk])).content.decode()
    assert "尚未发布限制消费令" in body and "restriction-pdf" not in body


def test_the_community_posting_is_linked_from_the_subdistricts_page(clerk, leader, committee_user, liaison, far_clerk,
                                                                    street, published):
    own_liaison = factories.LiaisonFactory(organisation=street)
    posting = reverse("blacklist:community-posting", args=[street.code])
    street_page = reverse("members:organisation", args=[street.code])
    for reader in (own_liaison, clerk, leader, committee_user):
        body = page(reader, street_page).content.decode()
        assert f'href="{posting}"' in body, reader
        assert page(reader, posting).status_code == 200
    # The roster page is open to every member, the posting is not: another unit's liaison, a far court.
    for outsider in (liaison, far_clerk):
        body = page(outsider, street_page)
        assert body.status_code == 200 and posting not in body.content.decode()
        assert page(outsider, posting).status_code == 404
    # Any other kind of unit has no posting.
    assert "community-posting" not in page(clerk, reverse("members:organisation", args=[liaison.organisation.code])
                                           ).content.decode()


def test_the_lifting_notice_is_linked_from_the_notice(clerk, leader, court):
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    unit_liaison = factories.LiaisonFactory(organisation=unit)
    other_liaison = factories.LiaisonFactory(organisation=factories.OrganisationFactory(
        measures=["inquiry"], jurisdiction=court.jurisdiction))
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执703号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初10号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王堃", "id_number": "44010319850615123X"}],
    )
    notice = draft_notice(clerk, case, unit, measure="inquiry",
                          items=[{"property_kind": "bank_account", "description": "查询存款"}])
    notice = advance(notice, "served", clerk=clerk, leader=leader)
    detail = reverse("assistance:detail", args=[notice.pk])
    lifting = reverse("assistance:lifting-pdf", args=[notice.pk])
    assert lifting not in page(clerk, detail).content.decode()  # in force: no lifting notice yet
    assert page(clerk, lifting).status_code == 404

    notice_services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=f"{case.number}之一")
    notice_services.sign_lifting(actor=leader, notice=notice)
    for reader in (clerk, leader, unit_liaison):
        assert f'href="{lifting}"' in page(reader, detail).content.decode(), reader
        assert page(reader, lifting)["Content-Type"] == "application/pdf"
    for outsider in (other_liaison, factories.ClerkFactory()):
        assert page(outsider, detail).status_code == 404
        assert page(outsider, lifting).status_code == 404

    # Still linked once the unit has acknowledged the lifting (a state of the sign-off work of issue 19, whose
    # document context renders the PDF in that state).
    Notice.objects.filter(pk=notice.pk).update(state="lift_acknowledged")
    assert f'href="{lifting}"' in page(unit_liaison, detail).content.decode()
