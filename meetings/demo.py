"""Demo meetings for a newcomer, on the Liwan roster: a coordination meeting held ten days ago with three units, its
attendance, decisions (one answered) and published minutes; a dispute between two units waiting on the committee;
and the next meeting, announced and still to come.

Made through the real services as the demo users ``committee``, ``clerk`` and the units' ``X-a`` liaisons, each step
on its own day (`linkage.democlock`), so the histories read in order: prepared, announced, held, minutes
published, answered. Run after ``load_jurisdiction liwan``, ``create_demo_accounts`` and (for the case on the
agenda) ``load_demo_data``. Idempotent: the held meeting is found by its minutes' document number and the upcoming
one by its title, and neither is made twice. Never in production.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from linkage import democlock
from linkage.errors import ApplicationError
from members.models import Organisation, User

from . import services
from .models import Meeting

DOCUMENT_NUMBER = "荔政法纪〔2026〕1号"
UNITS = ("lw-police", "lw-housing", "lw-land-planning")
UPCOMING_UNITS = ("lw-police", "lw-market", "lw-hrss")
HELD_DAYS_AGO = 10
UPCOMING_IN_DAYS = 12


def _day(base, days, hour, minute=0):
    """`days` after `base`'s day (local time), at hour:minute."""
    local = timezone.localtime(base) + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _people(unit_codes):
    try:
        committee = User.objects.get(username="committee")
        clerk = User.objects.get(username="clerk")
        units = [Organisation.objects.get(code=code) for code in unit_codes]
        liaisons = [User.objects.get(username=f"{code}-a") for code in unit_codes]
    except (User.DoesNotExist, Organisation.DoesNotExist):
        raise ApplicationError("请先运行 load_jurisdiction liwan 和 create_demo_accounts。")
    return committee, clerk, units, liaisons


def upcoming_title(now=None):
    starts = _day(now or timezone.now(), UPCOMING_IN_DAYS, 9, 30)
    return f"{starts.year}年执行联动工作推进会（{starts.month}月）"


def _held_meeting(now):
    committee, clerk, units, liaisons = _people(UNITS)
    held = _day(now, -HELD_DAYS_AGO, 14, 30)
    with democlock.at(_day(held, -8, 10)):
        meeting = services.create_meeting(
            actor=committee, kind="coordination", title=f"{held.year}年第一次执行联动案件协调会议",
            starts_at=held, place="区委政法委三楼会议室",
            convenor="区委副书记、政法委书记", chair="区委政法委常务副书记",
        )
    case = Case.objects.filter(court__code="lw-court", status="in_progress").order_by("id").first()
    item = None
    if case is not None:
        with democlock.at(_day(held, -8, 15)):
            item = services.propose_case_coordination(
                actor=clerk, case=case, ground="multiple_units", units=units,
                description="被执行人名下房产被轮候查封，下落不明，需多部门协同处置。",
                enforcement_plan="一、区公安分局协助查找被执行人下落；二、区住建局暂停涉案房产网签备案；三、区国规局核查产权登记。",
            )
        with democlock.at(_day(held, -7, 9, 40)):
            services.accept_item(actor=committee, item=item, meeting=meeting)
    with democlock.at(_day(held, -7, 10)):
        for index, unit in enumerate(units):
            services.add_attendance(actor=committee, meeting=meeting, organisation=unit,
                                    person_name=["张伟", "王堃", "李玥"][index], position="副局长",
                                    status="on_leave" if index == 2 else "attending")
    with democlock.at(_day(held, -6, 9)):
        services.schedule_meeting(actor=committee, meeting=meeting)
    with democlock.at(_day(held, 0, 16, 40)):
        services.hold_meeting(actor=committee, meeting=meeting)
        tasks = [
            (units[0], "协助查找被执行人下落，发现后24小时内通知区法院", 21),
            (units[1], "暂停办理被执行人名下涉案房产的网签备案，并书面反馈区法院", 14),
        ]
        decisions = [
            services.add_decision(actor=committee, meeting=meeting, item=item, responsible_unit=unit, task=task,
                                  due_on=held.date() + datetime.timedelta(days=days))
            for unit, task, days in tasks
        ]
    with democlock.at(_day(held, 2, 10)):
        services.publish_minutes(actor=committee, meeting=meeting, document_number=DOCUMENT_NUMBER,
                                 summary="会议听取了区法院关于重大疑难案件执行情况的汇报，与会单位就协助执行中的困难进行了讨论。")
    with democlock.at(_day(held, 4, 11)):
        services.reply_to_decision(actor=liaisons[0], decision=decisions[0], text="已布置辖区派出所协助查找，正在落实。")
    with democlock.at(_day(now, -2, 15)):
        services.escalate_dispute(
            actor=liaisons[1], units=units[1:], title="涉案房产查封登记的协助职责争议",
            description="双方对由哪一单位办理查封登记存在分歧。",
            consultation_started_on=timezone.localdate() - datetime.timedelta(days=40),
            consultation_summary="双方经两次磋商未达成一致。",
        )
    return meeting


def _upcoming_meeting(now, title):
    committee, _, units, _ = _people(UPCOMING_UNITS)
    with democlock.at(_day(now, -1, 10)):
        meeting = services.create_meeting(
            actor=committee, kind="ad_hoc", title=title, starts_at=_day(now, UPCOMING_IN_DAYS, 9, 30),
            place="区委政法委二楼会议室", convenor="区委副书记、政法委书记", chair="区委政法委常务副书记",
        )
        for unit, person in zip(units, ["张伟", "周敏", "吴洋"], strict=True):
            services.add_attendance(actor=committee, meeting=meeting, organisation=unit, person_name=person,
                                    position="分管副局长")
    with democlock.at(_day(now, -1, 11)):
        services.schedule_meeting(actor=committee, meeting=meeting)
    return meeting


@transaction.atomic
def load_demo_meetings():
    """Make the demo meetings that are not there yet; returns the meetings made (empty when both were there)."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    now = timezone.now()
    made = []
    if not Meeting.objects.filter(document_number=DOCUMENT_NUMBER).exists():
        made.append(_held_meeting(now))
    title = upcoming_title(now)
    if not Meeting.objects.filter(title=title).exists() and not Meeting.objects.filter(
            starts_at__gt=now, state="scheduled").exists():
        made.append(_upcoming_meeting(now, title))
    return made
