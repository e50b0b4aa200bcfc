"""Issue 6's acceptance in headless Chromium, on the Liwan roster: the clerk proposes a case for coordination with
its enforcement plan; the committee prepares a meeting with three units, puts the case on the agenda, sends the
notice, records the meeting, the attendance and two decisions, and publishes the minutes; the responsible unit's
liaison sees its decision in the inbox and replies; an overdue decision is reminded exactly once per step
(A → A+B → A+B+L → the committee), each scan run twice."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from linkage.models import Notification, Reminder
from linkage.workdays import TIMEZONE, WorkingCalendar
from meetings import reminders
from meetings.models import AgendaItem, Decision, ItemState, Meeting, MeetingState
from members.models import Organisation, User

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNITS = ("lw-police", "lw-housing", "lw-land-planning")


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


def working_days_after(calendar, day, count):
    while count:
        day += datetime.timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


def test_meeting_from_proposal_to_decisions_followed_up(liwan, new_page):
    clerk_user = User.objects.get(username="clerk")
    case = case_services.create_case(
        actor=clerk_user, number="（2026）粤0103执3001号", amount="2860000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初8801号", filed_on="2026-03-02", is_major=True,
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"}],
    )
    units = {code: Organisation.objects.get(code=code) for code in UNITS}
    base = None

    # 1. The clerk proposes the case for coordination with an enforcement plan.
    clerk = new_page()
    base = clerk.base_url
    login(clerk, "clerk")
    clerk.click("#mainnav >> text=联席会议")
    clerk.click("text=议题")
    clerk.select_option("#propose-case-select", str(case.pk))
    clerk.click("#propose-case-button")
    clerk.wait_for_selector("#item-form")
    clerk.select_option("#id_ground", "multiple_units")
    clerk.fill("#id_description", "被执行人名下房产已被多家法院轮候查封，户籍地与实际居住地不一致，需公安、住建、国规部门协同。")
    clerk.fill("#id_enforcement_plan", "一、公安分局协助查找被执行人下落；二、住建局暂停涉案房产网签备案；三、国规分局配合办理评估拍卖前的产权核查。")
    for code in UNITS:
        clerk.check(f"#id_units input[value='{units[code].pk}']")
    screenshot(clerk, "meeting-01-proposal")
    clerk.click("#propose-item")
    clerk.wait_for_selector("#item-state")
    assert "待审核" in clerk.text_content("#item-state")
    assert case.number in clerk.text_content("#item-case")
    assert "公安分局协助查找" in clerk.text_content("#enforcement-plan")
    item = AgendaItem.objects.get()

    # 2. The committee prepares the meeting with three units and puts the case on the agenda.
    committee = new_page()
    login(committee, "committee")
    committee.click("#mainnav >> text=联席会议")
    committee.click("#new-meeting")
    today = timezone.localdate()
    committee.select_option("#id_kind", "coordination")
    committee.fill("#id_title", "2026年第一次执行联动案件协调会议")
    committee.fill("#id_starts_at", f"{today:%Y-%m-%d}T08:30")
    committee.fill("#id_place", "区委政法委三楼会议室")
    committee.fill("#id_convenor", "区委副书记、政法委书记")
    committee.fill("#id_chair", "区委政法委常务副书记")
    committee.click("#save-meeting")
    committee.wait_for_selector("#meeting-state")
    for index, code in enumerate(UNITS):
        committee.select_option("#id_organisation", str(units[code].pk))
        committee.fill("#id_person_name", ["张伟", "王堃", "李玥"][index])
        committee.fill("#id_position", "副局长")
        committee.click("#add-attendance")
        committee.wait_for_selector(f"#attendance-table tr[data-unit='{code}']")
    committee.click("#pending-items button")
    committee.wait_for_selector("#agenda >> text=（2026）粤0103执3001号执行协调")
    committee.click("#schedule-meeting")
    committee.wait_for_selector("#hold-meeting")
    assert "已通知" in committee.text_content("#meeting-state")
    meeting = Meeting.objects.get()
    liaison_user = User.objects.get(username="lw-police-a")
    assert Notification.objects.filter(recipient=liaison_user, kind="meeting_notice").count() == 1

    # 3. The meeting is held: attendance (one unit on leave) and two decisions, then the minutes.
    committee.click("#hold-meeting")
    committee.wait_for_selector("#decision-form")
    row = committee.locator("#attendance-table tr[data-unit='lw-land-planning']")
    row.locator("select").select_option("on_leave")
    row.locator("button[type=submit]").first.click()
    committee.wait_for_selector("text=已登记：区国规局 请假。")
    calendar = WorkingCalendar.for_range(today, today + datetime.timedelta(days=60))
    overdue_due = working_days_after(calendar, today, 8)
    decisions = [
        ("lw-police", "协助查找被执行人欧阳燊的下落，发现后24小时内通知区法院", today + datetime.timedelta(days=20)),
        ("lw-housing", "暂停办理被执行人名下涉案房产的网签备案，并书面反馈区法院", overdue_due),
    ]
    for code, task, due_on in decisions:
        committee.select_option("#id_responsible_unit", str(units[code].pk))
        committee.fill("#id_task", task)
        committee.fill("#id_due_on", f"{due_on:%Y-%m-%d}")
        committee.select_option("#id_item", str(item.pk))
        committee.click("#add-decision")
        committee.wait_for_selector(f"#decision-list .decision-row[data-unit='{code}']")
    committee.fill("#id_document_number", "荔政法纪〔2026〕1号")
    screenshot(committee, "meeting-02-held")
    committee.click("#publish-minutes")
    committee.wait_for_selector("#document-number")
    assert "纪要已印发" in committee.text_content("#meeting-state")
    assert committee.text_content("#document-number") == "荔政法纪〔2026〕1号"
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PUBLISHED
    assert AgendaItem.objects.get().state == ItemState.DISCUSSED
    assert sorted(meeting.attendances.values_list("status", flat=True)) == ["attending", "attending", "on_leave"]
    minutes = committee.request.get(f"{base}/meetings/{meeting.pk}/minutes.pdf")
    assert minutes.status == 200 and minutes.body().startswith(b"%PDF")

    # 4. The police liaison sees its decision in the inbox (not the housing bureau's) and replies.
    liaison = new_page(390, 844)
    login(liaison, "lw-police-a")
    liaison.goto(f"{base}/inbox/")
    section = liaison.text_content("#inbox-decisions")
    assert "协助查找被执行人欧阳燊的下落" in section and "网签备案" not in section
    liaison.click("#inbox-decisions .decision-row")
    liaison.wait_for_selector("#reply-form")
    liaison.fill("#id_text", "已于本周查找到被执行人在芳村某小区居住，已电话通知区法院执行局。")
    screenshot(liaison, "meeting-03-reply")
    liaison.click("#send-reply")
    liaison.wait_for_selector("#decision-state >> text=已回复")
    assert "已电话通知区法院执行局" in liaison.text_content("#replies")
    police_decision = Decision.objects.get(responsible_unit=units["lw-police"])
    assert police_decision.state == "replied" and police_decision.replied_at is not None
    housing_decision = Decision.objects.get(responsible_unit=units["lw-housing"])
    assert liaison.goto(f"{base}/decisions/{housing_decision.pk}/").status == 404

    # 5. The housing bureau does not reply: each step of the ladder goes out once, on working days only.
    def scan_twice(day):
        moment = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=TIMEZONE)
        for minutes_later in (0, 20):
            with time_machine.travel(moment + datetime.timedelta(minutes=minutes_later), tick=False):
                reminders.scan_decision_reminders()

    def sent(kind):
        return sorted(Reminder.objects.filter(content_type__model="decision", object_id=housing_decision.pk,
                                              kind=kind).values_list("recipient_name", flat=True))

    contacts = {
        role: User.objects.get(username=f"lw-housing-{role.lower()}").display_name for role in ("A", "B")
    }
    previous_working_day = overdue_due - datetime.timedelta(days=1)
    while not calendar.is_working_day(previous_working_day):
        previous_working_day -= datetime.timedelta(days=1)
    scan_twice(previous_working_day)
    assert sent("before_due") == [contacts["A"]]
    scan_twice(overdue_due)
    assert sent("due_day") == sorted(contacts.values())
    scan_twice(working_days_after(calendar, overdue_due, 1))
    assert sent("overdue") == sorted(contacts.values())  # the demo roster has no responsible leader (L)
    scan_twice(working_days_after(calendar, overdue_due, 3))
    assert sent("escalation") == [User.objects.get(username="committee").display_name]
    assert Reminder.objects.filter(content_type__model="decision", object_id=housing_decision.pk).count() == 1 + 2 + 2 + 1
    assert not Reminder.objects.filter(content_type__model="decision", object_id=police_decision.pk).exists()

    # The committee sees the open decision across meetings, marked overdue once its day has passed.
    committee.goto(f"{base}/decisions/?tab=open")
    assert "网签备案" in committee.text_content("#decision-table")
    screenshot(committee, "meeting-04-decisions")
