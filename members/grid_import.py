"""The administrator's import of the grid (网格) from Excel: a jurisdiction's subdistricts (街道/镇) and, under each,
its villages and communities (村/居委会) with their grid liaisons (网格员).

One sheet, one row per unit, columns 名称, 上级, 类别 (optional), 联络人, 手机:

* a row whose 上级 is empty or the jurisdiction's name is a subdistrict: matched by name (full or short) among the
  jurisdiction's subdistricts, else created (kind subdistrict, level township). Its 联络人/手机 become the A contact
  only when the unit has none; a different A contact is never overwritten here but reported as a difference, to go
  through a contact change request (荔政法〔2017〕72号 三（三）: the joint meeting approves contact changes);
* a row whose 上级 names a subdistrict (of the file or of the roster) is a community or village, matched by name
  under it, else created; its kind comes from 类别 or, when that is empty, from the name (…村 is a village);
* a community row's 联络人+手机 is its grid liaison, a light account (role grid, no password: the liaison signs in by
  phone number and SMS code). A new person (both name and mobile differ from the current liaison's) gets a new
  account and the old one is deactivated; a change of only the name or only the mobile updates the account.

Every row is checked first (messages name the row and the column) and nothing is written if any is wrong; the writes
are one transaction, under a lock of the jurisdiction, and touch only what differs: importing the same file again
writes nothing at all. Nothing is deleted: a community missing from the file is reported (未在本次导入中出现), not
removed. Codes are stable: a subdistrict created here is ``<jurisdiction code>-sd-<n>``, a community
``<subdistrict code>-<n>`` and its liaison's account ``grid-<community code>`` (``-2``, ``-3``… for a successor),
numbered past the highest number in use, so a re-import or a reordered file never renumbers anything.
"""

import os
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from linkage.errors import ApplicationError, duplicate_message
from linkage.text import check_name

from . import services
from .exports.grid import GRID_COLUMNS, GRID_SHEET
from .exports.reading import RowErrors, compact, find_header, read_cell, read_sheet, require_admin
from .grid_models import Community, CommunityKind
from .models import (
    Contact,
    ContactRole,
    Jurisdiction,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
    User,
    UserRole,
)
from .validators import MOBILE_RE

REQUIRED_HEADERS = ("名称", "上级", "联络人", "手机")
MAX_ROWS = 2000
MAX_FILE_BYTES = 2 * 1024 * 1024
NAME_MAX = 50  # Community.name and Organisation.short_name
PERSON_MAX = 30  # User.full_name and Contact.name
ECHO_MAX = 30  # how much of a bad cell a message repeats

SUBDISTRICT = "subdistrict"
KIND_LABELS = {
    SUBDISTRICT: ("街道", "镇", "乡", "街道办事处", "乡镇", "街道（镇）", "街道（乡镇）"),
    CommunityKind.COMMUNITY: ("社区", "居委会", "居民委员会", "社区居委会", "居民委员会（社区）"),
    CommunityKind.VILLAGE: ("村", "村委会", "村民委员会", "村民委员会（村）"),
}
KIND_LOOKUP = {label: kind for kind, labels in KIND_LABELS.items() for label in labels}
MISSING = "未在本次导入中出现"


def _key(text):
    """Names compared without blanks and without the difference between half- and full-width parentheses."""
    return compact(text).replace("(", "（").replace(")", "）")


def _echo(text):
    return text if len(text) <= ECHO_MAX else text[:ECHO_MAX] + "…"


@dataclass
class Tally:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def line(self, what, verb_updated="更新"):
        return (f"{what}新建 {len(self.created)} 个，{verb_updated} {len(self.updated)} 个，"
                f"未变 {len(self.unchanged)} 个")


@dataclass
class GridImportResult:
    """What an import did (or, for a preview, would do). Names read like "多宝街道" or "多宝街道·宝华社区"."""

    jurisdiction: str
    rows: int = 0
    applied: bool = False
    subdistricts: Tally = field(default_factory=Tally)
    communities: Tally = field(default_factory=Tally)
    liaisons: Tally = field(default_factory=Tally)
    liaisons_replaced: list[str] = field(default_factory=list)  # the old account deactivated, a new one created
    contacts_assigned: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    without_liaison: list[str] = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.subdistricts.created or self.subdistricts.updated or self.communities.created
                    or self.communities.updated or self.liaisons.created or self.liaisons.updated
                    or self.contacts_assigned)

    def summary(self):
        return (f"{self.jurisdiction}：读取 {self.rows} 行；{self.subdistricts.line('街道（镇）')}；"
                f"{self.communities.line('村（居）委会')}；{self.liaisons.line('网格员账号')}"
                f"（其中更换人员 {len(self.liaisons_replaced)} 名）；登记A角联系人 {len(self.contacts_assigned)} 名。")


@dataclass
class _Row:
    number: int
    name: str
    parent: str
    kind: str | None  # None: a community whose kind comes from its name
    liaison: str
    mobile: str

    @property
    def is_subdistrict(self):
        return self.kind == SUBDISTRICT

    @property
    def community_kind(self):
        if self.kind:
            return self.kind
        return CommunityKind.VILLAGE if self.name.endswith("村") else CommunityKind.COMMUNITY


# ------------------------------------------------------------------------------------------------------- reading


def _read_rows(file, jurisdiction, errors):
    size = getattr(file, "size", None)
    if size is None and getattr(file, "name", None) and os.path.exists(file.name):
        size = os.path.getsize(file.name)
    if size is not None and size > MAX_FILE_BYTES:
        raise ApplicationError(f"文件过大：不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。", field="file")
    rows = read_sheet(file, GRID_SHEET)
    header_index, columns = find_header(rows, REQUIRED_HEADERS, ("类别",))
    body = rows[header_index + 1:]
    if len(body) > MAX_ROWS:
        raise ApplicationError(f"文件行数过多，一次最多导入 {MAX_ROWS} 行。", field="file")
    if not body:
        raise ApplicationError("文件中没有可导入的行。", field="file")
    top = {"", _key(jurisdiction.name)}
    parsed = []
    for number, values in body:
        cell = {header: read_cell(values, columns, header) for _name, header, _width in GRID_COLUMNS}
        name, parent = compact(cell["名称"]), compact(cell["上级"])
        liaison = cell["联络人"].strip()
        mobile = cell["手机"].strip().replace(" ", "").replace("-", "")
        if not name:
            errors.add(number, "名称", "未填写")
        elif len(name) > NAME_MAX:
            errors.add(number, "名称", f"不能超过{NAME_MAX}个字")
        elif message := check_name(name, "名称"):
            errors.add(number, "名称", message.removeprefix("名称"))
        kind = None
        label = _key(cell["类别"])
        if label:
            kind = KIND_LOOKUP.get(label)
            if kind is None:
                errors.add(number, "类别", f"应为街道、镇、社区或村：{_echo(cell['类别'])}")
        if _key(parent) in top:
            if kind not in (None, SUBDISTRICT):
                errors.add(number, "上级", "应为村（居）委会所属的街道（镇）")
            kind = SUBDISTRICT
        elif kind == SUBDISTRICT:
            errors.add(number, "上级", f"街道（镇）的上级应为空或“{jurisdiction.name}”：{_echo(parent)}")
        if liaison and not mobile:
            errors.add(number, "手机", "未填写：填写了联络人的须同时填写手机")
        if mobile and not liaison:
            errors.add(number, "联络人", "未填写：填写了手机的须同时填写联络人")
        if len(liaison) > PERSON_MAX:
            errors.add(number, "联络人", f"不能超过{PERSON_MAX}个字")
        elif liaison and (message := check_name(liaison, "联络人")):
            errors.add(number, "联络人", message.removeprefix("联络人"))
        if mobile and not MOBILE_RE.match(mobile):
            errors.add(number, "手机", f"应为以1开头的11位数字：{_echo(mobile)}")
        parsed.append(_Row(number, name, parent, kind, liaison, mobile))
    return parsed


# ------------------------------------------------------------------------------------------------------- planning


@dataclass
class _Plan:
    """Each row resolved against the roster. A community's subdistrict is an `Organisation` of the roster or, for one
    the file creates, that row's name key; its community and current liaison account are None when there is none."""

    subdistricts: list = field(default_factory=list)  # (row, Organisation | None)
    communities: list = field(default_factory=list)  # (row, Organisation | str, Community | None, User | None)


def _subdistrict_lookup(jurisdiction):
    """{name key: subdistrict} of the jurisdiction's subdistricts, full names taking precedence over short names and
    active units over deactivated ones."""
    subdistricts = list(Organisation.objects.filter(jurisdiction=jurisdiction, kind=OrganisationKind.SUBDISTRICT)
                        .order_by("active", "-pk"))
    lookup = {}
    for attribute in ("short_name", "name"):
        for organisation in subdistricts:
            lookup[_key(getattr(organisation, attribute))] = organisation
    return lookup


def _plan_subdistricts(rows, jurisdiction, existing, errors, plan):
    """The file's subdistrict rows; returns {name key: Organisation or the new row's key} for every name the file's
    subdistricts go by (a roster unit's full and short names both)."""
    others = {_key(name) for name in Organisation.objects.filter(jurisdiction=jurisdiction)
              .exclude(kind=OrganisationKind.SUBDISTRICT).values_list("name", flat=True)}
    seen, names = {}, {}
    for row in rows:
        if not row.is_subdistrict or not row.name:
            continue
        key = _key(row.name)
        organisation = existing.get(key)
        identity = organisation.pk if organisation is not None else key
        if identity in seen:
            errors.add(row.number, "名称", f"与第{seen[identity]}行是同一街道（镇），重复：{_echo(row.name)}")
            continue
        seen[identity] = row.number
        if organisation is None and key in others:
            errors.add(row.number, "名称", f"与本辖区已有的非街道单位重名：{_echo(row.name)}")
        plan.subdistricts.append((row, organisation))
        names[key] = organisation if organisation is not None else key
        if organisation is not None:
            names[_key(organisation.name)] = names[_key(organisation.short_name)] = organisation
    return names


def _plan(rows, jurisdiction, errors):
    existing = _subdistrict_lookup(jurisdiction)
    plan = _Plan()
    in_file = _plan_subdistricts(rows, jurisdiction, existing, errors, plan)
    community_rows, seen = [], {}
    for row in rows:
        if row.is_subdistrict or not row.name:
            continue
        parent = _key(row.parent)
        if parent in in_file:
            subdistrict = in_file[parent]
        elif parent in existing and existing[parent].active:
            subdistrict = existing[parent]
        else:
            why = ("已停用，请在本文件中列出该街道（镇）以恢复在册" if parent in existing
                   else "不是本辖区的街道（镇），也不在本文件中")
            errors.add(row.number, "上级", f"“{_echo(row.parent)}”{why}")
            continue
        identity = (subdistrict.pk if isinstance(subdistrict, Organisation) else subdistrict, _key(row.name))
        if identity in seen:
            errors.add(row.number, "名称", f"与第{seen[identity]}行重复（同一街道（镇）下的同名村居）：{_echo(row.name)}")
            continue
        seen[identity] = row.number
        community_rows.append((row, subdistrict))

    known = [subdistrict.pk for _, subdistrict in community_rows if isinstance(subdistrict, Organisation)]
    communities = {(c.subdistrict_id, _key(c.name)): c for c in Community.objects.filter(subdistrict_id__in=known)}
    current = {}
    for account in (User.objects.filter(role=UserRole.GRID, is_active=True, community__in=communities.values())
                    .order_by("pk")):
        current[account.community_id] = account  # the newest active account is the community's liaison
    for row, subdistrict in community_rows:
        community = (communities.get((subdistrict.pk, _key(row.name))) if isinstance(subdistrict, Organisation)
                     else None)
        plan.communities.append((row, subdistrict, community, current.get(getattr(community, "pk", None))))
    _check_mobiles(plan, errors)
    return plan


def _check_mobiles(plan, errors):
    """A mobile is the grid liaison's login: one active grid account per number, once the import is done. An account
    whose community's row names a liaison gives its number up (it is replaced or its number updated)."""
    claimed = {}
    for row, _, community, _ in plan.communities:
        if not row.mobile:
            continue
        if row.mobile in claimed:
            errors.add(row.number, "手机", f"与第{claimed[row.mobile][0]}行的网格员重复：{row.mobile}")
            continue
        claimed[row.mobile] = (row.number, community.pk if community is not None else None)
    released = {community.pk for row, _, community, _ in plan.communities if community is not None and row.mobile}
    holders = (User.objects.filter(role=UserRole.GRID, is_active=True, mobile__in=claimed)
               .select_related("community__subdistrict"))
    for holder in holders:
        number, community_id = claimed[holder.mobile]
        if holder.community_id != community_id and holder.community_id not in released:
            errors.add(number, "手机", f"已是{holder.community}网格员{holder.display_name}的登录手机：{holder.mobile}")


# ------------------------------------------------------------------------------------------------------- writing


def _next_number(codes, prefix):
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    return max((int(match.group(1)) for code in codes if (match := pattern.match(code))), default=0) + 1


def _create_subdistrict(actor, jurisdiction, row):
    prefix = f"{jurisdiction.code}-sd-"
    number = _next_number(Organisation.objects.filter(code__startswith=prefix).values_list("code", flat=True), prefix)
    order = max(Organisation.objects.filter(jurisdiction=jurisdiction).values_list("sort_order", flat=True),
                default=0) + 1
    return services.create_organisation(
        actor=actor, jurisdiction=jurisdiction, code=f"{prefix}{number}", name=row.name, short_name=row.name,
        kind=OrganisationKind.SUBDISTRICT, level=OrganisationLevel.TOWNSHIP, sort_order=order,
    )


def _apply_subdistrict(actor, jurisdiction, row, organisation, result, apply):
    label = row.name
    if organisation is None:
        result.subdistricts.created.append(label)
        if apply:
            organisation = _create_subdistrict(actor, jurisdiction, row)
    elif not organisation.active:
        result.subdistricts.updated.append(f"{label}（恢复在册）")
        if apply:
            services.set_organisation_active(actor=actor, organisation=organisation, active=True)
    else:
        result.subdistricts.unchanged.append(label)
    if not row.liaison:
        return organisation
    current = (Contact.objects.filter(organisation=organisation, role=ContactRole.A).current().first()
               if organisation is not None else None)
    if current is None:
        result.contacts_assigned.append(f"{label} A角：{row.liaison}")
        if apply:
            services.assign_contact(actor=actor, organisation=organisation, role=ContactRole.A, name=row.liaison,
                                    mobile=row.mobile)
    elif (current.name, current.mobile) != (row.liaison, row.mobile):
        result.differences.append(
            f"{label}：文件中的联络人为{row.liaison}（{row.mobile}），现任A角为{current.name}"
            f"（{current.mobile or current.landline or '无电话'}）。导入不更换联系人，如需更换请提交联系人变更申请。")
    return organisation


class _Writer:
    """The new communities and grid accounts of one import, numbered past the numbers in use (read once) and written
    in two bulk inserts, each one audited entry (`AuditedQuerySet.bulk_create`); changes to existing rows are saved
    one by one. A preview (``apply=False``) only counts."""

    def __init__(self, apply):
        self.apply = apply
        self.communities, self.accounts = [], []
        self._codes, self._orders = {}, {}
        self._usernames = None

    def community(self, subdistrict, row):
        prefix = f"{subdistrict.code}-"
        if prefix not in self._codes:
            codes = Community.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            self._codes[prefix] = _next_number(codes, prefix)
            self._orders[prefix] = max(Community.objects.filter(subdistrict=subdistrict)
                                       .values_list("sort_order", flat=True), default=0) + 1
        community = Community(subdistrict=subdistrict, code=f"{prefix}{self._codes[prefix]}", name=row.name,
                              kind=row.community_kind, sort_order=self._orders[prefix])
        self._codes[prefix] += 1
        self._orders[prefix] += 1
        community.clean_fields()
        self.communities.append(community)
        return community

    def _username(self, community):
        if self._usernames is None:
            self._usernames = set(User.objects.filter(username__startswith="grid-").values_list("username", flat=True))
        base = f"grid-{community.code}"
        username = base if base not in self._usernames else f"{base}-{max(2, _next_number(self._usernames, base + '-'))}"
        self._usernames.add(username)
        return username

    def liaison(self, subdistrict, community, row):
        account = User(username=self._username(community), role=UserRole.GRID, full_name=row.liaison,
                       mobile=row.mobile, organisation=subdistrict, community=community)
        account.set_unusable_password()
        self.accounts.append(account)

    def flush(self):
        try:
            with transaction.atomic():
                Community.objects.bulk_create(self.communities)
                User.objects.bulk_create(self.accounts)  # bulk_create takes each community's new id
        except IntegrityError as error:
            raise ApplicationError(duplicate_message(error) or "导入与已有记录冲突，未写入。", field="file") from error


def _apply_community(writer, subdistrict, row, community, label, result):
    if community is None:
        result.communities.created.append(label)
        return writer.community(subdistrict, row) if writer.apply else None
    changes = {}
    if row.kind and row.kind != community.kind:
        changes["kind"] = row.kind
    if not community.active:
        changes["active"] = True
    if not changes:
        result.communities.unchanged.append(label)
        return community
    result.communities.updated.append(label + ("（恢复在册）" if "active" in changes else ""))
    if writer.apply:
        for name, value in changes.items():
            setattr(community, name, value)
        community.save(update_fields=[*changes, "updated_at"])
    return community


def _apply_liaison(writer, subdistrict, community, account, row, label, result):
    if not row.liaison:
        if account is None:
            result.without_liaison.append(label)
        return
    if account is None:
        result.liaisons.created.append(f"{label}：{row.liaison}")
        if writer.apply:
            writer.liaison(subdistrict, community, row)
        return
    if (account.full_name, account.mobile) == (row.liaison, row.mobile):
        result.liaisons.unchanged.append(f"{label}：{row.liaison}")
        return
    if account.full_name != row.liaison and account.mobile != row.mobile:
        result.liaisons_replaced.append(f"{label}：{account.display_name} → {row.liaison}")
        result.liaisons.created.append(f"{label}：{row.liaison}")
        if writer.apply:
            account.is_active = False
            account.save(update_fields=["is_active"])
            writer.liaison(subdistrict, community, row)
        return
    result.liaisons.updated.append(f"{label}：{row.liaison}")
    if writer.apply:
        account.full_name, account.mobile = row.liaison, row.mobile
        account.save(update_fields=["full_name", "mobile"])


def _missing(jurisdiction, plan):
    named = {community.pk for _, _, community, _ in plan.communities if community is not None}
    communities = (Community.objects.of_jurisdiction(jurisdiction.pk).filter(active=True).exclude(pk__in=named)
                   .select_related("subdistrict").order_by("subdistrict__sort_order", "subdistrict_id", "sort_order",
                                                           "pk"))
    return [f"{community.subdistrict.short_name}·{community.name}" for community in communities]


@transaction.atomic
def import_grid(file, *, actor, jurisdiction, apply=True) -> GridImportResult:
    """Import the grid of ``jurisdiction`` from an .xlsx (see the module docstring); with ``apply=False``, a preview:
    the same checks and the same result, nothing written. Administrators only."""
    require_admin(actor, "网格（街道、村居和网格员）")
    jurisdiction = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    if jurisdiction.is_reference:
        raise ApplicationError(f"{jurisdiction.name}是参考目录，不能导入网格。", field="jurisdiction")
    errors = RowErrors()
    rows = _read_rows(file, jurisdiction, errors)
    plan = _plan(rows, jurisdiction, errors)
    errors.raise_if_any()
    result = GridImportResult(jurisdiction=jurisdiction.name, rows=len(rows), applied=apply)
    result.missing = _missing(jurisdiction, plan)
    writer = _Writer(apply)
    created = {}  # the new subdistricts by their row's name key
    for row, organisation in plan.subdistricts:
        organisation = _apply_subdistrict(actor, jurisdiction, row, organisation, result, apply)
        if organisation is not None:
            created[_key(row.name)] = organisation
    for row, subdistrict, community, account in plan.communities:
        if not isinstance(subdistrict, Organisation):
            subdistrict = created.get(subdistrict)  # None in a preview
        label = f"{subdistrict.short_name if subdistrict is not None else row.parent}·{row.name}"
        community = _apply_community(writer, subdistrict, row, community, label, result)
        _apply_liaison(writer, subdistrict, community, account, row, label, result)
    if apply:
        writer.flush()
    return result
