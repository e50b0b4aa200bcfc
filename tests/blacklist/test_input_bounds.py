"""Issue 17 items 5 and 8 on listings: the facts and reasons are bounded, dates of past facts (decision, correction
received) are neither in the future nor before 1949-10-01, and a correction's applicant must be a visible name."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from blacklist.listings import services
from blacklist.models import CorrectionRequest, Listing, ListingEvent
from cases import services as case_services

pytestmark = pytest.mark.django_db

HUGE = "a" * 1_000_000
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执800号", amount="1000", basis_issuer="某院",
        basis_number="（2025）粤0103民初8号", filed_on="2026-01-05",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": "44010319850615123X"}],
    )


@pytest.fixture
def listing(case, clerk, leader):
    proposed = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    return services.approve_listing(actor=leader, listing=proposed)


def propose(api, case, **overrides):
    body = {"debtor": case.parties.debtors().get().pk, "ground": 3, "facts": "转移财产", **overrides}
    return api.post("/api/v1/listings/", body, format="json")


@pytest.mark.parametrize("overrides, message", [
    ({"facts": HUGE}, "失信行为具体情形不能超过10000字（现有1000000字）"),
    ({"decided_on": TOMORROW}, "决定日期不能晚于今天"),
    ({"decided_on": "1900-01-01"}, "决定日期不能早于1949年10月01日"),
])
def test_a_proposal_past_the_bounds_is_refused_in_chinese_and_writes_nothing(api_for, clerk, case, overrides,
                                                                              message):
    response = propose(api_for(clerk), case, **overrides)
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Listing.objects.exists()


def test_an_overlong_reason_is_refused(api_for, clerk, listing):
    events = ListingEvent.objects.count()
    response = api_for(clerk).post(f"/api/v1/listings/{listing.pk}/revoke/", {"reason": HUGE}, format="json")
    assert response.status_code == 400
    assert "不能超过2000字（现有1000000字）" in str(response.json())
    assert ListingEvent.objects.count() == events


def test_a_deletion_ground_before_1949_is_refused(api_for, clerk, listing):
    response = api_for(clerk).post(f"/api/v1/listings/{listing.pk}/delete/",
                                   {"ground": "performed", "arose_on": "1900-01-01"}, format="json")
    assert response.status_code == 400
    assert "事由发生日期不能早于1949年10月01日" in str(response.json())


@pytest.mark.parametrize("data, message", [
    ({"applicant": "\u200b", "content": "姓名有误"}, "申请人不能只由空白或不可见字符组成"),
    ({"applicant": "张\u202e伟", "content": "姓名有误"}, "申请人含有文字方向控制字符"),
    ({"applicant": "张伟", "content": HUGE}, "纠正事项和理由不能超过10000字（现有1000000字）"),
    ({"applicant": "张伟", "content": "姓名有误", "received_on": "1900-01-01"}, "收到日期不能早于1949年10月01日"),
])
def test_a_correction_request_page_refuses_and_writes_nothing(clerk, listing, data, message):
    client = Client()
    client.force_login(clerk)
    response = client.post(f"/listings/{listing.pk}/corrections/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_a_real_name_is_accepted_as_applicant(clerk, listing):
    client = Client()
    client.force_login(clerk)
    response = client.post(f"/listings/{listing.pk}/corrections/new/",
                           {"applicant": "阿卜杜拉·买买提", "content": "姓名有误"})
    assert response.status_code == 302
    assert CorrectionRequest.objects.get().applicant == "阿卜杜拉·买买提"


@pytest.mark.parametrize("changes, message", [
    ({"name": "张\u202e伟"}, "姓名或名称含有文字方向控制字符"),
    ({"facts": HUGE}, "失信行为具体情形不能超过10000字（现有1000000字）"),
])
def test_a_correction_keeps_the_models_rules(api_for, clerk, listing, changes, message):
    response = api_for(clerk).post(f"/api/v1/listings/{listing.pk}/correct/",
                                   {"changes": changes, "reason": "更正"}, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    listing.refresh_from_db()
    assert listing.name == "张伟" and listing.facts == "转移财产"
