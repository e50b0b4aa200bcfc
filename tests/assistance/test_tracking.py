"""Finding a debtor and a vehicle with the police (Liwan seed 四(七)2-3 and 4(3), Yunfu item 2): the request names
one of the five reasons and the court's 24-hour contact; its clock is a periodic status reply while in force and
24 hours from a recorded finding; the court takes over or cancels; the police may suggest stopping a detention,
decided within 24 hours; vehicles are registered for control, seized, handed over and received."""

import datetime
import io

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.documents import notice_pdf
from assistance.models import Notice, NoticeState, Tracking
from assistance.querysets import on_time_condition
from assistance.services import tracking as tracking_services
from assistance.tracking_models import DetentionState, DetentionSuggestion, LocateReason, TrackingState
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification as StoredMessage
from linkage.text import REASON_MAX
from tests import factories

from .helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db

PERSON_ITEMS = [{"property_kind": "person", "description": "查找被执行人下落", "identifier": "最后居住地：荔湾区"}]
VEHICLE_ITEMS = [{"property_kind": "vehicle", "description": "查扣被执行人名下车辆", "identifier": "粤A12345"}]
LOCATE = {"reason": LocateReason.ABSCONDED, "contact_person": "林佩文", "contact_phone": "13912345678"}
VEHICLE = {"contact_person": "林佩文", "contact_phone": "020-81234567", "plate": "粤A12345"}
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(clerk):
    return file_case(clerk, officer_phone="")


@pytest.fixture
def police(court):
    return factories.OrganisationFactory(measures=["locate_person", "seize_vehicle"], jurisdiction=court.jurisdiction,
                                         name="广州市公安局荔湾区分局", short_name="荔湾公安")


@pytest.fixture
def police_liaison(police):
    return factories.LiaisonFactory(organisation=police, liaison_role="A")


def locate_notice(clerk, case, police, tracking=LOCATE, measure="locate_person", items=PERSON_ITEMS):
    return draft_notice(clerk, case, police, measure=measure, items=items, tracking=tracking)


def served(clerk, leader, case, police, liaison=None, *, served_at=None, **kwargs):
    notice = locate_notice(clerk, case, police, **kwargs)
    state = NoticeState.ACKNOWLEDGED if liaison else NoticeState.SERVED
    return advance(notice, state, clerk=clerk, leader=leader, liaison=liaison, served_at=served_at)


# ------------------------------------------------------------------------------------------------ the request


@pytest.mark.parametrize("tracking, field", [
    ({**LOCATE, "reason": ""}, "locate_reason"),
    ({**LOCATE, "contact_phone": ""}, "contact_phone"),
    ({**LOCATE, "contact_phone": "12345"}, "contact_phone"),
    ({**LOCATE, "contact_person": " "}, "contact_person"),
    ({**LOCATE, "reason": LocateReason.OTHER}, "reason_detail"),
    (None, "locate_reason"),
])
def test_a_locate_request_without_reason_or_contact_phone_is_refused(clerk, case, police, tracking, field):
    with pytest.raises(ApplicationError) as error:
        locate_notice(clerk, case, police, tracking=tracking)
    assert error.value.field == field
    assert not Notice.objects.exists() and not Tracking.objects.exists()


def test_a_vehicle_request_needs_the_contact_but_no_reason(clerk, case, police):
    with pytest.raises(ApplicationError) as error:
        locate_notice(clerk, case, police, tracking={"contact_person": "林佩文"}, measure="seize_vehicle",
                      items=VEHICLE_ITEMS)
    assert error.value.field == "contact_phone" and "24小时联系电话" in error.value.message
    notice = locate_notice(clerk, case, police, tracking=VEHICLE, measure="seize_vehicle", items=VEHICLE_ITEMS)
    assert notice.tracking.reason == "" and notice.tracking.plate == "粤A12345"


def test_the_api_refuses_a_locate_request_without_reason_or_phone_in_chinese(api_for, clerk, case, police):
    body = {"case": case.pk, "units": [police.pk], "measure": "locate_person",
            "debtor": case.parties.debtors().first().pk, "items": PERSON_ITEMS,
            "ruling_number": "（2026）粤0103执1234号之一", "contact_person": "林佩文"}
    response = api_for(clerk).post("/api/v1/notices/", body, format="json")
    assert response.status_code == 400
    assert "查找事由" in str(response.json())
    response = api_for(clerk).post("/api/v1/notices/", {**body, "locate_reason": "missing"}, format="json")
    assert response.status_code == 400 and "24小时联系电话" in str(response.json())
    assert not Notice.objects.exists()
    ok = api_for(clerk).post("/api/v1/notices/", {**body, "locate_reason": "missing", "contact_phone": "13912345678"},
                             format="json")
    assert ok.status_code == 201, ok.json()
    assert Tracking.objects.get().reason == "missing"


def test_the_draft_page_refuses_a_locate_request_without_reason(clerk, case, police):
    client = Client()
    client.force_login(clerk)
    data = {
        "measure": "locate_person", "units": [str(police.pk)], "debtor": str(case.parties.debtors().first().pk),
        "ruling_number": "（2026）粤0103执1234号之一", "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-property_kind": "person",
        "items-0-description": "查找被执行人下落", "contact_person": "林佩文", "contact_phone": "13912345678",
        "save": "1",
    }
    response = client.post(reverse("assistance:draft", args=[case.pk]), data)
    assert response.status_code == 400
    assert "查找事由" in response.content.decode()
    assert not Notice.objects.exists()
    response = client.post(reverse("assistance:draft", args=[case.pk]), {**data, "locate_reason": "stability"})
    assert response.status_code == 302
    assert Tracking.objects.get().get_reason_display().startswith("因案件得不到执行")


# ------------------------------------------------------------------------------------------------ the clock


def test_a_locate_notice_is_not_overdue_24_hours_after_service_but_is_24_hours_after_a_finding(
        clerk, leader, case, police, police_liaison):
    served_at = timezone.now() - datetime.timedelta(days=3)
    notice = served(clerk, leader, case, police, police_liaison, served_at=served_at)
    assert notice.due_at == served_at + datetime.timedelta(days=30)
    assert notice.deadline_rule == "查找期间每30日反馈一次情况"
    assert not notice.is_overdue()
    assert not Notice.objects.overdue().exists()
    found_at = timezone.now() - 25 * HOUR
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=found_at, place="荔湾区某宾馆")
    notice.refresh_from_db()
    assert notice.due_at == found_at + 24 * HOUR and notice.deadline_rule == "发现后24小时内通知法院"
    assert notice.is_overdue() and list(Notice.objects.overdue()) == [notice]
    assert notice.tracking.state == TrackingState.FOUND and notice.tracking.found_by == police_liaison
    assert notice.events.filter(action="deadline_moved").exists()
    # The clerk is told at once, urgently.
    assert StoredMessage.objects.filter(kind="tracking_found", recipient=clerk).exists()


def test_a_late_report_is_counted_late_and_an_early_one_on_time(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - datetime.timedelta(days=3))
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=timezone.now() - 30 * HOUR,
                                     place="荔湾区")
    services.reply_to_notice(actor=police_liaison, notice=notice, outcome="done", text="已发现。",
                             results=[{"location": "荔湾区", "found_at": (timezone.now() - 30 * HOUR).isoformat()}])
    notice.refresh_from_db()
    assert notice.state == NoticeState.REPLIED and notice.tracking.state == TrackingState.REPORTED
    assert Notice.objects.rated().filter(pk=notice.pk).exists()
    assert not Notice.objects.filter(on_time_condition(), pk=notice.pk).exists()
    # Another, reported within 24 hours of its finding: on time.
    other = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - datetime.timedelta(days=40))
    assert other.is_overdue()  # the status reply was owed after 30 days
    found_at = timezone.now() - 2 * HOUR
    services.reply_to_notice(actor=police_liaison, notice=other, outcome="done", text="已发现。",
                             results=[{"location": "白鹅潭", "found_at": found_at.isoformat()}])
    other.refresh_from_db()
    assert other.due_at == found_at.replace(microsecond=found_at.microsecond) + 24 * HOUR
    assert other.tracking.found_at is not None and other.tracking.state == TrackingState.REPORTED
    assert Notice.objects.filter(on_time_condition(), pk=other.pk).exists()


def test_a_status_reply_moves_the_next_one_and_a_reply_without_a_finding_is_refused(
        clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - datetime.timedelta(days=31))
    assert notice.is_overdue()
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=police_liaison, notice=notice, outcome="not_found", text="未发现。")
    assert "情况反馈" in error.value.message
    with pytest.raises(ApplicationError):
        tracking_services.report_status(actor=police_liaison, notice=notice, text=" ")
    before = timezone.now()
    tracking_services.report_status(actor=police_liaison, notice=notice, text="已布控，暂未发现。")
    notice.refresh_from_db()
    assert not notice.is_overdue() and notice.due_at >= before + datetime.timedelta(days=30)
    assert notice.tracking.status_reports == 1 and notice.state == NoticeState.ACKNOWLEDGED


def test_the_cadence_comes_from_the_setting_and_stays_with_the_request(settings, clerk, leader, case, police):
    settings.TRACKING_STATUS_DAYS = 7
    served_at = timezone.now() - HOUR
    notice = served(clerk, leader, case, police, served_at=served_at)
    assert notice.due_at == served_at + datetime.timedelta(days=7)
    settings.TRACKING_STATUS_DAYS = 30
    assert notice.tracking.status_every_days == 7


def test_a_finding_cannot_be_in_the_future_or_before_service(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - HOUR)
    for found_at in (timezone.now() + HOUR, timezone.now() - 3 * HOUR):
        with pytest.raises(ApplicationError) as error:
            tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=found_at, place="荔湾区")
        assert error.value.field == "found_at"
    with pytest.raises(ApplicationError):
        tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="")


def test_only_the_units_liaison_records_and_not_twice(clerk, leader, case, police, police_liaison, liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    with pytest.raises(PermissionDenied):
        tracking_services.record_finding(actor=liaison, notice=notice, found_at=None, place="荔湾区")
    with pytest.raises(PermissionDenied):
        tracking_services.record_finding(actor=clerk, notice=notice, found_at=None, place="荔湾区")
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="荔湾区")
    with pytest.raises(TransitionNotAllowed):
        tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="荔湾区")
    with pytest.raises(TransitionNotAllowed):  # a locate request has no vehicle hand-over
        tracking_services.register_control(actor=police_liaison, notice=notice, registered_on=timezone.localdate())


def test_a_draft_cannot_be_tracked_yet(clerk, case, police, police_liaison):
    notice = locate_notice(clerk, case, police)
    with pytest.raises(TransitionNotAllowed):
        tracking_services.report_status(actor=police_liaison, notice=notice, text="暂未发现")


# ------------------------------------------------------------------------------------------------ the court


def test_the_court_takes_the_person_over(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    with pytest.raises(TransitionNotAllowed):
        tracking_services.take_over(actor=clerk, notice=notice)
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="荔湾区")
    with pytest.raises(PermissionDenied):
        tracking_services.take_over(actor=police_liaison, notice=notice)
    tracking = tracking_services.take_over(actor=clerk, notice=notice, note="已带回执行")
    assert tracking.state == TrackingState.TAKEN_OVER and tracking.taken_over_by == clerk
    assert [e.action for e in tracking.events.order_by("at", "id")] == ["create", "record_finding", "take_over"]
    # The police still owe their report; it closes the clock.
    services.reply_to_notice(actor=police_liaison, notice=notice, outcome="done", text="已移交。",
                             results=[{"location": "荔湾区", "found_at": timezone.now().isoformat()}])
    tracking.refresh_from_db()
    assert tracking.reported_at is not None and tracking.state == TrackingState.TAKEN_OVER


def test_cancelling_withdraws_the_notice_and_tells_the_police(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - datetime.timedelta(days=31))
    assert notice.is_overdue()
    with pytest.raises(ApplicationError):
        tracking_services.cancel_tracking(actor=clerk, notice=notice, reason="")
    tracking_services.cancel_tracking(actor=clerk, notice=notice, reason="本院已自行找到被执行人")
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN and not notice.is_overdue()
    assert notice.tracking.state == TrackingState.CANCELLED and notice.tracking.cancelled_by == clerk
    message = StoredMessage.objects.get(kind="tracking_cancelled", recipient=police_liaison)
    assert "撤销" in message.body and "13912345678" in message.body
    with pytest.raises(TransitionNotAllowed):
        tracking_services.cancel_tracking(actor=clerk, notice=notice, reason="再次")


def test_withdrawing_a_tracked_notice_cancels_its_search_too(clerk, leader, case, police, police_liaison):
    searching = served(clerk, leader, case, police, police_liaison)
    found = served(clerk, leader, case, police, police_liaison)
    tracking_services.record_finding(actor=police_liaison, notice=found, place="荔湾区中山八路")
    for notice in (searching, found):
        services.withdraw_notice(actor=clerk, notice=notice, reason="裁定书文号有误" + "。" * (REASON_MAX - 7))
        notice.refresh_from_db()
        assert notice.state == NoticeState.WITHDRAWN
        assert (notice.tracking.state, notice.tracking.cancelled_by) == (TrackingState.CANCELLED, clerk)
        assert notice.tracking.cancel_reason.startswith("撤回通知书：裁定书文号有误")
        assert notice.tracking.events.filter(action="cancel").count() == 1
        with pytest.raises(TransitionNotAllowed):
            tracking_services.report_status(actor=police_liaison, notice=notice, text="仍在查找")


# ------------------------------------------------------------------------------------------------ detention


def test_a_detention_suggestion_is_decided_within_24_hours_and_sent_back(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    with pytest.raises(TransitionNotAllowed):  # nobody in hand yet
        tracking_services.suggest_stop_detention(actor=police_liaison, notice=notice, reason="患病")
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="荔湾区")
    with pytest.raises(ApplicationError):
        tracking_services.suggest_stop_detention(actor=police_liaison, notice=notice, reason="")
    suggestion = tracking_services.suggest_stop_detention(actor=police_liaison, notice=notice,
                                                          reason="经健康检查，患有严重疾病，不宜收拘")
    assert suggestion.due_at == suggestion.raised_at + 24 * HOUR
    assert not suggestion.is_overdue() and suggestion.is_overdue(suggestion.raised_at + 25 * HOUR)
    assert StoredMessage.objects.filter(kind="detention_suggested", recipient=clerk).exists()
    with pytest.raises(TransitionNotAllowed):
        tracking_services.suggest_stop_detention(actor=police_liaison, notice=notice, reason="再次")
    with pytest.raises(PermissionDenied):
        tracking_services.decide_detention(actor=police_liaison, notice=notice, stop=True)
    with pytest.raises(ApplicationError):  # continuing needs reasons
        tracking_services.decide_detention(actor=clerk, notice=notice, stop=False, reason="")
    tracking_services.decide_detention(actor=clerk, notice=notice, stop=True, reason="同意")
    suggestion.refresh_from_db()
    assert suggestion.state == DetentionState.STOPPED and suggestion.decided_by == clerk
    assert StoredMessage.objects.filter(kind="detention_decided", recipient=police_liaison).exists()
    with pytest.raises(TransitionNotAllowed):
        tracking_services.decide_detention(actor=clerk, notice=notice, stop=True)


def test_an_undecided_suggestion_is_reminded_once_when_late(clerk, leader, case, police, police_liaison):
    from assistance.tracking_reminders import scan_detention_reminders

    notice = served(clerk, leader, case, police, police_liaison)
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=None, place="荔湾区")
    suggestion = tracking_services.suggest_stop_detention(actor=police_liaison, notice=notice, reason="患病")
    leader_of_court = factories.LeaderFactory(organisation=clerk.organisation)
    assert scan_detention_reminders(suggestion.raised_at + HOUR)["reminders"] == 0
    soon = suggestion.raised_at + 21 * HOUR
    assert scan_detention_reminders(soon)["reminders"] == 1  # the clerk, 4 hours before the deadline
    assert scan_detention_reminders(soon)["reminders"] == 0
    late = suggestion.raised_at + 25 * HOUR
    assert scan_detention_reminders(late)["reminders"] >= 2  # the clerk and the court's leaders
    assert scan_detention_reminders(late)["reminders"] == 0
    assert StoredMessage.objects.filter(kind="detention_reminder", recipient=clerk).count() == 2
    assert StoredMessage.objects.filter(kind="detention_reminder", recipient=leader_of_court).count() == 1
    assert DetentionSuggestion.objects.get().state == DetentionState.PENDING


# ------------------------------------------------------------------------------------------------ vehicles


def test_a_vehicle_is_registered_seized_handed_over_and_received(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - datetime.timedelta(days=2),
                    tracking=VEHICLE, measure="seize_vehicle", items=VEHICLE_ITEMS)
    assert not notice.is_overdue() and notice.deadline_rule == "查找期间每30日反馈一次情况"
    with pytest.raises(ApplicationError):
        tracking_services.register_control(actor=police_liaison, notice=notice,
                                           registered_on=timezone.localdate() + datetime.timedelta(days=1))
    tracking_services.register_control(actor=police_liaison, notice=notice, registered_on=timezone.localdate())
    with pytest.raises(TransitionNotAllowed):
        tracking_services.register_control(actor=police_liaison, notice=notice, registered_on=timezone.localdate())
    seized_at = timezone.now() - 2 * HOUR
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=seized_at, place="广州大道南路口")
    notice.refresh_from_db()
    assert notice.due_at == seized_at + 24 * HOUR and not notice.is_overdue()
    assert notice.is_overdue(seized_at + 25 * HOUR)
    services.reply_to_notice(actor=police_liaison, notice=notice, outcome="done", text="已查扣。",
                             results=[{"location": "广州大道南路口", "found_at": seized_at.isoformat(),
                                       "identifier": "粤A12345"}])
    with pytest.raises(TransitionNotAllowed):  # the court receives a vehicle once it is handed over
        tracking_services.take_over(actor=clerk, notice=notice)
    with pytest.raises(ApplicationError):
        tracking_services.hand_over_vehicle(actor=police_liaison, notice=notice, place="交警停车场",
                                            at=seized_at - HOUR)
    tracking_services.hand_over_vehicle(actor=police_liaison, notice=notice, place="荔湾交警大队停车场", at=None)
    assert StoredMessage.objects.filter(kind="tracking_handed_over", recipient=clerk).exists()
    tracking = tracking_services.take_over(actor=clerk, notice=notice)
    assert tracking.state == TrackingState.TAKEN_OVER and tracking.control_registered_on == timezone.localdate()
    assert Notice.objects.filter(on_time_condition(), pk=notice.pk).exists()


# ------------------------------------------------------------------------------------------------ documents


def _pdf_text(notice):
    with pdfplumber.open(io.BytesIO(notice_pdf(notice))) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages).replace("\n", "").replace(" ", "")


def test_the_notice_pdfs_show_the_ground_and_the_24_hour_contact(clerk, case, police):
    locate = locate_notice(clerk, case, police, tracking={**LOCATE, "reason": LocateReason.LARGE_AMOUNT})
    text = _pdf_text(locate)
    assert "第（4）项情形：涉案金额特别巨大，如不及时查找将导致案件无法执行的" in text
    assert "联系电话：13912345678" in text and "林佩文" in text and "24小时" in text
    vehicle = locate_notice(clerk, case, police, tracking={**VEHICLE, "reason": LocateReason.ABSCONDED},
                            measure="seize_vehicle", items=VEHICLE_ITEMS)
    text = _pdf_text(vehicle)
    assert "人民法院作出拘留决定后，潜逃的" in text
    assert "联系电话：020-81234567" in text and "稽查布控系统" in text


# ------------------------------------------------------------------------------------------------ API and pages


def test_the_api_moves_and_hides_other_units_notices(api_for, clerk, leader, case, police, police_liaison,
                                                     other_liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    url = f"/api/v1/notices/{notice.pk}/"
    assert api_for(other_liaison).post(url + "record-finding/", {"place": "荔湾区"}, format="json").status_code == 404
    assert api_for(other_liaison).get(url + "tracking/").status_code == 404
    response = api_for(police_liaison).post(url + "record-finding/", {"place": "荔湾区"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "found" and response.json()["notice_due_at"]
    again = api_for(police_liaison).post(url + "record-finding/", {"place": "荔湾区"}, format="json")
    assert again.status_code == 409
    assert api_for(police_liaison).post(url + "take-over/", {}, format="json").status_code == 403
    response = api_for(clerk).post(url + "take-over/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "taken_over"
    response = api_for(police_liaison).post(url + "suggest-stop-detention/", {"reason": "患病"}, format="json")
    assert response.status_code == 200, response.json()
    response = api_for(clerk).post(url + "decide-detention/", {"decision": "continue"}, format="json")
    assert response.status_code == 400
    response = api_for(clerk).post(url + "decide-detention/", {"decision": "stop", "reason": "同意"}, format="json")
    assert response.status_code == 200
    assert response.json()["detention_suggestions"][0]["state"] == "stopped"


def test_the_notice_page_shows_the_panel_and_the_allowed_buttons(clerk, leader, case, police, police_liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    client = Client()
    client.force_login(police_liaison)
    page = client.get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    assert "查人扣车" in page and "13912345678" in page
    assert reverse("assistance:tracking-record-finding", args=[notice.pk]) in page
    assert reverse("assistance:tracking-cancel", args=[notice.pk]) not in page
    response = client.post(reverse("assistance:tracking-record-finding", args=[notice.pk]),
                           {"place": "荔湾区", "found_at": ""})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.tracking.state == TrackingState.FOUND
    client.force_login(clerk)
    page = client.get(reverse("assistance:detail", args=[notice.pk])).content.decode()
    assert reverse("assistance:tracking-take-over", args=[notice.pk]) in page
    response = client.post(reverse("assistance:tracking-take-over", args=[notice.pk]), {})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.tracking.state == TrackingState.TAKEN_OVER


def test_a_recomputed_deadline_keeps_the_tracked_clock(clerk, leader, case, police, police_liaison):
    """After a calendar change the deadlines are recomputed (assistance/deadlines.py): a tracked notice keeps its
    status reply and, once found, its 24 hours from the finding — never 24 hours from service."""
    from assistance.deadlines import recompute_deadline

    notice = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - 3 * HOUR)
    tracking_services.report_status(actor=police_liaison, notice=notice, text="暂未发现。")
    notice.refresh_from_db()
    rule_text, deadline = recompute_deadline(notice)
    assert (rule_text, deadline.due_at) == (notice.deadline_rule, notice.due_at)
    tracking_services.record_finding(actor=police_liaison, notice=notice, found_at=timezone.now() - HOUR,
                                     place="荔湾区")
    notice.refresh_from_db()
    rule_text, deadline = recompute_deadline(notice)
    assert (rule_text, deadline.due_at) == ("发现后24小时内通知法院", notice.due_at)


def test_the_scoreboard_counts_a_late_report_late_and_a_searching_request_not_at_all(
        clerk, leader, case, police, police_liaison):
    """The assessment's metrics (assessment/metrics.py, SQL and Python engines alike) judge a tracked notice by
    due_at and replied_at: a report after found_at + 24 h is an assessed, late reply; a request still searching
    within its status cadence is not assessed."""
    from assessment.metrics import compute_metrics

    year = timezone.localdate().year
    searching = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - 2 * HOUR)
    assert not searching.is_overdue()
    late = served(clerk, leader, case, police, police_liaison, served_at=timezone.now() - 3 * HOUR)
    found_at = timezone.now() - 2 * HOUR
    tracking_services.record_finding(actor=police_liaison, notice=late, found_at=found_at, place="荔湾区")
    as_of = timezone.now() + 30 * HOUR  # the report comes a day later, after its 24 hours
    for engine in ("sql", "python"):
        metrics = compute_metrics([police.pk], year, as_of=as_of, engine=engine)[police.pk]
        assert (metrics["assessed"], metrics["overdue"], metrics["open_overdue"]) == (1, 1, 1), engine
    Notice.objects.filter(pk=late.pk).update(state=NoticeState.REPLIED, replied_at=found_at + 30 * HOUR)
    for engine in ("sql", "python"):
        metrics = compute_metrics([police.pk], year, as_of=as_of, engine=engine)[police.pk]
        assert (metrics["assessed"], metrics["replied"], metrics["replied_on_time"]) == (1, 1, 0), engine


def test_another_units_liaison_gets_404_on_the_tracking_pages(clerk, leader, case, police, police_liaison,
                                                              other_liaison):
    notice = served(clerk, leader, case, police, police_liaison)
    client = Client()
    client.force_login(other_liaison)
    for name in ("tracking-record-finding", "tracking-status-report", "tracking-suggest-detention"):
        response = client.post(reverse(f"assistance:{name}", args=[notice.pk]), {"place": "荔湾区", "text": "x"})
        assert response.status_code == 404
    assert Tracking.objects.get().state == TrackingState.SEARCHING


def test_an_amended_copy_keeps_the_reason_and_contact(clerk, leader, case, police, police_liaison):
    """An upheld review suggestion's amended copy is a new draft of the same request: it carries the same ground and
    24-hour contact, searching afresh."""
    notice = served(clerk, leader, case, police, police_liaison)
    suggestion = services.raise_review_suggestion(actor=police_liaison, notice=notice, reason="被执行人身份信息有误。")
    _, copy = services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=True, resolution="amended",
                                                reason="更正后重新发出。")
    assert copy.tracking.reason == LocateReason.ABSCONDED and copy.tracking.contact_phone == "13912345678"
    assert copy.tracking.state == TrackingState.SEARCHING and copy.tracking.pk != notice.tracking.pk
