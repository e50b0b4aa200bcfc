"""A debtor's registered subdistrict (户籍或住所地街道), set on the filing form, on the case's page and over the API,
refused in Chinese when it is not a subdistrict of the court's jurisdiction; once set, the subdistrict's community
posting lists the listed debtor (issue 19, item 5)."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from blacklist.listings import services as listing_services
from cases.models import Case, Party
from tests import factories
from tests.cases.test_api import CASE_BODY
from tests.cases.test_pages import case_post, file_case

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def street(court):
    return factories.OrganisationFactory(kind="subdistrict", name="测试区多宝街道办事处", short_name="多宝街",
                                         jurisdiction=court.jurisdiction, measures=["publish"])


@pytest.fixture
def far_street(db):
    far = factories.JurisdictionFactory(code="far", name="远方辖区")
    return factories.OrganisationFactory(kind="subdistrict", name="远方街道办事处", short_name="远方街", jurisdiction=far)


def debtor_of(case):
    return case.parties.debtors().order_by("position").first()


# ------------------------------------------------------------------------------------------------ the pages


def test_the_filing_form_sets_a_debtors_subdistrict(clerk, street):
    client = login(clerk)
    page = client.get(reverse("cases:create")).content.decode()
    assert 'name="debtors-0-subdistrict"' in page and street.name in page
    assert 'name="applicants-0-subdistrict"' not in page  # an applicant is never posted in a community
    response = client.post(reverse("cases:create"), case_post(**{"debtors-0-subdistrict": str(street.pk)}))
    assert response.status_code == 302
    case = Case.objects.get()
    assert debtor_of(case).subdistrict == street
    assert case.parties.get(name="某某贸易有限公司").subdistrict is None


def test_the_filing_form_refuses_another_jurisdictions_subdistrict(clerk, street, far_street):
    response = login(clerk).post(reverse("cases:create"), case_post(**{"debtors-0-subdistrict": str(far_street.pk)}))
    assert response.status_code == 400
    assert "户籍或住所地街道应为本院辖区内的街道（乡镇）。" in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_sets_and_clears_the_subdistrict(clerk, street, far_street):
    case = file_case(clerk)
    debtor = debtor_of(case)
    client = login(clerk)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "未登记（进社区公示需登记）" in page and 'class="d-flex flex-wrap gap-1 mt-1 subdistrict-form"' in page
    url = reverse("cases:party-subdistrict", args=[case.pk, debtor.pk])
    field = f"party{debtor.pk}-subdistrict"

    response = client.post(url, {field: str(street.pk)}, follow=True)
    debtor.refresh_from_db()
    assert debtor.subdistrict == street
    assert "已登记王堃的户籍或住所地街道：测试区多宝街道办事处。" in response.content.decode()
    assert f'href="{reverse("members:organisation", args=[street.code])}"' in response.content.decode()

    response = client.post(url, {field: str(far_street.pk)}, follow=True)
    assert "户籍或住所地街道应为本院辖区内的街道（乡镇）。" in response.content.decode()
    debtor.refresh_from_db()
    assert debtor.subdistrict == street  # nothing changed

    client.post(url, {field: ""})
    debtor.refresh_from_db()
    assert debtor.subdistrict is None


def test_only_the_courts_clerk_sets_it_from_the_page(clerk, leader, committee_user, liaison, street):
    case = file_case(clerk)
    debtor = debtor_of(case)
    url = reverse("cases:party-subdistrict", args=[case.pk, debtor.pk])
    data = {f"party{debtor.pk}-subdistrict": str(street.pk)}
    for outsider in (factories.ClerkFactory(), committee_user, liaison):
        assert login(outsider).post(url, data).status_code == 404
    # The leader sees the case but does not edit it: no form, and a post is refused in Chinese.
    leader_client = login(leader)
    assert "subdistrict-form" not in leader_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    refused = leader_client.post(url, data, follow=True).content.decode()
    assert "只有本院执行员可以办理此事项。" in refused
    applicant = case.parties.applicants().get()
    assert login(clerk).post(reverse("cases:party-subdistrict", args=[case.pk, applicant.pk]), data).status_code == 404
    debtor.refresh_from_db()
    assert debtor.subdistrict is None


# -------------------------------------------------------------------------------------------------- the API


def test_the_api_files_a_debtor_with_its_subdistrict(api_for, clerk, street):
    body = {**CASE_BODY, "debtors": [{**CASE_BODY["debtors"][0], "subdistrict": street.code}, CASE_BODY["debtors"][1]]}
    response = api_for(clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    person, organisation = response.json()["debtors"]
    assert person["subdistrict"] == street.code and person["subdistrict_name"] == street.name
    assert organisation["subdistrict"] is None and organisation["subdistrict_name"] is None


@pytest.mark.parametrize("where", ["far", "unit", "unknown"])
def test_the_api_refuses_a_subdistrict_outside_the_jurisdiction_in_chinese(api_for, clerk, far_street, unit, where):
    code = {"far": far_street.code, "unit": unit.code, "unknown": "no-such-street"}[where]
    body = {**CASE_BODY, "debtors": [{**CASE_BODY["debtors"][0], "subdistrict": code}]}
    response = api_for(clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert response.json()["debtors"] == ["被执行人1（王堃）：户籍或住所地街道应为本院辖区内的街道（乡镇）。"]
    assert not Case.objects.exists()


def test_the_api_refuses_a_subdistrict_for_an_applicant(api_for, clerk, street):
    body = {**CASE_BODY, "applicants": [{**CASE_BODY["applicants"][0], "subdistrict": street.code}]}
    response = api_for(clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "只有被执行人需要登记户籍或住所地街道" in response.json()["applicants"][0]


def test_the_api_sets_and_clears_an_existing_debtors_subdistrict(api_for, clerk, street, far_street):
    case = file_case(clerk)
    debtor = debtor_of(case)
    url = f"/api/v1/cases/{case.pk}/parties/{debtor.pk}/"
    api = api_for(clerk)

    response = api.patch(url, {"subdistrict": street.code}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["debtors"][0]["subdistrict"] == street.code

    response = api.patch(url, {"subdistrict": far_street.code}, format="json")
    assert response.status_code == 400
    assert response.json()["subdistrict"] == ["户籍或住所地街道应为本院辖区内的街道（乡镇）。"]
    debtor.refresh_from_db()
    assert debtor.subdistrict == street

    applicant = case.parties.applicants().get()
    response = api.patch(f"/api/v1/cases/{case.pk}/parties/{applicant.pk}/", {"subdistrict": street.code},
                         format="json")
    assert response.status_code == 400 and "只有被执行人" in response.json()["subdistrict"][0]
    assert api.patch(f"/api/v1/cases/{case.pk}/parties/999999/", {"subdistrict": street.code},
                     format="json").status_code == 404

    response = api.patch(url, {"subdistrict": None}, format="json")
    assert response.status_code == 200 and response.json()["debtors"][0]["subdistrict"] is None


def test_the_api_hides_another_courts_case_and_refuses_the_committee(api_for, clerk, leader, committee_user, street):
    case = file_case(clerk)
    url = f"/api/v1/cases/{case.pk}/parties/{debtor_of(case).pk}/"
    assert api_for(factories.ClerkFactory()).patch(url, {"subdistrict": street.code}, format="json").status_code == 404
    assert api_for(committee_user).patch(url, {"subdistrict": street.code}, format="json").status_code == 403
    response = api_for(leader).patch(url, {"subdistrict": street.code}, format="json")
    assert response.status_code == 403 and "只有本院执行员" in str(response.json())
    assert Party.objects.filter(subdistrict__isnull=False).count() == 0


# ------------------------------------------------------------------------------------ the posting then lists it


def test_the_posting_lists_the_debtor_once_its_subdistrict_is_set(api_for, clerk, leader, street, tmp_path):
    assert shutil.which("pdftotext"), "pdftotext missing: scripts/test installs Debian's poppler-utils"
    case = file_case(clerk)
    debtor = debtor_of(case)
    listing = listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产")
    listing_services.approve_listing(actor=leader, listing=listing)
    liaison = factories.LiaisonFactory(organisation=street)

    def posting_text():
        path = tmp_path / "posting.pdf"
        response = login(liaison).get(reverse("blacklist:community-posting", args=[street.code]))
        assert response.status_code == 200
        path.write_bytes(response.content)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert "王堃" not in posting_text() and "共 0 名" in posting_text()
    url = f"/api/v1/cases/{case.pk}/parties/{debtor.pk}/"
    assert api_for(clerk).patch(url, {"subdistrict": street.code}, format="json").status_code == 200
    text = posting_text()
    assert "王堃" in text and "共 1 名" in text and "执1234号" in text  # the table wraps the case number
    assert "440103********123X" in text
    assert "44010319850615123X" not in text  # masked as on the public list
