"""The annual report's figures come from the year's records and are frozen in the report; the text is a draft the
clerk edits; regenerating refreshes both; a sent report is frozen."""

import datetime

import pytest
from django.utils import timezone

from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from meetings import services
from meetings.reports import annual_figures
from tests.assistance.helpers import advance, draft_notice

from .conftest import published_meeting

pytestmark = pytest.mark.django_db
INQUIRY = [{"property_kind": "real_estate", "description": "查询被执行人名下不动产"}]


def test_figures_count_notices_by_unit_and_measure_meetings_and_decisions(world):
    replied = draft_notice(world.clerk, world.case, world.units[0], measure="inquiry", items=INQUIRY)
    advance(replied, "acknowledged", clerk=world.clerk, leader=world.leader, liaison=world.liaisons[0])
    from assistance import services as notice_services

    notice_services.reply_to_notice(actor=world.liaisons[0], notice=replied, outcome="not_found", text="未查到")
    late = draft_notice(world.clerk, world.case, world.units[1], measure="inquiry", items=INQUIRY)
    advance(late, "served", clerk=world.clerk, leader=world.leader,
            served_at=timezone.now() - datetime.timedelta(days=30))
    draft_notice(world.clerk, world.case, world.units[2], measure="inquiry", items=INQUIRY)  # never served
    published_meeting(world)
    figures = annual_figures(world.court, timezone.localdate().year)
    assert figures["notices"] == {"total": 2, "withdrawn": 0, "rated": 2, "replied": 1, "on_time": 1, "late": 0,
                                  "overdue": 1, "on_time_rate": "50.0%"}
    by_unit = {row["name"]: row for row in figures["by_unit"]}
    assert by_unit[world.units[0].name]["on_time"] == 1 and by_unit[world.units[1].name]["overdue"] == 1
    assert figures["by_measure"][0]["name"] == "查询" and figures["by_measure"][0]["total"] == 2
    assert {row["unit"] for row in figures["by_unit_measure"]} == {world.units[0].name, world.units[1].name}
    assert figures["meetings"]["total"] == 1
    assert figures["decisions"]["total"] == 2 and figures["decisions"]["open"] == 2
    assert annual_figures(world.court, 2025)["notices"]["total"] == 0


def test_report_lifecycle_and_rules(world):
    with pytest.raises(PermissionDenied):
        services.create_annual_report(actor=world.liaisons[0], year=2026)
    with pytest.raises(ApplicationError, match="年度应在"):
        services.create_annual_report(actor=world.clerk, year=timezone.localdate().year + 1)
    report = services.create_annual_report(actor=world.clerk, year=2026)
    assert report.title.endswith("关于2026年度执行联动工作情况的报告")
    assert report.text.startswith(f"{world.committee.organisation.short_name}：")
    with pytest.raises(ApplicationError, match="报告正文"):
        services.edit_annual_report(actor=world.clerk, report=report, text=" ")
    services.edit_annual_report(actor=world.clerk, report=report, text="改过的正文")
    draft_notice(world.clerk, world.case, world.units[0], measure="inquiry", items=INQUIRY)
    services.regenerate_annual_report(actor=world.clerk, report=report)
    report.refresh_from_db()
    assert "一、协助执行通知书办理情况" in report.text
    services.send_annual_report(actor=world.clerk, report=report)
    assert Notification.objects.filter(recipient=world.committee, kind="annual_report").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.edit_annual_report(actor=world.clerk, report=report, text="再改")
    with pytest.raises(TransitionNotAllowed):
        services.send_annual_report(actor=world.clerk, report=report)
    assert list(report.events.values_list("action", flat=True)) == ["create", "edit", "regenerate", "send"]


def test_meeting_particulars_change_and_notices_are_linked(world):
    from .conftest import make_meeting

    meeting = make_meeting(world, starts_at=timezone.now() + datetime.timedelta(days=3))
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    services.update_meeting(actor=world.committee, meeting=meeting, place="区政府第二会议室")
    changed = Notification.objects.filter(kind="meeting_changed", recipient=world.liaisons[0])
    assert changed.count() == 1 and "区政府第二会议室" in changed.get().body
    with pytest.raises(ApplicationError, match="不能修改字段"):
        services.update_meeting(actor=world.committee, meeting=meeting, state="held")
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major", description="甲",
                                              enforcement_plan="方案")
    notice = draft_notice(world.clerk, world.case, world.units[0], measure="inquiry", items=INQUIRY)
    services.link_notice(actor=world.clerk, item=item, notice=notice)
    with pytest.raises(ApplicationError, match="已关联"):
        services.link_notice(actor=world.clerk, item=item, notice=notice)
    with pytest.raises(PermissionDenied):
        services.link_notice(actor=world.liaisons[0], item=item, notice=notice)
    assert list(item.notices.all()) == [notice]
    assert item.events.filter(action="notice_linked").count() == 1
