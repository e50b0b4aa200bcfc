"""The pages call the services: bad input shows the service's Chinese message at the form (400) and writes
nothing; the liaison inbox and the committee's home page show the decisions."""

import datetime

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, AnnualReport, Attendance, Decision, Meeting, MeetingState

from .conftest import held_meeting, make_meeting, published_meeting

pytestmark = pytest.mark.django_db


def test_the_committee_prepares_a_meeting_and_bad_input_is_shown_in_chinese(world, client_for):
    client = client_for(world.committee)
    assert client.get("/meetings/new/").status_code == 200
    bad = client.post("/meetings/new/", {"kind": "annual", "title": " ", "starts_at": "2026-12-20T09:30",
                                         "place": "会议室", "convenor": "书记", "chair": "副书记"})
    assert bad.status_code == 400 and not Meeting.objects.exists()
    response = client.post("/meetings/new/", {"kind": "annual", "title": "2026年度执行联动工作总结会议",
                                              "starts_at": "2026-12-20T09:30", "place": "区政府第一会议室",
                                              "convenor": "区委副书记、政法委书记", "chair": "区法院院长"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert timezone.localtime(meeting.starts_at).hour == 9
    for unit in world.units:
        assert client.post(f"/meetings/{meeting.pk}/attendance/", {"organisation": unit.pk, "status": "attending",
                                                                    "person_name": "", "position": ""}).status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    client.post(f"/meetings/{meeting.pk}/schedule/")
    assert Meeting.objects.get().state == MeetingState.SCHEDULED
    early = client.post(f"/meetings/{meeting.pk}/hold/", follow=True)
    assert "尚未到会期" in early.content.decode()
    assert Meeting.objects.get().state == MeetingState.SCHEDULED


def test_others_cannot_reach_the_committees_pages(world, client_for):
    assert client_for(world.clerk).get("/meetings/new/").status_code == 404
    meeting = make_meeting(world)
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    response = client_for(world.liaisons[0]).post(f"/meetings/{meeting.pk}/hold/", follow=True)
    assert "只有政法委" in response.content.decode()
    assert Meeting.objects.get().state == MeetingState.SCHEDULED


def test_decisions_and_minutes_through_the_meeting_page(world, client_for):
    meeting = held_meeting(world)
    client = client_for(world.committee)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="decision-form"' in page and 'id="publish-form"' in page
    bad = client.post(f"/meetings/{meeting.pk}/decisions/", {"responsible_unit": world.units[0].pk, "task": "",
                                                             "due_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and "请填写议定事项内容" in bad.content.decode()
    # The day before the meeting's own (local) day: it began an hour ago, which after midnight is yesterday.
    early = (timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=1)).isoformat()
    bad = client.post(f"/meetings/{meeting.pk}/decisions/", {"responsible_unit": world.units[0].pk, "task": "甲",
                                                             "due_on": early})
    assert bad.status_code == 400 and "不能早于会议召开日期" in bad.content.decode()
    assert not Decision.objects.exists()
    ok = client.post(f"/meetings/{meeting.pk}/decisions/", {"responsible_unit": world.units[0].pk, "task": "查找下落",
                                                            "due_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    row = Attendance.objects.get(meeting=meeting, organisation=world.units[1])
    client.post(f"/meetings/attendance/{row.pk}/", {f"a{row.pk}-status": "on_leave", f"a{row.pk}-person_name": "李四",
                                                    f"a{row.pk}-position": ""})
    assert Attendance.objects.get(pk=row.pk).status == "on_leave"
    bad = client.post(f"/meetings/{meeting.pk}/publish/", {"document_number": "第3号"})
    assert bad.status_code == 400 and "发文字号" in bad.content.decode()
    client.post(f"/meetings/{meeting.pk}/publish/", {"document_number": "荔政法纪〔2026〕11号"})
    assert Meeting.objects.get().state == MeetingState.PUBLISHED
    pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_liaison_inbox_and_the_decision_page(world, client_for):
    meeting = published_meeting(world)
    decision = meeting.decisions.get(position=1)
    client = client_for(world.liaisons[0])
    page = client.get("/inbox/").content.decode()
    assert 'id="inbox-decisions"' in page and "区公安分局协助查找被执行人下落" in page
    assert "区住建局暂停办理" not in page
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert 'id="reply-form"' in detail
    bad = client.post(f"/decisions/{decision.pk}/reply/", {"text": ""})
    assert bad.status_code == 400 and "请填写落实情况" in bad.content.decode()
    client.post(f"/decisions/{decision.pk}/reply/", {"text": "已查找到被执行人，已通知法院"})
    assert Decision.objects.get(pk=decision.pk).state == "replied"
    committee = client_for(world.committee)
    home = committee.get("/").content.decode()
    assert 'id="open-decisions"' in home and "区公安分局" in home
    back = committee.post(f"/decisions/{decision.pk}/send-back/", {"reason": "", "due_on": ""})
    assert back.status_code == 400 and "退回理由" in back.content.decode()
    committee.post(f"/decisions/{decision.pk}/complete/", {"reason": "已落实"})
    assert Decision.objects.get(pk=decision.pk).state == "done"


def test_proposing_pages(world, client_for):
    clerk = client_for(world.clerk)
    listing = clerk.get("/meetings/items/").content.decode()
    assert 'id="propose-case"' in listing and world.case.number in listing
    url = f"/meetings/items/new/coordination/?case={world.case.pk}"
    assert clerk.get(url).status_code == 200
    bad = clerk.post(url, {"case": world.case.pk, "ground": "multiple_units", "description": "情况",
                           "enforcement_plan": "方案", "units": [world.units[0].pk]})
    assert bad.status_code == 400 and "至少两个涉及单位" in bad.content.decode()
    ok = clerk.post(url, {"case": world.case.pk, "ground": "multiple_units", "description": "情况",
                          "enforcement_plan": "方案", "units": [u.pk for u in world.units[:2]]})
    item = AgendaItem.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/meetings/items/{item.pk}/"
    liaison = client_for(world.liaisons[0])
    recent = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    bad = liaison.post("/meetings/items/new/dispute/", {"title": "争议", "units": [u.pk for u in world.units[:2]],
                                                        "description": "说明", "consultation_started_on": recent,
                                                        "consultation_summary": "未达成一致"})
    assert bad.status_code == 400 and "届满仍磋商不成的，方可提交联席会议" in bad.content.decode()
    assert AgendaItem.objects.count() == 1
    committee = client_for(world.committee)
    declined = committee.post(f"/meetings/items/{item.pk}/decline/", {"reason": ""})
    assert declined.status_code == 400 and "不予列入的理由" in declined.content.decode()
    committee.post(f"/meetings/items/{item.pk}/decline/", {"reason": "先由法院与相关单位协调"})
    page = clerk.get(f"/meetings/items/{item.pk}/").content.decode()
    assert "先由法院与相关单位协调" in page


def test_the_annual_report_is_generated_edited_and_sent(world, client_for):
    clerk = client_for(world.clerk)
    created = clerk.post("/meetings/reports/", {"year": 2026})
    report = AnnualReport.objects.get()
    assert created.status_code == 302 and report.state == "draft"
    assert "一、协助执行通知书办理情况" in report.text and report.figures["year"] == 2026
    again = clerk.post("/meetings/reports/", {"year": 2026})
    assert again.status_code == 400 and "已生成" in again.content.decode()
    clerk.post(f"/meetings/reports/{report.pk}/", {"title": report.title, "text": "政法委：\n修改后的正文。"})
    assert AnnualReport.objects.get().text == "政法委：\n修改后的正文。"
    clerk.post(f"/meetings/reports/{report.pk}/send/")
    report.refresh_from_db()
    assert report.state == "sent" and report.sent_by == world.clerk
    refused = clerk.post(f"/meetings/reports/{report.pk}/", {"title": "改", "text": "改"})
    assert refused.status_code == 404 and AnnualReport.objects.get().text == "政法委：\n修改后的正文。"
    assert list(report.events.values_list("action", flat=True)) == ["create", "edit", "send"]
    pdf = client_for(world.committee).get(f"/meetings/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200
