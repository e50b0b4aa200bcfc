"""The demo grid scene for a newcomer, in Liwan's 多宝街道多宝社区, over the past working days:

- the clerk registers the community of the person debtor 王堃 (（2026）粤0103执1001号, 多宝路18号) and of the company
  on the published dishonest-debtor list (（2026）粤0103执1002号), so the community's posting lists the company;
- 协助送达 (1001): sent seven working days ago, never answered, escalated to 多宝街道's A/B contacts and the clerk
  just after its due day ended (the hourly beat's `escalate_overdue`, run on the demo clock);
- 查找下落 (1001): sent six working days ago, answered "found" (where and when seen) the next day, on time;
- 张贴名单 (1002): sent four working days ago, answered the next day with a photo of the posted sheet, on time;
- 调查情况 (1001): sent the last working day, opened by the grid liaison, still open within its five working days.

So the clerk's case pages, the grid liaison's `/grid/` list, the subdistrict liaisons' bell and `/grid/overview/`
all show something. Made through the real services as the demo users (``clerk`` sends, the community's grid liaison
answers) on the demo clock (`linkage.democlock`). Run after ``load_demo_data`` and ``load_demo_listings``.
Idempotent: a registration already made and a task already sent (by case, community and kind) are left as they
are. Never in production.
"""

import datetime
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Party, PartyRole
from cases.services import set_debtor_subdistrict
from linkage import democlock
from linkage.errors import ApplicationError
from linkage.identifiers import normalize_case_number
from linkage.workdays import TIMEZONE
from members.models import Community, User

from . import services
from .models import GridTask, GridTaskKind, PhotoPurpose

COURT_CODE = "lw-court"
SUBDISTRICT = "多宝街道"
COMMUNITY = "多宝社区"
PERSON_CASE = "（2026）粤0103执1001号"  # 王堃, a natural person living at 多宝路18号
LISTED_CASE = "（2026）粤0103执1002号"  # the debtor company published on the list (blacklist/demo.py)
ADDRESS = "广州市荔湾区多宝路18号"


def working_day_before(n, hour, minute=0):
    """The n-th working day before today (local), at hour:minute (n=0: today, or the last working day before)."""
    day = democlock.working_moment(timezone.localdate(), hour, minute)
    for _ in range(n):
        day = democlock.working_moment(day - datetime.timedelta(days=1), hour, minute)
    return day


def demo_photo(name="posted-sheet.png"):
    """A small PNG drawn in memory: a white sheet with grey lines on a notice board (a demo, not a photo)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (46, 109, 164))
    draw = ImageDraw.Draw(image)
    draw.rectangle((70, 20, 250, 220), fill=(255, 255, 255), outline=(200, 30, 30), width=3)
    draw.rectangle((90, 35, 230, 50), fill=(200, 30, 30))
    for top in range(65, 205, 14):
        draw.line((90, top, 230, top), fill=(150, 150, 150), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _user(username):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(f"找不到演示账号“{username}”，请先运行 python manage.py create_demo_accounts。")
    return user


def _scene():
    """(clerk, community, its grid liaison, {case number: (case, first debtor)}), or an ApplicationError saying what
    to run first."""
    clerk = _user("clerk")
    community = (Community.objects.select_related("subdistrict")
                 .filter(name=COMMUNITY, subdistrict__short_name=SUBDISTRICT,
                         subdistrict__jurisdiction_id=clerk.organisation.jurisdiction_id).first()
                 if clerk.organisation_id else None)
    liaison = community.grid_liaison if community is not None else None
    if liaison is None:
        raise ApplicationError(f"找不到{SUBDISTRICT}{COMMUNITY}的网格员，请先运行 python manage.py create_demo_accounts"
                               "（荔湾辖区）。")
    cases = {}
    for number in (PERSON_CASE, LISTED_CASE):
        case = Case.objects.filter(number=normalize_case_number(number), court__code=COURT_CODE).first()
        if case is None:
            raise ApplicationError(f"找不到演示案件{number}，请先运行 python manage.py load_demo_data。")
        debtor = Party.objects.filter(case=case, role=PartyRole.DEBTOR).order_by("position").first()
        cases[number] = (case, debtor)
    return clerk, community, liaison, cases


def _register(clerk, debtor, community, moment):
    """The debtor's community, unless one is registered already (the demo's or somebody's since)."""
    if debtor.community_id is not None:
        return []
    with democlock.at(moment):
        set_debtor_subdistrict(actor=clerk, party=debtor, community=community)
    return [f"已登记被执行人{debtor.name}的村（居）委会：{community}（{debtor.case.number}）"]


def _sent(case, community, kind):
    return GridTask.objects.filter(case=case, community=community, kind=kind).exists()


def _send(clerk, case, community, kind, moment, **fields):
    with democlock.at(moment):
        return services.send_task(actor=clerk, case=case, community=community, kind=kind, **fields)


def _local(moment):
    return timezone.localtime(moment, TIMEZONE).isoformat()


def _serve_overdue(clerk, case, debtor, community):
    """Sent, never answered, escalated by the beat at 00:07 the day after its due day."""
    task = _send(clerk, case, community, GridTaskKind.SERVE, working_day_before(7, 10), party=debtor, place=ADDRESS,
                 document_title="执行通知书、报告财产令",
                 instructions="被执行人拒不到庭领取文书，请协助送达并由其本人或同住成年家属签收。")
    after_due = datetime.datetime.combine(task.due_on + datetime.timedelta(days=1), datetime.time(0, 7),
                                          tzinfo=TIMEZONE)
    with democlock.at(after_due):
        escalated = services.escalate_overdue(after_due)
    if task.pk not in escalated:
        raise ApplicationError(f"演示网格协助事项 {task.pk} 应已逾期督办，但期限为 {task.due_on}。")
    return f"已创建逾期未回复并已督办的网格协助事项：协助送达（{case.number}，{community}）"


def _locate_found(clerk, case, debtor, community, liaison):
    task = _send(clerk, case, community, GridTaskKind.LOCATE, working_day_before(6, 10, 30), party=debtor,
                 place=ADDRESS, instructions="被执行人长期不在住所，请协助查找其下落，发现后及时回复。")
    with democlock.at(working_day_before(6, 14, 20)):
        services.mark_viewed(actor=liaison, task=task)
    seen_at = working_day_before(5, 8, 40)
    with democlock.at(working_day_before(5, 9, 15)):
        services.answer_task(actor=liaison, task=task, answer={
            "found": True, "seen_at": _local(seen_at), "place": "多宝路与宝华路交界处的早餐店",
            "note": "经走访邻居，被执行人近日每天早上在该店吃早餐，已当面核实身份，其称暂住在亲戚家。"})
    return f"已创建按期回复的网格协助事项：查找下落（已发现，{case.number}，{community}）"


def _post_answered(clerk, case, community, liaison):
    task = _send(clerk, case, community, GridTaskKind.POST, working_day_before(4, 10),
                 instructions="请打印本社区失信被执行人名单，张贴于居委会公示栏，拍照回复。")
    posted_at = working_day_before(3, 10, 30)
    with democlock.at(working_day_before(3, 11)):
        services.answer_task(actor=liaison, task=task, answer={"posted_at": _local(posted_at),
                                                                "place": f"{COMMUNITY}居委会门前公示栏"},
                             photos=[(PhotoPurpose.POSTED_SHEET, demo_photo())])
    return f"已创建按期回复的网格协助事项：张贴名单（附张贴照片，{case.number}，{community}）"


def _investigate_open(clerk, case, debtor, community, liaison):
    task = _send(clerk, case, community, GridTaskKind.INVESTIGATE, working_day_before(1, 15), party=debtor,
                 place=ADDRESS, instructions="请协助了解被执行人的居住、车辆、经营及就业情况，并拍摄现场照片。")
    with democlock.at(working_day_before(1, 16, 10)):
        services.mark_viewed(actor=liaison, task=task)
    return f"已创建办理中的网格协助事项：调查情况（{case.number}，{community}）"


@transaction.atomic
def load_demo_grid():
    """Make what is missing of the scene; returns what was made, one sentence each (empty: nothing was made)."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能载入演示数据。")
    clerk, community, liaison, cases = _scene()
    person_case, person = cases[PERSON_CASE]
    listed_case, company = cases[LISTED_CASE]
    made = []
    if person is not None:
        made += _register(clerk, person, community, working_day_before(7, 9, 30))
        if not _sent(person_case, community, GridTaskKind.SERVE):
            made.append(_serve_overdue(clerk, person_case, person, community))
        if not _sent(person_case, community, GridTaskKind.LOCATE):
            made.append(_locate_found(clerk, person_case, person, community, liaison))
    if company is not None:
        made += _register(clerk, company, community, working_day_before(4, 9, 30))
    if not _sent(listed_case, community, GridTaskKind.POST):
        made.append(_post_answered(clerk, listed_case, community, liaison))
    if person is not None and not _sent(person_case, community, GridTaskKind.INVESTIGATE):
        made.append(_investigate_open(clerk, person_case, person, community, liaison))
    return made
