"""Writes to cases and parties. A clerk files and edits only its own court's cases."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError, PermissionDenied
from linkage.identifiers import (
    normalize_case_number,
    normalize_credit_code,
    normalize_resident_id,
    normalize_ruling_number,
)
from linkage.text import require_name
from members.models import Community, Organisation, OrganisationKind

from . import special
from .models import CONCLUDED_STATUSES, Case, CaseStatus, NotificationTrigger, Party, PartyKind, PartyRole
from .signals import case_performed, case_status_changed

PARTY_FLAGS = ("is_deputy", "is_cppcc_member", "is_public_servant", "is_party_government_organ")
CASE_EDITABLE = ("amount", "performed_amount", "obligation", "basis_issuer", "basis_number", "filed_on", "is_major",
                 "officer_name", "officer_phone")


def require_clerk_of(actor, court_id):
    if not (actor.is_clerk and actor.organisation_id == court_id):
        raise PermissionDenied("只有本院执行员可以办理此事项。")


def _filed_on(value):
    return require_past_date(parsing.date(value, "立案日期", "filed_on", required=True), "立案日期", "filed_on")


def clean_subdistrict(value, *, jurisdiction_id, label="", field="subdistrict"):
    """A debtor's registered subdistrict (户籍或住所地街道, what the community posting lists by): empty for none, or
    an active subdistrict (街道、乡镇) of the court's jurisdiction, given as the organisation or its code."""
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        subdistrict = value
    else:
        subdistrict = Organisation.objects.filter(code=str(value).strip()).first()
    if (subdistrict is None or subdistrict.kind != OrganisationKind.SUBDISTRICT or not subdistrict.active
            or subdistrict.jurisdiction_id != jurisdiction_id):
        prefix = f"{label}：" if label else ""
        raise ApplicationError(f"{prefix}户籍或住所地街道应为本院辖区内的街道（乡镇）。", field=field)
    return subdistrict


def clean_community(value, *, jurisdiction_id, label="", field="community"):
    """A debtor's registered village or community (户籍或住所地村（居）委会, chosen from the tree): empty for none, or
    an active community under an active subdistrict of the court's jurisdiction, given as the row or its code."""
    if value in (None, ""):
        return None
    if isinstance(value, Community):
        community = value
    else:
        community = Community.objects.select_related("subdistrict").filter(code=str(value).strip()).first()
    if (community is None or not community.active or not community.subdistrict.active
            or community.subdistrict.jurisdiction_id != jurisdiction_id):
        prefix = f"{label}：" if label else ""
        raise ApplicationError(f"{prefix}户籍或住所地村（居）委会应为本院辖区内在册的村（居）委会。", field=field)
    return community


def clean_registration(*, subdistrict, community, jurisdiction_id, label="", field=None):
    """(subdistrict, community) of a debtor's registration: a community decides its subdistrict (its parent; a
    different subdistrict given beside it is refused); without one, the subdistrict alone (the community unknown)."""
    community = clean_community(community, jurisdiction_id=jurisdiction_id, label=label, field=field or "community")
    subdistrict = clean_subdistrict(subdistrict, jurisdiction_id=jurisdiction_id, label=label,
                                    field=field or "subdistrict")
    if community is None:
        return subdistrict, None
    if subdistrict is not None and subdistrict.pk != community.subdistrict_id:
        prefix = f"{label}：" if label else ""
        raise ApplicationError(f"{prefix}所选村（居）委会不属于所选街道（乡镇）。", field=field or "community")
    return community.subdistrict, community


def clean_party(data, *, role, index, jurisdiction_id=None):
    """Validate one party's fields; the message names the party by its place in the list. A debtor's subdistrict
    must be one of `jurisdiction_id` (the court's)."""
    label = f"{PartyRole(role).label}{index + 1}"
    field = "applicants" if role == PartyRole.APPLICANT else "debtors"
    kind = data.get("kind")
    if kind not in PartyKind.values:
        raise ApplicationError(f"{label}：类型只能是自然人（person）或组织（organisation）。", field=field)
    name = (data.get("name") or "").strip()
    if not name:
        raise ApplicationError(f"{label}：请填写姓名或名称。", field=field)
    require_name(name, f"{label}的姓名或名称", field)
    require_name(data.get("legal_representative") or "", f"{label}的法定代表人或负责人", field)
    cleaned = {"role": role, "kind": kind, "name": name, "id_number": "", "credit_code": "",
               "legal_representative": (data.get("legal_representative") or "").strip(),
               "address": (data.get("address") or "").strip()}
    try:
        if kind == PartyKind.PERSON:
            cleaned["id_number"] = normalize_resident_id(data.get("id_number") or "")
        else:
            cleaned["credit_code"] = normalize_credit_code(data.get("credit_code") or "")
    except ValidationError as error:
        raise ApplicationError(f"{label}（{name}）：{error.messages[0]}", field=field)
    if kind == PartyKind.ORGANISATION and role == PartyRole.DEBTOR and not cleaned["legal_representative"]:
        raise ApplicationError(f"{label}（{name}）：组织作为被执行人须填写法定代表人或负责人。", field=field)
    for flag in PARTY_FLAGS:
        cleaned[flag] = bool(data.get(flag, False))
    if data.get("special_addressees"):
        if role != PartyRole.DEBTOR:
            raise ApplicationError(f"{label}（{name}）：只有被执行人需要指定特殊主体通报对象。", field=field)
        # Not a column: `create_party` opens the notification tasks with it.
        cleaned["special_addressees"] = special.clean_addressees(
            data["special_addressees"], party_data=cleaned, label=f"{label}（{name}）", field=field)
    if data.get("subdistrict") not in (None, "") or data.get("community") not in (None, ""):
        if role != PartyRole.DEBTOR:
            raise ApplicationError(f"{label}（{name}）：只有被执行人需要登记户籍或住所地街道。", field=field)
        cleaned["subdistrict"], cleaned["community"] = clean_registration(
            subdistrict=data.get("subdistrict"), community=data.get("community"), jurisdiction_id=jurisdiction_id,
            label=f"{label}（{name}）", field=field)
    return cleaned


@transaction.atomic
def create_case(*, actor, number, amount, basis_issuer, basis_number, filed_on, applicants, debtors,
                obligation="", is_major=False, officer_name="", officer_phone=""):
    """A clerk files an enforcement case of its own court with its applicants and debtors.

    The case number is validated and stored in canonical form; every debtor's resident ID or credit code is
    checked (check digits, birth date). Nothing is written unless everything is valid.
    """
    if not actor.is_clerk or actor.organisation_id is None:
        raise PermissionDenied("只有法院执行员可以登记执行案件。")
    try:
        number = normalize_case_number(number)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="number")
    if not (basis_issuer or "").strip():
        raise ApplicationError("请填写执行依据的作出单位。", field="basis_issuer")
    if not (basis_number or "").strip():
        raise ApplicationError("请填写执行依据的文号。", field="basis_number")
    if not applicants:
        raise ApplicationError("至少需要一名申请执行人。", field="applicants")
    if not debtors:
        raise ApplicationError("至少需要一名被执行人。", field="debtors")
    jurisdiction_id = actor.organisation.jurisdiction_id
    parties = [clean_party(p, role=PartyRole.APPLICANT, index=i) for i, p in enumerate(applicants)]
    parties += [clean_party(p, role=PartyRole.DEBTOR, index=i, jurisdiction_id=jurisdiction_id)
                for i, p in enumerate(debtors)]
    if Case.objects.filter(number=number).exists():
        raise ApplicationError(f"案号 {number} 已登记。", field="number")
    case = Case(
        number=number, court_id=actor.organisation_id, amount=parsing.amount(amount, "申请执行标的", "amount", required=True),
        basis_issuer=basis_issuer.strip(), basis_number=basis_number.strip(),
        filed_on=_filed_on(filed_on), obligation=(obligation or "").strip(),
        is_major=bool(is_major), officer_name=require_name((officer_name or actor.display_name).strip(), "承办人",
                                                          "officer_name"),
        officer_phone=(officer_phone or "").strip(), created_by=actor,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ApplicationError(f"案号 {number} 已登记。", field="number")
    for position, data in enumerate(parties):
        _create_party(case=case, position=position, data=data, trigger=NotificationTrigger.FILING)
    return case


def _create_party(*, case, position, data, trigger):
    """Write a cleaned party; a special debtor's notification tasks are opened with it (楚政法发〔2018〕3号
    二（一）-（三）: at the first chance, not when a measure comes)."""
    addressees = data.pop("special_addressees", None)
    party = Party.objects.create(case=case, position=position, **data)
    special.ensure_special_notifications(party, trigger=trigger, addressees=addressees)
    return party


@transaction.atomic
def update_case(*, actor, case, **changes):
    """A clerk corrects its own court's case details (not the number or the court). When the performed amount
    reaches the amount, sends `case_performed` in this transaction (blacklist records a ground for deleting the
    case's listings)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    for key in ("amount", "performed_amount"):
        if key in changes:
            changes[key] = parsing.amount(changes[key], Case._meta.get_field(key).verbose_name, key, required=True)
    if "officer_name" in changes:
        changes["officer_name"] = require_name((changes["officer_name"] or "").strip(), "承办人", "officer_name")
    if "filed_on" in changes:
        changes["filed_on"] = _filed_on(changes["filed_on"])
    for key, value in changes.items():
        setattr(case, key, value)
    if case.performed_amount > case.amount:
        raise ApplicationError("已履行金额不能超过申请执行标的。", field="performed_amount")
    if changes:
        case.save(update_fields=[*changes, "updated_at"])
    if "performed_amount" in changes and case.amount and case.performed_amount >= case.amount:
        case_performed.send(sender=Case, case=case, actor=actor)
    return case


@transaction.atomic
def add_party(*, actor, case, role, **data):
    """A clerk adds an applicant or a debtor found later (e.g. a person added as debtor by ruling)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if role not in PartyRole.values:
        raise ApplicationError("诉讼地位只能是申请执行人或被执行人。", field="role")
    position = case.parties.filter(role=role).count()
    cleaned = clean_party(data, role=role, index=position, jurisdiction_id=case.court.jurisdiction_id)
    return _create_party(case=case, position=position, data=cleaned, trigger=NotificationTrigger.PARTY)


@transaction.atomic
def set_party_flags(*, actor, party, **flags):
    """A clerk of the case's court corrects a party's special-debtor flags (人大代表、政协委员、国家工作人员或国有
    企业、党政机关). A debtor who becomes special gets its notification tasks now; a flag taken off leaves a task
    already opened in place (its record is the court's, and a clerk who flagged wrongly says so in its note)."""
    party = Party.objects.select_for_update().select_related("case__court").get(pk=party.pk)
    require_clerk_of(actor, party.case.court_id)
    unknown = set(flags) - set(PARTY_FLAGS)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    changed = [flag for flag, value in flags.items() if bool(value) != getattr(party, flag)]
    for flag in changed:
        setattr(party, flag, bool(flags[flag]))
    if changed:
        party.save(update_fields=changed)
        special.ensure_special_notifications(party, trigger=NotificationTrigger.PARTY)
    return party


UNCHANGED = object()


@transaction.atomic
def set_debtor_subdistrict(*, actor, party, subdistrict=UNCHANGED, community=UNCHANGED):
    """A clerk of the case's court records (or clears, with None) a debtor's registered community and subdistrict,
    so the community's posting (and its subdistrict's) lists the debtor once listed and reaches the community's grid
    liaison. A community (of the court's jurisdiction, in the register) sets the subdistrict to its parent; a
    subdistrict alone is for a debtor whose community is unknown. A field left out (`UNCHANGED`) keeps its value: the
    community is kept when only the subdistrict is given and it is still the community's parent."""
    party = Party.objects.select_for_update(of=("self",)).select_related("case__court", "community").get(pk=party.pk)
    require_clerk_of(actor, party.case.court_id)
    if party.role != PartyRole.DEBTOR:
        raise ApplicationError("只有被执行人需要登记户籍或住所地街道。", field="subdistrict")
    if subdistrict is UNCHANGED and community is UNCHANGED:
        raise ApplicationError("请填写户籍或住所地街道或村（居）委会。", field="subdistrict")
    if community is UNCHANGED:
        kept = party.community
        community = None
        if kept is not None and subdistrict not in (None, ""):
            named = clean_subdistrict(subdistrict, jurisdiction_id=party.case.court.jurisdiction_id)
            community = kept if named.pk == kept.subdistrict_id and kept.active else None
    elif subdistrict is UNCHANGED and community in (None, ""):
        subdistrict = party.subdistrict  # the community cleared, the subdistrict known still
    if subdistrict is UNCHANGED:
        subdistrict = None
    party.subdistrict, party.community = clean_registration(
        subdistrict=subdistrict, community=community, jurisdiction_id=party.case.court.jurisdiction_id)
    party.save(update_fields=["subdistrict", "community"])
    return party


@transaction.atomic
def set_case_status(*, actor, case, status, reason="", lifting_ruling_number=""):
    """A clerk records how the case stands, and sends `case_status_changed` in this transaction when it changed.
    A concluded case (执行完毕、终结执行、终结本次执行程序) needs its ground (`reason`) and, when measures are in force,
    the numbered lifting ruling (解除裁定书, recorded on the case): its unserved notices are withdrawn, every measure
    still in force goes to the leader to lift and each unit is told (公安县工作办法 第三十五条, assistance); a
    concluded, terminated or suspended case's listings get a ground for deletion (blacklist)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if status not in CaseStatus.values:
        raise ApplicationError("案件状态无法识别。", field="status")
    if case.status == status:
        return case
    fields = ["status", "updated_at"]
    if status in CONCLUDED_STATUSES:
        if not (reason or "").strip():
            raise ApplicationError(f"请写明{CaseStatus(status).label}的依据或理由。", field="reason")
        if (lifting_ruling_number or "").strip():
            try:
                case.lifting_ruling_number = normalize_ruling_number(lifting_ruling_number)
            except ValidationError as error:
                raise ApplicationError(f"解除裁定书文号：{error.messages[0]}", field="lifting_ruling_number")
            fields.append("lifting_ruling_number")
    case.status = status
    case.save(update_fields=fields)
    case_status_changed.send(sender=Case, case=case, actor=actor, status=status, reason=reason)
    return case
