"""Urgent dispatch (立即出警, 法发〔2010〕15号 art. 6, 荔政法〔2017〕72号 四（七）4（1）): who may send, who may
acknowledge, that the alarm reaches A, B and the leader on every channel whatever their preferences, that an
unacknowledged request is escalated exactly once when its minutes run out and not before, and that nobody else
sees it (404)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings

from assistance.models import DispatchEvent, DispatchRequest, DispatchState
from assistance.services import dispatch as services
from assistance.tasks import escalate_dispatches_task
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Delivery, DeliveryChannel, DigestItem, Notification
from linkage.preferences import preferences_for, save_preferences
from members.models import ChatChannel
from tests import factories
from tests.assistance.helpers import file_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SENT_AT = datetime.datetime(2026, 5, 1, 23, 30, tzinfo=SH)  # a holiday, at night: an alarm knows neither


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def world(court, clerk, leader):
    jurisdiction = court.jurisdiction
    police = factories.OrganisationFactory(jurisdiction=jurisdiction, kind="police", code="police",
                                           name="测试公安分局", short_name="公安分局")
    market = factories.OrganisationFactory(jurisdiction=jurisdiction, kind="market_regulation", code="market")
    liaison_a = factories.LiaisonFactory(organisation=police, liaison_role="A", email="a@police.cn",
                                         mobile="13800000001")
    liaison_b = factories.LiaisonFactory(organisation=police, liaison_role="B")
    factories.ContactFactory(organisation=police, role="A", name="甲联络", user=liaison_a, email="a@police.cn",
                             mobile="13800000001")
    factories.ContactFactory(organisation=police, role="B", name="乙联络", user=liaison_b, email="",
                             mobile="13800000002")
    factories.ContactFactory(organisation=police, role="L", name="丙局长", email="", mobile="13800000003")
    ChatChannel.objects.create(organisation=police, kind="webhook", name="公安联动群", url="https://127.0.0.1:9/hook",
                               secret="s3cret")
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    return {
        "case": file_case(clerk), "court": court, "clerk": clerk, "leader": leader, "police": police,
        "liaison_a": liaison_a, "liaison_b": liaison_b,
        "market_liaison": factories.LiaisonFactory(organisation=market, liaison_role="A"),
        "clerk2": factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=jurisdiction)),
        "committee": factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=jurisdiction)),
        "committee_elsewhere": factories.CommitteeUserFactory(
            organisation=factories.CommitteeFactory(jurisdiction=elsewhere)),
        "clerk_elsewhere": factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=elsewhere)),
    }


def send(world, *, now=SENT_AT, place="荔湾区芳村大道100号", situation="被执行人亲属围堵执行人员"):
    with time_machine.travel(now, tick=False):
        return services.request_dispatch(actor=world["clerk"], case=world["case"], place=place, situation=situation)


# ------------------------------------------------------------------------------------------------ sending


def test_the_alarm_reaches_a_b_and_the_leader_on_every_channel_whatever_their_preferences(world, settings):
    settings.NOTIFY_DEFAULT_QUIET_HOURS = "22:00-07:30"  # the roster contacts' and the chat group's quiet hours
    # A silenced everything for this kind, put it in the digest and keeps quiet hours: an alarm ignores all of it.
    save_preferences(user=world["liaison_a"], quiet_hours_enabled=True, quiet_start=datetime.time(22, 0),
                     quiet_end=datetime.time(8, 0),
                     choices={"dispatch_requested": {"email": False, "sms": False, "chat": False, "digest": True}})
    dispatch = send(world)

    assert dispatch.police == world["police"] and dispatch.state == DispatchState.REQUESTED
    assert dispatch.ack_due_at == SENT_AT + datetime.timedelta(minutes=10)
    sms = Delivery.objects.filter(channel=DeliveryChannel.SMS)
    assert sorted(sms.values_list("address", flat=True)) == ["13800000001", "13800000002", "13800000003"]
    assert not sms.filter(next_attempt_at__isnull=False).exists()  # not held for the quiet hours
    assert "芳村大道100号" in sms.first().body
    assert list(Delivery.objects.filter(channel=DeliveryChannel.EMAIL).values_list("address", flat=True)) == [
        "a@police.cn"]
    chat = Delivery.objects.get(channel="webhook")  # one message to the unit's group, at once
    assert chat.next_attempt_at is None and "被执行人亲属围堵执行人员" in chat.body
    assert not DigestItem.objects.exists()
    assert set(Notification.objects.filter(kind="dispatch_requested").values_list("recipient", flat=True)) == {
        world["liaison_a"].pk, world["liaison_b"].pk}
    event = DispatchEvent.objects.get(dispatch=dispatch)
    assert (event.action, event.actor, event.to_state) == ("request", world["clerk"], "requested")


def test_an_alarm_kind_cannot_be_silenced_in_the_preferences(world):
    save_preferences(user=world["liaison_a"], quiet_hours_enabled=False, quiet_start=None, quiet_end=None,
                     choices={"dispatch_requested": {"sms": False}, "notice_served": {"sms": False}})
    preferences = preferences_for([world["liaison_a"].pk])[world["liaison_a"].pk]
    assert preferences.wants("dispatch_requested", "sms") and preferences.wants("dispatch_unacknowledged", "chat")
    assert not preferences.wants("notice_served", "sms")


def test_the_minutes_to_acknowledge_are_a_setting(world, settings):
    settings.DISPATCH_ACK_MINUTES = 3
    assert send(world).ack_due_at == SENT_AT + datetime.timedelta(minutes=3)


@pytest.mark.parametrize("who", ["leader", "clerk2", "liaison_a", "committee", "clerk_elsewhere"])
def test_only_a_clerk_of_the_cases_court_may_send(world, who):
    with pytest.raises(PermissionDenied, match="只有本院执行员"):
        services.request_dispatch(actor=world[who], case=world["case"], place="现场")
    assert not DispatchRequest.objects.exists() and not Delivery.objects.exists()


@pytest.mark.parametrize("status", ["concluded", "terminated", "terminated_round"])
def test_no_request_on_a_concluded_case(world, status):
    type(world["case"]).objects.filter(pk=world["case"].pk).update(status=status)
    with pytest.raises(TransitionNotAllowed, match="不能再请求出警"):
        send(world)
    assert not DispatchRequest.objects.exists()


def test_a_suspended_case_may_still_call_the_police(world):
    type(world["case"]).objects.filter(pk=world["case"].pk).update(status="suspended")
    assert send(world).state == DispatchState.REQUESTED


@pytest.mark.parametrize(("place", "situation", "field"), [
    ("   ", "", "place"), ("某" * 201, "", "place"), ("现场", "某" * 501, "situation"),
])
def test_the_place_is_required_and_the_texts_bounded(world, place, situation, field):
    with pytest.raises(ApplicationError) as refused:
        send(world, place=place, situation=situation)
    assert refused.value.field == field


def test_without_a_police_unit_the_clerk_is_told_to_call_110(world):
    world["police"].active = False
    world["police"].save()
    with pytest.raises(ApplicationError, match="110"):
        send(world)


def test_a_second_open_request_on_the_case_is_refused_until_the_first_is_closed(world):
    first = send(world)
    with pytest.raises(TransitionNotAllowed, match=f"第{first.pk}号"):
        send(world, now=SENT_AT + datetime.timedelta(seconds=5))
    services.close_dispatch(actor=world["clerk"], dispatch=first, note="误报，现场已平息。")
    assert send(world, now=SENT_AT + datetime.timedelta(minutes=30)).pk != first.pk


# ------------------------------------------------------------------------------------- the police's moves


@pytest.mark.parametrize("who", ["clerk", "leader", "market_liaison", "committee"])
def test_only_the_police_units_liaison_acknowledges(world, who):
    dispatch = send(world)
    with pytest.raises(PermissionDenied):
        services.acknowledge_dispatch(actor=world[who], dispatch=dispatch)
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.REQUESTED and dispatch.acknowledged_at is None


def test_acknowledgement_then_arrival_are_recorded_and_the_clerk_is_told(world):
    dispatch = send(world)
    with pytest.raises(TransitionNotAllowed, match="不能登记到场"):
        services.arrive_dispatch(actor=world["liaison_b"], dispatch=dispatch)
    with time_machine.travel(SENT_AT + datetime.timedelta(minutes=2), tick=False):
        dispatch = services.acknowledge_dispatch(actor=world["liaison_b"], dispatch=dispatch)
    assert (dispatch.state, dispatch.acknowledged_by) == (DispatchState.ACKNOWLEDGED, world["liaison_b"])
    assert Notification.objects.filter(recipient=world["clerk"], kind="dispatch_acknowledged").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge_dispatch(actor=world["liaison_a"], dispatch=dispatch)

    with time_machine.travel(SENT_AT + datetime.timedelta(minutes=20), tick=False):
        with pytest.raises(ApplicationError, match="不能晚于现在"):
            services.arrive_dispatch(actor=world["liaison_a"], dispatch=dispatch,
                                     at=SENT_AT + datetime.timedelta(minutes=21))
        with pytest.raises(ApplicationError, match="不能早于接警时间"):
            services.arrive_dispatch(actor=world["liaison_a"], dispatch=dispatch,
                                     at=SENT_AT + datetime.timedelta(minutes=1))
        with pytest.raises(PermissionDenied):
            services.arrive_dispatch(actor=world["clerk"], dispatch=dispatch)
        dispatch = services.arrive_dispatch(actor=world["liaison_a"], dispatch=dispatch,
                                            at=SENT_AT + datetime.timedelta(minutes=15))
    assert dispatch.state == DispatchState.ARRIVED and dispatch.arrived_at == SENT_AT + datetime.timedelta(minutes=15)

    with pytest.raises(PermissionDenied):
        services.close_dispatch(actor=world["liaison_a"], dispatch=dispatch, note="已处置")
    with pytest.raises(ApplicationError, match="请填写处置情况"):
        services.close_dispatch(actor=world["clerk"], dispatch=dispatch, note="  ")
    dispatch = services.close_dispatch(actor=world["clerk"], dispatch=dispatch, note="民警到场后围堵人员散去，执行完毕。")
    assert dispatch.state == DispatchState.CLOSED and dispatch.close_note.startswith("民警到场")
    assert list(dispatch.events.values_list("action", flat=True)) == ["request", "acknowledge", "arrive", "close"]
    with pytest.raises(TransitionNotAllowed):
        services.close_dispatch(actor=world["clerk"], dispatch=dispatch, note="再次结束")


# -------------------------------------------------------------------------------------------- escalation


def escalated_to(dispatch):
    return set(Notification.objects.filter(kind="dispatch_unacknowledged", link__endswith=f"/{dispatch.pk}/")
               .values_list("recipient", flat=True))


def test_an_unacknowledged_request_is_escalated_once_when_its_minutes_run_out_and_not_before(world):
    dispatch = send(world)
    due = SENT_AT + datetime.timedelta(minutes=10)
    assert services.escalate_unacknowledged(now=due - datetime.timedelta(seconds=1)) == []
    assert escalated_to(dispatch) == set()

    assert escalate_dispatches_task(now_iso=due.isoformat()) == {"escalated": [dispatch.pk]}
    for later in (due, due + datetime.timedelta(minutes=1), due + datetime.timedelta(hours=3)):  # the beat again
        assert services.escalate_unacknowledged(now=later) == []
    dispatch.refresh_from_db()
    assert dispatch.escalated_at == due and dispatch.state == DispatchState.REQUESTED  # an event, not a state
    assert dispatch.events.filter(action="escalate").count() == 1
    # The jurisdiction's committee, the court's leader and the clerk who asked; not another jurisdiction's committee.
    assert escalated_to(dispatch) == {world["committee"].pk, world["leader"].pk, world["clerk"].pk}
    assert Notification.objects.filter(kind="dispatch_unacknowledged").count() == 3

    # The police may still acknowledge it late.
    dispatch = services.acknowledge_dispatch(actor=world["liaison_a"], dispatch=dispatch)
    assert dispatch.state == DispatchState.ACKNOWLEDGED


def test_an_acknowledged_or_closed_request_is_never_escalated(world):
    acknowledged = send(world)
    services.acknowledge_dispatch(actor=world["liaison_a"], dispatch=acknowledged)
    other_case = file_case(world["clerk"], number="（2026）粤0103执1235号")
    with time_machine.travel(SENT_AT, tick=False):
        closed = services.request_dispatch(actor=world["clerk"], case=other_case, place="另一现场")
    services.close_dispatch(actor=world["clerk"], dispatch=closed, note="误报。")
    assert services.escalate_unacknowledged(now=SENT_AT + datetime.timedelta(hours=1)) == []
    assert not Notification.objects.filter(kind="dispatch_unacknowledged").exists()


def test_the_escalation_runs_every_minute_on_the_static_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["dispatch-escalations"]
    assert entry["task"] == "assistance.tasks.escalate_dispatches"
    assert entry["schedule"].minute == set(range(60)) and entry["schedule"].hour == set(range(24))


# -------------------------------------------------------------------------------------------- visibility


@pytest.mark.parametrize(("who", "sees"), [
    ("clerk", True), ("leader", True), ("liaison_a", True), ("liaison_b", True), ("committee", True),
    ("clerk2", False), ("market_liaison", False), ("committee_elsewhere", False), ("clerk_elsewhere", False),
])
def test_only_the_court_the_police_and_the_committee_see_a_request(world, who, sees, client, api_for):
    dispatch = send(world)
    user = world[who]
    client.force_login(user)
    assert client.get(f"/dispatches/{dispatch.pk}/").status_code == (200 if sees else 404)
    assert api_for(user).get(f"/api/v1/dispatches/{dispatch.pk}/").status_code == (200 if sees else 404)
    listed = [row["id"] for row in api_for(user).get("/api/v1/dispatches/").json()["results"]]
    assert listed == ([dispatch.pk] if sees else [])
    # A move on a request the user cannot see is a 404 too, never a 403 that admits it exists (an API write by any
    # committee is refused by its role before anything is looked up: that 403 tells nothing).
    if not sees:
        assert client.post(f"/dispatches/{dispatch.pk}/acknowledge/").status_code == 404
        answer = api_for(user).post(f"/api/v1/dispatches/{dispatch.pk}/acknowledge/").status_code
        assert answer == (403 if user.is_committee else 404)


def test_the_administrator_sees_no_request(world, admin_user, client):
    dispatch = send(world)
    client.force_login(admin_user)
    assert client.get(f"/dispatches/{dispatch.pk}/").status_code == 404


# ------------------------------------------------------------------------------------------ pages and API


def test_the_case_page_offers_the_button_to_its_courts_clerk_only(world, client):
    url = f"/cases/{world['case'].pk}/"
    client.force_login(world["clerk"])
    assert 'id="dispatch-button"' in client.get(url).content.decode()
    client.force_login(world["leader"])
    assert 'id="dispatch-button"' not in client.get(url).content.decode()
    assert client.get(f"/cases/{world['case'].pk}/dispatch/new/").status_code == 404


def test_the_form_sends_and_the_liaison_acknowledges_from_the_page(world, client):
    client.force_login(world["clerk"])
    form = f"/cases/{world['case'].pk}/dispatch/new/"
    assert client.get(form).status_code == 200
    refused = client.post(form, {"place": "", "situation": "围堵"})
    assert refused.status_code == 400 and "请填写现场地点" in refused.content.decode()
    assert client.post(form, {"place": "芳村大道100号"}).status_code == 400  # not confirmed
    response = client.post(form, {"place": "芳村大道100号", "situation": "围堵", "confirm": "on"})
    dispatch = DispatchRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/dispatches/{dispatch.pk}/"

    client.force_login(world["liaison_a"])
    assert "芳村大道100号" in client.get("/").content.decode()  # the open request on the liaison's work bench
    assert "芳村大道100号" in client.get("/inbox/").content.decode()
    assert 'id="acknowledge-dispatch"' in client.get(f"/dispatches/{dispatch.pk}/").content.decode()
    client.post(f"/dispatches/{dispatch.pk}/acknowledge/")
    page = client.get(f"/dispatches/{dispatch.pk}/").content.decode()
    assert 'id="arrive-dispatch"' in page and 'id="acknowledge-dispatch"' not in page
    client.post(f"/dispatches/{dispatch.pk}/arrive/")
    client.force_login(world["clerk"])
    client.post(f"/dispatches/{dispatch.pk}/close/", {"note": "已处置完毕。"})
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.CLOSED and dispatch.arrived_by == world["liaison_a"]


def test_the_api_sends_acknowledges_records_arrival_and_closes(world, api_for):
    case_url = f"/api/v1/cases/{world['case'].pk}/dispatches/"
    assert api_for(world["leader"]).post(case_url, {"place": "现场"}, format="json").status_code == 403
    assert api_for(world["committee"]).post(case_url, {"place": "现场"}, format="json").status_code == 403
    assert api_for(world["clerk2"]).post(case_url, {"place": "现场"}, format="json").status_code == 404
    assert api_for(world["clerk"]).post(case_url, {"situation": "围堵"}, format="json").status_code == 400
    created = api_for(world["clerk"]).post(case_url, {"place": "芳村大道100号", "situation": "围堵"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == "requested"
    url = f"/api/v1/dispatches/{created.json()['id']}/"
    assert api_for(world["clerk"]).post(case_url, {"place": "又一次"}, format="json").status_code == 409
    assert api_for(world["clerk"]).post(url + "acknowledge/").status_code == 403
    assert api_for(world["liaison_a"]).post(url + "arrive/").status_code == 409
    assert api_for(world["liaison_a"]).post(url + "acknowledge/").json()["acknowledged_by"] == \
        world["liaison_a"].display_name
    arrived = api_for(world["liaison_b"]).post(url + "arrive/", {}, format="json")
    assert arrived.status_code == 200 and arrived.json()["state"] == "arrived"
    assert api_for(world["clerk"]).post(url + "close/", {}, format="json").status_code == 400
    closed = api_for(world["clerk"]).post(url + "close/", {"note": "已处置。"}, format="json").json()
    assert closed["state"] == "closed" and [e["action"] for e in closed["events"]] == [
        "request", "acknowledge", "arrive", "close"]
