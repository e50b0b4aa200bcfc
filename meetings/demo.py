"""Demo meetings for a newcomer, on the Liwan roster: a published coordination meeting with three units, its
attendance and decisions (one answered), and a dispute between two units waiting on the committee.

Made through the real services as the demo users ``committee``, ``clerk`` and the units' ``X-a`` liaisons. Run after
``load_jurisdiction liwan``, ``create_demo_accounts`` and (for the case on the agenda) ``load_demo_data``.
Idempotent: a second run finds the minutes' document number and adds nothing. Never in production.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from linkage.errors import ApplicationError
from members.models import Organisation, User

from . import services
from .models import Meeting

DOCUMENT_NUMBER = "荔政法纪〔2026〕1号"
UNITS = ("lw-police", "lw-housing", "lw-land-planning")


@transaction.atomic
def load_demo_meetings():
    """Returns the demo meeting, or None when it was already there."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    if Meeting.objects.filter(document_number=DOCUMENT_NUMBER).exists():
        return None
    try:
        committee = User.objects.get(username="committee")
        clerk = User.objects.get(username="clerk")
        units = [Organisation.objects.get(code=code) for code in UNITS]
        liaisons = [User.objects.get(username=f"{code}-a") for code in UNITS]
    except (User.DoesNotExist, Organisation.DoesNotExist):
        raise ApplicationError("请先运行 load_jurisdiction liwan 和 create_demo_accounts。")
    now = timezone.now()
    today = timezone.localdate()
    meeting = services.create_meeting(
        actor=committee, kind="coordination", title=f"{today.year}年第一次执行联动案件协调会议",
        starts_at=now - datetime.timedelta(hours=2), place="区委政法委三楼会议室",
        convenor="区委副书记、政法委书记", chair="区委政法委常务副书记",
    )
    case = Case.objects.filter(court__code="lw-court", status="in_progress").order_by("id").first()
    item = None
    if case is not None:
        item = services.propose_case_coordination(
            actor=clerk, case=case, ground="multiple_units", units=units,
            description="被执行人名下房产被轮候查封，下落不明，需多部门协同处置。",
            enforcement_plan="一、区公安分局协助查找被执行人下落；二、区住建局暂停涉案房产网签备案；三、区国规局核查产权登记。",
        )
        services.accept_item(actor=committee, item=item, meeting=meeting)
    for index, unit in enumerate(units):
        services.add_attendance(actor=committee, meeting=meeting, organisation=unit,
                                person_name=["张伟", "王堃", "李玥"][index], position="副局长",
                                status="on_leave" if index == 2 else "attending")
    services.schedule_meeting(actor=committee, meeting=meeting)
    services.hold_meeting(actor=committee, meeting=meeting)
    tasks = [
        (units[0], "协助查找被执行人下落，发现后24小时内通知区法院", today + datetime.timedelta(days=14)),
        (units[1], "暂停办理被执行人名下涉案房产的网签备案，并书面反馈区法院", today + datetime.timedelta(days=7)),
    ]
    decisions = [services.add_decision(actor=committee, meeting=meeting, item=item, responsible_unit=unit, task=task,
                                       due_on=due_on) for unit, task, due_on in tasks]
    services.publish_minutes(actor=committee, meeting=meeting, document_number=DOCUMENT_NUMBER,
                             summary="会议听取了区法院关于重大疑难案件执行情况的汇报，与会单位就协助执行中的困难进行了讨论。")
    services.reply_to_decision(actor=liaisons[0], decision=decisions[0], text="已布置辖区派出所协助查找，正在落实。")
    services.escalate_dispute(
        actor=liaisons[1], units=units[1:], title="涉案房产查封登记的协助职责争议",
        description="双方对由哪一单位办理查封登记存在分歧。",
        consultation_started_on=today - datetime.timedelta(days=40),
        consultation_summary="双方经两次磋商未达成一致。",
    )
    return meeting
