"""Notice pages in the browser's shoes: who sees which list, notice, PDF and attachment (404 otherwise); every
move is a POST calling its service, a refused move or bad input shows a Chinese message and writes nothing;
list pages keep a flat query count."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import (
    Attachment,
    DeadlineRule,
    ExtensionRequest,
    Notice,
    NoticeEvent,
    NoticeItem,
    NoticeState,
    Reply,
    ReviewSuggestion,
)
from cases import services as case_services
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


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -------------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk,
        number="(2026)粤0103执1234号",
        amount="150000.00",
        basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初456号",
        filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "王堃", "id_number": "44010319850615123X"},
            {
                "kind": "organisation",
                "name": "某某贸易有限公司",
                "credit_code": "91110000600037341L",
                "legal_representative": "李四",
            },
        ],
    )


@pytest.fixture
def market(court):
    return factories.OrganisationFactory(
        measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction, name="测试市场监管局", short_name="市场监管局"
    )


@pytest.fixture
def police(court):
    return factories.OrganisationFactory(
        measures=["inquiry", "locate_person"],
        jurisdiction=court.jurisdiction,
        name="测试公安分局",
        short_name="公安分局",
    )


@pytest.fixture
def market_liaison(market):
    return factories.LiaisonFactory(organisation=market, liaison_role="A")


@pytest.fixture
def police_liaison(police):
    return factories.LiaisonFactory(organisation=police, liaison_role="A")


def draft(clerk, case, units, measure="inquiry", **overrides):
    data = dict(
        actor=clerk,
        case=case,
        units=units,
        measure=measure,
        debtor=case.parties.debtors().first(),
        items=[
            {
                "property_kind": "bank_account",
                "identifier": "6222000011112222",
                "holder": "工商银行荔湾支行",
                "amount": "150000",
                "description": "查询被执行人名下银行账户及存款余额",
            }
        ],
        ruling_number="（2026）粤0103执1234号之一",
    )
    data.update(overrides)
    return services.draft_notices(**data)[1]


def served(clerk, leader, case, unit, at=None, measure="inquiry", **overrides):
    (notice,) = draft(clerk, case, [unit], measure=measure, **overrides)
    services.sign_notice(actor=leader, notice=notice)
    return services.serve_notice(actor=clerk, notice=notice, at=at)


def acknowledged(clerk, leader, case, unit, liaison):
    notice = served(clerk, leader, case, unit)
    return services.acknowledge_notice(actor=liaison, notice=notice)


def replied(clerk, leader, case, unit, liaison):
    notice = acknowledged(clerk, leader, case, unit, liaison)
    services.reply_to_notice(
        actor=liaison,
        notice=notice,
        outcome="done",
        text="已查询",
        results=[{"property_kind": "bank_account", "identifier": "6222", "institution": "工商银行", "value": "10"}],
        attachments=[SimpleUploadedFile("回执.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    notice.refresh_from_db()
    return notice


def detail_url(notice):
    return reverse("assistance:detail", args=[notice.pk])


def action_url(name, notice):
    return reverse(f"assistance:{name}", args=[notice.pk])


def draft_post(case, chosen, **overrides):
    data = {
        "measure": "inquiry",
        "units": [str(unit.pk) for unit in chosen],
        "debtor": str(case.parties.debtors().first().pk),
        "ruling_number": "（2026）粤0103执1234号之一",
        "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条",
        "note": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-property_kind": "bank_account",
        "items-0-identifier": "6222000011112222",
        "items-0-holder": "工商银行荔湾支行",
        "items-0-amount": "150000",
        "items-0-description": "查询被执行人名下银行账户及存款余额",
        "items-1-property_kind": "",
        "items-2-property_kind": "",
        "save": "1",
    }
    data.update(overrides)
    return data


def reply_post(**overrides):
    data = {
        "outcome": "done",
        "text": "经查，被执行人在我局登记的账户如下。",
        "results-TOTAL_FORMS": "3",
        "results-INITIAL_FORMS": "0",
        "results-0-property_kind": "bank_account",
        "results-0-identifier": "6222000011112222",
        "results-0-institution": "工商银行荔湾支行",
        "results-0-value": "12345.67",
        "results-0-encumbrances": "无",
        "results-1-property_kind": "",
        "results-2-property_kind": "",
        "save": "1",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------------------------------------ drafting


def test_clerk_drafts_to_two_units_one_batch(client_for, clerk, case, market, police):
    client = client_for(clerk)
    page = client.get(reverse("assistance:draft", args=[case.pk])).content.decode()
    assert market.name in page and police.name in page and "查找被执行人下落" in page
    ruling = SimpleUploadedFile("裁定书.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("assistance:draft", args=[case.pk]), {**draft_post(case, [market, police]), "ruling_files": [ruling]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    notices = list(Notice.objects.order_by("id"))
    assert [n.unit for n in notices] == [market, police]
    assert len({n.batch_id for n in notices}) == 1
    assert all(n.state == NoticeState.DRAFT and n.items.count() == 1 for n in notices)
    assert Attachment.objects.filter(kind="ruling").count() == 2
    case_page = client.get(response["Location"]).content.decode()
    assert "已起草2份协助执行通知书" in case_page and market.name in case_page


def test_draft_page_lists_only_active_member_units_of_the_court(client_for, clerk, case, market):
    inactive = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=case.court.jurisdiction, active=False)
    elsewhere = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=factories.JurisdictionFactory(code="elsewhere", name="别处"))
    page = client_for(clerk).get(reverse("assistance:draft", args=[case.pk])).content.decode()
    assert market.name in page
    assert inactive.name not in page and elsewhere.name not in page
    assert case.court.name not in page.split('id="unit-choices"')[1]


def test_unit_that_cannot_do_the_measure_is_refused_in_chinese(client_for, clerk, case, market, court):
    publicity = factories.OrganisationFactory(measures=["publish"], jurisdiction=court.jurisdiction, name="测试宣传部")
    response = client_for(clerk).post(
        reverse("assistance:draft", args=[case.pk]), draft_post(case, [market, publicity])
    )
    assert response.status_code == 400
    assert "“测试宣传部”的职责范围不包括“查询”" in response.content.decode()
    assert not Notice.objects.exists() and not NoticeItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"units": []}, "请选择至少一个协助执行单位"),
        (
            {"items-0-description": "", "items-0-identifier": "", "items-0-holder": "", "items-0-amount": ""},
            "请至少填写一项协助事项",
        ),
        ({"items-0-description": ""}, "第1项协助事项：请写明需要协助办理的事项"),
        ({"items-0-period_months": "48"}, "银行存款等资金冻结期限不得超过一年（12个月）"),
        ({"items-0-amount": "一万"}, "输入一个数字"),
        ({"ruling_number": "随便写"}, "执行裁定书文号"),
        ({"measure": "teleport"}, "协助措施"),
    ],
)
def test_bad_draft_is_refused_and_writes_nothing(client_for, clerk, case, market, overrides, message):
    response = client_for(clerk).post(
        reverse("assistance:draft", args=[case.pk]), draft_post(case, [market], **overrides)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "未能保存" in body
    assert not Notice.objects.exists()


def test_a_ruling_file_that_is_not_a_scan_is_refused(client_for, clerk, case, market):
    fake = SimpleUploadedFile("裁定书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(clerk).post(
        reverse("assistance:draft", args=[case.pk]), {**draft_post(case, [market]), "ruling_files": [fake]}
    )
    assert response.status_code == 400
    assert "不是可接受的文件类型" in response.content.decode()
    assert not Notice.objects.exists() and not Attachment.objects.exists()


def test_add_an_item_row_keeps_input_and_writes_nothing(client_for, clerk, case, market):
    response = client_for(clerk).post(
        reverse("assistance:draft", args=[case.pk]), draft_post(case, [market], add_item="1", save="")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="items-TOTAL_FORMS" value="4"' in body and "6222000011112222" in body
    assert "未能保存" not in body
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["leader", "committee_user", "liaison", "stranger"])
def test_only_the_court_clerk_drafts(request, client_for, case, market, who):
    user = factories.ClerkFactory() if who == "stranger" else request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("assistance:draft", args=[case.pk])).status_code == 404
    assert client.post(reverse("assistance:draft", args=[case.pk]), draft_post(case, [market])).status_code == 404
    assert not Notice.objects.exists()


# ------------------------------------------------------------------------------------------- who sees what


def test_notice_page_visibility(
    client_for, clerk, leader, committee_user, case, market, police, market_liaison, police_liaison
):
    notice = replied(clerk, leader, case, market, market_liaison)
    attachment = Attachment.objects.get(notice=notice)
    urls = [detail_url(notice), action_url("pdf", notice), reverse("assistance:attachment", args=[attachment.pk])]
    for user in (clerk, leader, committee_user, market_liaison):
        assert client_for(user).get(urls[0]).status_code == 200
    for user in (
        police_liaison,
        factories.ClerkFactory(),
        factories.LeaderFactory(),
        factories.UserFactory(role="admin"),
    ):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.role, url)


def test_liaison_gets_404_for_its_own_units_draft_and_signed_notice(
    client_for, clerk, leader, case, market, market_liaison
):
    (notice,) = draft(clerk, case, [market])
    client = client_for(market_liaison)
    assert client.get(detail_url(notice)).status_code == 404
    assert client.get(action_url("pdf", notice)).status_code == 404
    services.sign_notice(actor=leader, notice=notice)
    assert client.get(detail_url(notice)).status_code == 404
    assert notice.pk not in [n.pk for n in client.get(reverse("assistance:inbox")).context["page"]]


def test_committee_reads_but_every_move_is_refused(client_for, clerk, leader, committee_user, case, market):
    (draft_notice,) = draft(clerk, case, [market])
    open_notice = served(clerk, leader, case, market)
    client = client_for(committee_user)
    page = client.get(detail_url(open_notice)).content.decode()
    assert 'id="actions"' not in page and "办理记录" in page
    response = client.post(action_url("sign", draft_notice), follow=True)
    assert "只有本院执行局领导可以签发通知书" in response.content.decode()
    response = client.post(action_url("withdraw", open_notice), {"reason": "政法委撤回"})
    assert response.status_code == 400 and "只有本院执行员可以办理此事项" in response.content.decode()
    response = client.post(action_url("lift", open_notice), {"ground": "performed"})
    assert response.status_code == 400
    draft_notice.refresh_from_db()
    open_notice.refresh_from_db()
    assert draft_notice.state == NoticeState.DRAFT and open_notice.state == NoticeState.SERVED
    assert NoticeEvent.objects.filter(actor=committee_user).count() == 0


def test_clerk_of_another_court_gets_404_for_every_move(client_for, clerk, leader, case, market):
    notice = served(clerk, leader, case, market)
    stranger = client_for(factories.ClerkFactory())
    for name, data in [("withdraw", {"reason": "x"}), ("lift", {"ground": "performed"}), ("close", {}), ("serve", {})]:
        assert stranger.post(action_url(name, notice), data).status_code == 404
    notice.refresh_from_db()
    assert notice.state == NoticeState.SERVED


# ------------------------------------------------------------------------------------------ the whole path


def test_sign_serve_acknowledge_reply_close_through_the_pages(client_for, clerk, leader, case, market, market_liaison):
    (notice,) = draft(clerk, case, [market])
    leader_client = client_for(leader)
    assert "签发" in leader_client.get(detail_url(notice)).content.decode()
    leader_client.post(action_url("sign", notice))
    notice.refresh_from_db()
    assert notice.state == NoticeState.SIGNED

    clerk_client = client_for(clerk)
    response = clerk_client.post(action_url("serve", notice), {"served_at": ""})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.SERVED and notice.due_at

    liaison_client = client_for(market_liaison)
    page = liaison_client.get(detail_url(notice)).content.decode()
    assert "acknowledge-button" in page and "reply-form" not in page
    liaison_client.post(action_url("acknowledge", notice))
    page = liaison_client.get(detail_url(notice)).content.decode()
    assert "reply-form" in page and "价值或余额（元）" in page and "已有权利负担" in page
    scan = SimpleUploadedFile("盖章回执.pdf", PDF_BYTES, content_type="application/pdf")
    response = liaison_client.post(action_url("reply", notice), {**reply_post(), "attachments": [scan]})
    assert response.status_code == 302
    reply = Reply.objects.get(notice=notice)
    assert reply.results.get().identifier == "6222000011112222"
    attachment = Attachment.objects.get(reply=reply)
    assert attachment.original_name == "盖章回执.pdf"

    page = clerk_client.get(detail_url(notice)).content.decode()
    assert "6222000011112222" in page and "12345.67" in page and "盖章回执.pdf" in page
    clerk_client.post(action_url("close", notice), {"reason": "已阅"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    history = clerk_client.get(detail_url(notice)).content.decode().split('id="history"')[1]
    for step in ("起草", "签发", "送达", "签收", "回复", "办结"):
        assert step in history
    assert leader.display_name in history and market_liaison.display_name in history


def test_attachment_is_downloaded_with_its_original_name(client_for, clerk, leader, case, market, market_liaison):
    notice = replied(clerk, leader, case, market, market_liaison)
    attachment = Attachment.objects.get(notice=notice)
    response = client_for(clerk).get(reverse("assistance:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E5%9B%9E%E6%89%A7.pdf" in response["Content-Disposition"]  # 回执.pdf
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_notice_pdf_and_lifting_pdf(client_for, clerk, leader, case, market):
    notice = served(clerk, leader, case, market)
    client = client_for(clerk)
    response = client.get(action_url("pdf", notice))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(action_url("lifting-pdf", notice)).status_code == 404
    client.post(action_url("lift", notice), {"ground": "performed", "reason": "被执行人已全部履行",
                                             "ruling_number": "(2026)粤0103执1234号之一"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTING and notice.lifting_ruling_number == "（2026）粤0103执1234号之一"
    client_for(leader).post(action_url("sign-lifting", notice))
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTED
    page = client.get(detail_url(notice)).content.decode()
    assert action_url("lifting-pdf", notice) in page
    assert "被执行人已履行完毕：被执行人已全部履行" in page
    response = client.get(action_url("lifting-pdf", notice))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_deadline_and_its_explanation_are_shown(client_for, clerk, leader, case, market):
    # Served on Thursday 2026-04-02: 3 working days skip the Qingming holiday (4/4-4/6) and the weekend.
    at = datetime.datetime(2026, 4, 2, 10, 0, tzinfo=timezone.get_current_timezone())
    notice = served(clerk, leader, case, market, at=at)
    page = client_for(clerk).get(detail_url(notice)).content.decode()
    assert "3个工作日" in page and "跳过的非工作日" in page
    assert "已逾期" in page  # derived: the deadline has long passed
    notice.deadline_provisional = True
    notice.save(update_fields=["deadline_provisional"])
    assert 'id="provisional-badge"' in client_for(clerk).get(detail_url(notice)).content.decode()


# ----------------------------------------------------------------------------------- refusals and bad input


def test_refused_moves_show_the_service_message_and_change_nothing(
    client_for, clerk, leader, case, market, market_liaison
):
    (notice,) = draft(clerk, case, [market])
    response = client_for(clerk).post(action_url("serve", notice), {"served_at": ""})
    assert response.status_code == 400
    assert "通知书当前状态为“草稿”，不能送达" in response.content.decode()
    response = client_for(clerk).post(action_url("sign", notice), follow=True)
    assert "只有本院执行局领导可以签发通知书" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    open_notice = served(clerk, leader, case, market)
    response = client_for(market_liaison).post(action_url("reply", open_notice), reply_post())
    assert response.status_code == 400 and "请先签收通知书" in response.content.decode()
    response = client_for(market_liaison).post(action_url("withdraw", open_notice), {"reason": "不想办"})
    assert response.status_code == 400 and "只有本院执行员可以办理此事项" in response.content.decode()
    response = client_for(clerk).post(action_url("close", open_notice), {"reason": "提前办结"})
    assert response.status_code == 400 and "通知书当前状态为“已送达”，不能办结" in response.content.decode()
    open_notice.refresh_from_db()
    assert open_notice.state == NoticeState.SERVED and not Reply.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "outcome": "done",
                "results-0-identifier": "",
                "results-0-property_kind": "",
                "results-0-institution": "",
                "results-0-value": "",
                "results-0-encumbrances": "",
            },
            "“查询”的办理结果须逐项填写",
        ),
        ({"results-0-identifier": ""}, "第1项结果：请填写账号/证号/车牌号"),
        ({"results-0-value": "很多"}, "输入一个数字"),
        ({"outcome": "cannot_do", "text": ""}, "部分办理或无法办理的，请在说明中写明原因"),
        ({"outcome": "refused"}, "办理结果"),
    ],
)
def test_bad_reply_is_refused_and_writes_nothing(
    client_for, clerk, leader, case, market, market_liaison, data, message
):
    notice = acknowledged(clerk, leader, case, market, market_liaison)
    response = client_for(market_liaison).post(action_url("reply", notice), reply_post(**data))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="reply-form"' in body  # the form is shown again with the input
    notice.refresh_from_db()
    assert notice.state == NoticeState.ACKNOWLEDGED and not Reply.objects.exists()


def test_reply_with_a_file_that_is_not_a_scan_is_refused(client_for, clerk, leader, case, market, market_liaison):
    notice = acknowledged(clerk, leader, case, market, market_liaison)
    bad = SimpleUploadedFile("回执.txt", b"plain text", content_type="text/plain")
    response = client_for(market_liaison).post(action_url("reply", notice), {**reply_post(), "attachments": [bad]})
    assert response.status_code == 400
    assert "不是可接受的文件类型" in response.content.decode()
    assert not Reply.objects.exists() and not Attachment.objects.exists()


def test_reply_results_fit_the_measure(client_for, clerk, leader, case, market, market_liaison):
    notice = served(clerk, leader, case, market, measure="freeze")
    services.acknowledge_notice(actor=market_liaison, notice=notice)
    client = client_for(market_liaison)
    page = client.get(detail_url(notice)).content.decode()
    assert "冻结/扣划金额（元）" in page and "届满日期" in page and "已有权利负担" not in page.split("reply-form")[1]
    response = client.post(
        action_url("reply", notice),
        {
            "outcome": "done",
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "0",
            "results-0-identifier": "91110000600037341L 股权",
            "results-0-amount": "50000",
            "results-0-start_on": "2026-03-10",
            "results-0-end_on": "2026-03-01",
        },
    )
    assert response.status_code == 400 and "届满日期不能早于起始日期" in response.content.decode()
    response = client.post(
        action_url("reply", notice),
        {
            "outcome": "done",
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "0",
            "results-0-identifier": "91110000600037341L 股权",
            "results-0-amount": "50000",
            "results-0-start_on": "2026-03-10",
            "results-0-end_on": "2029-03-09",
        },
    )
    assert response.status_code == 302
    assert Reply.objects.get().results.get().end_on == datetime.date(2029, 3, 9)


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("withdraw", {"reason": ""}, "请填写撤回理由"),
        ("lift", {"ground": "", "reason": "履行完毕"}, "请选择解除原因"),
        ("serve", {"served_at": "2099-01-01T10:00"}, "送达时间不能晚于现在"),
    ],
)
def test_bad_input_on_clerk_forms(client_for, clerk, leader, case, market, action, data, message):
    notice = served(clerk, leader, case, market) if action != "serve" else draft(clerk, case, [market])[0]
    if action == "serve":
        services.sign_notice(actor=leader, notice=notice)
    notice.refresh_from_db()
    before = (notice.state, NoticeEvent.objects.count())
    response = client_for(clerk).post(action_url(action, notice), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    notice.refresh_from_db()
    assert (notice.state, NoticeEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "0", "reason": "系统升级"}, "延长天数应为1至30个工作日"),
        ({"days": "abc", "reason": "系统升级"}, "延长天数应为整数"),
        ({"days": "3", "reason": ""}, "请说明不能按期办理的理由"),
    ],
)
def test_bad_extension_request_writes_nothing(client_for, clerk, leader, case, market, market_liaison, data, message):
    notice = served(clerk, leader, case, market)
    response = client_for(market_liaison).post(action_url("request-extension", notice), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_extension_requested_then_granted(client_for, clerk, leader, case, market, market_liaison):
    notice = served(clerk, leader, case, market)
    before = notice.due_at
    response = client_for(market_liaison).post(
        action_url("request-extension", notice), {"days": "2", "reason": "需调取纸质档案"}
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    clerk_client = client_for(clerk)
    assert "决定延期申请" in clerk_client.get(detail_url(notice)).content.decode()
    url = reverse("assistance:decide-extension", args=[request.pk])
    response = clerk_client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and "不同意延期的，请填写理由" in response.content.decode()
    response = clerk_client.post(url, {"reason": "同意"})
    assert response.status_code == 400 and "请选择同意或不同意" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "pending"
    assert client_for(market_liaison).post(url, {"decision": "grant"}).status_code == 400  # not the court
    response = clerk_client.post(url, {"decision": "grant", "reason": "同意"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.due_at > before
    page = clerk_client.get(detail_url(notice)).content.decode()
    assert "同意延期" in page and "延长2个工作日" in page


def test_review_suggestion_upheld_and_amended_gives_a_new_draft(
    client_for, clerk, leader, case, market, market_liaison
):
    notice = served(clerk, leader, case, market)
    liaison_client = client_for(market_liaison)
    response = liaison_client.post(action_url("raise-review", notice), {"reason": ""})
    assert response.status_code == 400 and "请写明审查建议的内容和理由" in response.content.decode()
    liaison_client.post(action_url("raise-review", notice), {"reason": "账号有误，应为6222000011113333"})
    suggestion = ReviewSuggestion.objects.get()
    url = reverse("assistance:decide-review", args=[suggestion.pk])
    clerk_client = client_for(clerk)
    response = clerk_client.post(url, {"decision": "amended", "reason": ""})
    assert response.status_code == 400 and "请填写审查意见" in response.content.decode()
    response = clerk_client.post(url, {"decision": "amended", "reason": "账号笔误，修改后重发"})
    new_draft = Notice.objects.get(supersedes=notice)
    assert response.status_code == 302 and response["Location"] == detail_url(new_draft)
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN and new_draft.state == NoticeState.DRAFT
    page = clerk_client.get(detail_url(notice)).content.decode()
    assert "审查建议成立" in page and "修改后重新发出" in page


def test_review_not_upheld_keeps_the_notice_open(client_for, clerk, leader, case, market, market_liaison):
    notice = served(clerk, leader, case, market)
    services.raise_review_suggestion(actor=market_liaison, notice=notice, reason="不属于我局职责")
    suggestion = ReviewSuggestion.objects.get()
    response = client_for(clerk).post(
        reverse("assistance:decide-review", args=[suggestion.pk]), {"decision": "not_upheld", "reason": "属于职责范围"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.SERVED


# ------------------------------------------------------------------------------------------------ the lists


def test_notice_list_filters(client_for, clerk, leader, case, market, police):
    (draft_notice,) = draft(clerk, case, [police])
    past = timezone.now() - datetime.timedelta(days=30)
    late = served(clerk, leader, case, market, at=past)
    fresh = served(clerk, leader, case, police)
    client = client_for(clerk)
    ids = lambda response: [n.pk for n in response.context["page"]]  # noqa: E731
    assert ids(client.get(reverse("assistance:list"))) == [fresh.pk, late.pk, draft_notice.pk]
    assert ids(client.get(reverse("assistance:list"), {"overdue": "on"})) == [late.pk]
    assert ids(client.get(reverse("assistance:list"), {"state": "draft"})) == [draft_notice.pk]
    assert ids(client.get(reverse("assistance:list"), {"unit": market.pk})) == [late.pk]
    assert "已逾期" in client.get(reverse("assistance:list")).content.decode()


def test_notice_list_of_another_court_is_empty_and_admin_gets_404(client_for, clerk, leader, case, market):
    served(clerk, leader, case, market)
    assert list(client_for(factories.ClerkFactory()).get(reverse("assistance:list")).context["page"]) == []
    assert client_for(factories.UserFactory(role="admin")).get(reverse("assistance:list")).status_code == 404


def test_leader_signs_a_batch_from_the_to_sign_list(client_for, clerk, leader, case, market, police, market_liaison):
    notices = draft(clerk, case, [market, police])
    client = client_for(leader)
    page = client.get(reverse("assistance:to-sign")).content.decode()
    assert "全部签发（2份）" in page and market.name in page
    client.post(reverse("assistance:sign-many"), {"notice": [str(n.pk) for n in notices]})
    assert set(Notice.objects.values_list("state", flat=True)) == {NoticeState.SIGNED}
    assert client_for(market_liaison).get(reverse("assistance:to-sign")).status_code == 404
    clerk_page = client_for(clerk).get(reverse("assistance:to-sign")).content.decode()
    assert "没有待签发的通知书" in clerk_page


def test_inbox_tabs_and_counts(client_for, clerk, leader, case, market, market_liaison, court):
    DeadlineRule.objects.create(measure_id=_measure_id("freeze"), unit=market, count=2, count_unit="hours")
    new = served(clerk, leader, case, market)  # inquiry: 3 working days
    due_soon = served(clerk, leader, case, market, measure="freeze")  # 2 hours
    services.acknowledge_notice(actor=market_liaison, notice=due_soon)
    overdue = served(clerk, leader, case, market, at=timezone.now() - datetime.timedelta(days=30))
    answered = replied(clerk, leader, case, market, market_liaison)
    lifted = served(clerk, leader, case, market)
    services.lift_notice(actor=clerk, notice=lifted, ground="performed", ruling_number="（2026）粤0103执1号之一")
    services.sign_lifting(actor=leader, notice=lifted)
    draft(clerk, case, [market])  # never in the inbox
    client = client_for(market_liaison)
    response = client.get(reverse("assistance:inbox"))
    tabs = {key: count for key, _, count in response.context["tabs"]}
    assert tabs == {"new": 2, "in_hand": 1, "due_soon": 1, "overdue": 1, "extension": 0, "replied": 1, "lifted": 1,
                    "finished": 0}

    def tab(name):
        return [n.pk for n in client.get(reverse("assistance:inbox"), {"tab": name}).context["page"]]

    assert tab("new") == [overdue.pk, new.pk]  # deadline ascending
    assert tab("due_soon") == [due_soon.pk]
    assert tab("in_hand") == [due_soon.pk]  # signed for: still in an inbox tab
    assert tab("overdue") == [overdue.pk]
    assert tab("replied") == [answered.pk]
    assert tab("lifted") == [lifted.pk]
    assert "应停止协助执行" in client.get(reverse("assistance:inbox"), {"tab": "lifted"}).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert 'id="count-new">2<' in home and 'id="count-overdue">1<' in home and 'id="count-due_soon">1<' in home


def _measure_id(code):
    from members.models import Measure

    return Measure.objects.get(code=code).pk


def test_inbox_is_for_liaisons_only(client_for, clerk, committee_user):
    assert client_for(clerk).get(reverse("assistance:inbox")).status_code == 404
    assert client_for(committee_user).get(reverse("assistance:inbox")).status_code == 404


def test_home_shows_the_court_its_work(client_for, clerk, leader, case, market, police):
    draft(clerk, case, [police])
    served(clerk, leader, case, market, at=timezone.now() - datetime.timedelta(days=30))
    clerk_home = client_for(clerk).get(reverse("home")).content.decode()
    assert 'id="drafts-awaiting"' in clerk_home and police.short_name in clerk_home
    assert 'id="overdue-notices"' in clerk_home and 'id="due-this-week"' in clerk_home
    leader_home = client_for(leader).get(reverse("home")).content.decode()
    assert 'id="drafts-to-sign"' in leader_home and police.short_name in leader_home


def _many(clerk, leader, case, unit, count):
    notices = []
    for _ in range(count):
        notices += draft(clerk, case, [unit])
    for notice in notices:
        services.sign_notice(actor=leader, notice=notice)
        services.serve_notice(actor=clerk, notice=notice)
    return notices


def test_notice_list_query_count_is_flat(client_for, clerk, leader, case, market, django_assert_max_num_queries):
    _many(clerk, leader, case, market, 5)
    client = client_for(clerk)
    client.get(reverse("assistance:list"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("assistance:list"))
    _many(clerk, leader, case, market, 20)
    with django_assert_max_num_queries(20) as large:
        response = client.get(reverse("assistance:list"))
    assert len(response.context["page"]) == 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_inbox_query_count_is_flat(
    client_for, clerk, leader, case, market, market_liaison, django_assert_max_num_queries
):
    _many(clerk, leader, case, market, 5)
    client = client_for(market_liaison)
    client.get(reverse("assistance:inbox"))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("assistance:inbox"))
    _many(clerk, leader, case, market, 20)
    with django_assert_max_num_queries(25) as large:
        response = client.get(reverse("assistance:inbox"))
    assert len(response.context["page"]) == 20
    assert len(large.captured_queries) == len(small.captured_queries)
