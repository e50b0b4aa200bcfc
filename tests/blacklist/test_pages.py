"""Listing pages: who sees what (404 otherwise), the propose form's Chinese refusal writes nothing, the leader's
approve button, moves by POST."""

import pytest
from django.test import Client
from django.utils import timezone

from blacklist.listings import services
from blacklist.models import Listing, ListingState
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db
ADULT = "44010319850615123X"
MINOR = "440103201003014561"


@pytest.fixture
def browser(db):
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执888号", amount="60000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初77号", filed_on="2026-01-05", obligation="给付货款60000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": ADULT},
                 {"kind": "person", "name": "小明", "id_number": MINOR}],
    )


@pytest.fixture
def listing(clerk, case):
    return services.propose_listing(actor=clerk, debtor=case.parties.get(name="张伟"), ground=3, facts="转移财产")


def test_who_sees_what(browser, clerk, leader, liaison, committee_user, listing):
    detail = f"/listings/{listing.pk}/"
    for user in (clerk, leader, committee_user):
        assert browser(user).get(detail).status_code == 200
        page = browser(user).get("/listings/")
        assert page.status_code == 200 and "张伟" in page.content.decode()
    for user in (factories.ClerkFactory(), factories.LeaderFactory(), liaison):
        assert browser(user).get(detail).status_code == 404
    assert browser(liaison).get("/listings/").status_code == 404
    assert "张伟" not in browser(factories.ClerkFactory()).get("/listings/").content.decode()
    assert browser(factories.ClerkFactory()).get(f"/cases/{listing.case_id}/listings/new/").status_code == 404
    assert browser(leader).get(f"/cases/{listing.case_id}/listings/new/").status_code == 404
    filtered = browser(clerk).get("/listings/?state=published").content.decode()
    assert "张伟" not in filtered


def test_propose_form(browser, clerk, case):
    client = browser(clerk)
    url = f"/cases/{case.pk}/listings/new/"
    assert client.get(url).status_code == 200
    minor = case.parties.get(name="小明")
    response = client.post(url, {"debtor": minor.pk, "ground": 3, "facts": "转移财产"})
    assert response.status_code == 400 and "未满十八周岁" in response.content.decode()
    response = client.post(url, {"debtor": case.parties.get(name="张伟").pk, "ground": 1, "facts": "拒不履行",
                                 "security_covers_debt": "on"})
    assert response.status_code == 400 and "已提供足额担保" in response.content.decode()
    assert not Listing.objects.exists()
    response = client.post(url, {"debtor": case.parties.get(name="张伟").pk, "ground": 3, "facts": "转移财产",
                                 "period_years": 3})
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/listings/{listing.pk}/"
    assert listing.period_years == 3 and listing.state == ListingState.PROPOSED


def test_leader_approves_clerk_deletes(browser, clerk, leader, listing):
    detail = f"/listings/{listing.pk}/"
    assert 'id="action-approve"' in browser(leader).get(detail).content.decode()
    clerk_page = browser(clerk).get(detail).content.decode()
    assert 'id="action-approve"' not in clerk_page and 'id="action-withdraw"' in clerk_page
    # A clerk posting approve anyway is refused by the service.
    response = browser(clerk).post(f"{detail}approve/", {"approve-reason": ""})
    assert response.status_code == 400 and "只有本院执行局领导" in response.content.decode()
    response = browser(leader).post(f"{detail}approve/", {"approve-reason": "同意"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED
    page = browser(clerk).get(detail).content.decode()
    assert 'id="action-delete"' in page and 'id="action-shield"' in page and 'id="removal-due-at"' not in page
    bad = browser(clerk).post(f"{detail}delete/", {"delete-ground": "", "delete-arose_on": ""})
    assert bad.status_code == 400 and "请选择法定的删除事由" in bad.content.decode()
    ok = browser(clerk).post(f"{detail}delete/", {"delete-ground": "performed",
                                                 "delete-arose_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    page = browser(clerk).get(detail).content.decode()
    assert 'id="removal-due-at"' in page and 'id="removal-on-time"' in page and "已删除" in page
    assert browser(committee_user_page := factories.CommitteeUserFactory()).get(detail).status_code == 200
    assert 'id="listing-actions"' not in browser(committee_user_page).get(detail).content.decode()
