"""Who sees what: a unit sees only the meetings it is part of (invited, proposing an item on the agenda, or
responsible for a decision — once the notice has gone out) and only the decisions it is responsible for (once the
minutes are published); the committee sees all. Anything else is a 404, on the pages and in the API alike."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Decision, Meeting
from tests import factories

from .conftest import held_meeting, make_meeting

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def scene(world):
    """M1 (published): units 0 and 1 invited; decisions for unit 0, unit 1 and unit 2 (not invited).
    M2 (published): unit 1 only. M3 (in preparation): unit 0 invited. M4 (held): unit 0, with a decision for it."""
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    m1 = held_meeting(world, units=world.units[:2], title="第一次会议")
    d1, d2, d3 = (services.add_decision(actor=world.committee, meeting=m1, responsible_unit=unit, task=f"任务{i}",
                                        due_on=due) for i, unit in enumerate(world.units))
    services.publish_minutes(actor=world.committee, meeting=m1, document_number="荔政法纪〔2026〕1号")
    m2 = held_meeting(world, units=world.units[1:2], title="第二次会议")
    d4 = services.add_decision(actor=world.committee, meeting=m2, responsible_unit=world.units[1], task="任务4",
                               due_on=due)
    services.publish_minutes(actor=world.committee, meeting=m2, document_number="荔政法纪〔2026〕2号")
    m3 = make_meeting(world, units=world.units[:1], title="筹备中的会议")
    m4 = held_meeting(world, units=world.units[:1], title="已召开未印发")
    d5 = services.add_decision(actor=world.committee, meeting=m4, responsible_unit=world.units[0], task="任务5",
                               due_on=due)
    services.reply_to_decision(actor=world.liaisons[0], decision=d1, text="已落实",
                               attachment=SimpleUploadedFile("回执.pdf", PDF))
    return {"m1": m1, "m2": m2, "m3": m3, "m4": m4, "d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}


def ids(rows):
    return sorted(row["id"] for row in rows)


# ---------------------------------------------------------------------------------------------- meetings


def test_meeting_list_page_shows_only_the_units_meetings(world, scene, client_for):
    page = client_for(world.liaisons[0]).get("/meetings/").content.decode()
    assert "第一次会议" in page and "已召开未印发" in page
    assert "第二次会议" not in page and "筹备中的会议" not in page
    page = client_for(world.liaisons[2]).get("/meetings/").content.decode()
    assert "第一次会议" in page  # responsible for a decision of it
    assert "已召开未印发" not in page and "第二次会议" not in page
    page = client_for(world.committee).get("/meetings/").content.decode()
    assert all(title in page for title in ("第一次会议", "第二次会议", "筹备中的会议", "已召开未印发"))


def test_meeting_detail_page_is_404_for_a_unit_not_part_of_it(world, scene, client_for):
    client = client_for(world.liaisons[0])
    assert client.get(f"/meetings/{scene['m1'].pk}/").status_code == 200
    for meeting in ("m2", "m3"):
        assert client.get(f"/meetings/{scene[meeting].pk}/").status_code == 404
    client = client_for(world.committee)
    for meeting in ("m1", "m2", "m3", "m4"):
        assert client.get(f"/meetings/{scene[meeting].pk}/").status_code == 200


def test_the_court_sees_meetings_of_items_it_proposed(world, scene, client_for):
    client = client_for(world.clerk)
    assert client.get(f"/meetings/{scene['m1'].pk}/").status_code == 404
    meeting = make_meeting(world, units=world.units[:1], title="协调会",
                           starts_at=timezone.now() + datetime.timedelta(days=2))
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="甲",
                                              enforcement_plan="方案")
    services.accept_item(actor=world.committee, item=item, meeting=meeting)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404  # still in preparation
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


def test_meetings_api_is_scoped_like_the_pages(world, scene, api_for):
    api = api_for(world.liaisons[0])
    assert ids(api.get("/api/v1/meetings/").json()["results"]) == sorted([scene["m1"].pk, scene["m4"].pk])
    assert api.get(f"/api/v1/meetings/{scene['m2'].pk}/").status_code == 404
    assert api.get(f"/api/v1/meetings/{scene['m3'].pk}/").status_code == 404
    detail = api.get(f"/api/v1/meetings/{scene['m1'].pk}/").json()
    assert {row["organisation"]["code"] for row in detail["attendances"]} == {"t-police", "t-housing"}
    assert [d["position"] for d in detail["decisions"]] == [1, 2, 3]  # the published minutes, as the PDF shows
    held = api.get(f"/api/v1/meetings/{scene['m4'].pk}/").json()
    assert held["decisions"] == []  # not yet published
    committee = api_for(world.committee)
    assert len(committee.get("/api/v1/meetings/").json()["results"]) == 4
    assert len(committee.get(f"/api/v1/meetings/{scene['m4'].pk}/").json()["decisions"]) == 1


def test_minutes_pdf_is_for_those_who_may_see_the_meeting(world, scene, client_for):
    assert client_for(world.liaisons[0]).get(f"/meetings/{scene['m1'].pk}/minutes.pdf").status_code == 200
    assert client_for(world.liaisons[0]).get(f"/meetings/{scene['m2'].pk}/minutes.pdf").status_code == 404
    assert client_for(world.liaisons[0]).get(f"/meetings/{scene['m4'].pk}/minutes.pdf").status_code == 404  # draft
    assert client_for(world.committee).get(f"/meetings/{scene['m4'].pk}/minutes.pdf").status_code == 200
    assert client_for(world.liaisons[1]).get(f"/meetings/{scene['m2'].pk}/notice.pdf").status_code == 200


# --------------------------------------------------------------------------------------------- decisions


def test_decision_list_page_shows_only_the_units_decisions(world, scene, client_for):
    page = client_for(world.liaisons[1]).get("/decisions/").content.decode()
    assert "任务1" in page and "任务4" in page
    assert "任务0" not in page and "任务2" not in page
    page = client_for(world.liaisons[0]).get("/decisions/?tab=replied").content.decode()
    assert "任务0" in page and "任务5" not in page  # M4's minutes are not published
    page = client_for(world.committee).get("/decisions/").content.decode()
    assert all(f"任务{i}" in page for i in (1, 2, 4))


def test_decision_detail_page_is_404_for_another_unit(world, scene, client_for):
    client = client_for(world.liaisons[0])
    assert client.get(f"/decisions/{scene['d1'].pk}/").status_code == 200
    for other in ("d2", "d3", "d4", "d5"):
        assert client.get(f"/decisions/{scene[other].pk}/").status_code == 404
    committee = client_for(world.committee)
    for name in ("d1", "d2", "d3", "d4", "d5"):
        assert committee.get(f"/decisions/{scene[name].pk}/").status_code == 200


def test_reply_attachment_only_to_those_who_see_the_decision(world, scene, client_for):
    url = f"/decisions/replies/{scene['d1'].replies.get().pk}/attachment/"
    response = client_for(world.liaisons[0]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(world.liaisons[1]).get(url).status_code == 404
    assert client_for(world.committee).get(url).status_code == 200


def test_decisions_api_is_scoped_and_the_list_is_a_fixed_number_of_queries(world, scene, api_for,
                                                                            django_assert_max_num_queries):
    api = api_for(world.liaisons[1])
    with django_assert_max_num_queries(6):
        rows = api.get("/api/v1/decisions/").json()["results"]
    assert ids(rows) == sorted([scene["d2"].pk, scene["d4"].pk])
    assert rows[0]["responsible_unit"]["code"] == "t-housing" and rows[0]["overdue"] is False
    assert api.get(f"/api/v1/decisions/{scene['d1'].pk}/").status_code == 404
    assert api.post(f"/api/v1/decisions/{scene['d1'].pk}/reply/", {"text": "越权"}, format="json").status_code == 404
    assert api_for(world.liaisons[0]).get(f"/api/v1/decisions/{scene['d5'].pk}/").status_code == 404
    committee = api_for(world.committee)
    assert len(committee.get("/api/v1/decisions/").json()["results"]) == 5
    assert ids(committee.get("/api/v1/decisions/?state=replied").json()["results"]) == [scene["d1"].pk]


def test_somebody_without_a_unit_sees_nothing(world, scene, client_for, api_for):
    admin = factories.UserFactory(role="admin")
    assert client_for(admin).get("/meetings/").status_code == 404
    assert client_for(admin).get(f"/decisions/{scene['d1'].pk}/").status_code == 404
    assert api_for(admin).get("/api/v1/decisions/").json()["results"] == []
    assert api_for(admin).get("/api/v1/meetings/").json()["results"] == []


def test_no_row_is_deleted_on_the_way(scene):
    assert Meeting.objects.count() == 4 and Decision.objects.count() == 5


# ------------------------------------------------------------------------------------------ agenda items


def test_items_are_seen_by_their_proposer_the_units_involved_the_court_and_the_committee(world, client_for):
    dispute = services.escalate_dispute(actor=world.liaisons[0], units=world.units[:2], title="职责争议",
                                        description="说明", consultation_started_on="2026-10-09",
                                        consultation_summary="未达成一致")
    coordination = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major",
                                                      description="甲", enforcement_plan="方案一")
    for user, visible in [
        (world.liaisons[0], {dispute}), (world.liaisons[1], {dispute}), (world.liaisons[2], set()),
        (world.clerk, {coordination}), (world.committee, {dispute, coordination}),
    ]:
        assert set(AgendaItem.objects.visible_to(user)) == visible
        client = client_for(user)
        page = client.get("/meetings/items/?state=all").content.decode()
        for item in (dispute, coordination):
            assert (item.title in page) == (item in visible)
            assert client.get(f"/meetings/items/{item.pk}/").status_code == (200 if item in visible else 404)
    other_court_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=world.court.jurisdiction))
    assert client_for(other_court_clerk).get(f"/meetings/items/{coordination.pk}/").status_code == 404


def test_item_page_shows_its_case_notices_and_history(world, client_for):
    from tests.assistance.helpers import draft_notice

    notice = draft_notice(world.clerk, world.case, world.units[0], measure="inquiry",
                          items=[{"property_kind": "real_estate", "description": "查询房产"}])
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major",
                                              description="房产难以处置", enforcement_plan="一、评估拍卖",
                                              notices=[notice])
    page = client_for(world.clerk).get(f"/meetings/items/{item.pk}/").content.decode()
    assert world.case.number in page and "一、评估拍卖" in page
    assert f"/notices/{notice.pk}/" in page or f"{world.units[0].short_name} · 查询" in page
    assert "提请" in page and world.clerk.display_name in page  # history: who and when


# ------------------------------------------------------------------------------------------------ reports


def test_reports_are_the_courts_and_the_committee_sees_those_sent(world, client_for):
    report = services.create_annual_report(actor=world.clerk, year=2026)
    assert client_for(world.clerk).get(f"/meetings/reports/{report.pk}/").status_code == 200
    assert client_for(world.committee).get(f"/meetings/reports/{report.pk}/").status_code == 404  # a draft
    assert client_for(world.liaisons[0]).get(f"/meetings/reports/{report.pk}/").status_code == 404
    other = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=world.court.jurisdiction))
    assert client_for(other).get(f"/meetings/reports/{report.pk}/").status_code == 404
    assert report.title not in client_for(other).get("/meetings/reports/").content.decode()
    services.send_annual_report(actor=world.clerk, report=report)
    assert client_for(world.committee).get(f"/meetings/reports/{report.pk}/").status_code == 200
    assert report.title in client_for(world.committee).get("/meetings/reports/").content.decode()
