"""The committee's meeting work through the API (issue 21 item 3): create and edit a meeting, the meeting page's
moves, the decisions' follow-up, the minutes and notice PDFs. Each is the page's one service: only the committee of
the meeting's jurisdiction writes (403 for a role that sees the meeting, 404 for anybody who does not), a move the
state does not allow is a 409 with `state`, bad input a 400 in Chinese, and a refusal changes nothing."""

import datetime

import pytest
from django.utils import timezone

from linkage.models import Notification
from meetings.models import Attendance, Decision, DecisionState, Meeting, MeetingEvent, MeetingState
from tests import factories

from .conftest import held_meeting, make_meeting, published_meeting

pytestmark = pytest.mark.django_db


def _later(days=7):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


MEETING = {"kind": "coordination", "title": "2026年第二次执行联动案件协调会议", "place": "区委政法委三楼会议室",
           "convenor": "区委副书记、政法委书记", "chair": "区委政法委常务副书记"}


@pytest.fixture
def other_committee(db):
    jurisdiction = factories.JurisdictionFactory(code="other", name="另一辖区")
    return factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=jurisdiction))


def test_the_committee_creates_a_meeting_and_only_the_committee_may(world, api_for):
    body = {**MEETING, "starts_at": _later().isoformat()}
    for user in (world.liaisons[0], world.clerk):
        refused = api_for(user).post("/api/v1/meetings/", body, format="json")
        assert refused.status_code == 403 and refused.json()["detail"]
    bad = api_for(world.committee).post("/api/v1/meetings/", {**body, "kind": "party", "place": " "}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"kind", "place"}
    typed = api_for(world.committee).post("/api/v1/meetings/", {**body, "chair": 0}, format="json")
    assert typed.status_code == 400 and list(typed.json()) == ["chair"]
    ancient = api_for(world.committee).post("/api/v1/meetings/", {**body, "starts_at": "0115-03-24T08:35:34+08:00"},
                                            format="json")
    assert ancient.status_code == 400 and ancient.json()["starts_at"] == ["召开时间不能早于1949年10月01日。"]
    assert not Meeting.objects.exists()
    created = api_for(world.committee).post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201, created.content
    meeting = Meeting.objects.get()
    assert created.json()["id"] == meeting.pk and created.json()["state"] == "draft"
    assert meeting.jurisdiction_id == world.committee.organisation.jurisdiction_id
    assert meeting.starts_at == _later()
    assert [event.action for event in meeting.events.all()] == ["create"]
    # A draft is the committee's: a unit does not see it.
    assert api_for(world.liaisons[0]).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_the_committee_edits_a_meeting_before_it_is_held(world, api_for, other_committee):
    meeting = make_meeting(world, units=world.units[:1], starts_at=_later())
    api = api_for(world.committee)
    assert api.post(f"/api/v1/meetings/{meeting.pk}/schedule/").json()["state"] == "scheduled"
    told = Notification.objects.filter(recipient=world.liaisons[0], kind="meeting_changed")
    assert not told.exists()
    moved = api.patch(f"/api/v1/meetings/{meeting.pk}/", {"starts_at": _later(9).isoformat()}, format="json")
    assert moved.status_code == 200, moved.content
    assert Meeting.objects.get(pk=meeting.pk).starts_at == _later(9)
    assert told.count() == 1
    # The unit sees the meeting but may not change it; another jurisdiction's committee does not see it.
    assert api_for(world.liaisons[0]).patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "别处"},
                                            format="json").status_code == 403
    assert api_for(other_committee).patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "别处"},
                                          format="json").status_code == 404
    assert api.put(f"/api/v1/meetings/{meeting.pk}/", {**MEETING, "starts_at": _later().isoformat()},
                   format="json").status_code == 405
    assert Meeting.objects.get(pk=meeting.pk).place == "区委政法委三楼会议室"


def test_a_held_meeting_is_not_edited_409_with_its_state(world, api_for):
    meeting = held_meeting(world)
    response = api_for(world.committee).patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "别处"}, format="json")
    assert response.status_code == 409 and response.json()["state"] == "held" and response.json()["detail"]
    before = MeetingEvent.objects.count()
    again = api_for(world.committee).post(f"/api/v1/meetings/{meeting.pk}/hold/")
    assert again.status_code == 409 and again.json()["state"] == "held"
    assert MeetingEvent.objects.count() == before


def test_the_whole_meeting_through_the_api(world, api_for):
    api = api_for(world.committee)
    meeting = api.post("/api/v1/meetings/", {**MEETING, "starts_at": (timezone.now() - datetime.timedelta(hours=1))
                                             .isoformat()}, format="json").json()
    base = f"/api/v1/meetings/{meeting['id']}"
    # Nothing to tell yet: the notice needs an invited unit.
    refused = api.post(f"{base}/schedule/")
    assert refused.status_code == 400 and "参会单位" in refused.json()["attendance"][0]
    for unit in world.units[:2]:
        added = api.post(f"{base}/attendances/", {"organisation": unit.pk, "person_name": "张三", "position": "副局长"},
                         format="json")
        assert added.status_code == 201, added.content
    twice = api.post(f"{base}/attendances/", {"organisation": world.units[0].pk}, format="json")
    assert twice.status_code == 400 and "已在参会单位中" in twice.json()["organisation"][0]
    stranger = factories.OrganisationFactory(jurisdiction=factories.JurisdictionFactory(code="far", name="远方"))
    assert api.post(f"{base}/attendances/", {"organisation": stranger.pk}, format="json").status_code == 400
    attendances = added.json()["attendances"]
    assert [row["organisation"]["id"] for row in attendances] == [unit.pk for unit in world.units[:2]]
    second = attendances[1]["id"]
    withdrawn = api.post(f"{base}/attendances/{second}/withdraw/", {"reason": "邀请有误"}, format="json")
    assert withdrawn.status_code == 200 and len(withdrawn.json()["attendances"]) == 1
    assert Attendance.objects.get(pk=second).withdrawn_at is not None
    assert api.post(f"{base}/schedule/").json()["state"] == "scheduled"
    assert api.post(f"{base}/decisions/", {"responsible_unit": world.units[0].pk, "task": "协助查找",
                                           "due_on": timezone.localdate().isoformat()},
                    format="json").status_code == 409
    assert api.post(f"{base}/hold/").json()["state"] == "held"
    first = attendances[0]["id"]
    recorded = api.post(f"{base}/attendances/{first}/record/", {"status": "attending", "person_name": "李四"},
                        format="json")
    assert recorded.status_code == 200 and recorded.json()["attendances"][0]["person_name"] == "李四"
    early = api.post(f"{base}/decisions/", {"responsible_unit": world.units[0].pk, "task": "协助查找",
                                            "due_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()},
                     format="json")
    assert early.status_code == 400 and "不能早于会议召开日期" in early.json()["due_on"][0]
    decision = api.post(f"{base}/decisions/", {"responsible_unit": world.units[0].pk, "task": "协助查找被执行人",
                                               "due_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat()},
                        format="json")
    assert decision.status_code == 201 and decision.json()["position"] == 1
    assert decision.json()["state"] == "open"
    assert api.post(f"{base}/summary/", {"summary": "会议议定如下。"}, format="json").status_code == 200
    liaison = api_for(world.liaisons[0])
    early_minutes = liaison.get(f"{base}/minutes.pdf")
    assert early_minutes.status_code == 409 and early_minutes.json()["state"] == "held"
    assert liaison.post(f"{base}/publish/", {"document_number": "荔政法纪〔2026〕7号"}, format="json").status_code == 403
    published = api.post(f"{base}/publish/", {"document_number": "荔政法纪〔2026〕7号"}, format="json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert published.json()["document_number"] == "荔政法纪〔2026〕7号"
    assert Meeting.objects.get(pk=meeting["id"]).summary == "会议议定如下。"
    minutes = liaison.get(f"{base}/minutes.pdf")
    assert minutes.status_code == 200 and minutes["Content-Type"] == "application/pdf"
    assert minutes.content.startswith(b"%PDF")
    notice = liaison.get(f"{base}/notice.pdf", HTTP_ACCEPT="application/pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    # The unit not on the meeting sees neither the meeting nor its documents.
    assert api_for(world.liaisons[2]).get(f"{base}/minutes.pdf").status_code == 404


def test_a_cancelled_meeting_has_no_notice_and_units_do_not_cancel(world, api_for):
    meeting = make_meeting(world, units=world.units[:1], starts_at=_later())
    api = api_for(world.committee)
    api.post(f"/api/v1/meetings/{meeting.pk}/schedule/")
    assert api_for(world.liaisons[0]).post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "改期"},
                                           format="json").status_code == 403
    assert api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": ""}, format="json").status_code == 400
    cancelled = api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "改期"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    notice = api.get(f"/api/v1/meetings/{meeting.pk}/notice.pdf")
    assert notice.status_code == 409 and notice.json()["state"] == "cancelled"


def test_the_committee_follows_up_decisions_through_the_api(world, api_for, other_committee):
    meeting = published_meeting(world)
    first, second = meeting.decisions.order_by("position")
    api = api_for(world.committee)
    liaison = api_for(world.liaisons[0])
    # Only a replied decision is confirmed or sent back; an open one may be cancelled.
    early = api.post(f"/api/v1/decisions/{first.pk}/complete/", {}, format="json")
    assert early.status_code == 409 and early.json()["state"] == "open"
    assert liaison.post(f"/api/v1/decisions/{first.pk}/reply/", {"text": "已落实"}, format="json").status_code == 200
    assert liaison.post(f"/api/v1/decisions/{first.pk}/complete/", {}, format="json").status_code == 403
    assert api_for(other_committee).post(f"/api/v1/decisions/{first.pk}/complete/", {},
                                         format="json").status_code == 404
    no_reason = api.post(f"/api/v1/decisions/{first.pk}/send-back/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    new_due = timezone.localdate() + datetime.timedelta(days=30)
    sent_back = api.post(f"/api/v1/decisions/{first.pk}/send-back/",
                         {"reason": "请补充材料", "due_on": new_due.isoformat()}, format="json")
    assert sent_back.status_code == 200 and sent_back.json()["state"] == "open"
    assert sent_back.json()["due_on"] == new_due.isoformat()
    liaison.post(f"/api/v1/decisions/{first.pk}/reply/", {"text": "已补充"}, format="json")
    done = api.post(f"/api/v1/decisions/{first.pk}/complete/", {"reason": "确认"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert [event["action"] for event in done.json()["events"]] == ["create", "reply", "send_back", "reply",
                                                                     "complete"]
    assert api.post(f"/api/v1/decisions/{second.pk}/cancel/", {"reason": ""}, format="json").status_code == 400
    cancelled = api.post(f"/api/v1/decisions/{second.pk}/cancel/", {"reason": "不再需要"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert Decision.objects.get(pk=second.pk).state == DecisionState.CANCELLED
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PUBLISHED
