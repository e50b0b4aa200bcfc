"""The priority queue of the list's errors (信用纠错优先办理, issue 22 item 3): clocks on the working-day calendar around
the 2026 National Day (holiday 10-01..10-07, make-up working day Saturday 10-10), one list ordered by due, overdue
flagged, one court's items only, and the reminders up the ladder (clerk a working day ahead, leaders once overdue)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blacklist.corrections import clocks
from blacklist.corrections import services as corrections
from blacklist.corrections.queue import priority_queue
from blacklist.corrections.reminders import remind_priority_queue
from blacklist.credit_models import CreditRepair
from blacklist.listings import services
from blacklist.models import CorrectionKind, CorrectionRequest
from cases import services as case_services
from linkage.errors import ApplicationError
from linkage.models import Notification, Reminder
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = datetime.date
NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈静"]
IDS = ["44010319850615123X", "44010319800101001X", "44010319900202002X", "440103197503030032",
       "440103196604040040"]


def at(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, tzinfo=SH)


def close(month, day):
    return datetime.datetime(2026, month, day, 23, 59, 59, tzinfo=SH)


def make_listings(clerk, leader, number, names=NAMES):
    case = case_services.create_case(
        actor=clerk, number=number, amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初8号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "110105194912310038"}],
        debtors=[{"kind": "person", "name": name, "id_number": IDS[i]} for i, name in enumerate(names)],
    )
    return {
        debtor.name: services.approve_listing(
            actor=leader, listing=services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产"))
        for debtor in case.parties.debtors()
    }


@pytest.fixture
def listings(clerk, leader):
    return make_listings(clerk, leader, "（2026）粤0103执800号")


@pytest.fixture
def world(clerk, leader, listings):
    """One item of each source, due around the National Day holiday."""
    w = {}
    # Received 09-18: 15 days end on 10-03, a holiday → the next working day, 10-08.
    w["objection"] = corrections.receive_correction_request(
        actor=clerk, listing=listings["张伟"], applicant="张伟", content="征信报告显示的失信信息有误",
        kind=CorrectionKind.OBJECTION, received_on=D(2026, 9, 18))
    # Found by the court on 09-30: 3 working days are 10-08, 10-09 and the make-up Saturday 10-10.
    w["found"] = corrections.receive_correction_request(
        actor=clerk, listing=listings["李娜"], content="不符合纳入条件（已提供担保）", kind=CorrectionKind.WRONG_LISTING,
        found_by_court=True, received_on=D(2026, 9, 30))
    # A deletion ground arising on 09-30: due at the close of 10-10.
    w["removal"] = services.record_removal_ground(actor=clerk, listing=listings["王芳"], ground="performed",
                                                  arose_on=D(2026, 9, 30))
    # A credit repair (another engineer's services; the queue reads the model) due at the close of 10-09.
    w["repair"] = CreditRepair.objects.create(
        listing=listings["刘洋"], ground="performed", channel="paper", applicant_name="刘洋", phone="13800000000",
        statement="已全部履行", received_on=D(2026, 9, 29), due_at=close(10, 9), received_by=clerk)
    # A rejection on 09-08 taken to reconsideration on 09-12: the higher court decides by 09-27 → 09-28 (a Monday).
    rejected = corrections.decide_correction_request(
        actor=clerk, reason="理由不成立", corrected=False, decided_on=D(2026, 9, 8),
        request=corrections.receive_correction_request(actor=clerk, listing=listings["陈静"], applicant="陈静",
                                                       content="金额有误", received_on=D(2026, 9, 1)))
    w["reconsideration"] = corrections.request_reconsideration(actor=clerk, request=rejected,
                                                               requested_on=D(2026, 9, 12))
    return w


def test_clocks_follow_the_2026_national_day_calendar(clerk, listings):
    # A request received 09-18: the 15th day (10-03) is a holiday → the next working day 10-08, for every kind.
    for kind, name in zip(CorrectionKind.values, NAMES, strict=False):
        request = corrections.receive_correction_request(actor=clerk, listing=listings[name], applicant=name,
                                                         content="有误", kind=kind, received_on=D(2026, 9, 18))
        assert (request.kind, request.due_on) == (kind, D(2026, 10, 8))
    # Received 09-25: the 15th day is the make-up Saturday 10-10, a working day: the period ends there.
    assert clocks.review_deadline(D(2026, 9, 25)).due_at == close(10, 10)
    # 3 working days from 09-30 skip the seven holidays and count the make-up Saturday.
    removal = clocks.removal_deadline(D(2026, 9, 30))
    assert removal.due_at == close(10, 10) and removal.makeup_days == [D(2026, 10, 10)]
    assert [day for day, _ in removal.skipped] == [D(2026, 10, day) for day in range(1, 8)]
    assert clocks.review_deadline(D(2026, 9, 29), found_by_court=True).due_at == close(10, 9)
    listing = services.record_removal_ground(actor=clerk, listing=listings["王芳"], ground="performed",
                                             arose_on=D(2026, 9, 30))
    assert listing.removal_due_at == close(10, 10)
    # The applicant's 10 days from a rejection on 09-25 end on 10-05, a holiday → 10-08; so a request on 10-08 is
    # in time, and the higher court's 15 days from it end on 10-23 (a Friday).
    assert clocks.reconsideration_window(D(2026, 9, 25)).due_date == D(2026, 10, 8)
    rejected = corrections.decide_correction_request(
        actor=clerk, reason="理由不成立", corrected=False, decided_on=D(2026, 9, 25),
        request=corrections.receive_correction_request(actor=clerk, listing=listings["陈静"], applicant="陈静",
                                                       content="金额有误", received_on=D(2026, 9, 20)))
    assert corrections.request_reconsideration(actor=clerk, request=rejected,
                                               requested_on=D(2026, 10, 8)).reconsideration_due_on == D(2026, 10, 23)


def test_a_court_found_error_runs_on_three_working_days_and_cannot_be_reconsidered(clerk, listings):
    found = corrections.receive_correction_request(actor=clerk, listing=listings["李娜"], content="身份证号码录入错误",
                                                   found_by_court=True, received_on=D(2026, 9, 30))
    assert found.applicant == corrections.COURT_FOUND_APPLICANT and found.due_on == D(2026, 10, 10)
    with pytest.raises(ApplicationError) as refused:
        corrections.receive_correction_request(actor=clerk, listing=listings["李娜"], content="异议",
                                               kind=CorrectionKind.OBJECTION, found_by_court=True)
    assert refused.value.field == "kind"
    with pytest.raises(ApplicationError):  # a party's request still needs its applicant
        corrections.receive_correction_request(actor=clerk, listing=listings["李娜"], content="有误", applicant=" ")
    rejected = corrections.decide_correction_request(actor=clerk, request=found, corrected=False, reason="经核实无误",
                                                     decided_on=D(2026, 10, 9))
    from linkage.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        corrections.request_reconsideration(actor=clerk, request=rejected, requested_on=D(2026, 10, 9))
    assert CorrectionRequest.objects.filter(pk=found.pk, reconsideration_requested_on__isnull=True).exists()


def test_the_queue_is_ordered_by_due_with_clocks_in_working_days(clerk, world):
    queue = priority_queue(clerk.organisation_id, at(10, 9))
    rows = [(item.source, item.label, item.name, item.due_at, item.overdue, item.clock) for item in queue.items]
    assert rows == [
        ("reconsideration", "复议待决定", "陈静", close(9, 28), True, "已逾期11天"),
        ("correction", "征信异议", "张伟", close(10, 8), True, "已逾期1天"),
        ("repair", "信用修复", "刘洋", close(10, 9), False, "今日到期"),
        # The make-up Saturday is a working day: one left.
        ("correction", "本院发现·错误纳入", "李娜", close(10, 10), False, "剩余1个工作日"),
        ("removal", "应删除", "王芳", close(10, 10), False, "剩余1个工作日"),
    ]
    assert (queue.total, queue.overdue_count, queue.more) == (5, 2, False)
    assert queue.items[1].link == reverse("blacklist:correction-detail", args=[world["objection"].pk])
    # Before the holiday, 09-30: 10-08 is the next working day after seven days off.
    early = {item.name: item.clock for item in priority_queue(clerk.organisation_id, at(9, 30)).items}
    assert early["张伟"] == "剩余1个工作日" and early["王芳"] == "剩余3个工作日"
    # Past the make-up day the deletion is late (延迟解除) and red.
    late = {item.name: item for item in priority_queue(clerk.organisation_id, at(10, 12)).items}
    assert late["王芳"].label == "延迟解除" and late["王芳"].clock == "已逾期2天"


def test_decided_deleted_and_granted_items_leave_the_queue(clerk, world):
    corrections.decide_correction_request(actor=clerk, request=world["objection"], corrected=True, reason="属实",
                                          changes={"name": "张玮"}, decided_on=D(2026, 10, 8))
    CreditRepair.objects.filter(pk=world["repair"].pk).update(state="refused")
    services.delete_listing(actor=clerk, listing=world["removal"], ground="performed", arose_on=D(2026, 9, 30))
    names = {item.name for item in priority_queue(clerk.organisation_id, at(10, 9)).items}
    assert names == {"李娜", "陈静"}


def test_the_queue_is_bounded_and_its_queries_fixed(clerk, listings, world):
    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            queue = priority_queue(clerk.organisation_id, at(10, 9), limit=limit)
        return len(captured), queue

    few, small = queries(2)
    many, full = queries(50)
    assert few == many <= 9
    assert [item.name for item in small.items] == ["陈静", "张伟"] and small.total == 5 and small.more


def test_another_courts_items_never_appear(clerk, leader, world):
    other_court = factories.CourtFactory()
    other_clerk = factories.ClerkFactory(organisation=other_court)
    other_leader = factories.LeaderFactory(organisation=other_court)
    other = make_listings(other_clerk, other_leader, "（2026）粤0104执9号", names=["赵强"])
    corrections.receive_correction_request(actor=other_clerk, listing=other["赵强"], applicant="赵强", content="有误",
                                           received_on=D(2026, 9, 18))
    assert [item.name for item in priority_queue(other_court.pk, at(10, 9)).items] == ["赵强"]
    assert "赵强" not in {item.name for item in priority_queue(clerk.organisation_id, at(10, 9)).items}


def test_the_page_is_court_staff_only(client_for, clerk, leader, liaison, committee_user, world, client):
    url = reverse("blacklist:priority-queue")
    assert client.get(url).status_code == 302
    with time_machine.travel(at(10, 9), tick=False):
        for user in (clerk, leader):
            page = client_for(user).get(url)
            assert page.status_code == 200
            body = page.content.decode()
            assert "征信异议" in body and "已逾期1天" in body and "剩余1个工作日" in body and "table-danger" in body
        other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory())
        body = client_for(other_clerk).get(url).content.decode()
        assert "张伟" not in body and "目前没有待办" in body
        for user in (liaison, committee_user):
            assert client_for(user).get(url).status_code == 404


def test_the_home_panel_renders_for_clerk_and_leader(client_for, clerk, leader, liaison, world):
    with time_machine.travel(at(10, 9), tick=False):
        for user in (clerk, leader):
            body = client_for(user).get(reverse("home")).content.decode()
            panel = body[body.index('id="priority-queue-panel"'):]
            assert "信用纠错优先办理" in panel and "逾期 2" in panel and "已逾期11天" in panel
            assert panel.index("陈静") < panel.index("张伟") < panel.index("刘洋")
        assert "priority-queue-panel" not in client_for(liaison).get(reverse("home")).content.decode()


QUEUE_KINDS = ("credit_queue_due", "credit_queue_overdue", "listing_removal")


def queue_notifications():
    return Notification.objects.filter(kind__in=QUEUE_KINDS).order_by("pk")


def notified():
    return sorted((n.recipient.username, n.kind) for n in queue_notifications())


def test_reminders_go_up_the_ladder_once_each(clerk, leader, world):
    other_leader = factories.LeaderFactory(organisation=factories.CourtFactory())
    factories.LeaderFactory(organisation=clerk.organisation, is_active=False)
    # A holiday: nothing goes out.
    assert remind_priority_queue(at(10, 5)) == 0
    # 10-08: the objection is due today → its clerk; the repair on the next working day → the active leader, whose
    # decision it is, and the clerk; the reconsideration (due 09-28) is overdue → the active leader and the clerk.
    assert remind_priority_queue(at(10, 8)) == 5
    assert remind_priority_queue(at(10, 8)) == 0
    assert notified() == sorted([(clerk.username, "credit_queue_due"), (clerk.username, "credit_queue_due"),
                                 (leader.username, "credit_queue_due"),
                                 (clerk.username, "credit_queue_overdue"), (leader.username, "credit_queue_overdue")])
    before = queue_notifications().count()
    # 10-09: the objection is now overdue → leader and clerk; the make-up Saturday being the next working day, the
    # court-found error and the deletion (10-10) → the clerk. The repair and the reconsideration were reminded.
    assert remind_priority_queue(at(10, 9)) == 4
    assert remind_priority_queue(at(10, 9, 15)) == 0
    fresh = queue_notifications()[before:]
    assert sorted((n.recipient.username, n.kind) for n in fresh) == sorted([
        (clerk.username, "credit_queue_overdue"), (leader.username, "credit_queue_overdue"),
        (clerk.username, "credit_queue_due"), (clerk.username, "listing_removal"),
    ])
    assert not Notification.objects.filter(recipient=other_leader).exists()
    assert Reminder.objects.filter(kind="removal_due", object_id=world["removal"].pk).count() == 1
    overdue = Notification.objects.filter(recipient=leader, kind="credit_queue_overdue", title__contains="张伟").get()
    assert overdue.link == reverse("blacklist:correction-detail", args=[world["objection"].pk])


def test_a_deletion_reminded_by_the_former_rule_is_not_reminded_again(clerk, world):
    """The former removal reminder wrote kind "removal_due" for the listing's deadline: the same row stops this."""
    from django.contrib.contenttypes.models import ContentType

    from blacklist.models import Listing

    listing = world["removal"]
    Reminder.objects.create(content_type=ContentType.objects.get_for_model(Listing), object_id=listing.pk,
                            kind="removal_due", due_at=listing.removal_due_at, recipient_key=f"user:{clerk.pk}")
    remind_priority_queue(at(10, 9))
    assert not Notification.objects.filter(kind="listing_removal").exists()


def test_the_form_takes_the_kind_and_a_court_found_error(client_for, clerk, listings):
    url = reverse("blacklist:correction-new", args=[listings["李娜"].pk])
    response = client_for(clerk).post(url, {"kind": "wrong_listing", "found_by_court": "on", "content": "不应纳入",
                                            "received_on": "2026-09-30"})
    assert response.status_code == 302
    created = CorrectionRequest.objects.get()
    assert (created.kind, created.found_by_court, created.due_on) == ("wrong_listing", True, D(2026, 10, 10))
    detail = client_for(clerk).get(response.url).content.decode()
    assert "错误纳入" in detail and "3个工作日" in detail
    response = client_for(clerk).post(url, {"content": "姓名有误", "received_on": "2026-09-18"})
    assert response.status_code == 400 and "请填写申请人" in response.content.decode()
    response = client_for(clerk).post(url, {"applicant": "李娜", "content": "姓名有误", "received_on": "2026-09-18"})
    assert CorrectionRequest.objects.latest("pk").kind == "inaccurate_data"


def test_the_higher_courts_decision_takes_a_reconsideration_off_the_queue_or_back_on_the_3_day_clock(clerk, world):
    from linkage.errors import TransitionNotAllowed

    request = world["reconsideration"]
    with pytest.raises(ApplicationError):  # dated before the reconsideration was asked for (09-12)
        corrections.record_reconsideration_decision(actor=clerk, request=request, upheld=True, result="维持",
                                                    decided_on=D(2026, 9, 11))
    # Reversed on 09-30: corrected within 3 working days → 10-10 (the make-up Saturday).
    reversed_ = corrections.record_reconsideration_decision(actor=clerk, request=request, upheld=False,
                                                            result="撤销驳回决定", decided_on=D(2026, 9, 30))
    assert (reversed_.state, reversed_.due_on) == ("pending", D(2026, 10, 10))
    item = next(i for i in priority_queue(clerk.organisation_id, at(10, 9)).items if i.name == "陈静")
    assert (item.source, item.label, item.clock) == ("correction", "复议改正·信息不准确", "剩余1个工作日")
    with pytest.raises(TransitionNotAllowed):  # decided once; and a reversed rejection is corrected, not rejected
        corrections.record_reconsideration_decision(actor=clerk, request=reversed_, upheld=True, result="维持")
    with pytest.raises(TransitionNotAllowed):
        corrections.decide_correction_request(actor=clerk, request=reversed_, corrected=False, reason="仍不成立")
    corrections.decide_correction_request(actor=clerk, request=reversed_, corrected=True, reason="按复议决定纠正",
                                          changes={"name": "陈晶"}, decided_on=D(2026, 10, 9))
    assert "陈晶" not in {i.name for i in priority_queue(clerk.organisation_id, at(10, 9)).items}


def test_an_upheld_rejection_leaves_the_queue_through_the_page(client_for, clerk, leader, world):
    request = world["reconsideration"]
    url = reverse("blacklist:correction-reconsidered", args=[request.pk])
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    assert client_for(other).post(url, {"reconsidered-outcome": "uphold", "reconsidered-result": "维持"}
                                  ).status_code == 404
    refused = client_for(clerk).post(url, {"reconsidered-outcome": "uphold", "reconsidered-result": "维持",
                                           "reconsidered-decided_on": "2026-09-01"})
    assert refused.status_code == 400 and "不能早于申请复议的日期" in refused.content.decode()
    detail = client_for(clerk).get(reverse("blacklist:correction-detail", args=[request.pk])).content.decode()
    assert 'id="reconsidered-form"' in detail
    done = client_for(clerk).post(url, {"reconsidered-outcome": "uphold", "reconsidered-result": "维持驳回决定",
                                        "reconsidered-decided_on": "2026-09-25"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.reconsideration_decided_on) == ("rejected", D(2026, 9, 25))
    assert "陈静" not in {i.name for i in priority_queue(clerk.organisation_id, at(10, 9)).items}
    detail = client_for(clerk).get(reverse("blacklist:correction-detail", args=[request.pk])).content.decode()
    assert "维持驳回决定" in detail and 'id="reconsidered-form"' not in detail


def test_the_kinds_and_the_beat_entry_are_registered(settings):
    from linkage import kinds

    assert kinds.KINDS["credit_queue_due"].label == "信用纠错事项即将到期"
    assert kinds.KINDS["credit_queue_overdue"].urgent
    entry = settings.CELERY_BEAT_SCHEDULE["credit-priority-queue"]
    assert entry["task"] == "blacklist.tasks.remind_priority_queue"
    # One rule: the former removal reminder is no longer scheduled on its own.
    assert not any(e["task"] == "blacklist.tasks.remind_removals" for e in settings.CELERY_BEAT_SCHEDULE.values())
    from blacklist import tasks

    assert tasks.remind_priority_queue_task.name == "blacklist.tasks.remind_priority_queue"


def test_an_online_repair_reminds_the_leaders_and_the_clerk_who_proposed_the_listing(clerk, leader, listings):
    CreditRepair.objects.create(
        listing=listings["刘洋"], ground="performed", channel="online", applicant_name="刘洋", phone="13800000000",
        statement="已全部履行", received_on=D(2026, 10, 8), due_at=close(10, 9))
    assert remind_priority_queue(at(10, 9)) == 2  # the leader decides it; the clerk who proposed the listing
    assert notified() == sorted([(clerk.username, "credit_queue_due"), (leader.username, "credit_queue_due")])
    assert remind_priority_queue(at(10, 12)) == 2  # overdue: the leader, and the clerk again
    assert remind_priority_queue(at(10, 12, 16)) == 0
