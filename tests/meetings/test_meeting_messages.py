"""Meeting messages say what happened, and go to the right units.

A meeting of the police (attending), the housing bureau (on leave), the market bureau (sitting in, 列席) and the
committee itself (invited as attending by mistake, with a contact on the roster): the notice is addressed to the
attending and on-leave units (the document's 主送 and the messages), copied to the unit sitting in, and never to
the committee. A postponement, a change of place and a cancellation each say what changed; the cancellation does not
ask anybody to attend."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from linkage.models import Delivery, Notification
from linkage.workdays import TIMEZONE
from meetings import documents, services
from tests import factories

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

COMMITTEE_MAIL = "office@committee.cn"


def pdf_text(pdf, tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


@pytest.fixture
def meeting(world):
    committee_org = world.committee.organisation
    factories.ContactFactory(organisation=committee_org, role="A", name="政法委甲", email=COMMITTEE_MAIL)
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    meeting = make_meeting(world, units=[world.units[0]], starts_at=starts)
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.units[1], status="on_leave")
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.units[2], status="observing")
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=committee_org)
    return services.schedule_meeting(actor=world.committee, meeting=meeting)


def received(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def when(moment):
    return f"{timezone.localtime(moment, TIMEZONE):%Y年%m月%d日 %H:%M}"


def test_the_notice_goes_to_attending_on_leave_and_sitting_in_units_never_the_committee(world, meeting):
    (police,) = received(world.liaisons[0], "meeting_notice")
    (housing,) = received(world.liaisons[1], "meeting_notice")
    (market,) = received(world.liaisons[2], "meeting_notice")
    assert received(world.b_liaisons[1], "meeting_notice")  # both A and B of the unit on leave
    assert police.title == f"【会议通知】{meeting.title}"
    assert f"定于{when(meeting.starts_at)}在{meeting.place}召开" in police.body
    assert "请贵单位按时参加" in police.body
    assert "贵单位已请假" in housing.body and "按时参加" not in housing.body
    assert "请贵单位按时列席" in market.body
    assert not Notification.objects.filter(recipient=world.committee).exists()
    assert not Delivery.objects.filter(address=COMMITTEE_MAIL).exists()


def test_the_notice_document_is_addressed_to_attending_and_on_leave_units(world, meeting, tmp_path):
    context = documents.meeting_notice_context(meeting)
    assert context["addressees"] == f"{world.units[0].name}、{world.units[1].name}"
    assert context["copied"] == world.units[2].name
    text = pdf_text(documents.meeting_notice_pdf(meeting), tmp_path)
    committee_name = world.committee.organisation.name
    assert f"{world.units[0].name}、{world.units[1].name}：" in text
    assert f"抄送：{world.units[2].name}。" in text
    assert f"列席单位：{world.units[2].short_name}" in text
    # The committee issues the notice (banner, signature); it is not among its addressees or its units.
    assert f"{committee_name}、" not in text and f"、{committee_name}" not in text
    assert world.committee.organisation.short_name not in text.split("四、参会单位")[1].split("五、")[0]


def test_a_postponement_says_from_when_to_when(world, meeting):
    before = meeting.starts_at
    later = before + datetime.timedelta(days=3)
    services.update_meeting(actor=world.committee, meeting=meeting, starts_at=later)
    (police,) = received(world.liaisons[0], "meeting_changed")
    assert police.title == f"【会议延期】{meeting.title}"
    assert f"原定于{when(before)}在{meeting.place}召开" in police.body
    assert f"延期至{when(later)}" in police.body and "请贵单位按变更后的安排参加" in police.body
    (housing,) = received(world.liaisons[1], "meeting_changed")
    assert "贵单位已请假，可不参加" in housing.body
    earlier = later - datetime.timedelta(days=5)
    services.update_meeting(actor=world.committee, meeting=meeting, starts_at=earlier)
    assert received(world.liaisons[0], "meeting_changed")[-1].title == f"【会议时间变更】{meeting.title}"
    assert f"提前至{when(earlier)}" in received(world.liaisons[0], "meeting_changed")[-1].body
    assert not Notification.objects.filter(recipient=world.committee).exists()


def test_a_change_of_place_says_where(world, meeting):
    old_place = meeting.place
    services.update_meeting(actor=world.committee, meeting=meeting, place="区法院第一会议室")
    (police,) = received(world.liaisons[0], "meeting_changed")
    assert police.title == f"【会议地点变更】{meeting.title}"
    assert f"原定于{when(meeting.starts_at)}在{old_place}召开" in police.body and "地点改为区法院第一会议室" in police.body
    # Both at once; an edit of the title alone tells nobody.
    later = meeting.starts_at + datetime.timedelta(days=1)
    services.update_meeting(actor=world.committee, meeting=meeting, starts_at=later, place="区委政法委三楼会议室")
    both = received(world.liaisons[0], "meeting_changed")[-1]
    assert both.title == f"【会议延期并变更地点】{meeting.title}"
    assert f"延期至{when(later)}，地点改为区委政法委三楼会议室" in both.body
    services.update_meeting(actor=world.committee, meeting=meeting, title="2026年第一次执行联动案件协调会议（更正）")
    assert len(received(world.liaisons[0], "meeting_changed")) == 2


def test_a_cancellation_says_so_and_asks_nobody_to_attend(world, meeting):
    services.cancel_meeting(actor=world.committee, meeting=meeting, reason="主要议题已协调解决")
    messages = [received(user, "meeting_cancelled") for user in world.liaisons]
    assert all(len(each) == 1 for each in messages)
    for (message,) in messages:
        assert message.title == f"【会议取消】{meeting.title}"
        assert f"原定于{when(meeting.starts_at)}在{meeting.place}召开的{meeting.title}" in message.body
        assert "已取消，取消理由：主要议题已协调解决。" in message.body
        assert "无需派员参加" in message.body
        assert "按时参加" not in message.body and "请假" not in message.body
    assert not Notification.objects.filter(recipient=world.committee).exists()
    assert not Delivery.objects.filter(address=COMMITTEE_MAIL).exists()


def test_a_unit_added_after_the_notice_is_told_once(world, meeting):
    other = factories.OrganisationFactory(code="t-tax", name="国家税务总局广州市荔湾区税务局", short_name="区税务局",
                                          jurisdiction=world.court.jurisdiction)
    liaison = factories.LiaisonFactory(organisation=other, liaison_role="A", username="tax-a")
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=other)
    (message,) = received(liaison, "meeting_notice")
    assert "请贵单位按时参加" in message.body
    assert len(received(world.liaisons[0], "meeting_notice")) == 1  # the others are not told again
