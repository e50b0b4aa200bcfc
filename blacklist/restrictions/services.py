"""Consumption-restriction orders (限制消费令, 法释〔2015〕17号). (The special-debtor notification duties are a filing
duty: `cases.special`.)"""

from django.db import transaction
from django.utils import timezone

from cases.models import PartyKind, PartyRole
from cases.services import require_clerk_of
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.text import REASON_MAX, bounded_text

from ..models import RESTRICTION_MACHINE, RestrictionOrder, RestrictionState
from . import issuing

# What a restricted debtor may not do (domain rules, consumption-restriction order).
RESTRICTED_BEHAVIOURS = [
    "乘坐交通工具时，选择飞机、列车软卧、轮船二等以上舱位",
    "在星级以上宾馆、酒店、夜总会、高尔夫球场等场所进行高消费",
    "购买不动产或者新建、扩建、高档装修房屋",
    "租赁高档写字楼、宾馆、公寓等场所办公",
    "购买非经营必需车辆",
    "旅游、度假",
    "子女就读高收费私立学校",
    "支付高额保费购买保险理财产品",
    "乘坐G字头动车组列车全部座位、其他动车组列车一等以上座位等其他非生活和工作必需的消费行为",
]
BOUND_ROLES = ("法定代表人", "主要负责人", "直接责任人员", "实际控制人")


def _clean_bound_persons(debtor, bound_persons):
    """For an organisation the order binds its legal representative, main person in charge, directly responsible
    persons and actual controller; the legal representative is always bound."""
    if debtor.kind != PartyKind.ORGANISATION:
        return []
    cleaned = [{"role": "法定代表人", "name": debtor.legal_representative, "id_number": ""}]
    for index, person in enumerate(bound_persons or [], start=1):
        role, name = (person.get("role") or "").strip(), (person.get("name") or "").strip()
        if role not in BOUND_ROLES:
            raise ApplicationError(f"第{index}名受约束人员的身份应为：{'、'.join(BOUND_ROLES)}。", field="bound_persons")
        if not name:
            raise ApplicationError(f"第{index}名受约束人员请填写姓名。", field="bound_persons")
        entry = {"role": role, "name": name, "id_number": (person.get("id_number") or "").strip().upper()}
        if entry not in cleaned and not (role == "法定代表人" and name == debtor.legal_representative):
            cleaned.append(entry)
    return cleaned


@transaction.atomic
def issue_restriction_order(*, actor, debtor, bound_persons=None, listing=None, issued_on=None):
    """A clerk issues a consumption-restriction order against a debtor of its court's case (also without listing);
    every published listing carries one, issued by `approve_listing`. The order takes effect as it is made: its PDF
    is issued then, with its verification code (`issuing.issue_order`)."""
    case = debtor.case
    if listing is None:  # with a listing, the order comes with the leader's approval of it
        require_clerk_of(actor, case.court_id)
    if debtor.role != PartyRole.DEBTOR:
        raise ApplicationError("只能对被执行人发布限制消费令。", field="debtor")
    existing = RestrictionOrder.objects.filter(debtor=debtor, case=case, state=RestrictionState.ACTIVE).first()
    if existing is not None:
        if listing is not None and existing.listing_id is None:
            existing.listing = listing
            existing.save(update_fields=["listing"])
        return existing
    order = RestrictionOrder.objects.create(
        case=case, debtor=debtor, listing=listing, bound_persons=_clean_bound_persons(debtor, bound_persons),
        issued_on=issued_on or timezone.localdate(), issued_by=actor,
    )
    issuing.issue_order(order)
    return order


@transaction.atomic
def lift_restriction_order(*, actor, order, reason, with_listing=False):
    """Lift an order when the debtor has performed or given security; `with_listing` when its listing leaves
    the list (deleted, revoked, expired), which the listing's own service has authorised."""
    order = RESTRICTION_MACHINE.lock(order)
    if not with_listing:
        RESTRICTION_MACHINE.moves["lift"].role.require(actor, order)
    if not RESTRICTION_MACHINE.allows(order, "lift"):
        raise TransitionNotAllowed("该限制消费令已解除。", state=order.state)
    if not (reason or "").strip():
        raise ApplicationError("请填写解除理由。", field="reason")
    reason = bounded_text(reason.strip(), limit=REASON_MAX, label="解除理由", field="reason")
    return RESTRICTION_MACHINE.move(order, "lift", actor, role=False, lifted_on=timezone.localdate(),
                                   lift_reason=reason)


def bound_names(order):
    return [person["name"] for person in order.bound_persons]
