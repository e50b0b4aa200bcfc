"""The restriction order PDF and a subdistrict's community posting: real PDFs, right text, right readers."""

import datetime
import io

import pdfplumber
import pytest
from django.urls import reverse

from blacklist.listings import services
from blacklist.models import RestrictionOrder
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        width, height = pdf.pages[0].width, pdf.pages[0].height
        return "".join(page.extract_text() or "" for page in pdf.pages), (round(width), round(height))


@pytest.fixture
def published(court, clerk, leader):
    street = factories.OrganisationFactory(kind="subdistrict", name="测试区多宝街道办事处", short_name="多宝街",
                                           jurisdiction=court.jurisdiction, measures=["publish"])
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执700号", amount="80000", basis_issuer="某院", basis_number="（2025）粤0103民初7号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "王堃", "id_number": "44010319850615123X"}],
    )
    debtor = case.parties.debtors().get()
    debtor.subdistrict = street
    debtor.save()
    listing = services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产",
                                       decided_on=datetime.date(2026, 11, 20))
    services.approve_listing(actor=leader, listing=listing)
    return street, listing


def test_restriction_order_pdf(client_for, clerk, published):
    order = RestrictionOrder.objects.get()
    response = client_for(clerk).get(reverse("blacklist:restriction-pdf", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    text, size = pdf_text(response.content)
    assert size == (595, 842)
    for fragment in ("限制消费令", "申请执行人甲与被执行人王堃", "王堃", "（2026）粤0103执700号", "旅游、度假", "子女就读高收费私立学校"):
        assert fragment in text


def test_community_posting_lists_the_subdistricts_debtors_masked(client_for, clerk, published):
    street, listing = published
    liaison = factories.LiaisonFactory(organisation=street)
    response = client_for(liaison).get(reverse("blacklist:community-posting", args=[street.code]))
    text, _ = pdf_text(response.content)
    assert "失信被执行人名单公示" in text and "王堃" in text and "440103********123X" in text
    assert "44010319850615123X" not in text


def test_who_may_read_them(client_for, published, other_liaison, clerk):
    street, _ = published
    order = RestrictionOrder.objects.get()
    other = client_for(other_liaison)
    assert other.get(reverse("blacklist:community-posting", args=[street.code])).status_code == 404
    assert other.get(reverse("blacklist:restriction-pdf", args=[order.pk])).status_code == 404
    assert client_for(factories.ClerkFactory(organisation=factories.CourtFactory(
        jurisdiction=factories.JurisdictionFactory(code="far", name="远方")))).get(
        reverse("blacklist:restriction-pdf", args=[order.pk])).status_code == 404


def test_the_api_serves_the_same_documents_to_the_same_readers(api_for, clerk, published, other_liaison):
    street, _ = published
    order = RestrictionOrder.objects.get()
    liaison = factories.LiaisonFactory(organisation=street)
    restriction = api_for(clerk).get(f"/api/v1/restrictions/{order.pk}/pdf/")
    assert restriction.status_code == 200 and restriction["Content-Type"] == "application/pdf"
    assert "限制消费令" in pdf_text(restriction.content)[0]
    posting = api_for(liaison).get(f"/api/v1/subdistricts/{street.code}/posting.pdf")
    assert posting.status_code == 200 and "440103********123X" in pdf_text(posting.content)[0]
    other = api_for(other_liaison)
    assert other.get(f"/api/v1/restrictions/{order.pk}/pdf/").status_code == 404
    assert other.get(f"/api/v1/subdistricts/{street.code}/posting.pdf").status_code == 404
    assert api_for(liaison).get(f"/api/v1/restrictions/{order.pk}/pdf/").status_code == 404
