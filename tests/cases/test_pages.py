"""Case pages in the browser's shoes: who sees which list and case, filing a case with its parties, bad input
refused in Chinese with nothing written, the status change."""

import pytest
from django.test import Client
from django.urls import reverse

from cases import services as case_services
from cases.models import Case, CaseStatus, Party
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(db):
    """A separate logged-in client per user, so several people can act in one test."""

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


def file_case(clerk, number="(2026)粤0103执1234号", debtor_name="王堃"):
    return case_services.create_case(
        actor=clerk,
        number=number,
        amount="150000.00",
        basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初456号",
        filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": debtor_name, "id_number": "44010319850615123X"}],
    )


def case_post(**overrides):
    """The filing form as a browser posts it: 2 applicant rows, 3 debtor rows, the unused ones left empty."""
    data = {
        "number": "(2026)粤0103执88号",
        "amount": "250000.50",
        "filed_on": "2026-03-02",
        "basis_issuer": "广州市荔湾区人民法院",
        "basis_number": "（2025）粤0103民初789号",
        "obligation": "支付货款250000.50元",
        "officer_name": "",
        "officer_phone": "020-81000001",
        "applicants-TOTAL_FORMS": "2",
        "applicants-INITIAL_FORMS": "0",
        "applicants-0-kind": "person",
        "applicants-0-name": "陈申请",
        "applicants-0-id_number": "11010519491231002X",
        "applicants-1-kind": "person",
        "debtors-TOTAL_FORMS": "3",
        "debtors-INITIAL_FORMS": "0",
        "debtors-0-kind": "person",
        "debtors-0-name": "王堃",
        "debtors-0-id_number": "44010319850615123x",
        "debtors-1-kind": "organisation",
        "debtors-1-name": "某某贸易有限公司",
        "debtors-1-credit_code": "91110000600037341L",
        "debtors-1-legal_representative": "李四",
        "debtors-1-is_public_servant": "on",
        "debtors-2-kind": "person",
        "save": "1",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------------------------------ who sees what


def test_clerk_sees_own_court_cases_only(client_for, clerk):
    own = file_case(clerk)
    other = file_case(factories.ClerkFactory(), number="(2026)粤0104执5号", debtor_name="赵外院")
    client = client_for(clerk)
    body = client.get(reverse("cases:list")).content.decode()
    assert own.number in body and other.number not in body
    assert "登记案件" in body
    assert client.get(reverse("cases:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404


def test_search_by_number_and_party_name_and_status(client_for, clerk):
    first = file_case(clerk, debtor_name="王堃")
    second = file_case(clerk, number="(2026)粤0103执77号", debtor_name="欧阳燊")
    case_services.set_case_status(actor=clerk, case=second, status=CaseStatus.SUSPENDED)
    client = client_for(clerk)
    by_name = client.get(reverse("cases:list"), {"q": "欧阳"}).content.decode()
    assert second.number in by_name and first.number not in by_name
    by_number = client.get(reverse("cases:list"), {"q": "(2026)粤0103执1234"}).content.decode()
    assert first.number in by_number and second.number not in by_number
    by_id = client.get(reverse("cases:list"), {"q": "44010319850615123x"}).content.decode()
    assert first.number in by_id and second.number in by_id
    by_status = client.get(reverse("cases:list"), {"status": "suspended"}).content.decode()
    assert second.number in by_status and first.number not in by_status


def test_committee_reads_every_case_but_cannot_change_one(client_for, clerk, committee_user):
    case = file_case(clerk)
    client = client_for(committee_user)
    body = client.get(reverse("cases:list")).content.decode()
    assert case.number in body and "登记案件" not in body
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "王堃" in detail and "变更案件状态" not in detail and "起草协助执行通知书" not in detail
    assert client.get(reverse("cases:create")).status_code == 404
    response = client.post(reverse("cases:status", args=[case.pk]), {"status": "concluded"}, follow=True)
    assert "只有本院执行员可以办理此事项" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


@pytest.mark.parametrize("role_fixture", ["liaison", "admin_user"])
def test_liaisons_and_administrators_get_404(request, client_for, clerk, role_fixture):
    case = file_case(clerk)
    client = client_for(request.getfixturevalue(role_fixture))
    for url in (reverse("cases:list"), reverse("cases:create"), reverse("cases:detail", args=[case.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("cases:status", args=[case.pk]), {"status": "concluded"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_leader_reads_own_court_cases_but_does_not_file(client_for, clerk, leader):
    case = file_case(clerk)
    client = client_for(leader)
    assert case.number in client.get(reverse("cases:list")).content.decode()
    assert client.get(reverse("cases:create")).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_case_list_query_count_is_flat(client_for, clerk, django_assert_max_num_queries):
    client = client_for(clerk)
    file_case(clerk, number="(2026)粤0103执1号")
    client.get(reverse("cases:list"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("cases:list"))
    for serial in range(2, 12):
        file_case(clerk, number=f"(2026)粤0103执{serial}号")
    with django_assert_max_num_queries(15) as large:
        client.get(reverse("cases:list"))
    assert len(large.captured_queries) == len(small.captured_queries)


# ------------------------------------------------------------------------------------------------ filing


def test_clerk_files_a_case_with_parties_and_empty_rows_ignored(client_for, clerk):
    client = client_for(clerk)
    assert client.get(reverse("cases:create")).status_code == 200
    response = client.post(reverse("cases:create"), case_post())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.number == "（2026）粤0103执88号"
    assert case.court == clerk.organisation
    assert case.officer_name == clerk.display_name
    debtors = list(case.parties.debtors().order_by("position"))
    assert [d.name for d in debtors] == ["王堃", "某某贸易有限公司"]
    assert debtors[0].id_number == "44010319850615123X"
    assert debtors[1].credit_code == "91110000600037341L" and debtors[1].is_public_servant
    assert case.parties.applicants().count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "国家工作人员或国有企业" in page and "某某贸易有限公司" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"debtors-0-id_number": "110105194912310021"}, "被执行人1（王堃）"),
        ({"debtors-1-legal_representative": ""}, "组织作为被执行人须填写法定代表人或负责人"),
        ({"debtors-1-credit_code": "91110000600037341X"}, "被执行人2（某某贸易有限公司）"),
        (
            {
                "debtors-0-name": "",
                "debtors-0-id_number": "",
                "debtors-1-name": "",
                "debtors-1-credit_code": "",
                "debtors-1-legal_representative": "",
            },
            "至少需要一名被执行人",
        ),
        ({"applicants-0-name": "", "applicants-0-id_number": ""}, "至少需要一名申请执行人"),
        ({"number": "2026执1号"}, "案号"),
        ({"amount": "很多"}, "申请执行标的（元）"),
        ({"filed_on": ""}, "立案日期：该字段是必填项"),
    ],
)
def test_bad_filing_is_refused_in_chinese_and_writes_nothing(client_for, clerk, overrides, message):
    response = client_for(clerk).post(reverse("cases:create"), case_post(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "未能登记" in body
    assert not Case.objects.exists() and not Party.objects.exists()
    assert "某某贸易" in body or "debtors-1-name" in body  # the input is kept


def test_a_case_number_is_filed_once(client_for, clerk):
    file_case(clerk, number="(2026)粤0103执88号")
    response = client_for(clerk).post(reverse("cases:create"), case_post())
    assert response.status_code == 400
    assert "已登记" in response.content.decode()
    assert Case.objects.count() == 1


def test_add_a_debtor_row_without_javascript_keeps_input_and_writes_nothing(client_for, clerk):
    response = client_for(clerk).post(reverse("cases:create"), case_post(add_row="debtors", save=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="debtors-TOTAL_FORMS" value="4"' in body
    assert 'id="debtors-row-3"' in body and "某某贸易有限公司" in body
    assert "未能登记" not in body and "invalid-feedback" not in body
    assert not Case.objects.exists()


# ------------------------------------------------------------------------------------------------ status


def test_clerk_changes_the_status(client_for, clerk):
    case = file_case(clerk)
    response = client_for(clerk).post(
        reverse("cases:status", args=[case.pk]), {"status": "suspended", "reason": "申请执行人申请"}, follow=True
    )
    assert "案件状态已更新为“中止执行”" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED


def test_bad_status_is_refused_and_changes_nothing(client_for, clerk):
    case = file_case(clerk)
    response = client_for(clerk).post(reverse("cases:status", args=[case.pk]), {"status": "gone"}, follow=True)
    assert "请选择有效的案件状态" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_clerk_of_another_court_gets_404(client_for, clerk):
    case = file_case(clerk)
    stranger = client_for(factories.ClerkFactory())
    assert stranger.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert stranger.post(reverse("cases:status", args=[case.pk]), {"status": "concluded"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
