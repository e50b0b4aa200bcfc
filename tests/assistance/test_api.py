"""`/api/v1/notices/` and `/api/v1/attachments/`: the notice's whole life over the API with tokens, who sees what,
what is refused (and that a refusal writes nothing), and list query counts."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance.models import (
    Attachment,
    ExtensionRequest,
    Notice,
    NoticeBatch,
    NoticeEvent,
    NoticeItem,
    Reply,
    ReplyResult,
    ReviewSuggestion,
)
from linkage.workdays import add_working_days
from tests import factories
from tests.assistance_factories import (
    CREDIT_CODE,
    PERSON_ID,
    CaseFactory,
    DebtorFactory,
    NoticeFactory,
    served_notice,
)

pytestmark = pytest.mark.django_db

SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INQUIRY_ITEM = {"property_kind": "bank_account", "description": "查询被执行人名下银行存款、理财产品"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_upload(name="回执.pdf", content=SMALL_PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def when(value):
    return datetime.datetime.fromisoformat(value)


def row_counts():
    models = (
        NoticeBatch,
        Notice,
        NoticeItem,
        NoticeEvent,
        Reply,
        ReplyResult,
        Attachment,
        ExtensionRequest,
        ReviewSuggestion,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def notice(clerk, leader, unit):
    """A notice of the clerk's court served on `unit` (whose liaison is the `liaison` fixture)."""
    return served_notice(clerk=clerk, leader=leader, unit=unit)


@pytest.fixture
def acknowledged(notice, api_for, liaison):
    assert api_for(liaison).post(f"/api/v1/notices/{notice.pk}/acknowledge/").status_code == 200
    return notice


@pytest.fixture
def replied(acknowledged, api_for, liaison):
    """Acknowledged and replied with one scan attached."""
    response = api_for(liaison).post(
        f"/api/v1/notices/{acknowledged.pk}/reply/",
        {"outcome": "not_found", "text": "未查询到存款。", "attachments": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    return acknowledged


# ------------------------------------------------------------------------------------------------- the flow


def test_full_flow_over_the_api(api_for, clerk, leader, liaison, other_liaison, unit, other_unit, court):
    clerk_api, leader_api, liaison_api = api_for(clerk), api_for(leader), api_for(liaison)

    # The clerk files the case: a person debtor and an organisation debtor.
    case = clerk_api.post(
        "/api/v1/cases/",
        {
            "number": "（2026）粤0103执1234号",
            "amount": "386500.00",
            "basis_issuer": "广州市荔湾区人民法院",
            "basis_number": "（2025）粤0103民初4567号",
            "filed_on": "2026-03-02",
            "applicants": [{"kind": "person", "name": "陈大文", "id_number": PERSON_ID}],
            "debtors": [
                {"kind": "person", "name": "王堃", "id_number": PERSON_ID},
                {
                    "kind": "organisation",
                    "name": "广州市西关食府餐饮管理有限公司",
                    "credit_code": CREDIT_CODE,
                    "legal_representative": "黄建华",
                },
            ],
        },
        format="json",
    )
    assert case.status_code == 201, case.json()
    person = case.json()["debtors"][0]

    # One inquiry to two units (one named by id, one by code): one notice each, one batch.
    drafted = clerk_api.post(
        "/api/v1/notices/",
        {
            "case": case.json()["id"],
            "units": [unit.pk, other_unit.code],
            "measure": "inquiry",
            "debtor": person["id"],
            "items": [{**INQUIRY_ITEM, "holder": "各商业银行"}],
            "ruling_number": "（2026）粤0103执1234号",
            "note": "请于收到后三个工作日内回复。",
        },
        format="json",
    )
    assert drafted.status_code == 201, drafted.json()
    first, second = drafted.json()["notices"]
    assert drafted.json()["batch"] == first["batch"] == second["batch"]
    assert (first["unit"], first["unit_code"], second["unit_code"]) == (unit.pk, unit.code, other_unit.code)
    assert first["state"] == "draft" and first["state_display"] == "草稿"
    assert first["case_number"] == "（2026）粤0103执1234号" and first["court"] == court.code
    assert first["debtor"] == {
        "id": person["id"],
        "name": "王堃",
        "kind": "person",
        "kind_display": "自然人",
        "identifier": PERSON_ID,
        "legal_representative": "",
    }
    assert first["items"][0]["holder"] == "各商业银行" and first["measure_name"] == "查询"
    url = f"/api/v1/notices/{first['id']}"

    # The leader signs, the clerk serves: the clock starts.
    assert leader_api.post(f"{url}/sign/").json()["state"] == "signed"
    served = clerk_api.post(f"{url}/serve/")
    assert served.status_code == 200
    served = served.json()
    assert served["state"] == "served" and served["served_at"] and served["overdue"] is False
    assert served["deadline_rule"] == "3个工作日"
    assert served["deadline_explanation"]["rule"] == "3个工作日"
    due_at = when(served["due_at"])
    assert due_at == add_working_days(when(served["served_at"]), 3).due_at

    # The unit's liaison signs for it and asks for two more working days, which the clerk grants.
    assert liaison_api.post(f"{url}/acknowledge/").json()["state"] == "acknowledged"
    extension = liaison_api.post(
        f"{url}/extension-requests/", {"days": 2, "reason": "需向总行调取流水。"}, format="json"
    )
    assert extension.status_code == 201, extension.json()
    assert extension.json()["state"] == "pending" and extension.json()["requested_by"] == liaison.display_name
    granted = clerk_api.post(
        f"{url}/extension-requests/{extension.json()['id']}/decide/", {"granted": True}, format="json"
    )
    assert granted.status_code == 200, granted.json()
    new_due_at = when(granted.json()["due_at"])
    assert new_due_at == add_working_days(due_at, 2).due_at > due_at
    assert granted.json()["extension_requests"][0]["state"] == "granted"

    # A review suggestion found not upheld: the clock does not move, the notice stays open.
    suggestion = liaison_api.post(
        f"{url}/review-suggestions/", {"reason": "被执行人身份证号与户籍不符。"}, format="json"
    )
    assert suggestion.status_code == 201, suggestion.json()
    decided = clerk_api.post(
        f"{url}/review-suggestions/{suggestion.json()['id']}/decide/",
        {"decision": "not_upheld", "reason": "经核对身份证号无误。"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["state"] == "acknowledged" and when(decided.json()["due_at"]) == new_due_at
    assert decided.json()["review_suggestions"][0]["state"] == "not_upheld"

    # The liaison replies by multipart: a found bank account and a scan.
    replied = liaison_api.post(
        f"{url}/reply/",
        {
            "outcome": "done",
            "text": "查询到存款一笔。",
            "results": json.dumps(
                [
                    {
                        "property_kind": "bank_account",
                        "identifier": "6222020200012345678",
                        "institution": "中国工商银行广州荔湾支行",
                        "value": "52300.18",
                    }
                ]
            ),
            "attachments": pdf_upload("回执（盖章）.pdf"),
        },
        format="multipart",
    )
    assert replied.status_code == 200, replied.json()
    reply = replied.json()["reply"]
    assert replied.json()["state"] == "replied" and reply["outcome"] == "done"
    assert reply["results"] == [
        {
            "position": 1,
            "kind": "asset",
            "kind_display": "查询到的财产",
            "property_kind": "bank_account",
            "identifier": "6222020200012345678",
            "institution": "中国工商银行广州荔湾支行",
            "value": "52300.18",
            "encumbrances": "",
            "amount": None,
            "start_on": None,
            "end_on": None,
            "location": "",
            "found_at": None,
            "registration_number": "",
            # The marriage and relief columns (婚姻登记, 社会救助转介) are empty on an asset line.
            "marital_status": "",
            "marital_status_display": "",
            "spouse_name": "",
            "spouse_id_number": "",
            "married_on": None,
            "divorced_on": None,
            "registry": "",
            "relief_accepted": None,
            "relief_kind": "",
            "relief_kind_display": "",
            "relief_amount": None,
            "declined_reason": "",
        }
    ]
    (scan,) = reply["attachments"]
    assert scan["original_name"] == "回执（盖章）.pdf" and scan["content_type"] == "application/pdf"
    assert scan["url"].endswith(f"/api/v1/attachments/{scan['id']}/")
    download = clerk_api.get(scan["url"])
    assert download.status_code == 200 and download.getvalue() == SMALL_PDF

    # The clerk closes it.
    closed = clerk_api.post(f"{url}/close/", {"reason": "已查明财产。"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["closed_at"]

    # The history shows every step, who took it and when.
    events = liaison_api.get(f"{url}/").json()["events"]
    assert [e["action"] for e in events] == [
        "create",
        "sign",
        "serve",
        "acknowledge",
        "extension_requested",
        "extension_granted",
        "review_raised",
        "review_not_upheld",
        "reply",
        "close",
    ]
    assert [e["actor"] for e in events] == [
        clerk.display_name,
        leader.display_name,
        clerk.display_name,
        liaison.display_name,
        liaison.display_name,
        clerk.display_name,
        liaison.display_name,
        clerk.display_name,
        liaison.display_name,
        clerk.display_name,
    ]
    assert all(e["at"] and e["action_display"] for e in events)
    assert events[1]["from_state"] == "draft" and events[1]["to_state"] == "signed"
    assert events[0]["actor_organisation"] == court.short_name

    # The second notice is served, then lifted because the debtor performed.
    other_url = f"/api/v1/notices/{second['id']}"
    leader_api.post(f"{other_url}/sign/")
    clerk_api.post(f"{other_url}/serve/")
    lifted = clerk_api.post(
        f"{other_url}/lift/", {"ground": "performed", "reason": "被执行人已全部履行。",
                               "ruling_number": "（2026）粤0103执1号之一"}, format="json"
    )
    assert lifted.status_code == 200, lifted.json()
    assert lifted.json()["state"] == "lifting" and lifted.json()["lift_ground_display"] == "被执行人已履行完毕"
    lifted = leader_api.post(f"{other_url}/sign-lifting/")
    assert lifted.status_code == 200 and lifted.json()["state"] == "lifted"
    for user in (clerk, other_liaison):
        pdf = api_for(user).get(f"{other_url}/lifting-pdf/")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert liaison_api.get(f"{other_url}/lifting-pdf/").status_code == 404  # another unit's


# --------------------------------------------------------------------------------------------- visibility


def test_notice_list_shows_what_each_role_may_see(
    api_for, clerk, leader, liaison, other_liaison, committee_user, admin_user, unit, other_unit
):
    served = served_notice(clerk=clerk, leader=leader, unit=unit)
    draft = NoticeFactory(case=served.case, unit=unit)
    other_court_clerk = factories.ClerkFactory()
    other_court_notice = served_notice(
        clerk=other_court_clerk,
        leader=factories.LeaderFactory(organisation=other_court_clerk.organisation),
        unit=other_unit,
    )

    def ids(user):
        response = api_for(user).get("/api/v1/notices/")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(clerk) == ids(leader) == {served.pk, draft.pk}
    assert ids(liaison) == {served.pk}  # not its unit's draft
    assert ids(other_liaison) == {other_court_notice.pk}
    assert ids(other_court_clerk) == {other_court_notice.pk}
    assert ids(committee_user) == {served.pk, draft.pk, other_court_notice.pk}
    assert ids(admin_user) == set()


def test_notice_detail_is_404_for_whoever_may_not_see_it(
    api_for, notice, clerk, leader, liaison, other_liaison, committee_user, admin_user
):
    url = f"/api/v1/notices/{notice.pk}/"
    for user in (clerk, leader, liaison, committee_user):
        assert api_for(user).get(url).status_code == 200
    for user in (other_liaison, admin_user, factories.ClerkFactory(), factories.LeaderFactory()):
        response = api_for(user).get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("method", ["head", "options"])
def test_head_and_options_do_not_tell_a_hidden_notice_from_a_missing_one(api_for, replied, other_liaison,
                                                                          factories_clerk, method):
    """HEAD and OPTIONS are answered by every route too: for a notice the caller may not see they answer exactly
    as for an id that does not exist (status and body), for the notice and for each of its action routes."""
    missing = replied.pk + 1_000_000
    for user in (other_liaison, factories_clerk):
        api = api_for(user)
        for suffix in ("", "acknowledge/", "reply/", "pdf/", "extension-requests/"):
            hidden = getattr(api, method)(f"/api/v1/notices/{replied.pk}/{suffix}")
            absent = getattr(api, method)(f"/api/v1/notices/{missing}/{suffix}")
            assert (hidden.status_code, hidden.content) == (absent.status_code, absent.content), (user, suffix)


@pytest.fixture
def factories_clerk():
    return factories.ClerkFactory()


def test_liaison_sees_its_unit_notice_only_once_served(api_for, clerk, leader, liaison, unit):
    case = CaseFactory(court=clerk.organisation)
    response = api_for(clerk).post(
        "/api/v1/notices/",
        {
            "case": case.pk,
            "unit": unit.code,
            "measure": "inquiry",
            "debtor": DebtorFactory(case=case).pk,
            "items": [INQUIRY_ITEM],
            "ruling_number": "（2026）粤0103执7号",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/notices/{response.json()['notices'][0]['id']}"
    liaison_api = api_for(liaison)

    assert liaison_api.get(f"{url}/").status_code == 404  # draft
    assert liaison_api.get(f"{url}/pdf/").status_code == 404
    assert liaison_api.post(f"{url}/acknowledge/").status_code == 404
    api_for(leader).post(f"{url}/sign/")
    assert liaison_api.get(f"{url}/").status_code == 404  # signed
    assert liaison_api.get("/api/v1/notices/").json()["count"] == 0
    api_for(clerk).post(f"{url}/serve/")
    assert liaison_api.get(f"{url}/").json()["state"] == "served"
    assert liaison_api.get("/api/v1/notices/").json()["count"] == 1


def test_another_unit_liaison_gets_404_for_everything_about_the_notice(api_for, replied, other_liaison):
    api = api_for(other_liaison)
    url = f"/api/v1/notices/{replied.pk}"
    attachment = replied.attachments.get()
    before = row_counts()

    assert api.get(f"{url}/").status_code == 404
    assert api.get(f"{url}/pdf/").status_code == 404
    assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    for action, body in [
        ("acknowledge", {}),
        ("reply", {"outcome": "done"}),
        ("extension-requests", {"days": 2, "reason": "x"}),
        ("review-suggestions", {"reason": "x"}),
        ("close", {}),
        ("lift", {"ground": "performed"}),
        ("withdraw", {"reason": "x"}),
        ("sign", {}),
        ("serve", {}),
    ]:
        response = api.post(f"{url}/{action}/", body, format="json")
        assert response.status_code == 404, action
    assert api.patch(f"{url}/", {"note": "x"}, format="json").status_code == 404
    assert row_counts() == before


def test_anonymous_caller_gets_401(client, replied):
    attachment = replied.attachments.get()
    for method, url in [
        ("get", "/api/v1/notices/"),
        ("get", f"/api/v1/notices/{replied.pk}/"),
        ("get", f"/api/v1/notices/{replied.pk}/pdf/"),
        ("get", f"/api/v1/attachments/{attachment.pk}/"),
        ("post", f"/api/v1/notices/{replied.pk}/close/"),
        ("post", "/api/v1/notices/"),
        ("get", "/api/v1/cases/"),
        ("post", "/api/v1/cases/"),
    ]:
        response = getattr(client, method)(url, HTTP_AUTHORIZATION="Token nope")
        assert response.status_code == 401, url
        assert getattr(client, method)(url).status_code == 401, url
    assert Notice.objects.get(pk=replied.pk).state == "replied"


def test_unknown_ids_are_404(api_for, clerk, notice):
    api = api_for(clerk)
    assert api.get("/api/v1/notices/99999999999999999999999/").status_code == 404
    assert api.get("/api/v1/attachments/99999999999999999999999/").status_code == 404
    assert api.get("/api/v1/notices/abc/").status_code == 404
    response = api.post(
        "/api/v1/notices/",
        {
            "case": notice.case_id,
            "units": ["99999999999999999999999"],
            "measure": "inquiry",
            "debtor": notice.debtor_id,
            "items": [INQUIRY_ITEM],
            "ruling_number": "（2026）粤0103执7号",
        },
        format="json",
    )
    assert response.status_code == 400 and "不存在" in response.json()["units"][0]


def test_clerk_of_another_court_gets_404_for_case_and_notice(api_for, notice):
    stranger = factories.ClerkFactory()
    api = api_for(stranger)
    assert api.get(f"/api/v1/cases/{notice.case_id}/").status_code == 404
    assert api.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert api.post(f"/api/v1/notices/{notice.pk}/close/").status_code == 404
    assert api.get("/api/v1/notices/").json()["count"] == 0
    # Drafting on a case it cannot see names no case.
    response = api.post(
        "/api/v1/notices/",
        {
            "case": notice.case_id,
            "units": [notice.unit_id],
            "measure": "inquiry",
            "debtor": notice.debtor_id,
            "items": [INQUIRY_ITEM],
            "ruling_number": "（2026）粤0103执7号",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"case": ["案件不存在。"]}


def test_committee_reads_everything_and_writes_nothing(api_for, replied, committee_user, clerk):
    api = api_for(committee_user)
    url = f"/api/v1/notices/{replied.pk}"
    before = row_counts()

    assert api.get("/api/v1/notices/").json()["count"] == 1
    assert api.get(f"{url}/").json()["reply"]["outcome"] == "not_found"
    assert api.get(f"/api/v1/attachments/{replied.attachments.get().pk}/").status_code == 200
    for action in (
        "sign",
        "serve",
        "acknowledge",
        "reply",
        "close",
        "lift",
        "withdraw",
        "extension-requests",
        "review-suggestions",
    ):
        response = api.post(f"{url}/{action}/", {"reason": "x", "ground": "performed"}, format="json")
        assert response.status_code == 403, action
        assert "政法委" in response.json()["detail"]
    assert api.patch(f"{url}/", {"note": "x"}, format="json").status_code == 403
    assert api.post("/api/v1/notices/", {}, format="json").status_code == 403
    assert (
        api.post(f"/api/v1/cases/{replied.case_id}/status/", {"status": "concluded"}, format="json").status_code == 403
    )
    assert row_counts() == before


def test_administrator_sees_no_notices(api_for, replied, admin_user):
    api = api_for(admin_user)
    assert api.get("/api/v1/notices/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert api.get(f"/api/v1/notices/{replied.pk}/").status_code == 404
    assert api.get(f"/api/v1/notices/{replied.pk}/pdf/").status_code == 404
    assert api.get(f"/api/v1/attachments/{replied.attachments.get().pk}/").status_code == 404
    assert api.post(f"/api/v1/notices/{replied.pk}/close/").status_code == 404


def test_attachment_download_headers(api_for, replied, liaison):
    attachment = replied.attachments.get()
    response = api_for(liaison).get(f"/api/v1/attachments/{attachment.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%9B%9E%E6%89%A7.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.streaming and response.getvalue() == SMALL_PDF


def test_notice_pdf_for_whoever_may_see_it(api_for, notice, clerk, liaison, committee_user):
    for user in (clerk, liaison, committee_user):
        response = api_for(user).get(f"/api/v1/notices/{notice.pk}/pdf/", HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    not_lifted = api_for(clerk).get(f"/api/v1/notices/{notice.pk}/lifting-pdf/")
    assert not_lifted.status_code == 409 and not_lifted.json()["state"] == "served"


# ----------------------------------------------------------------------------------------------- refusals


def test_draft_by_multipart_with_a_ruling_scan(api_for, clerk, unit, other_unit):
    case = CaseFactory(court=clerk.organisation)
    response = api_for(clerk).post(
        "/api/v1/notices/",
        {
            "case": case.pk,
            "units": [str(unit.pk), other_unit.code],
            "measure": "inquiry",
            "debtor": DebtorFactory(case=case).pk,
            "items": json.dumps([INQUIRY_ITEM]),
            "ruling_number": "（2026）粤0103执7号",
            "attachments[]": pdf_upload("执行裁定书.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    notices = response.json()["notices"]
    assert [n["unit_code"] for n in notices] == [unit.code, other_unit.code]
    assert [[a["kind"] for a in n["attachments"]] for n in notices] == [["ruling"], ["ruling"]]


def test_measure_the_unit_cannot_carry_out_writes_nothing(api_for, clerk, unit):
    case = CaseFactory(court=clerk.organisation)
    incapable = factories.OrganisationFactory(measures=["inquiry"])
    before = row_counts()
    response = api_for(clerk).post(
        "/api/v1/notices/",
        {
            "case": case.pk,
            "units": [unit.code, incapable.pk],
            "measure": "freeze",
            "debtor": DebtorFactory(case=case).pk,
            "items": [INQUIRY_ITEM],
            "ruling_number": "（2026）粤0103执7号",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"measure": [f"“{incapable.name}”的职责范围不包括“冻结”，请选择其他措施或单位。"]}
    assert row_counts() == before


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"units": ["no-such-unit"]}, "units", "不存在"),
        ({"measure": "teleport"}, "measure", "无法识别"),
        ({"items": []}, "items", "至少"),
        ({"items": [{"property_kind": "bank_account", "period_months": 40, "description": "冻结"}]}, "items",
         "银行存款等资金冻结期限不得超过一年（12个月）"),
        ({"ruling_number": "2026执1号"}, "ruling_number", "执行裁定书文号"),
    ],
)
def test_bad_draft_input_writes_nothing(api_for, clerk, unit, change, field, words):
    case = CaseFactory(court=clerk.organisation)
    body = {
        "case": case.pk,
        "units": [unit.pk],
        "measure": "inquiry",
        "debtor": DebtorFactory(case=case).pk,
        "items": [INQUIRY_ITEM],
        "ruling_number": "（2026）粤0103执7号",
        **change,
    }
    before = row_counts()
    response = api_for(clerk).post("/api/v1/notices/", body, format="json")
    assert response.status_code == 400
    assert words in response.json()[field][0]
    assert row_counts() == before


def test_debtor_of_another_case_is_refused(api_for, clerk, unit):
    case = CaseFactory(court=clerk.organisation)
    stranger = DebtorFactory(case=CaseFactory(court=clerk.organisation))
    response = api_for(clerk).post(
        "/api/v1/notices/",
        {
            "case": case.pk,
            "units": [unit.pk],
            "measure": "inquiry",
            "debtor": stranger.pk,
            "items": [INQUIRY_ITEM],
            "ruling_number": "（2026）粤0103执7号",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"debtor": ["所选当事人不是本案被执行人。"]}


def test_reply_before_acknowledgement_is_409(api_for, notice, liaison):
    before = row_counts()
    response = api_for(liaison).post(f"/api/v1/notices/{notice.pk}/reply/", {"outcome": "not_found"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "请先签收通知书，再回复办理结果。", "state": "served"}
    assert row_counts() == before


@pytest.mark.parametrize(
    "who, action, body",
    [
        ("clerk", "close", {}),
        ("leader", "sign", {}),
        ("clerk", "serve", {}),
    ],
)
def test_transition_from_the_wrong_state_is_409_with_state(api_for, request, notice, who, action, body):
    before = row_counts()
    response = api_for(request.getfixturevalue(who)).post(f"/api/v1/notices/{notice.pk}/{action}/", body, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "served" and "已送达" in response.json()["detail"]
    assert row_counts() == before


def test_visible_notice_the_role_may_not_act_on_is_403(api_for, notice, clerk, leader, liaison):
    before = row_counts()
    assert api_for(leader).post(f"/api/v1/notices/{notice.pk}/acknowledge/").status_code == 403
    assert (
        api_for(liaison).post(f"/api/v1/notices/{notice.pk}/lift/", {"ground": "performed"}, format="json").status_code
        == 403
    )
    assert api_for(liaison).patch(f"/api/v1/notices/{notice.pk}/", {"note": "x"}, format="json").status_code == 403
    response = api_for(clerk).post(f"/api/v1/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 403 and response.json() == {"detail": "只有该协助执行单位的联络员可以办理。"}
    assert row_counts() == before


BAD_UPLOADS = {
    "pdf_of_30_mb": ("扫描件.pdf", lambda: b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "超过上限"),
    "windows_exe_named_pdf": (
        "report.pdf",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "不是可接受的文件类型",
    ),
    "elf_named_pdf": ("report.pdf", lambda: b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "不是可接受的文件类型"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_oversized_or_executable_attachment_writes_nothing(api_for, acknowledged, liaison, case):
    name, content, words = BAD_UPLOADS[case]
    content = content()
    before = row_counts()
    response = api_for(liaison).post(
        f"/api/v1/notices/{acknowledged.pk}/reply/",
        {
            "outcome": "not_found",
            "attachments": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert words in response.json()["attachments"][0]
    assert row_counts() == before
    acknowledged.refresh_from_db()
    assert acknowledged.state == "acknowledged"


def test_bad_reply_results_are_refused(api_for, acknowledged, liaison):
    url = f"/api/v1/notices/{acknowledged.pk}/reply/"
    api = api_for(liaison)
    missing = api.post(url, {"outcome": "done", "results": []}, format="json")
    assert missing.status_code == 400 and "逐项填写" in missing.json()["results"][0]
    no_identifier = api.post(url, {"outcome": "done", "results": [{"property_kind": "bank_account"}]}, format="json")
    assert no_identifier.status_code == 400 and "第1项结果" in no_identifier.json()["results"][0]
    bad_json = api.post(url, {"outcome": "done", "results": "[{oops"}, format="multipart")
    assert bad_json.status_code == 400 and "JSON" in bad_json.json()["results"][0]
    bad_value = api.post(url, {"outcome": "done", "results": [{"identifier": "1", "value": "很多"}]}, format="json")
    assert bad_value.status_code == 400 and bad_value.json()["results"][0].startswith("第1项：价值或余额（元）：")
    assert not Reply.objects.exists()


@pytest.mark.parametrize("days", [0, 31])
def test_extension_out_of_range_writes_nothing(api_for, acknowledged, liaison, days):
    before = row_counts()
    response = api_for(liaison).post(
        f"/api/v1/notices/{acknowledged.pk}/extension-requests/", {"days": days, "reason": "人手不足。"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"days": ["延长天数应为1至30个工作日。"]}
    assert row_counts() == before


def test_refused_extension_needs_a_reason_and_leaves_the_deadline(api_for, acknowledged, liaison, clerk):
    rid = (
        api_for(liaison)
        .post(
            f"/api/v1/notices/{acknowledged.pk}/extension-requests/", {"days": 3, "reason": "人手不足。"}, format="json"
        )
        .json()["id"]
    )
    url = f"/api/v1/notices/{acknowledged.pk}/extension-requests/{rid}/decide/"
    no_reason = api_for(clerk).post(url, {"granted": False}, format="json")
    assert no_reason.status_code == 400 and no_reason.json() == {"reason": ["不同意延期的，请填写理由。"]}
    refused = api_for(clerk).post(url, {"granted": False, "reason": "期限内可以完成。"}, format="json")
    assert refused.status_code == 200
    assert refused.json()["due_at"] == api_for(clerk).get(f"/api/v1/notices/{acknowledged.pk}/").json()["due_at"]
    acknowledged.refresh_from_db()
    assert (
        refused.json()["due_at"]
        == acknowledged.due_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).isoformat()
    )
    again = api_for(clerk).post(url, {"granted": True}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "refused"
    assert (
        api_for(clerk)
        .post(f"/api/v1/notices/{acknowledged.pk}/extension-requests/999999/decide/", {"granted": True}, format="json")
        .status_code
        == 404
    )


def test_repeated_extensions_keep_a_readable_rule(api_for, acknowledged, liaison, clerk):
    url = f"/api/v1/notices/{acknowledged.pk}"
    for _ in range(7):
        rid = (
            api_for(liaison)
            .post(f"{url}/extension-requests/", {"days": 10, "reason": "需调取历史流水。"}, format="json")
            .json()["id"]
        )
        granted = api_for(clerk).post(f"{url}/extension-requests/{rid}/decide/", {"granted": True}, format="json")
        assert granted.status_code == 200
    assert granted.json()["deadline_rule"] == "3个工作日，延长70个工作日"
    assert len(granted.json()["extension_requests"]) == 7


def test_review_decision_without_reason_writes_nothing(api_for, acknowledged, liaison, clerk):
    sid = (
        api_for(liaison)
        .post(f"/api/v1/notices/{acknowledged.pk}/review-suggestions/", {"reason": "执行依据已被撤销。"}, format="json")
        .json()["id"]
    )
    before = row_counts()
    response = api_for(clerk).post(
        f"/api/v1/notices/{acknowledged.pk}/review-suggestions/{sid}/decide/", {"decision": "upheld"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"reason": ["请填写审查意见。"]}
    assert row_counts() == before
    assert ReviewSuggestion.objects.get(pk=sid).state == "pending"


def test_upheld_review_with_amendment_withdraws_and_redrafts(api_for, acknowledged, liaison, clerk):
    sid = (
        api_for(liaison)
        .post(f"/api/v1/notices/{acknowledged.pk}/review-suggestions/", {"reason": "账号有误。"}, format="json")
        .json()["id"]
    )
    response = api_for(clerk).post(
        f"/api/v1/notices/{acknowledged.pk}/review-suggestions/{sid}/decide/",
        {"upheld": True, "resolution": "amended", "reason": "账号确有笔误。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "withdrawn"
    new_draft = Notice.objects.get(supersedes=acknowledged)
    assert response.json()["superseded_by"] == new_draft.pk
    # The liaison sees the withdrawal but not the new draft.
    assert api_for(liaison).get(f"/api/v1/notices/{acknowledged.pk}/").json()["superseded_by"] is None


def test_contradictory_review_decision_is_refused(api_for, acknowledged, liaison, clerk):
    sid = (
        api_for(liaison)
        .post(f"/api/v1/notices/{acknowledged.pk}/review-suggestions/", {"reason": "账号有误。"}, format="json")
        .json()["id"]
    )
    response = api_for(clerk).post(
        f"/api/v1/notices/{acknowledged.pk}/review-suggestions/{sid}/decide/",
        {"upheld": True, "decision": "not_upheld", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400 and "矛盾" in response.json()["decision"][0]


def test_draft_is_amended_only_while_a_draft(api_for, clerk, leader, unit):
    draft = NoticeFactory(case=CaseFactory(court=clerk.organisation, created_by=clerk), unit=unit)
    url = f"/api/v1/notices/{draft.pk}/"
    amended = api_for(clerk).patch(
        url, {"note": "请加盖公章后回复。", "ruling_number": "(2026)粤0103执9号"}, format="json"
    )
    assert amended.status_code == 200, amended.json()
    assert amended.json()["note"] == "请加盖公章后回复。" and amended.json()["ruling_number"] == "（2026）粤0103执9号"
    items = api_for(clerk).patch(url, {"items": []}, format="json")
    assert items.status_code == 400 and "不能修改字段" in items.json()["detail"]
    api_for(leader).post(f"{url}sign/")
    signed = api_for(clerk).patch(url, {"note": "x"}, format="json")
    assert signed.status_code == 409 and signed.json()["state"] == "signed"


def test_withdraw_needs_a_reason(api_for, notice, clerk, liaison):
    url = f"/api/v1/notices/{notice.pk}/withdraw/"
    assert api_for(clerk).post(url, {}, format="json").json() == {"reason": ["请填写撤回理由。"]}
    withdrawn = api_for(clerk).post(url, {"reason": "送达对象有误。"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert api_for(liaison).get(f"/api/v1/notices/{notice.pk}/").json()["state"] == "withdrawn"


# ------------------------------------------------------------------------------------------ list behaviour


def test_liaison_list_is_by_deadline_and_filters_work(api_for, clerk, leader, liaison, unit):
    later = NoticeFactory(
        case=CaseFactory(court=clerk.organisation),
        unit=unit,
        state="served",
        served_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        due_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    )
    overdue = NoticeFactory(
        case=CaseFactory(court=clerk.organisation),
        unit=unit,
        state="served",
        served_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        due_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    api = api_for(liaison)

    rows = api.get("/api/v1/notices/").json()["results"]
    assert [row["id"] for row in rows] == [overdue.pk, later.pk]
    assert [row["overdue"] for row in rows] == [True, False]
    assert "events" not in rows[0]
    assert [r["id"] for r in api.get("/api/v1/notices/?overdue=true").json()["results"]] == [overdue.pk]
    assert [r["id"] for r in api.get("/api/v1/notices/?overdue=false").json()["results"]] == [later.pk]
    assert [r["id"] for r in api.get(f"/api/v1/notices/?case={later.case_id}").json()["results"]] == [later.pk]
    clerk_api = api_for(clerk)
    assert [r["id"] for r in clerk_api.get("/api/v1/notices/").json()["results"]] == [overdue.pk, later.pk]
    assert clerk_api.get(f"/api/v1/notices/?unit={unit.code}&state=served").json()["count"] == 2
    assert clerk_api.get("/api/v1/notices/?unit=nobody").json()["count"] == 0
    assert clerk_api.get("/api/v1/notices/?state=replied").json()["count"] == 0
    assert clerk_api.get("/api/v1/notices/?state=nonsense").status_code == 400


def test_list_rows_carry_each_notices_own_items_in_order(api_for, clerk, unit, django_assert_num_queries):
    """A page's items are read in one query for the whole page (not per notice, not by the ORM's prefetch): each
    row has its own notice's items, in position order, with the same values as the notice's detail — amounts as
    decimal strings, empty optional fields as the detail shows them — and a notice without items has none."""
    from decimal import Decimal

    from assistance.serializers import NoticeItemSerializer

    notices = [NoticeFactory(case=CaseFactory(court=clerk.organisation), unit=unit) for _ in range(3)]
    NoticeItem.objects.filter(notice=notices[2]).delete()
    for position, amount in ((3, Decimal("12.50")), (2, None)):
        NoticeItem.objects.create(notice=notices[0], position=position, property_kind="vehicle",
                                  identifier=f"粤A{position}", amount=amount, period_months=position * 6,
                                  description=f"第{position}项")
    api = api_for(clerk)
    api.get("/api/v1/notices/")  # the token row and the content types are warm from here on
    with django_assert_num_queries(5):  # token, count, page, the page's items, the audit entry
        rows = {row["id"]: row for row in api.get("/api/v1/notices/").json()["results"]}
    for notice in notices:
        detail = api.get(f"/api/v1/notices/{notice.pk}/").json()
        assert rows[notice.pk]["items"] == detail["items"]
    assert [item["position"] for item in rows[notices[0].pk]["items"]] == [1, 2, 3]
    assert rows[notices[0].pk]["items"][2]["amount"] == "12.50"
    assert rows[notices[0].pk]["items"][1]["amount"] is None
    assert rows[notices[2].pk]["items"] == []
    for notice in notices:  # the same as the ORM's own rows through the serializer
        orm = NoticeItemSerializer(NoticeItem.objects.filter(notice=notice).order_by("position"), many=True).data
        assert rows[notice.pk]["items"] == json.loads(json.dumps(orm))


@pytest.mark.parametrize("who", ["clerk", "liaison"])
def test_notice_list_query_count_does_not_grow_with_the_page(
    api_for, request, clerk, unit, who, django_assert_max_num_queries
):
    api = api_for(request.getfixturevalue(who))
    served_at = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=datetime.UTC)

    def serve(count):
        for _ in range(count):  # each with its own case, debtor and batch, so an N+1 would show
            NoticeFactory(
                case=CaseFactory(court=clerk.organisation),
                unit=unit,
                state="served",
                served_at=served_at,
                due_at=served_at + datetime.timedelta(days=3),
            )

    serve(5)
    with django_assert_max_num_queries(12) as small:
        assert len(api.get("/api/v1/notices/?page_size=50").json()["results"]) == 5
    serve(20)
    with django_assert_max_num_queries(12) as large:
        assert len(api.get("/api/v1/notices/?page_size=50").json()["results"]) == 25
    assert len(small.captured_queries) == len(large.captured_queries)


def test_notice_detail_fetches_only_the_sub_lists_it_has(api_for, acknowledged, liaison, clerk,
                                                         django_assert_num_queries):
    """The detail asks in its main query whether the notice has attachments, extension requests and review
    suggestions, and fetches only those it has: a notice with none of them costs the token, the notice, its items,
    its history and the audit entry; each kind it gains adds one query, and shows."""
    api, url = api_for(liaison), f"/api/v1/notices/{acknowledged.pk}/"
    api.get(url)  # the token row and the content types are warm from here on
    with django_assert_num_queries(5):
        body = api.get(url).json()
    assert (body["attachments"], body["extension_requests"], body["review_suggestions"]) == ([], [], [])
    assert api.post(f"{url}extension-requests/", {"days": 2, "reason": "需向总行调取流水。"},
                    format="json").status_code == 201
    assert api.post(f"{url}review-suggestions/", {"reason": "被执行人身份证号与户籍不符。"},
                    format="json").status_code == 201
    with django_assert_num_queries(7):
        body = api.get(url).json()
    assert [e["days"] for e in body["extension_requests"]] == [2]
    assert [r["reason"] for r in body["review_suggestions"]] == ["被执行人身份证号与户籍不符。"]
    assert body["attachments"] == []


# ---------------------------------------------------------------------------------------------------- schema


def test_schema_documents_the_contract_paths(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path in [
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/status/",
        "/api/v1/notices/",
        "/api/v1/notices/{id}/",
        "/api/v1/notices/{id}/sign/",
        "/api/v1/notices/{id}/serve/",
        "/api/v1/notices/{id}/acknowledge/",
        "/api/v1/notices/{id}/reply/",
        "/api/v1/notices/{id}/extension-requests/",
        "/api/v1/notices/{id}/extension-requests/{rid}/decide/",
        "/api/v1/notices/{id}/review-suggestions/",
        "/api/v1/notices/{id}/review-suggestions/{sid}/decide/",
        "/api/v1/notices/{id}/close/",
        "/api/v1/notices/{id}/lift/",
        "/api/v1/notices/{id}/withdraw/",
        "/api/v1/notices/{id}/pdf/",
        "/api/v1/notices/{id}/lifting-pdf/",
        "/api/v1/attachments/{id}/",
    ]:
        assert path in paths, path
    reply = paths["/api/v1/notices/{id}/reply/"]["post"]
    assert reply["summary"] == "回复办理结果（该单位联络员）"
    assert {"application/json", "multipart/form-data"} <= set(reply["requestBody"]["content"])
    assert "application/pdf" in paths["/api/v1/notices/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    notice_fields = schema["components"]["schemas"]["NoticeDetail"]["properties"]
    assert {"overdue", "deadline_provisional", "events", "due_at", "served_at", "items", "debtor"} <= set(notice_fields)
