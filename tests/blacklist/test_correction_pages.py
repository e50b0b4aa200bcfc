"""Correction-request pages (纠错): the court's list with the 15-day deadline and how it stands, recording a request,
deciding it (correct, revoke, reject), recording a reconsideration; who may see and do what (404 otherwise); bad
input answered in Chinese with nothing changed."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from blacklist.corrections import services as corrections
from blacklist.listings import services
from blacklist.models import CorrectionRequest, CorrectionState, ListingEvent, ListingState
from cases import services as case_services
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def login(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def published(clerk, leader, number="（2026）粤0103执800号", name="张伟"):
    case = case_services.create_case(
        actor=clerk, number=number, amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初8号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": name, "id_number": "44010319850615123X"}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    return services.approve_listing(actor=leader, listing=listing)


@pytest.fixture
def listing(clerk, leader):
    return published(clerk, leader)


def receive(clerk, listing, received_on, applicant="张伟"):
    return corrections.receive_correction_request(actor=clerk, listing=listing, applicant=applicant, content="姓名有误",
                                               received_on=received_on)


def test_who_sees_and_handles_correction_requests(login, clerk, leader, listing, committee_user, liaison):
    request = receive(clerk, listing, datetime.date(2026, 11, 20))
    detail = f"/listings/corrections/{request.pk}/"
    for user in (clerk, leader):
        page = login(user).get(detail)
        assert page.status_code == 200 and 'id="decide-form"' in page.content.decode()
        assert "申请人 张伟" in login(user).get("/listings/corrections/").content.decode()
    # The committee reads, and may not decide.
    page = login(committee_user).get(detail)
    assert page.status_code == 200 and 'id="decide-form"' not in page.content.decode()
    refused = login(committee_user).post(f"{detail}decide/", {"decide-outcome": "reject", "decide-reason": "无误"})
    assert refused.status_code == 400 and "只有本院执行人员可以办理" in refused.content.decode()
    # Another court's staff and a liaison: nothing exists.
    stranger = factories.ClerkFactory()
    for user in (stranger, factories.LeaderFactory(), liaison):
        client = login(user)
        assert client.get(detail).status_code == 404
        assert client.post(f"{detail}decide/", {"decide-outcome": "reject", "decide-reason": "无误"}).status_code == 404
        assert client.post(f"{detail}reconsider/", {}).status_code == 404
        assert client.get(f"/listings/{listing.pk}/corrections/new/").status_code == 404
    assert "申请人 张伟" not in login(stranger).get("/listings/corrections/").content.decode()
    assert login(liaison).get("/listings/corrections/").status_code == 404
    assert login(committee_user).get(f"/listings/{listing.pk}/corrections/new/").status_code == 404
    request.refresh_from_db()
    assert request.state == CorrectionState.PENDING and request.decided_on is None


def test_recording_a_request(login, clerk, listing):
    client = login(clerk)
    url = f"/listings/{listing.pk}/corrections/new/"
    assert client.get(url).status_code == 200
    missing = client.post(url, {"applicant": "", "content": "姓名有误"})
    assert missing.status_code == 400 and "请填写申请人。" in missing.content.decode()
    future = client.post(url, {"applicant": "张伟", "content": "姓名有误", "received_on": "2026-11-25"})
    assert future.status_code == 400 and "收到日期不能晚于今天。" in future.content.decode()
    bad_date = client.post(url, {"applicant": "张伟", "content": "姓名有误", "received_on": "明天"})
    assert bad_date.status_code == 400 and "日期格式不正确。" in bad_date.content.decode()
    assert not CorrectionRequest.objects.exists()
    # Received 16 September: 15 days end on 1 October, a holiday → due on the next working day, 8 October.
    response = client.post(url, {"applicant": "张伟", "contact": "13800000000", "content": "身份证号码有误",
                                 "received_on": "2026-09-16"})
    request = CorrectionRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/listings/corrections/{request.pk}/"
    assert request.due_on == datetime.date(2026, 10, 8) and request.received_by == clerk
    page = client.get(response["Location"]).content.decode()
    assert "2026-10-08" in page and "已逾期47日" in page


def test_the_list_shows_the_deadline_and_whether_it_was_kept(login, clerk, leader, listing):
    on_time = receive(clerk, listing, datetime.date(2026, 11, 2), "甲申请人")
    corrections.decide_correction_request(actor=clerk, request=on_time, corrected=False, reason="无误",
                                       decided_on=datetime.date(2026, 11, 10))
    late = receive(clerk, listing, datetime.date(2026, 10, 1), "乙申请人")  # due 10-16
    corrections.decide_correction_request(actor=clerk, request=late, corrected=False, reason="无误",
                                       decided_on=datetime.date(2026, 11, 20))
    waiting = receive(clerk, listing, datetime.date(2026, 11, 20), "丙申请人")  # due 12-07 (12-05 is a Saturday)
    overdue = receive(clerk, listing, datetime.date(2026, 10, 20), "丁申请人")  # due 11-04
    assert waiting.due_on == datetime.date(2026, 12, 7)
    client = login(clerk)
    page = client.get("/listings/corrections/").content.decode()

    def row(request):
        start = page.index(f'id="correction-{request.pk}"')
        return page[start:page.index("</a>", start)]

    assert "按期答复" in row(on_time) and "审查期限 2026-11-17" in row(on_time)
    assert "逾期答复（超期35日）" in row(late)
    assert "剩余13日" in row(waiting) and "待审查" in row(waiting)
    assert "已逾期20日" in row(overdue)
    # Pending first, soonest deadline first.
    assert page.index(row(overdue)) < page.index(row(waiting)) < page.index(row(on_time))
    pending = client.get("/listings/corrections/?state=pending").content.decode()
    assert "丙申请人" in pending and "甲申请人" not in pending


def test_list_query_count_does_not_grow(login, clerk, leader, listing, django_assert_num_queries):
    other = published(clerk, leader, "（2026）粤0103执801号", "李四")
    client = login(clerk)
    receive(clerk, listing, datetime.date(2026, 11, 20))
    client.get("/listings/corrections/")
    # session, user, count, page, the nav's organisation and unread count, the audit entry
    with django_assert_num_queries(7) as few:
        client.get("/listings/corrections/")
    for n in range(10):
        receive(clerk, other if n % 2 else listing, datetime.date(2026, 11, 1 + n))
    with django_assert_num_queries(len(few)):
        page = client.get("/listings/corrections/")
    assert len(page.context["rows"]) == 11


def test_deciding_refuses_bad_input_and_changes_nothing(login, clerk, listing):
    request = receive(clerk, listing, datetime.date(2026, 11, 20))
    client = login(clerk)
    url = f"/listings/corrections/{request.pk}/decide/"
    events = ListingEvent.objects.count()
    for data, message in [
        ({}, "请选择审查结论。"),
        ({"decide-outcome": "correct", "decide-reason": "属实"}, "请选择更正项目并填写更正后的内容。"),
        ({"decide-outcome": "correct", "decide-reason": "属实", "decide-field": "performed_amount",
          "decide-value": "五百元"}, "已履行（元）应为不小于0的金额，最多两位小数。"),
        ({"decide-outcome": "correct", "decide-reason": "属实", "decide-field": "id_number",
          "decide-value": "44010319850615123"}, "公民身份号码："),
        ({"decide-outcome": "correct", "decide-reason": "属实", "decide-field": "name", "decide-value": " "},
         "请选择更正项目并填写更正后的内容。"),
        ({"decide-outcome": "reject", "decide-reason": ""}, "请填写审查意见。"),
        ({"decide-outcome": "reject", "decide-reason": "无误", "decide-decided_on": "2026-11-25"},
         "审查日期不能晚于今天。"),
        ({"decide-outcome": "reject", "decide-reason": "无误", "decide-decided_on": "2026-11-19"},
         "审查日期不能早于收到申请的日期。"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    request.refresh_from_db()
    listing.refresh_from_db()
    assert request.state == CorrectionState.PENDING and request.decided_on is None
    assert listing.performed_amount == Decimal("0") and listing.id_number == "44010319850615123X"
    assert ListingEvent.objects.count() == events


def test_deciding_to_correct_changes_the_listing_and_pushes_it(login, clerk, listing):
    request = receive(clerk, listing, datetime.date(2026, 11, 20))
    client = login(clerk)
    response = client.post(f"/listings/corrections/{request.pk}/decide/", {
        "decide-outcome": "correct", "decide-reason": "经核实姓名有误", "decide-field": "name",
        "decide-value": "张玮"})
    assert response.status_code == 302
    request.refresh_from_db()
    listing.refresh_from_db()
    assert request.state == CorrectionState.CORRECTED and request.decided_on == datetime.date(2026, 11, 24)
    assert request.answered_on_time and listing.name == "张玮"
    assert ListingEvent.objects.filter(listing=listing, action="correct", pushed=True).exists()
    page = client.get(f"/listings/corrections/{request.pk}/").content.decode()
    assert "按期答复" in page and 'id="decide-form"' not in page and 'id="reconsider-form"' not in page
    again = client.post(f"/listings/corrections/{request.pk}/decide/",
                        {"decide-outcome": "reject", "decide-reason": "再议"})
    assert again.status_code == 400 and "该纠错申请已审查。" in again.content.decode()
    request.refresh_from_db()
    assert request.state == CorrectionState.CORRECTED


def test_deciding_to_revoke(login, clerk, listing):
    request = receive(clerk, listing, datetime.date(2026, 11, 20))
    response = login(clerk).post(f"/listings/corrections/{request.pk}/decide/",
                                 {"decide-outcome": "revoke", "decide-reason": "不符合纳入条件"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.REVOKED


def test_rejection_and_reconsideration(login, clerk, listing):
    request = receive(clerk, listing, datetime.date(2026, 11, 2))
    client = login(clerk)
    client.post(f"/listings/corrections/{request.pk}/decide/",
                {"decide-outcome": "reject", "decide-reason": "经核实无误", "decide-decided_on": "2026-11-05"})
    request.refresh_from_db()
    assert request.state == CorrectionState.REJECTED
    page = client.get(f"/listings/corrections/{request.pk}/").content.decode()
    assert 'id="reconsider-form"' in page and "经核实无误" in page
    url = f"/listings/corrections/{request.pk}/reconsider/"
    late = client.post(url, {"reconsider-requested_on": "2026-11-17"})
    assert late.status_code == 400 and "复议申请应在驳回决定作出之日起十日内提出。" in late.content.decode()
    early = client.post(url, {"reconsider-requested_on": "2026-11-04"})
    assert early.status_code == 400 and "申请复议日期不能早于驳回决定的日期。" in early.content.decode()
    request.refresh_from_db()
    assert request.reconsideration_requested_on is None
    assert client.post(url, {"reconsider-requested_on": "2026-11-16"}).status_code == 302
    request.refresh_from_db()
    assert request.reconsideration_due_on == datetime.date(2026, 12, 1)
    page = client.get(f"/listings/corrections/{request.pk}/").content.decode()
    assert "2026-12-01" in page and 'id="reconsider-form"' not in page
    twice = client.post(url, {"reconsider-requested_on": "2026-11-16"})
    assert twice.status_code == 400 and "只有被驳回且尚未申请复议的纠错申请可以申请复议" in twice.content.decode()


def test_linked_from_the_listing_pages(login, clerk, committee_user, listing):
    request = receive(clerk, listing, datetime.date(2026, 11, 20))
    page = login(clerk).get(f"/listings/{listing.pk}/").content.decode()
    assert f'href="/listings/{listing.pk}/corrections/new/"' in page
    assert f'href="/listings/corrections/{request.pk}/"' in page and "剩余13日" in page
    assert 'href="/listings/corrections/"' in login(clerk).get("/listings/").content.decode()
    committee_page = login(committee_user).get(f"/listings/{listing.pk}/").content.decode()
    assert "corrections/new/" not in committee_page
