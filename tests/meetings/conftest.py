"""A small jurisdiction for meeting tests: the shared court, the committee of its jurisdiction, three member units
each with A/B/leader contacts (the A contact linked to its liaison account), a clerk and a filed case."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings import services
from tests import factories
from tests.assistance.helpers import file_case

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


class World(dict):
    __getattr__ = dict.__getitem__


@pytest.fixture
def world(court, clerk, leader, committee_user):
    units, liaisons, b_liaisons = [], [], []
    for index, (code, name, short) in enumerate([
        ("police", "广州市公安局荔湾区分局", "区公安分局"),
        ("housing", "广州市荔湾区住房和建设局", "区住建局"),
        ("market", "广州市荔湾区市场和质量监督管理局", "区市场监管局"),
    ]):
        unit = factories.OrganisationFactory(code=f"t-{code}", name=name, short_name=short, sort_order=10 + index,
                                             measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
        liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A", username=f"{code}-a",
                                           full_name=f"{short}甲")
        b_liaison = factories.LiaisonFactory(organisation=unit, liaison_role="B", username=f"{code}-b",
                                             full_name=f"{short}乙")
        factories.ContactFactory(organisation=unit, role="A", name=f"{short}甲", user=liaison, email=f"a@{code}.cn")
        factories.ContactFactory(organisation=unit, role="B", name=f"{short}乙", user=b_liaison, mobile="")
        factories.ContactFactory(organisation=unit, role="L", name=f"{short}领导", mobile=f"1390000000{index}")
        units.append(unit)
        liaisons.append(liaison)
        b_liaisons.append(b_liaison)
    case = file_case(clerk, number="（2026）粤0103执2001号")
    return World(court=court, clerk=clerk, leader=leader, committee=committee_user, units=units, liaisons=liaisons,
                 b_liaisons=b_liaisons, case=case)


def make_meeting(world, *, units=None, starts_at=None, title="2026年第一次执行联动案件协调会议", kind="coordination"):
    meeting = services.create_meeting(
        actor=world.committee, kind=kind, title=title,
        starts_at=starts_at or timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1),
        place="区委政法委三楼会议室", convenor="区委副书记、政法委书记", chair="区委政法委常务副书记",
    )
    for index, unit in enumerate(units if units is not None else world.units):
        services.add_attendance(actor=world.committee, meeting=meeting, organisation=unit,
                                person_name=f"参会人{index}", position="副局长")
    return meeting


def held_meeting(world, **kwargs):
    meeting = make_meeting(world, **kwargs)
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    return services.hold_meeting(actor=world.committee, meeting=meeting)


def published_meeting(world, *, decisions=None, number="荔政法纪〔2026〕1号", **kwargs):
    """A meeting of the three units, held, with decisions [(unit index, task, due_on)] and its minutes published."""
    meeting = held_meeting(world, **kwargs)
    today = timezone.localdate()
    for unit_index, task, due_on in decisions or [
        (0, "区公安分局协助查找被执行人下落", today + datetime.timedelta(days=14)),
        (1, "区住建局暂停办理涉案房产网签备案", today + datetime.timedelta(days=21)),
    ]:
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=world.units[unit_index],
                              task=task, due_on=due_on)
    return services.publish_minutes(actor=world.committee, meeting=meeting, document_number=number)
