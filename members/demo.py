"""Demo accounts for a newcomer: admin, clerk, leader, committee, X-a / X-b for every member unit X, and the grid
liaisons (grid-…) of three Liwan subdistricts' communities.

Never run in production (the command refuses). Idempotent: existing accounts keep their data but get the
demo password again; units without contacts get the demo liaisons as their A and B contacts.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkage.errors import ApplicationError
from linkage.exports import new_workbook

from . import services
from .exports.grid import GRID_COLUMNS, GRID_SHEET
from .grid_import import import_grid
from .models import Contact, Leader, Organisation, User, UserRole

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "华", "平", "刚", "桂英", "建华", "文", "辉", "玲", "志强", "晓东", "海燕", "雪梅"]


@dataclass
class DemoAccount:
    username: str
    role: str
    organisation: str
    liaison_role: str = ""


def _demo_name(index):
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def _upsert_user(username, *, role, organisation=None, liaison_role="", full_name="", superuser=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.role = role
    user.organisation = organisation
    user.liaison_role = liaison_role
    user.full_name = user.full_name or full_name
    user.is_staff = superuser
    user.is_superuser = superuser
    user.is_active = True
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def create_demo_accounts(jurisdiction="liwan"):
    """Create the demo accounts; clerk, leader and committee belong to the given jurisdiction's court and
    committee (the first loaded jurisdiction when that one is not loaded)."""
    if settings.PRODUCTION:
        raise ApplicationError("生产环境不能创建演示账号。")
    organisations = Organisation.objects.live().order_by("jurisdiction__code", "sort_order", "id")
    if organisations.filter(jurisdiction__code=jurisdiction).exists():
        organisations = organisations.filter(jurisdiction__code=jurisdiction)
    court = organisations.courts().first()
    committee = organisations.filter(kind="committee").first()
    if court is None or committee is None:
        raise ApplicationError("请先载入一个辖区（python manage.py load_jurisdiction liwan）。")
    accounts = []
    admin = _upsert_user("admin", role=UserRole.ADMIN, full_name="系统管理员", superuser=True)
    accounts.append(DemoAccount("admin", admin.get_role_display(), "—"))
    for username, role, organisation, name in [
        ("clerk", UserRole.CLERK, court, "林佩文"),
        ("leader", UserRole.LEADER, court, "陈执行"),
        ("committee", UserRole.COMMITTEE, committee, "黄政法"),
    ]:
        user = _upsert_user(username, role=role, organisation=organisation, full_name=name)
        accounts.append(DemoAccount(username, user.get_role_display(), organisation.short_name))
    grid_accounts = _demo_grid(court.jurisdiction, admin)
    units = Organisation.objects.live().active().member_units().order_by("jurisdiction__code", "sort_order", "id")
    today = timezone.localdate()
    for index, unit in enumerate(units):
        for role in ("A", "B"):
            name = _demo_name(index * 2 + (role == "B"))
            username = f"{unit.code}-{role.lower()}"
            user = _upsert_user(username, role=UserRole.LIAISON, organisation=unit, liaison_role=role, full_name=name)
            if not Contact.objects.filter(organisation=unit, role=role).current().exists():
                services.assign_contact(
                    actor=admin, organisation=unit, role=role, name=name, position="联络员" if role == "A" else "副联络员",
                    landline=f"020-8100{index % 10000:04d}", mobile=f"139{index * 2 + (role == 'B'):08d}",
                    user=user, started_on=today.replace(month=1, day=1),
                )
            accounts.append(DemoAccount(username, user.get_role_display(), unit.short_name, role))
    _demo_leaders(court.jurisdiction)
    return accounts + grid_accounts


def _demo_leaders(jurisdiction):
    """The district's party and government leaders the briefings go to (no accounts: SMS and email links)."""
    for order, (post, name, mobile) in enumerate([("区委书记", "郑国华", "13800000001"), ("区长", "王建明", "13800000002"),
                                                  ("区委政法委书记", "李志刚", "13800000003")]):
        Leader.objects.get_or_create(jurisdiction=jurisdiction, post=post,
                                     defaults={"name": name, "mobile": mobile, "sort_order": order})


# Three of Liwan's 22 subdistricts with some of their communities (names as the district's own lists give them); the
# seed's "各街道" unit stays as it is. Each community's grid liaison signs in by phone and SMS code (no password).
DEMO_GRID = [
    ("多宝街道", ["多宝社区", "宝华社区", "恩宁社区", "宝庆社区"]),
    ("逢源街道", ["逢源北社区", "文昌社区", "耀华社区"]),
    ("华林街道", ["华林社区", "光复中社区", "长寿社区", "和平社区"]),
]


def _demo_grid(jurisdiction, admin):
    """The demo grid of Liwan, loaded by the administrator's own import (so a second run changes nothing); the
    subdistricts get their A/B liaisons below like every member unit. Returns the grid liaisons' accounts."""
    if jurisdiction.code != "liwan":
        return []
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = GRID_SHEET
    sheet.append([header for _key, header, _width in GRID_COLUMNS])
    index = 0
    for subdistrict, communities in DEMO_GRID:
        sheet.append([subdistrict, jurisdiction.name, "街道", "", ""])
        for community in communities:
            index += 1
            sheet.append([community, subdistrict, "社区", _demo_name(200 + index), f"137{index:08d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "demo-grid.xlsx"
    import_grid(buffer, actor=admin, jurisdiction=jurisdiction)
    names = [subdistrict for subdistrict, _ in DEMO_GRID]
    liaisons = (User.objects.filter(role=UserRole.GRID, is_active=True, organisation__jurisdiction=jurisdiction,
                                    organisation__short_name__in=names)
                .select_related("community__subdistrict").order_by("organisation__sort_order", "community__sort_order"))
    # No password: the liaison signs in by this phone number and an SMS code.
    return [DemoAccount(user.username, user.get_role_display(), f"{user.community}（手机 {user.mobile}，短信验证码登录）")
            for user in liaisons]
