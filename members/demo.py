"""Demo accounts for a newcomer: admin, clerk, leader, committee, and X-a / X-b for every member unit X.

Never run in production (the command refuses). Idempotent: existing accounts keep their data but get the
demo password again; units without contacts get the demo liaisons as their A and B contacts.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkage.errors import ApplicationError

from . import services
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
    return accounts


def _demo_leaders(jurisdiction):
    """The district's party and government leaders the briefings go to (no accounts: SMS and email links)."""
    for order, (post, name, mobile) in enumerate([("区委书记", "郑国华", "13800000001"), ("区长", "王建明", "13800000002"),
                                                  ("区委政法委书记", "李志刚", "13800000003")]):
        Leader.objects.get_or_create(jurisdiction=jurisdiction, post=post,
                                     defaults={"name": name, "mobile": mobile, "sort_order": order})
