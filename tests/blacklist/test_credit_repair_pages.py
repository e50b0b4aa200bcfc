"""Credit-repair pages: the court's list (own court only; the committee and other courts get 404), the clerk's form
from the listing's page, the leader's decision on the application's page, the certificate PDF; the public page
(the party check with the app's captcha, one refusal in Chinese whatever failed, the party's listings, the online
application, the certificate of a granted repair)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from blacklist.listings import services as listing_services
from blacklist.models import CreditRepair
from blacklist.public.credit_access import PHONE_REFUSAL, REFUSAL
from blacklist.repair import services as repairs
from tests import factories
from tests.blacklist.test_credit_repair import DEBTOR_ID, make_case, pdf_text, publish, receive
from tests.blacklist.test_public import resident_id
from tests.conftest import clear_own_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def login(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def listing(clerk, leader):
    return publish(clerk, leader, make_case(clerk).parties.debtors().get())


def test_the_clerk_registers_from_the_listing_and_the_leader_decides(login, clerk, leader, listing):
    page = login(clerk).get(reverse("blacklist:listing-detail", args=[listing.pk]))
    assert 'id="record-repair"' in page.content.decode()
    url = reverse("blacklist:repair-new", args=[listing.pk])
    assert login(clerk).get(url).status_code == 200
    refused = login(clerk).post(url, {"applicant_name": "王堃", "phone": "12", "ground": "performed",
                                      "statement": "已履行。"})
    assert refused.status_code == 400 and "请填写11位手机号码" in refused.content.decode()
    assert not CreditRepair.objects.exists()
    response = login(clerk).post(url, {"applicant_name": "王堃", "phone": "13800138000", "ground": "performed",
                                       "statement": "已履行。"})
    repair = CreditRepair.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("blacklist:repair-detail", args=[repair.pk])

    # The clerk sees it but is not offered the decision; a POST is refused with the table's message.
    detail = login(clerk).get(response["Location"]).content.decode()
    assert "王堃" in detail and 'id="decide-form"' not in detail
    decide = reverse("blacklist:repair-decide", args=[repair.pk])
    answer = login(clerk).post(decide, {"decide-decision": "deleted"})
    assert answer.status_code == 400 and "只有本院执行局领导可以决定信用修复" in answer.content.decode()

    assert 'id="decide-form"' in login(leader).get(response["Location"]).content.decode()
    no_reason = login(leader).post(decide, {"decide-decision": "refuse", "decide-reason": ""})
    assert no_reason.status_code == 400 and "请写明不予信用修复的理由" in no_reason.content.decode()
    assert login(leader).post(decide, {"decide-decision": "deleted", "decide-reason": "已履行。"}).status_code == 302
    repair.refresh_from_db()
    assert repair.state == "granted"
    pdf = login(clerk).get(reverse("blacklist:repair-certificate", args=[repair.pk]))
    assert pdf["Content-Type"] == "application/pdf" and repair.certificate_number in pdf_text(pdf.content)
    listed = login(leader).get(reverse("blacklist:repair-list")).content.decode()
    assert f'id="repair-{repair.pk}"' in listed and "准予信用修复" in listed


def test_who_sees_the_court_pages(login, clerk, leader, listing, committee_user, liaison):
    repair = receive(clerk, listing)
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=listing.court.jurisdiction))
    committee = factories.CommitteeUserFactory(organisation=factories.OrganisationFactory(
        kind="committee", jurisdiction=listing.court.jurisdiction))
    for user in (other_clerk, committee, liaison):
        client = login(user)
        assert client.get(reverse("blacklist:repair-detail", args=[repair.pk])).status_code == 404
        assert client.get(reverse("blacklist:repair-new", args=[listing.pk])).status_code == 404
        assert client.post(reverse("blacklist:repair-decide", args=[repair.pk]),
                           {"decide-decision": "deleted"}).status_code == 404
    assert f'id="repair-{repair.pk}"' not in login(other_clerk).get(reverse("blacklist:repair-list")).content.decode()
    assert login(committee).get(reverse("blacklist:repair-list")).status_code == 404
    # The committee reads the listing, but not the court's credit-repair card.
    assert "listing-repairs" not in login(committee).get(
        reverse("blacklist:listing-detail", args=[listing.pk])).content.decode()
    # No certificate before a grant.
    assert login(clerk).get(reverse("blacklist:repair-certificate", args=[repair.pk])).status_code == 404
    repair.refresh_from_db()
    assert repair.state == "pending"


def captcha_of(response):
    key = re.search(r'name="captcha_key" value="([^"]+)"', response.content.decode()).group(1)
    return key, cache.get(f"public-captcha:{key}")


def check(client, *, case_number="（2026）粤0103执801号", identity=DEBTOR_ID, phone="13800138000", answer=None):
    key, right = captcha_of(client.get(reverse("blacklist:public-credit")))
    return client.post(reverse("blacklist:public-credit"), {
        "case_number": case_number, "identity": identity, "phone": phone, "captcha_key": key,
        "captcha": right if answer is None else answer})


def message_of(response):
    return re.search(r'id="public-credit-message">([^<]*)<', response.content.decode()).group(1)


def test_the_public_check_refuses_alike_whatever_failed(listing):
    client = Client()
    page = client.get(reverse("blacklist:public-credit"))
    assert page.status_code == 200 and 'id="public-captcha-image"' in page.content.decode()
    key, _ = captcha_of(page)
    image = client.get(reverse("blacklist:public-captcha", args=[key]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    for wrong in ({"identity": resident_id(99)}, {"case_number": "（2026）粤0103执999号"}, {"answer": "00000x"},
                  {"identity": "王堃"}, {"case_number": "nonsense"}):
        response = check(client, **wrong)
        assert response.status_code == 400 and message_of(response) == REFUSAL
        assert "public-credit-party" not in response.content.decode()
    # A malformed phone number gets its own message, whether the rest was right or not (checked first).
    for identity in (DEBTOR_ID, resident_id(99)):
        response = check(client, identity=identity, phone="12")
        assert response.status_code == 400 and message_of(response) == PHONE_REFUSAL
    assert client.get(reverse("blacklist:public-credit-party", args=[listing.debtor_id])).status_code == 302
    assert client.get(reverse("blacklist:public-credit-party", args=[listing.debtor_id]))["Location"] == reverse(
        "blacklist:public-credit")
    # An applicant of the case passes the check but has no listing to repair.
    applicant = check(client, identity=resident_id(1))
    assert applicant.status_code == 302
    assert "本案中没有您的失信信息" in client.get(applicant["Location"]).content.decode()
    assert not CreditRepair.objects.exists()


def test_the_verified_party_applies_online_and_downloads_the_certificate(clerk, leader, listing):
    client = Client()
    party_url = reverse("blacklist:public-credit-party", args=[listing.debtor_id])
    assert client.get(party_url)["Location"] == reverse("blacklist:public-credit")  # not verified yet
    response = check(client)
    assert response.status_code == 302 and response["Location"] == party_url
    page = client.get(party_url).content.decode()
    assert "王堃" in page and "已发布" in page and f'id="apply-{listing.pk}"' in page
    assert 'value="13800138000"' in page  # the phone of the check, offered again
    assert "{# credit report link" not in page

    apply = reverse("blacklist:public-credit-apply", args=[listing.debtor_id, listing.pk])
    bad = client.post(apply, {f"apply{listing.pk}-ground": "", f"apply{listing.pk}-phone": "13800138000",
                              f"apply{listing.pk}-statement": "已履行。"})
    assert bad.status_code == 400 and "请选择申请事由" in bad.content.decode()
    done = client.post(apply, {f"apply{listing.pk}-ground": "performed", f"apply{listing.pk}-phone": "13800138000",
                               f"apply{listing.pk}-statement": "已于11月30日全部履行。"})
    assert done.status_code == 302
    repair = CreditRepair.objects.get()
    assert repair.channel == "online" and repair.listing == listing
    page = client.get(party_url).content.decode()
    assert f'id="apply-{listing.pk}"' not in page and "待审查" in page  # one pending application

    repairs.refuse_repair(actor=leader, repair=repair, reason="尚未提交履行凭证。")
    assert "尚未提交履行凭证" in client.get(party_url).content.decode()
    second = repairs.receive_repair(actor=clerk, listing=listing, ground="performed", applicant_name="王堃",
                                    phone="13800138000", statement="补交履行凭证。")
    repairs.grant_repair(actor=leader, repair=second, outcome="deleted")
    page = client.get(party_url).content.decode()
    certificate = reverse("blacklist:public-credit-certificate", args=[listing.debtor_id, second.pk])
    assert certificate in page and "已删除" in page
    pdf = client.get(certificate)
    assert pdf["Content-Type"] == "application/pdf" and DEBTOR_ID in pdf_text(pdf.content)
    # The refused one has no certificate; another browser (not verified) gets none either.
    assert client.get(reverse("blacklist:public-credit-certificate",
                              args=[listing.debtor_id, repair.pk])).status_code == 404
    assert Client().get(certificate).status_code == 404
    assert Client().post(apply, {f"apply{listing.pk}-ground": "performed"}).status_code == 302
    assert CreditRepair.objects.count() == 2


def test_the_public_check_is_rate_limited(settings, listing):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 1
    client = Client()
    check(client, identity=resident_id(99))
    assert check(client).status_code == 429


def test_the_api_lists_and_registers_for_the_court_only(api_for, clerk, leader, listing, committee_user):
    url = f"/api/v1/listings/{listing.pk}/credit-repairs/"
    body = {"ground": "performed", "applicant_name": "王堃", "phone": "13800138000", "statement": "已履行。"}
    created = api_for(clerk).post(url, body, format="json")
    assert created.status_code == 201 and created.json()["state"] == "pending"
    again = api_for(clerk).post(url, body, format="json")
    assert again.status_code == 400 and "待审查" in again.content.decode()
    rows = api_for(leader).get(url).json()
    assert [row["id"] for row in rows] == [created.json()["id"]] and rows[0]["ground_display"] == "已履行全部义务"
    other = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=listing.court.jurisdiction))
    assert api_for(other).get(url).status_code == 404
    assert api_for(other).post(url, body, format="json").status_code == 404
    assert api_for(committee_user).get(url).status_code == 404
    assert api_for(committee_user).post(url, body, format="json").status_code == 403
    assert CreditRepair.objects.count() == 1


def test_a_proposal_not_yet_approved_is_not_shown_to_the_party(clerk):
    debtor = make_case(clerk, number=803).parties.debtors().get()
    listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产",
                                     decided_on=datetime.date(2026, 9, 1))
    client = Client()
    response = check(client, case_number="（2026）粤0103执803号")
    page = client.get(response["Location"]).content.decode()
    assert "本案中没有您的失信信息" in page and "待审批" not in page
