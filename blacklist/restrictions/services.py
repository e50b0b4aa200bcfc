"""Consumption-restriction orders (限制消费令, 法释〔2015〕17号) and the special-debtor notification duties
(楚政法发〔2018〕3号 二（一）-（三）, 法释〔2017〕7号 art. 8)."""

from django.db import transaction
from django.utils import timezone

from cases.models import PartyKind, PartyRole
from cases.services import require_clerk_of
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.text import REASON_MAX, bounded_text

from ..models import (
    RESTRICTION_MACHINE,
    RestrictionOrder,
    RestrictionState,
    SpecialDebtorKind,
    SpecialDebtorNotification,
)

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
    every published listing carries one, issued by `approve_listing`."""
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
    return RestrictionOrder.objects.create(
        case=case, debtor=debtor, listing=listing, bound_persons=_clean_bound_persons(debtor, bound_persons),
        issued_on=issued_on or timezone.localdate(), issued_by=actor,
    )


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


# --------------------------------------------------------------------------------------------- special debtors

def _recipients(case):
    court = case.court
    place = court.jurisdiction.name
    return {
        SpecialDebtorKind.DEPUTY: f"{place}人大常委会（或该代表所属人大常委会）",
        SpecialDebtorKind.CPPCC: f"{place}政协（或该委员所属政协）",
        SpecialDebtorKind.PUBLIC_SERVANT: "有干部管理权限的组织人事部门",
        SpecialDebtorKind.ORGAN: "党委政法委",
    }


FLAG_KINDS = {
    "is_deputy": SpecialDebtorKind.DEPUTY,
    "is_cppcc_member": SpecialDebtorKind.CPPCC,
    "is_public_servant": SpecialDebtorKind.PUBLIC_SERVANT,
    "is_party_government_organ": SpecialDebtorKind.ORGAN,
}


def ensure_special_notifications(debtor):
    """Create the clerk's notification tasks a special debtor calls for (once per debtor and kind). Called when
    a debtor is listed or a notice against it is drafted (`cases.signals.measure_drafted`). Returns the tasks that
    exist for the debtor."""
    recipients = None
    for flag, kind in FLAG_KINDS.items():
        if getattr(debtor, flag):
            recipients = recipients or _recipients(debtor.case)
            SpecialDebtorNotification.objects.get_or_create(
                debtor=debtor, kind=kind, defaults={"case": debtor.case, "recipient": recipients[kind]}
            )
    return list(SpecialDebtorNotification.objects.filter(debtor=debtor))


@transaction.atomic
def complete_special_notification(*, actor, notification, done_on=None, note=""):
    """The clerk records that the notification was made: when, and how."""
    notification = SpecialDebtorNotification.objects.select_for_update().get(pk=notification.pk)
    require_clerk_of(actor, notification.case.court_id)
    if notification.done_on is not None:
        raise TransitionNotAllowed("该通报已记录完成。", state="done")
    done_on = require_past_date(done_on or timezone.localdate(), "通报日期", "done_on")
    note = bounded_text((note or "").strip(), limit=REASON_MAX, label="通报情况", field="note")
    notification.done_on, notification.done_by, notification.note = done_on, actor, note
    notification.save(update_fields=["done_on", "done_by", "note"])
    return notification
