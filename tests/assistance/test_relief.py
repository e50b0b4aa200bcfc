"""Relief for applicants in hardship (法发〔2010〕15号 art. 8, Yunfu item 19) and the civil-affairs unit's marriage
registration measures (Chuxiong 二(十二)): the clerk records an applicant in hardship and proposes judicial relief,
which only the court's bureau leader decides; a referral to civil affairs is a notice of the measure social_relief
that lands in the civil-affairs unit's inbox, is reminded on the notice ladder while unanswered and is answered with
a structured line (granted with kind and amount, or refused with the reason); the marriage inquiry is answered with
structured marriage records."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse

from assistance import reminders, services
from assistance.documents import notice_pdf, notice_pdf_filename
from assistance.models import (
    HardshipRecord,
    JudicialReliefProposal,
    Notice,
    NoticeState,
    ReliefEvent,
    ReliefState,
    ReplyResult,
)
from assistance.services import relief
from cases import services as case_services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification, Reminder
from tests import factories

from .helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
APPLICANT = {"kind": "person", "name": "陈秀英", "id_number": "11010519491231002X", "address": "广州市荔湾区多宝路1号"}
CIRCUMSTANCES = "申请执行人年逾七十，独居，无固定收入，患慢性病需长期服药；被执行人无财产可供执行。"


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(clerk):
    return file_case(clerk, applicants=[APPLICANT], amount="80000.00")


@pytest.fixture
def civil_affairs(court):
    return factories.OrganisationFactory(
        jurisdiction=court.jurisdiction, kind="civil_affairs", name="广州市荔湾区民政局", short_name="区民政局",
        measures=["inquiry", "marriage_inquiry", "divorce_notice", "social_relief"])


@pytest.fixture
def civil_liaison(civil_affairs):
    liaison = factories.LiaisonFactory(organisation=civil_affairs, liaison_role="A", full_name="民政联络员")
    factories.ContactFactory(organisation=civil_affairs, role="A", name="民政甲", user=liaison)
    return liaison


@pytest.fixture
def police_liaison(court):
    police = factories.OrganisationFactory(jurisdiction=court.jurisdiction, measures=["inquiry"])
    return factories.LiaisonFactory(organisation=police, liaison_role="A")


@pytest.fixture
def record(clerk, case):
    return relief.record_hardship(actor=clerk, case=case, applicant=case.parties.applicants().get(),
                                  circumstances=CIRCUMSTANCES, unpaid_amount="60000")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def referral_served(clerk, leader, record, *, served_at=None):
    notice = relief.refer_to_civil_affairs(actor=clerk, record=record)
    return advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader, served_at=served_at)


# ------------------------------------------------------------------------------------------------ judicial relief


def test_the_leader_decides_a_proposal_and_the_clerk_cannot(clerk, leader, record):
    proposal = relief.propose_judicial_relief(actor=clerk, record=record, amount="20000", reason="生活极度困难")
    assert proposal.state == ReliefState.PROPOSED
    waiting = Notification.objects.get(recipient=leader, kind="relief_proposed")
    assert "陈秀英" in waiting.title and "20,000.00" in waiting.body
    with pytest.raises(PermissionDenied):
        relief.decide_judicial_relief(actor=clerk, proposal=proposal, approved=True)
    assert JudicialReliefProposal.objects.get().state == ReliefState.PROPOSED

    relief.decide_judicial_relief(actor=leader, proposal=proposal, approved=True, reason="符合司法救助条件")
    proposal.refresh_from_db()
    assert proposal.state == ReliefState.APPROVED and proposal.decided_by == leader and proposal.decided_at
    assert list(ReliefEvent.objects.values_list("action", flat=True)) == ["propose", "approve"]
    told = Notification.objects.get(recipient=clerk, kind="relief_decided")
    assert "准予司法救助" in told.title
    with pytest.raises(TransitionNotAllowed):  # relief is granted once
        relief.propose_judicial_relief(actor=clerk, record=record, amount="1000", reason="再次申请")
    with pytest.raises(TransitionNotAllowed):  # and decided once
        relief.decide_judicial_relief(actor=leader, proposal=proposal, approved=False, reason="改变主意")


def test_a_refusal_needs_a_reason_and_a_refused_proposal_may_be_made_anew(clerk, leader, record):
    proposal = relief.propose_judicial_relief(actor=clerk, record=record, amount="20000", reason="生活困难")
    with pytest.raises(TransitionNotAllowed):  # one waits at a time
        relief.propose_judicial_relief(actor=clerk, record=record, amount="10000", reason="生活困难")
    with pytest.raises(ApplicationError) as error:
        relief.decide_judicial_relief(actor=leader, proposal=proposal, approved=False, reason=" ")
    assert error.value.field == "reason"
    relief.decide_judicial_relief(actor=leader, proposal=proposal, approved=False, reason="不符合救助条件")
    assert JudicialReliefProposal.objects.get().state == ReliefState.REFUSED
    assert "不予司法救助" in Notification.objects.get(recipient=clerk, kind="relief_decided").title
    again = relief.propose_judicial_relief(actor=clerk, record=record, amount="10000", reason="情况变化")
    assert again.state == ReliefState.PROPOSED


@pytest.mark.parametrize("amount, field", [("0", "amount"), ("60000.01", "amount"), ("", "amount")])
def test_a_proposal_amount_is_positive_and_not_above_the_unpaid_claim(clerk, record, amount, field):
    with pytest.raises(ApplicationError) as error:
        relief.propose_judicial_relief(actor=clerk, record=record, amount=amount, reason="困难")
    assert error.value.field == field
    assert not JudicialReliefProposal.objects.exists()


def test_hardship_is_recorded_for_an_applicant_of_the_case_only_once_within_the_unpaid_amount(clerk, case, record):
    debtor = case.parties.debtors().get()
    with pytest.raises(ApplicationError) as error:
        relief.record_hardship(actor=clerk, case=case, applicant=debtor, circumstances="困难", unpaid_amount="1")
    assert error.value.field == "applicant"
    with pytest.raises(ApplicationError):
        relief.record_hardship(actor=clerk, case=case, applicant=record.applicant, circumstances="困难",
                               unpaid_amount="1")
    other = file_case(clerk, number="（2026）粤0103执1235号", applicants=[APPLICANT], amount="1000")
    with pytest.raises(ApplicationError) as error:
        relief.record_hardship(actor=clerk, case=other, applicant=other.parties.applicants().get(),
                               circumstances="困难", unpaid_amount="1000.01")
    assert error.value.field == "unpaid_amount" and "未履行金额" in error.value.message
    company = file_case(clerk, number="（2026）粤0103执1237号")  # the helpers' applicant is a company
    with pytest.raises(ApplicationError) as error:
        relief.record_hardship(actor=clerk, case=company, applicant=company.parties.applicants().get(),
                               circumstances="困难", unpaid_amount="1")
    assert "自然人" in error.value.message
    assert HardshipRecord.objects.count() == 1


def test_another_courts_staff_get_404_and_a_clerk_is_refused_the_decision_on_the_page(clerk, leader, record):
    proposal = relief.propose_judicial_relief(actor=clerk, record=record, amount="20000", reason="困难")
    elsewhere = factories.CourtFactory(jurisdiction=record.court.jurisdiction)
    other_leader = factories.LeaderFactory(organisation=elsewhere)
    other_clerk = factories.ClerkFactory(organisation=elsewhere)
    decide = reverse("assistance:relief-decide", args=[proposal.pk])
    assert client_for(other_leader).post(decide, {"approved": "yes"}).status_code == 404
    assert client_for(other_clerk).post(reverse("assistance:relief-propose", args=[record.pk]),
                                        {"amount": "1", "reason": "x"}).status_code == 404
    assert client_for(other_clerk).post(reverse("assistance:relief-record", args=[record.case_id]),
                                        {"applicant": record.applicant_id}).status_code == 404
    response = client_for(clerk).post(decide, {"approved": "yes"})
    assert response.status_code == 302 and response["Location"].endswith("#relief")
    assert JudicialReliefProposal.objects.get().state == ReliefState.PROPOSED

    response = client_for(leader).post(decide, {"approved": "no", "reason": "已获其他救助"}, follow=True)
    assert "已决定：不予司法救助" in response.content.decode()
    assert JudicialReliefProposal.objects.get().decision_reason == "已获其他救助"


def test_the_case_page_section_records_proposes_and_refers(clerk, leader, case, civil_affairs, committee_user):
    page = reverse("cases:detail", args=[case.pk])
    body = client_for(clerk).get(page).content.decode()
    assert "困难申请执行人救助" in body and 'id="relief-record-form"' in body
    response = client_for(clerk).post(reverse("assistance:relief-record", args=[case.pk]), {
        "applicant": case.parties.applicants().get().pk, "circumstances": CIRCUMSTANCES, "unpaid_amount": "60000"})
    assert response.status_code == 302
    record = HardshipRecord.objects.get()
    client_for(clerk).post(reverse("assistance:relief-propose", args=[record.pk]),
                           {"amount": "5000", "reason": "生活困难"})
    client_for(clerk).post(reverse("assistance:relief-refer", args=[record.pk]), {"note": ""})
    notice = Notice.objects.get(measure__code="social_relief")
    body = client_for(leader).get(page).content.decode()
    assert "拟救助 5000.00 元" in body and "relief-decide-form" in body  # the leader may decide
    assert f"社会救助转介函第{notice.pk}号" in body
    clerk_body = client_for(clerk).get(page).content.decode()
    assert "relief-decide-form" not in clerk_body and "relief-refer-form" not in clerk_body  # referred already
    # The jurisdiction's committee reads the section, with no form.
    body = client_for(committee_user).get(page).content.decode()
    assert "拟救助 5000.00 元" in body
    assert not any(form in body for form in ("relief-record-form", "relief-propose-form", "relief-decide-form",
                                             "relief-refer-form"))


# ------------------------------------------------------------------------------------------------ the referral


def test_a_referral_lands_in_the_civil_affairs_inbox_and_nowhere_else(clerk, leader, record, civil_affairs,
                                                                       civil_liaison, police_liaison):
    notice = relief.refer_to_civil_affairs(actor=clerk, record=record)
    assert notice.unit == civil_affairs and notice.measure.code == "social_relief" and notice.state == "draft"
    assert record.referrals.get().notice == notice
    assert Notification.objects.filter(recipient=leader, kind="notice_waiting_sign").exists()
    with pytest.raises(TransitionNotAllowed):
        relief.refer_to_civil_affairs(actor=clerk, record=record)
    detail = reverse("assistance:detail", args=[notice.pk])
    assert client_for(civil_liaison).get(detail).status_code == 404  # not before service
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    assert notice.deadline_rule == "20个工作日"
    inbox = client_for(civil_liaison).get(reverse("assistance:inbox")).content.decode()
    assert detail in inbox
    assert detail not in client_for(police_liaison).get(reverse("assistance:inbox")).content.decode()
    assert client_for(police_liaison).get(detail).status_code == 404
    assert Notification.objects.filter(recipient=civil_liaison, kind="notice_served").exists()


def test_the_referral_letter_names_the_applicant_and_the_hardship(clerk, leader, record, civil_affairs):
    notice = referral_served(clerk, leader, record)
    assert notice_pdf_filename(notice).startswith("社会救助转介函-")
    with pdfplumber.open(io.BytesIO(notice_pdf(notice))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages).replace("\n", "")
    for words in ("社会救助转介函", "广州市荔湾区民政局：", "陈秀英", "人民币60,000.00元", "独居", "法发〔2010〕15号",
                  "社会救助转介函回执", "予以救助"):
        assert words in text, words
    assert "执行裁定书已经发生法律效力" not in text


def test_the_unit_answers_granted_with_amount_or_refused_with_reason(clerk, leader, record, civil_affairs,
                                                                     civil_liaison):
    notice = advance(relief.refer_to_civil_affairs(actor=clerk, record=record), NoticeState.ACKNOWLEDGED,
                     clerk=clerk, leader=leader, liaison=civil_liaison)
    refusals = [
        ("done", [{"relief_accepted": True, "relief_kind": "temporary"}], "救助金额"),
        ("done", [{"relief_accepted": True, "relief_amount": "0"}], "救助金额"),
        ("done", [{"relief_accepted": False}], "理由"),
        ("done", [{"relief_accepted": False, "declined_reason": "不符合", "relief_amount": "100"}], "不应填写"),
        ("done", [{"relief_kind": "temporary", "relief_amount": "100"}], "是否予以救助"),
        ("done", [{"relief_accepted": True, "relief_amount": "100"}] * 2, "只填写一项"),
        ("done", [], "逐项填写"),
        ("not_found", [], "未查到"),
    ]
    for outcome, results, words in refusals:
        with pytest.raises(ApplicationError) as error:
            services.reply_to_notice(actor=civil_liaison, notice=notice, outcome=outcome, results=results)
        assert words in error.value.message, (results, error.value.message)
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.ACKNOWLEDGED
    services.reply_to_notice(actor=civil_liaison, notice=notice, outcome="done", results=[
        {"relief_accepted": "yes", "relief_kind": "temporary", "relief_amount": "3000"}])
    answer = ReplyResult.objects.get()
    assert answer.kind == "relief" and answer.relief_accepted is True and answer.relief_amount == Decimal("3000")
    assert Notification.objects.filter(recipient=clerk, kind="notice_replied").exists()
    body = client_for(clerk).get(reverse("cases:detail", args=[record.case_id])).content.decode()
    assert "予以救助" in body and "临时救助" in body and "3000.00 元" in body
    page = client_for(clerk).get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    assert "是否予以救助" in page and "救助金额（元）" in page and "3000.00" in page


def test_the_api_takes_a_refusal_with_its_reason_and_refuses_one_without(api_for, clerk, leader, record,
                                                                        civil_affairs, civil_liaison):
    notice = advance(relief.refer_to_civil_affairs(actor=clerk, record=record), NoticeState.ACKNOWLEDGED,
                     clerk=clerk, leader=leader, liaison=civil_liaison)
    url = f"/api/v1/notices/{notice.pk}/reply/"
    api = api_for(civil_liaison)
    bad = api.post(url, {"outcome": "done", "results": [{"relief_accepted": False}]}, format="json")
    assert bad.status_code == 400 and "不予救助的，请写明理由" in str(bad.json())
    bad = api.post(url, {"outcome": "done", "results": [{"relief_accepted": "maybe"}]}, format="json")
    assert bad.status_code == 400
    ok = api.post(url, {"outcome": "done", "results": [
        {"relief_accepted": False, "declined_reason": "家庭人均收入高于当地最低生活保障标准"}]}, format="json")
    assert ok.status_code == 200, ok.json()
    line = ok.json()["reply"]["results"][0]
    assert line["kind"] == "relief" and line["relief_accepted"] is False and line["relief_amount"] is None
    assert "最低生活保障标准" in line["declined_reason"]
    court_view = api_for(clerk).get(f"/api/v1/notices/{notice.pk}/").json()
    assert court_view["reply"]["results"][0]["declined_reason"] == line["declined_reason"]


def test_an_unanswered_referral_is_reminded_once_by_the_notice_scan(clerk, leader, record, civil_affairs,
                                                                    civil_liaison):
    notice = referral_served(clerk, leader, record, served_at=at(2026, 11, 2, 10))  # a Monday
    assert notice.due_at.astimezone(SH).date() == datetime.date(2026, 11, 30)  # 20 working days
    for _ in range(2):
        reminders.scan_notice_reminders(at(2026, 11, 30, 9))
    reminded = Reminder.objects.filter(object_id=notice.pk)
    assert list(reminded.values_list("kind", "recipient_name")) == [("due_day", "民政甲")]
    assert Notification.objects.filter(recipient=civil_liaison, kind="reminder_due_day").count() == 1
    services.acknowledge_notice(actor=civil_liaison, notice=notice)
    services.reply_to_notice(actor=civil_liaison, notice=notice, outcome="done", results=[
        {"relief_accepted": True, "relief_kind": "subsistence", "relief_amount": "800"}])
    reminders.scan_notice_reminders(at(2026, 12, 1, 9))  # answered: the ladder stops
    assert reminded.count() == 1


def test_a_referral_is_refused_on_a_concluded_case_and_outlives_the_case_once_served(clerk, leader, case, record,
                                                                                    civil_affairs):
    notice = referral_served(clerk, leader, record)
    case_services.set_case_status(actor=clerk, case=case, status="terminated_round",
                                  reason="无财产可供执行", lifting_ruling_number="（2026）粤0103执1234号之一")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.SERVED  # nothing to lift: the unit still answers
    other = file_case(clerk, number="（2026）粤0103执1236号", applicants=[APPLICANT])
    other_record = relief.record_hardship(actor=clerk, case=other, applicant=other.parties.applicants().get(),
                                          circumstances="困难", unpaid_amount="100")
    case_services.set_case_status(actor=clerk, case=other, status="terminated_round", reason="无财产")
    with pytest.raises(ApplicationError) as error:
        relief.refer_to_civil_affairs(actor=clerk, record=other_record)
    assert "不能再发出" in error.value.message


def test_a_referral_needs_a_civil_affairs_unit_and_is_not_drafted_as_an_ordinary_notice(clerk, case, record):
    with pytest.raises(ApplicationError) as error:
        relief.refer_to_civil_affairs(actor=clerk, record=record)
    assert error.value.field == "unit"
    unit = factories.OrganisationFactory(jurisdiction=case.court.jurisdiction, kind="civil_affairs",
                                         measures=["social_relief"])
    with pytest.raises(ApplicationError) as error:
        draft_notice(clerk, case, unit, measure="social_relief",
                     items=[{"property_kind": "other", "description": "转介"}])
    assert error.value.field == "measure" and "困难申请执行人救助" in error.value.message
    assert not Notice.objects.exists()


def test_a_withdrawn_referral_may_be_replaced(clerk, record, civil_affairs):
    first = relief.refer_to_civil_affairs(actor=clerk, record=record)
    services.withdraw_notice(actor=clerk, notice=first, reason="转介单位有误")
    second = relief.refer_to_civil_affairs(actor=clerk, record=record, note="请尽快审查")
    assert [r.notice_id for r in record.referrals.order_by("id")] == [first.pk, second.pk]
    assert second.note == "请尽快审查"


# ------------------------------------------------------------------------------------------------ marriage


MARRIAGE_ITEMS = [{"property_kind": "other", "description": "查询被执行人王堃的婚姻登记信息"}]


def test_the_marriage_inquiry_is_answered_with_structured_records(clerk, leader, case, civil_affairs,
                                                                  civil_liaison):
    notice = advance(draft_notice(clerk, case, civil_affairs, measure="marriage_inquiry", items=MARRIAGE_ITEMS),
                     NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader, liaison=civil_liaison)
    assert notice.deadline_rule == "3个工作日"
    first = {"marital_status": "divorced", "spouse_name": "李娜", "married_on": "2010-05-20",
             "divorced_on": "2018-03-01", "registry": "广州市荔湾区民政局婚姻登记处"}
    second = {"marital_status": "married", "spouse_name": "张敏", "spouse_id_number": "44010319900101002X",
              "married_on": "2020-10-01", "registry": "广州市越秀区民政局婚姻登记处"}
    refusals = [
        ({**first, "divorced_on": ""}, "请填写离婚日期"),
        ({**first, "divorced_on": "2009-01-01"}, "不能早于结婚登记日期"),
        ({**second, "divorced_on": "2021-01-01"}, "不应填写离婚日期"),
        ({**second, "married_on": "2099-01-01"}, "不能晚于今天"),
        ({**second, "spouse_name": ""}, "配偶姓名"),
        ({**second, "marital_status": "engaged"}, "婚姻状况无法识别"),
    ]
    for row, words in refusals:
        with pytest.raises(ApplicationError) as error:
            services.reply_to_notice(actor=civil_liaison, notice=notice, outcome="done", results=[row])
        assert words in error.value.message, (row, error.value.message)
    services.reply_to_notice(actor=civil_liaison, notice=notice, outcome="done", results=[first, second])
    rows = list(ReplyResult.objects.order_by("position").values_list("kind", "marital_status", "spouse_name"))
    assert rows == [("marriage", "divorced", "李娜"), ("marriage", "married", "张敏")]
    page = client_for(clerk).get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    for words in ("婚姻状况", "配偶姓名", "结婚登记日期", "离婚日期", "离婚", "李娜", "2018-03-01", "张敏"):
        assert words in page, words


def test_the_divorce_notice_reply_form_offers_the_marriage_fields(clerk, leader, case, civil_affairs, civil_liaison):
    notice = advance(draft_notice(clerk, case, civil_affairs, measure="divorce_notice", items=[
        {"property_kind": "other", "description": "被执行人王堃与李娜离婚案件判决已生效，请更新婚姻登记信息"}]),
        NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader, liaison=civil_liaison)
    page = client_for(civil_liaison).get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    assert "办理结果明细（婚姻登记）" in page and 'name="results-0-spouse_name"' in page
    response = client_for(civil_liaison).post(reverse("assistance:reply", args=[notice.pk]), {
        "outcome": "done", "results-TOTAL_FORMS": "2", "results-INITIAL_FORMS": "0",
        "results-0-marital_status": "divorced", "results-0-spouse_name": "李娜", "results-0-married_on": "2010-05-20",
        "results-0-divorced_on": "2026-06-30", "save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReplyResult.objects.get().divorced_on == datetime.date(2026, 6, 30)


def test_the_unit_reads_the_applicant_on_the_referral_page_and_a_returned_referral_needs_no_ruling(
        clerk, leader, record, civil_affairs, civil_liaison):
    notice = relief.refer_to_civil_affairs(actor=clerk, record=record)
    services.return_draft(actor=leader, notice=notice, reason="请补充说明")
    response = client_for(clerk).post(reverse("assistance:resubmit", args=[notice.pk]), {
        "ruling_number": "", "legal_basis": notice.legal_basis, "note": "申请执行人已提交低保申请材料。"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and notice.ruling_number == "" and "低保" in notice.note
    advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    page = client_for(civil_liaison).get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    assert "<h1 class=\"h4 mb-1\">社会救助转介函" in page and 'id="relief-applicant">陈秀英' in page
    assert "独居" in page and "人民币60,000.00元" in page and "执行裁定书</dt>" not in page


def test_a_case_whose_applicants_are_all_organisations_says_why_there_is_no_relief_form(clerk, civil_affairs):
    company = file_case(clerk, number="（2026）粤0103执1238号")  # the helpers' applicant is a company
    body = client_for(clerk).get(reverse("cases:detail", args=[company.pk])).content.decode()
    assert "本案申请执行人均为法人或非法人组织，不适用司法救助和社会救助转介。" in body
    assert 'id="relief-record-form"' not in body
