"""Issue 17 items 5 and 8 on meetings: a decision's reply, an item's description and a reason are bounded; the
consultation's start date is a past fact; attendance and meeting names must be visible and free of bidirectional
controls. A refusal is in Chinese and writes nothing."""

import pytest

from meetings.models import AgendaItem, Attendance, DecisionReply, Meeting

from .conftest import make_meeting, published_meeting

pytestmark = pytest.mark.django_db

HUGE = "a" * 1_000_000


def test_a_million_character_reply_is_refused_by_the_api(world, api_for):
    decision = published_meeting(world).decisions.get(position=1)
    response = api_for(world.liaisons[0]).post(f"/api/v1/decisions/{decision.pk}/reply/", {"text": HUGE},
                                               format="json")
    assert response.status_code == 400
    assert "落实情况不能超过10000字（现有1000000字）" in str(response.json())
    assert not DecisionReply.objects.exists()


def test_a_million_character_reply_is_a_form_error_on_the_page(world, client_for):
    decision = published_meeting(world).decisions.get(position=1)
    response = client_for(world.liaisons[0]).post(f"/decisions/{decision.pk}/reply/", {"text": HUGE})
    assert response.status_code == 400
    assert "落实情况不能超过10000字（现有1000000字）" in response.content.decode()
    assert not DecisionReply.objects.exists()


def test_an_overlong_coordination_description_is_a_form_error(world, client_for):
    response = client_for(world.clerk).post(f"/meetings/items/new/coordination/?case={world.case.pk}", {
        "case": world.case.pk, "ground": "multiple_units", "description": HUGE, "enforcement_plan": "方案",
        "units": [u.pk for u in world.units[:2]]})
    assert response.status_code == 400
    assert "不能超过10000字（现有1000000字）" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_consultation_started_before_1949_is_refused(world, client_for):
    response = client_for(world.liaisons[0]).post("/meetings/items/new/dispute/", {
        "title": "争议", "units": [u.pk for u in world.units[:2]], "description": "说明",
        "consultation_started_on": "1900-01-01", "consultation_summary": "未达成一致"})
    assert response.status_code == 400
    assert "磋商开始日期不能早于1949年10月01日" in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("name, message", [
    ("\u200b", "参会人员姓名不能只由空白或不可见字符组成"),
    ("李\u202e四", "参会人员姓名含有文字方向控制字符"),
])
def test_an_attendee_name_must_be_visible_and_without_bidi_controls(world, client_for, name, message):
    meeting = make_meeting(world, units=[])
    response = client_for(world.committee).post(f"/meetings/{meeting.pk}/attendance/", {
        "organisation": world.units[0].pk, "status": "attending", "person_name": name, "position": ""})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_meeting_chair_made_of_zero_width_spaces_is_refused(world, client_for):
    response = client_for(world.committee).post("/meetings/new/", {
        "kind": "annual", "title": "2026年度执行联动工作总结会议", "starts_at": "2026-12-20T09:30",
        "place": "区政府第一会议室", "convenor": "区委副书记、政法委书记", "chair": "\u200b\u200b"})
    assert response.status_code == 400
    assert "主持人不能只由空白或不可见字符组成" in response.content.decode()
    assert not Meeting.objects.exists()


def test_real_attendee_names_are_accepted(world, client_for):
    meeting = make_meeting(world, units=[])
    response = client_for(world.committee).post(f"/meetings/{meeting.pk}/attendance/", {
        "organisation": world.units[0].pk, "status": "attending", "person_name": "阿卜杜拉·买买提", "position": ""})
    assert response.status_code == 302
    assert Attendance.objects.get().person_name == "阿卜杜拉·买买提"
