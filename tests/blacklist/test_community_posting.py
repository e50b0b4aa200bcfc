"""The debtor's registered village or community on the case, and the community's posting (issue 25 item 3): the
posting PDF of a community lists exactly its registered published debtors, its subdistrict's lists them all, only
the right people read them, and the community's grid liaison is told when a debtor comes onto or goes off the list."""

import io

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse

from blacklist.listings import services as listing_services
from blacklist.restrictions.documents import community_listings
from cases import services as case_services
from cases.models import Case
from linkage.errors import ApplicationError
from linkage.identifiers import resident_id_check_char
from linkage.models import Delivery, Notification
from members.models import Community
from tests import factories
from tests.cases.test_api import CASE_BODY
from tests.cases.test_pages import case_post, file_case

pytestmark = pytest.mark.django_db

REFUSED = "户籍或住所地村（居）委会应为本院辖区内在册的村（居）委会。"
# Debtor name → where it is registered and what happens to its listing.
DEBTORS = {
    "甲东": ("east", "published"),
    "乙西": ("west", "published"),
    "丙街": ("street", "published"),  # the subdistrict only: the community unknown
    "丁东": ("east", "proposed"),
    "戊东": ("east", "revoked"),
    "己无": (None, "published"),  # registered nowhere
}


def resident_id(seq):
    first17 = f"44010319850615{seq:03d}"
    return first17 + resident_id_check_char(first17)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


@pytest.fixture
def street(court):
    return factories.OrganisationFactory(kind="subdistrict", name="测试区多宝街道办事处", short_name="多宝街",
                                         jurisdiction=court.jurisdiction, measures=["publish"])


@pytest.fixture
def east(street):
    return Community.objects.create(subdistrict=street, code="c-east", name="东风社区")


@pytest.fixture
def west(street):
    return Community.objects.create(subdistrict=street, code="c-west", name="西湖村", kind="village")


@pytest.fixture
def far_community(db):
    far = factories.JurisdictionFactory(code="far", name="远方辖区")
    far_street = factories.OrganisationFactory(kind="subdistrict", name="远方街道办事处", short_name="远方街",
                                               jurisdiction=far)
    return Community.objects.create(subdistrict=far_street, code="c-far", name="远方社区")


def grid_liaison(community, mobile):
    return factories.UserFactory(role="grid", organisation=community.subdistrict, community=community, mobile=mobile)


@pytest.fixture
def grid_east(east):
    return grid_liaison(east, "13800000001")


@pytest.fixture
def grid_west(west):
    return grid_liaison(west, "13800000002")


@pytest.fixture
def listed(clerk, leader, street, east, west):
    """One case with the debtors of `DEBTORS`, filed with their registration, and their listings as named there."""
    places = {"east": {"community": east.code}, "west": {"community": west.code}, "street": {"subdistrict": street.code},
              None: {}}
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执900号", amount="50000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "申请人", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": name, "id_number": resident_id(index + 1), **places[where]}
                 for index, (name, (where, _)) in enumerate(DEBTORS.items())],
    )
    listings = {}
    for debtor in case.parties.debtors():
        listing = listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产")
        state = DEBTORS[debtor.name][1]
        if state != "proposed":
            listing = listing_services.approve_listing(actor=leader, listing=listing)
        if state == "revoked":
            listing = listing_services.revoke_listing(actor=clerk, listing=listing, reason="错误纳入")
        listings[debtor.name] = listing
    return case, listings


def names_in(text):
    return {name for name in DEBTORS if name in text}


# ----------------------------------------------------------------------------------------- what each posting lists


def test_the_filing_records_each_debtors_community_and_its_subdistrict(listed, street, east, west):
    case, _ = listed
    debtors = {party.name: party for party in case.parties.debtors()}
    assert (debtors["甲东"].community, debtors["甲东"].subdistrict) == (east, street)
    assert (debtors["乙西"].community, debtors["乙西"].subdistrict) == (west, street)
    assert (debtors["丙街"].community, debtors["丙街"].subdistrict) == (None, street)
    assert (debtors["己无"].community, debtors["己无"].subdistrict) == (None, None)


def test_a_communitys_posting_lists_exactly_its_registered_published_debtors(listed, clerk, street, east, west):
    assert [row["name"] for row in community_listings(east)] == ["甲东"]
    assert [row["name"] for row in community_listings(west)] == ["乙西"]
    response = login(clerk).get(reverse("blacklist:community-unit-posting", args=[east.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert names_in(text) == {"甲东"}
    assert "东风社区" in text and "测试区多宝街道办事处" in text and "共 1 名" in text
    assert resident_id(1)[:6] + "********" + resident_id(1)[-4:] in text and resident_id(1) not in text
    assert names_in(pdf_text(login(clerk).get(reverse("blacklist:community-unit-posting", args=[west.code])).content)) \
        == {"乙西"}


def test_the_subdistricts_posting_lists_both_communities_and_its_own(listed, clerk, street):
    assert sorted(row["name"] for row in community_listings(street)) == sorted(["甲东", "乙西", "丙街"])
    text = pdf_text(login(clerk).get(reverse("blacklist:community-posting", args=[street.code])).content)
    assert names_in(text) == {"甲东", "乙西", "丙街"} and "共 3 名" in text


def test_a_debtor_recorded_only_by_community_is_on_the_subdistricts_posting(clerk, leader, street, east):
    """A party whose subdistrict was never written (data from before the community) is found by its community."""
    case = file_case(clerk)
    debtor = case.parties.debtors().get()
    type(debtor).objects.filter(pk=debtor.pk).update(community=east, subdistrict=None)
    listing = listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产")
    listing_services.approve_listing(actor=leader, listing=listing)
    assert [row["name"] for row in community_listings(street)] == ["王堃"]


# ------------------------------------------------------------------------------------------------ who reads them


def test_who_reads_a_communitys_posting(listed, street, east, grid_east, grid_west, clerk, leader, committee_user,
                                        other_liaison, api_for):
    readers = {
        "the community's grid liaison": (grid_east, 200),
        "another community's grid liaison": (grid_west, 404),
        "the subdistrict's liaison": (factories.LiaisonFactory(organisation=street), 200),
        "another unit's liaison": (other_liaison, 404),
        "the court's clerk": (clerk, 200),
        "the court's leader": (leader, 200),
        "the committee": (committee_user, 200),
        "another jurisdiction's clerk": (factories.ClerkFactory(organisation=factories.CourtFactory(
            jurisdiction=factories.JurisdictionFactory(code="far2", name="远方二"))), 404),
    }
    page = reverse("blacklist:community-unit-posting", args=[east.code])
    api = f"/api/v1/communities/{east.code}/posting.pdf"
    for who, (user, status) in readers.items():
        assert login(user).get(page).status_code == status, who
        if not user.is_grid:  # a grid liaison has no API token (members/sms_login.py): it reads the page only
            assert api_for(user).get(api).status_code == status, who
    assert login(grid_east).get(api).status_code == 404  # its session does not open the API either (confinement)
    # The grid liaison reads its own community's posting, not the subdistrict's.
    assert login(grid_east).get(reverse("blacklist:community-posting", args=[street.code])).status_code == 404
    assert login(clerk).get(reverse("blacklist:community-unit-posting", args=["no-such"])).status_code == 404
    Community.objects.filter(pk=east.pk).update(active=False)  # a community that went: nobody's posting
    assert login(clerk).get(page).status_code == 404
    assert api_for(clerk).get(api).status_code == 404


# ------------------------------------------------------------------------------------- setting it on the case


def test_the_filing_form_offers_the_communities_by_subdistrict_and_sets_one(clerk, street, east, west, far_community):
    client = login(clerk)
    page = client.get(reverse("cases:create")).content.decode()
    assert 'name="debtors-0-community"' in page and 'name="applicants-0-community"' not in page
    assert f'<optgroup label="{street.name}">' in page and f'value="{east.code}"' in page
    assert far_community.code not in page
    response = client.post(reverse("cases:create"), case_post(**{"debtors-0-community": west.code}))
    assert response.status_code == 302
    debtor = Case.objects.get().parties.get(name="王堃")
    assert (debtor.community, debtor.subdistrict) == (west, street)


def test_the_filing_form_refuses_another_jurisdictions_community(clerk, east, far_community):
    response = login(clerk).post(reverse("cases:create"), case_post(**{"debtors-0-community": far_community.code}))
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_shows_and_sets_the_community(clerk, street, east, west, far_community):
    case = file_case(clerk)
    debtor = case.parties.debtors().get()
    client = login(clerk)
    url = reverse("cases:party-subdistrict", args=[case.pk, debtor.pk])
    prefix = f"party{debtor.pk}"

    response = client.post(url, {f"{prefix}-community": east.code, f"{prefix}-subdistrict": ""}, follow=True)
    page = response.content.decode()
    assert "已登记王堃的户籍或住所地村（居）委会：东风社区（测试区多宝街道办事处）。" in page
    assert "户籍或住所地村（居）委会：东风社区" in page
    debtor.refresh_from_db()
    assert (debtor.community, debtor.subdistrict) == (east, street)

    for refused in (far_community.code, "no-such"):
        page = client.post(url, {f"{prefix}-community": refused}, follow=True).content.decode()
        assert REFUSED in page
        debtor.refresh_from_db()
        assert debtor.community == east  # nothing changed

    Community.objects.filter(pk=west.pk).update(active=False)
    with pytest.raises(ApplicationError, match="户籍或住所地村（居）委会应为本院辖区内在册的村（居）委会"):
        case_services.set_debtor_subdistrict(actor=clerk, party=debtor, community=west.code)
    debtor.refresh_from_db()
    assert debtor.community == east

    # The community unknown: the subdistrict alone, the community cleared.
    client.post(url, {f"{prefix}-community": "", f"{prefix}-subdistrict": str(street.pk)})
    debtor.refresh_from_db()
    assert (debtor.community, debtor.subdistrict) == (None, street)


def test_the_api_reads_and_writes_the_community(api_for, clerk, street, east, west, far_community):
    other_street = factories.OrganisationFactory(kind="subdistrict", name="测试区另一街道办事处", short_name="另一街",
                                                 jurisdiction=street.jurisdiction)
    case = file_case(clerk)
    debtor = case.parties.debtors().get()
    api = api_for(clerk)
    url = f"/api/v1/cases/{case.pk}/parties/{debtor.pk}/"

    response = api.patch(url, {"community": east.code}, format="json")
    assert response.status_code == 200, response.json()
    row = response.json()["debtors"][0]
    assert (row["community"], row["community_name"], row["subdistrict"]) == (east.code, "东风社区", street.code)

    response = api.patch(url, {"community": far_community.code}, format="json")
    assert response.status_code == 400 and response.json()["community"] == [REFUSED]
    response = api.patch(url, {"community": west.code, "subdistrict": other_street.code}, format="json")
    assert response.status_code == 400
    assert response.json()["community"] == ["所选村（居）委会不属于所选街道（乡镇）。"]
    debtor.refresh_from_db()
    assert (debtor.community, debtor.subdistrict) == (east, street)

    # The subdistrict alone keeps a community under it and drops one that is not.
    assert api.patch(url, {"subdistrict": street.code}, format="json").json()["debtors"][0]["community"] == east.code
    row = api.patch(url, {"subdistrict": other_street.code}, format="json").json()["debtors"][0]
    assert (row["community"], row["subdistrict"]) == (None, other_street.code)


def test_the_api_files_a_debtor_with_its_community(api_for, clerk, street, east, far_community):
    body = {**CASE_BODY, "debtors": [{**CASE_BODY["debtors"][0], "community": east.code}, CASE_BODY["debtors"][1]]}
    response = api_for(clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    person, organisation = response.json()["debtors"]
    assert (person["community"], person["subdistrict"]) == (east.code, street.code)
    assert organisation["community"] is None

    body = {**CASE_BODY, "number": "（2026）粤0103执9999号",
            "debtors": [{**CASE_BODY["debtors"][0], "community": far_community.code}]}
    response = api_for(clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and response.json()["debtors"] == [f"被执行人1（王堃）：{REFUSED}"]
    assert Case.objects.count() == 1


# ------------------------------------------------------------------------------------- the grid liaison is told


def test_publishing_tells_the_communitys_grid_liaison_once_and_delisting_to_take_it_down(
        clerk, leader, east, grid_east, grid_west):
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执901号", amount="50000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "申请人", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "甲东", "id_number": resident_id(1), "community": east.code}],
    )
    listing = listing_services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3,
                                               facts="转移财产")
    assert not Notification.objects.filter(recipient=grid_east).exists()  # a proposal is not posted

    listing_services.approve_listing(actor=leader, listing=listing)
    posting = reverse("blacklist:community-unit-posting", args=[east.code])
    (told,) = Notification.objects.filter(recipient=grid_east)
    assert told.kind == "community_posting_added" and told.link == posting and "甲东" in told.title
    assert Delivery.objects.filter(channel="sms", address="13800000001").count() == 1
    assert not Notification.objects.filter(recipient=grid_west).exists()

    listing_services.revoke_listing(actor=clerk, listing=listing, reason="错误纳入")
    assert list(Notification.objects.filter(recipient=grid_east).values_list("kind", flat=True).order_by("pk")) == [
        "community_posting_added", "community_posting_removed"]
    assert Delivery.objects.filter(channel="sms", address="13800000001").count() == 2


def test_the_subdistricts_page_links_each_communitys_posting(clerk, other_liaison, street, east, west):
    Community.objects.filter(pk=west.pk).update(active=False)
    page = login(clerk).get(reverse("members:organisation", args=[street.code])).content.decode()
    assert f'href="{reverse("blacklist:community-unit-posting", args=[east.code])}"' in page
    assert reverse("blacklist:community-unit-posting", args=[west.code]) not in page  # a community that went
    page = login(other_liaison).get(reverse("members:organisation", args=[street.code])).content.decode()
    assert "community-postings" not in page
