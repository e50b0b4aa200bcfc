"""The listings API: propose → approve → delete with tokens; who sees what (404); wrong state (409); Chinese 400s;
the committee reads only."""

import datetime

import pytest
from django.utils import timezone

from blacklist.models import Listing, ListingEvent, ListingState
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db
ADULT = "44010319850615123X"
MINOR = "440103201003014561"  # born 2010-03-01


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执777号", amount="80000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初99号", filed_on="2026-01-05", obligation="给付货款80000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "张伟", "id_number": ADULT},
            {"kind": "person", "name": "小明", "id_number": MINOR},
        ],
    )


def debtor(case, name):
    return case.parties.get(name=name)


def propose(api, case, name="张伟", **extra):
    body = {"debtor": debtor(case, name).pk, "ground": 3, "facts": "转移财产规避执行", **extra}
    return api.post("/api/v1/listings/", body, format="json")


def test_propose_approve_delete(api_for, clerk, leader, case):
    clerk_api, leader_api = api_for(clerk), api_for(leader)
    response = propose(clerk_api, case, period_years=3)
    assert response.status_code == 201, response.json()
    listing = response.json()
    assert (listing["state"], listing["state_display"], listing["ground"], listing["period_years"]) == (
        "proposed", "待审批", 3, 3)
    assert listing["ground_display"].startswith("以虚假诉讼")
    assert (listing["name"], listing["id_number"], listing["identifier"], listing["sex"]) == ("张伟", ADULT, ADULT, "男")
    assert listing["case_number"] == "（2026）粤0103执777号" and listing["unperformed_amount"] == "80000.00"
    assert [e["action"] for e in listing["events"]] == ["propose"]
    lid = listing["id"]

    # A clerk may not approve; the leader does.
    assert clerk_api.post(f"/api/v1/listings/{lid}/approve/", {}, format="json").status_code == 403
    response = leader_api.post(f"/api/v1/listings/{lid}/approve/", {"reason": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    today = timezone.localdate()
    assert body["state"] == "published" and body["published_on"] == today.isoformat()
    assert body["ends_on"] == today.replace(year=today.year + 3).isoformat()

    response = clerk_api.post(f"/api/v1/listings/{lid}/delete/",
                              {"ground": "performed", "arose_on": today.isoformat(), "reason": "已履行"},
                              format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "deleted" and body["deletion_ground"] == "performed"
    assert body["removal_due_at"] is not None
    assert [e["action"] for e in body["events"]] == ["propose", "approve", "delete"]
    assert body["events"][2]["data"]["on_time"] is True
    assert list(ListingEvent.objects.filter(pushed=True).values_list("action", flat=True)) == ["approve", "delete"]

    listed = clerk_api.get("/api/v1/listings/?state=deleted").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == lid
    assert clerk_api.get("/api/v1/listings/?state=published").json()["count"] == 0
    # HTTP DELETE is not a way to delete a listing.
    assert clerk_api.delete(f"/api/v1/listings/{lid}/").status_code == 405


def test_other_actions(api_for, clerk, leader, case):
    api = api_for(clerk)
    lid = propose(api, case).json()["id"]
    assert api.post(f"/api/v1/listings/{lid}/withdraw/", {"reason": ""}, format="json").status_code == 400
    assert api.post(f"/api/v1/listings/{lid}/withdraw/", {"reason": "材料不全"}, format="json").json()["state"] == (
        "withdrawn")
    lid = propose(api, case).json()["id"]
    api_for(leader).post(f"/api/v1/listings/{lid}/approve/", format="json")
    assert api.post(f"/api/v1/listings/{lid}/shield/", {"reason": "异议审查中"}, format="json").json()["state"] == (
        "shielded")
    assert api.post(f"/api/v1/listings/{lid}/unshield/", {}, format="json").json()["state"] == "published"
    response = api.post(f"/api/v1/listings/{lid}/correct/",
                        {"changes": {"basis_number": "（2025）粤0103民初100号"}, "reason": "文号笔误"}, format="json")
    assert response.status_code == 200 and response.json()["basis_number"] == "（2025）粤0103民初100号"
    bad = api.post(f"/api/v1/listings/{lid}/correct/", {"changes": {"state": "deleted"}, "reason": "x"},
                   format="json")
    assert bad.status_code == 400 and "只能更正" in bad.json()["changes"][0]
    response = api.post(f"/api/v1/listings/{lid}/revoke/", {"reason": "错误纳入"}, format="json")
    assert response.json()["state"] == "revoked"


def test_wrong_state_is_409(api_for, clerk, leader, case):
    api = api_for(clerk)
    lid = propose(api, case).json()["id"]
    response = api.post(f"/api/v1/listings/{lid}/delete/",
                        {"ground": "performed", "arose_on": timezone.localdate().isoformat()}, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "proposed" and "不能删除" in response.json()["detail"]
    api_for(leader).post(f"/api/v1/listings/{lid}/approve/", format="json")
    response = api_for(leader).post(f"/api/v1/listings/{lid}/approve/", format="json")
    assert response.status_code == 409 and response.json()["state"] == "published"


def test_minor_is_a_chinese_400_and_writes_nothing(api_for, clerk, case):
    response = propose(api_for(clerk), case, name="小明")
    assert response.status_code == 400
    assert "未满十八周岁" in response.json()["debtor"][0]
    assert not Listing.objects.exists()


def test_bad_input_is_a_chinese_400(api_for, clerk, case):
    api = api_for(clerk)
    response = api.post("/api/v1/listings/", {"debtor": debtor(case, "张伟").pk, "ground": 9, "facts": "x"},
                        format="json")
    assert response.status_code == 400 and "ground" in response.json()
    response = propose(api, case, ground=1, security_covers_debt=True)
    assert response.status_code == 400 and "不得以第一项情形" in response.json()["ground"][0]
    response = propose(api, case, period_years=6)
    assert response.status_code == 400 and "period_years" in response.json()


def test_other_court_and_liaisons_get_404(api_for, clerk, leader, liaison, case):
    lid = propose(api_for(clerk), case).json()["id"]
    other_clerk = factories.ClerkFactory()
    other_leader = factories.LeaderFactory()
    for user in (other_clerk, other_leader, liaison):
        api = api_for(user)
        assert api.get(f"/api/v1/listings/{lid}/").status_code == 404
        assert api.get("/api/v1/listings/").json()["count"] == 0
    assert api_for(other_leader).post(f"/api/v1/listings/{lid}/approve/", format="json").status_code == 404
    assert api_for(other_clerk).post(f"/api/v1/listings/{lid}/withdraw/", {"reason": "x"},
                                     format="json").status_code == 404
    # Another court's clerk cannot propose for this court's debtor either (and learns nothing of it).
    response = propose(api_for(other_clerk), case)
    assert response.status_code == 400 and response.json()["debtor"] == ["被执行人不存在。"]
    # A liaison may not propose at all.
    assert propose(api_for(liaison), case).status_code == 403
    assert Listing.objects.get(pk=lid).state == ListingState.PROPOSED


def test_committee_reads_all_but_writes_nothing(api_for, clerk, committee_user, case):
    lid = propose(api_for(clerk), case).json()["id"]
    api = api_for(committee_user)
    assert api.get("/api/v1/listings/").json()["count"] == 1
    assert api.get(f"/api/v1/listings/{lid}/").status_code == 200
    for path in ("", f"{lid}/approve/", f"{lid}/withdraw/", f"{lid}/delete/"):
        response = api.post(f"/api/v1/listings/{path}", {"reason": "x"}, format="json")
        assert response.status_code == 403, path
    assert propose(api, case).status_code == 403
    assert Listing.objects.count() == 1


def test_anonymous_is_401(client, case):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/listings/").status_code == 401


def test_decided_on_is_the_age_date(api_for, clerk, case):
    response = propose(api_for(clerk), case, decided_on=datetime.date(2026, 6, 1).isoformat())
    assert response.status_code == 201 and response.json()["decided_on"] == "2026-06-01"
