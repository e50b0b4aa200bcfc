"""`/api/v1/cases/`: filing, correcting and reading enforcement cases over the API, by role."""

import pytest

from assistance.models import Notice, NoticeState
from cases.models import Case, Party
from tests import factories
from tests.assistance_factories import CREDIT_CODE, PERSON_ID, CaseFactory, DebtorFactory, served_notice

pytestmark = pytest.mark.django_db

CASE_BODY = {
    "number": "(2026)粤0103执88号",
    "amount": "386500.00",
    "basis_issuer": "广州市荔湾区人民法院",
    "basis_number": "（2025）粤0103民初4567号",
    "filed_on": "2026-03-02",
    "applicants": [{"kind": "person", "name": "陈大文", "id_number": PERSON_ID}],
    "debtors": [
        {"kind": "person", "name": "王堃", "id_number": PERSON_ID.lower(), "is_deputy": True},
        {
            "kind": "organisation",
            "name": "广州市西关食府餐饮管理有限公司",
            "credit_code": CREDIT_CODE,
            "legal_representative": "黄建华",
        },
    ],
    "is_major": True,
}


def _rows():
    return Case.objects.count(), Party.objects.count()


def test_clerk_files_a_case_with_a_person_and_an_organisation_debtor(api_for, clerk, court):
    response = api_for(clerk).post("/api/v1/cases/", CASE_BODY, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "（2026）粤0103执88号"  # canonical full-width form
    assert body["court"] == court.code and body["court_name"] == court.name
    assert body["status"] == "in_progress" and body["status_display"] == "执行中"
    assert body["amount"] == "386500.00" and body["performed_amount"] == "0.00"
    assert body["officer_name"] == clerk.display_name
    person, organisation = body["debtors"]
    assert person["kind"] == "person" and person["id_number"] == PERSON_ID and person["is_deputy"] is True
    assert person["special_flags"] == ["人大代表"]
    assert organisation["credit_code"] == CREDIT_CODE and organisation["legal_representative"] == "黄建华"
    assert [a["name"] for a in body["applicants"]] == ["陈大文"]
    assert Case.objects.get(pk=body["id"]).parties.count() == 3


def test_wrong_id_check_digit_writes_nothing(api_for, clerk):
    before = _rows()
    bad = {**CASE_BODY, "debtors": [{"kind": "person", "name": "王堃", "id_number": "110105194912310021"}]}

    response = api_for(clerk).post("/api/v1/cases/", bad, format="json")

    assert response.status_code == 400
    message = response.json()["debtors"][0]
    assert message.startswith("被执行人1（王堃）：") and "校验" in message
    assert _rows() == before


def test_organisation_debtor_without_legal_representative_is_refused(api_for, clerk):
    bad = {**CASE_BODY, "debtors": [{"kind": "organisation", "name": "某公司", "credit_code": CREDIT_CODE}]}
    response = api_for(clerk).post("/api/v1/cases/", bad, format="json")
    assert response.status_code == 400
    assert "法定代表人" in response.json()["debtors"][0]


def test_nested_input_errors_are_flattened_in_chinese(api_for, clerk):
    bad = {**CASE_BODY, "debtors": [{"kind": "robot", "name": "某"}]}
    response = api_for(clerk).post("/api/v1/cases/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["debtors"][0].startswith("第1项：类型：")


def test_duplicate_number_is_refused(api_for, clerk):
    api = api_for(clerk)
    assert api.post("/api/v1/cases/", CASE_BODY, format="json").status_code == 201
    response = api.post("/api/v1/cases/", CASE_BODY, format="json")
    assert response.status_code == 400
    assert "已登记" in response.json()["number"][0]


@pytest.mark.parametrize("role", ["leader", "committee_user", "liaison", "admin_user"])
def test_only_a_clerk_files_cases(api_for, request, role):
    before = _rows()
    response = api_for(request.getfixturevalue(role)).post("/api/v1/cases/", CASE_BODY, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert _rows() == before


def test_case_list_shows_what_each_role_may_see(api_for, clerk, leader, committee_user, liaison, admin_user):
    own = CaseFactory(court=clerk.organisation)
    other = CaseFactory()

    def numbers(user):
        response = api_for(user).get("/api/v1/cases/")
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    assert numbers(clerk) == {own.number}
    assert numbers(leader) == {own.number}
    assert numbers(committee_user) == {own.number, other.number}
    assert numbers(liaison) == set()
    assert numbers(admin_user) == set()


def test_case_detail_is_404_for_whoever_may_not_see_it(api_for, clerk, committee_user, liaison, admin_user):
    case = CaseFactory(court=clerk.organisation)
    DebtorFactory(case=case)
    other_clerk = factories.ClerkFactory()
    url = f"/api/v1/cases/{case.pk}/"

    assert api_for(clerk).get(url).status_code == 200
    assert api_for(committee_user).get(url).json()["debtors"][0]["id_number"] == PERSON_ID
    for outsider in (other_clerk, liaison, admin_user):
        response = api_for(outsider).get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}


def test_case_list_filters_by_status(api_for, clerk):
    CaseFactory(court=clerk.organisation)
    concluded = CaseFactory(court=clerk.organisation, status="concluded")
    rows = api_for(clerk).get("/api/v1/cases/?status=concluded").json()["results"]
    assert [row["id"] for row in rows] == [concluded.pk]


def test_clerk_corrects_own_court_case(api_for, clerk):
    case = CaseFactory(court=clerk.organisation)
    response = api_for(clerk).patch(
        f"/api/v1/cases/{case.pk}/", {"performed_amount": "1000.50", "officer_phone": "020-81234567"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["performed_amount"] == "1000.50"
    assert response.json()["unperformed_amount"] == "98999.50"
    case.refresh_from_db()
    assert case.officer_phone == "020-81234567"


def test_case_patch_refusals(api_for, clerk, leader, committee_user):
    case = CaseFactory(court=clerk.organisation)
    url = f"/api/v1/cases/{case.pk}/"

    too_much = api_for(clerk).patch(url, {"performed_amount": "200000"}, format="json")
    assert too_much.status_code == 400 and "不能超过" in too_much.json()["performed_amount"][0]
    number = api_for(clerk).patch(url, {"number": "（2026）粤0103执9号"}, format="json")
    assert number.status_code == 400 and "不能在此修改" in number.json()["number"][0]
    assert api_for(leader).patch(url, {"is_major": True}, format="json").status_code == 403
    assert api_for(committee_user).patch(url, {"is_major": True}, format="json").status_code == 403
    assert api_for(factories.ClerkFactory()).patch(url, {"is_major": True}, format="json").status_code == 404
    case.refresh_from_db()
    assert case.performed_amount == 0 and case.is_major is False


def test_concluding_a_case_lifts_its_served_notices(api_for, clerk, leader, unit):
    notice = served_notice(clerk=clerk, leader=leader, unit=unit)

    response = api_for(clerk).post(
        f"/api/v1/cases/{notice.case_id}/status/", {"status": "concluded", "reason": "已全部履行"}, format="json"
    )
    assert response.status_code == 400 and "解除裁定书文号" in response.json()["lifting_ruling_number"][0]
    notice.refresh_from_db()
    assert notice.state == NoticeState.SERVED  # nothing changed

    response = api_for(clerk).post(
        f"/api/v1/cases/{notice.case_id}/status/",
        {"status": "concluded", "reason": "已全部履行", "lifting_ruling_number": "(2026)粤0103执1号之一"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status_display"] == "执行完毕"
    assert response.json()["lifting_ruling_number"] == "（2026）粤0103执1号之一"
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTING and notice.lift_ground == "concluded"


def test_status_change_refusals(api_for, clerk, leader, committee_user):
    case = CaseFactory(court=clerk.organisation)
    url = f"/api/v1/cases/{case.pk}/status/"
    bad = api_for(clerk).post(url, {"status": "finished"}, format="json")
    assert bad.status_code == 400 and bad.json()["status"]
    assert api_for(leader).post(url, {"status": "concluded"}, format="json").status_code == 403
    assert api_for(committee_user).post(url, {"status": "concluded"}, format="json").status_code == 403
    assert api_for(factories.ClerkFactory()).post(url, {"status": "concluded"}, format="json").status_code == 404
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert not Notice.objects.exists()


def test_case_list_query_count_does_not_grow(api_for, clerk, django_assert_max_num_queries):
    api = api_for(clerk)

    def file(count):
        for _ in range(count):
            case = CaseFactory(court=clerk.organisation)
            DebtorFactory(case=case)
            DebtorFactory(case=case)

    file(3)
    with django_assert_max_num_queries(15) as small:
        assert len(api.get("/api/v1/cases/").json()["results"]) == 3
    file(12)
    with django_assert_max_num_queries(15) as large:
        assert len(api.get("/api/v1/cases/").json()["results"]) == 15
    assert len(small.captured_queries) == len(large.captured_queries)
