"""Issue 17 items 5 and 8 on notices: a huge note or reply is refused in Chinese and writes nothing, through the API
and the pages; a "found at" moment cannot lie in the future or before 1949-10-01."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance.models import Notice, NoticeEvent, Reply
from tests import factories
from tests.assistance.helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db

HUGE = "a" * 1_000_000
ITEM = {"property_kind": "bank_account", "description": "查询被执行人名下银行存款"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(clerk):
    return file_case(clerk)


@pytest.fixture
def market(court):
    return factories.OrganisationFactory(measures=["inquiry", "freeze", "locate_person"],
                                         jurisdiction=court.jurisdiction)


def draft_body(case, unit, **overrides):
    return {"case": case.pk, "units": [unit.pk], "measure": "inquiry", "debtor": case.parties.debtors().first().pk,
            "items": [ITEM], "ruling_number": "（2026）粤0103执1234号之一", **overrides}


def test_a_million_character_note_is_refused_by_the_api_in_chinese_and_nothing_is_written(api_for, clerk, case,
                                                                                           market):
    response = api_for(clerk).post("/api/v1/notices/", draft_body(case, market, note=HUGE), format="json")
    assert response.status_code == 400
    assert "其他事项不能超过2000字（现有1000000字）" in str(response.json())
    assert not Notice.objects.exists()
    ok = api_for(clerk).post("/api/v1/notices/", draft_body(case, market, note="字" * 2000), format="json")
    assert ok.status_code == 201, ok.json()


def test_a_million_character_note_is_a_form_error_on_the_draft_page(clerk, case, market):
    client = Client()
    client.force_login(clerk)
    data = {
        "measure": "inquiry", "units": [str(market.pk)], "debtor": str(case.parties.debtors().first().pk),
        "ruling_number": "（2026）粤0103执1234号之一", "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条",
        "note": HUGE, "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-0-property_kind": "bank_account", "items-0-description": "查询银行存款", "save": "1",
    }
    response = client.post(reverse("assistance:draft", args=[case.pk]), data)
    assert response.status_code == 400
    assert "其他事项不能超过2000字（现有1000000字）" in response.content.decode()
    assert not Notice.objects.exists()


@pytest.fixture
def acknowledged(clerk, leader, liaison, case, unit):
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=[ITEM])
    return advance(notice, "acknowledged", clerk=clerk, leader=leader, liaison=liaison)


def test_an_overlong_reply_is_refused_and_writes_nothing(api_for, liaison, acknowledged):
    events = NoticeEvent.objects.count()
    response = api_for(liaison).post(f"/api/v1/notices/{acknowledged.pk}/reply/",
                                     {"outcome": "not_found", "text": HUGE}, format="json")
    assert response.status_code == 400
    assert "说明不能超过10000字（现有1000000字）" in str(response.json())
    assert not Reply.objects.exists() and NoticeEvent.objects.count() == events


def test_an_overlong_reason_on_a_button_is_refused(api_for, liaison, acknowledged):
    response = api_for(liaison).post(f"/api/v1/notices/{acknowledged.pk}/review-suggestions/",
                                     {"reason": HUGE}, format="json")
    assert response.status_code == 400
    assert "审查建议不能超过2000字（现有1000000字）" in str(response.json())
    assert not acknowledged.review_suggestions.exists()


@pytest.mark.parametrize("found_at, message", [
    (lambda: timezone.now() + datetime.timedelta(days=2), "不能晚于今天"),
    (lambda: datetime.datetime(1900, 1, 1, 9, tzinfo=datetime.UTC), "不能早于1949年10月01日"),
])
def test_a_found_at_in_the_future_or_before_1949_is_refused(clerk, leader, liaison, case, court, api_for,
                                                             found_at, message):
    police = factories.OrganisationFactory(measures=["locate_person"], jurisdiction=court.jurisdiction)
    police_liaison = factories.LiaisonFactory(organisation=police, liaison_role="A")
    notice = draft_notice(clerk, case, police, measure="locate_person",
                          items=[{"description": "查找被执行人下落"}],
                          tracking={"reason": "absconded", "contact_person": "林佩文", "contact_phone": "13912345678"})
    advance(notice, "acknowledged", clerk=clerk, leader=leader, liaison=police_liaison)
    response = api_for(police_liaison).post(
        f"/api/v1/notices/{notice.pk}/reply/",
        {"outcome": "done", "text": "已查找。",
         "results": [{"kind": "location", "location": "广州市荔湾区", "found_at": found_at().isoformat()}]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert message in str(response.json())
    assert not Reply.objects.exists()
