"""Load a seed jurisdiction (its governing document, courts, committee and member units) from the hand-curated
fixtures in ``fixtures/jurisdictions/<name>.json``.

Each fixture is extracted from one seed document kept verbatim in ``fixtures/seeds/``. Loading is idempotent:
rows are matched by ``code``, only fields that differ are written, nothing is ever deleted, and the ``active``
flag an administrator may have changed is left alone.

A fixture whose jurisdiction says ``"reference": true`` is a reference catalogue (the national frame, 法发〔2010〕15号):
one entry per department with its article, no court and no committee. Its organisations are created inactive, as
templates an office copies into its own units (``members.reference``), never as units that receive notices."""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from linkage.errors import ApplicationError

from .models import Jurisdiction, Measure, Organisation, OrganisationKind, OrganisationLevel

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "jurisdictions"
SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"

CODE_PREFIXES = {"liwan": "lw-", "chuxiong": "cx-", "gongan": "ga-", "yunfu": "yf-", "national": "cn-"}

JURISDICTION_FIELDS = ("name", "document_number", "document_title", "issuer", "issued_on", "is_reference")
ORGANISATION_FIELDS = ("name", "short_name", "kind", "level", "sort_order", "duties", "duties_source")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
STATUS_LABELS = {CREATED: "新建", UPDATED: "更新", UNCHANGED: "未变"}

# How a duty copied from a reference catalogue names its source (members.reference.reference_source).
REFERENCE_MARK = "（参考目录）"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class LoadResult:
    """What one load did: the jurisdiction's status and the organisation codes per status."""

    name: str
    jurisdiction: Jurisdiction
    jurisdiction_status: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self):
        return self.jurisdiction_status != UNCHANGED or bool(self.created or self.updated)

    @property
    def total(self):
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self):
        j = self.jurisdiction
        document = f"（{j.document_number}）" if j.document_number else f"（《{j.document_title}》）"
        if j.is_reference:
            return (
                f"{j.name}{document}：参考目录{STATUS_LABELS[self.jurisdiction_status]}；"
                f"部门条目共 {self.total} 个（不在册，供复制职责），新建 {len(self.created)} 个，"
                f"更新 {len(self.updated)} 个，未变 {len(self.unchanged)} 个。"
            )
        return (
            f"{j.name}{document}：辖区{STATUS_LABELS[self.jurisdiction_status]}；"
            f"成员单位共 {self.total} 个，新建 {len(self.created)} 个，"
            f"更新 {len(self.updated)} 个，未变 {len(self.unchanged)} 个。"
        )


def available_jurisdictions():
    """Names that ``load_jurisdiction`` accepts, sorted."""
    return sorted(path.stem for path in FIXTURE_DIR.glob("*.json"))


def fixture_path(name):
    return FIXTURE_DIR / f"{name}.json"


def read_fixture(name):
    """The parsed fixture of a jurisdiction; ApplicationError for an unknown name."""
    if name not in available_jurisdictions():
        choices = "、".join(available_jurisdictions()) or "（无）"
        raise ApplicationError(f"未知的辖区“{name}”，可选：{choices}。", field="name")
    with fixture_path(name).open(encoding="utf-8") as handle:
        return json.load(handle)


def load_jurisdiction(name, *, stdout=None):
    """Create or update the jurisdiction ``name`` and its organisations from the fixture, in one transaction."""
    data = read_fixture(name)
    _validate(name, data)
    with transaction.atomic():
        jurisdiction, status = _upsert_jurisdiction(data["jurisdiction"])
        result = LoadResult(name=name, jurisdiction=jurisdiction, jurisdiction_status=status)
        measures = {m.code: m for m in Measure.objects.all()}
        for entry in data["organisations"]:
            code, org_status = _upsert_organisation(jurisdiction, entry, measures)
            getattr(result, org_status).append(code)
    if stdout is not None:
        # Lines end with a newline themselves, for a plain stream as well as a command's OutputWrapper.
        stdout.write(result.summary() + "\n")
        for status in (CREATED, UPDATED):
            codes = getattr(result, status)
            if codes:
                stdout.write(f"  {STATUS_LABELS[status]}：{'、'.join(codes)}\n")
        if jurisdiction.is_reference:
            for entry in data["organisations"]:
                stdout.write(f"  {entry['code']}：{entry['duties']}\n")
    return result


def _validate(name, data):
    """Check the whole fixture before writing anything, so a bad file changes nothing."""
    problems = []
    jurisdiction = data.get("jurisdiction") or {}
    if jurisdiction.get("code") != name:
        problems.append(f"辖区代码应为“{name}”")
    if not jurisdiction.get("name"):
        problems.append("缺少辖区名称")
    issued_on = jurisdiction.get("issued_on")
    if issued_on:
        try:
            datetime.date.fromisoformat(issued_on)
        except ValueError:
            problems.append(f"成文日期“{issued_on}”格式应为YYYY-MM-DD")
    if "reference" in jurisdiction and not isinstance(jurisdiction["reference"], bool):
        problems.append("reference 应为 true 或 false")
    kinds = [entry.get("kind") for entry in data.get("organisations") or []]
    if jurisdiction.get("reference"):
        if "court" in kinds or "committee" in kinds:
            problems.append("参考目录不设法院和政法委")
    elif kinds and (kinds.count("committee") != 1 or "court" not in kinds):
        problems.append("辖区应有一个政法委和至少一个法院")
    known_measures = set(Measure.objects.values_list("code", flat=True))
    prefix = CODE_PREFIXES.get(name, "")
    codes, names = set(), set()
    organisations = data.get("organisations") or []
    if not organisations:
        problems.append("没有成员单位")
    for entry in organisations:
        code = entry.get("code", "")
        label = code or entry.get("name", "?")
        if not _SLUG.match(code) or not code.startswith(prefix):
            problems.append(f"单位代码“{code}”无效（应为以{prefix or '辖区前缀'}开头的小写字母、数字和连字符）")
        if code in codes:
            problems.append(f"单位代码“{code}”重复")
        codes.add(code)
        if not entry.get("name") or not entry.get("short_name"):
            problems.append(f"{label}：缺少全称或简称")
        if entry.get("name") in names:
            problems.append(f"单位全称“{entry.get('name')}”重复")
        names.add(entry.get("name"))
        if entry.get("kind") not in OrganisationKind.values:
            problems.append(f"{label}：类别“{entry.get('kind')}”无效")
        if entry.get("level") not in OrganisationLevel.values:
            problems.append(f"{label}：层级“{entry.get('level')}”无效")
        unknown = set(entry.get("measures", [])) - known_measures
        if unknown:
            problems.append(f"{label}：未知的协助措施 {'、'.join(sorted(unknown))}")
    if problems:
        raise ApplicationError(f"辖区数据文件 {name}.json 有误：" + "；".join(problems) + "。")


def _upsert_jurisdiction(data):
    values = {key: data.get(key) or "" for key in JURISDICTION_FIELDS}
    values["issued_on"] = datetime.date.fromisoformat(data["issued_on"]) if data.get("issued_on") else None
    values["is_reference"] = bool(data.get("reference"))
    jurisdiction = Jurisdiction.objects.select_for_update().filter(code=data["code"]).first()
    if jurisdiction is None:
        return Jurisdiction.objects.create(code=data["code"], **values), CREATED
    changed = [key for key, value in values.items() if getattr(jurisdiction, key) != value]
    if not changed:
        return jurisdiction, UNCHANGED
    for key in changed:
        setattr(jurisdiction, key, values[key])
    jurisdiction.save(update_fields=changed)
    return jurisdiction, UPDATED


def _upsert_organisation(jurisdiction, entry, measures):
    code = entry["code"]
    values = {key: entry.get(key, "") for key in ORGANISATION_FIELDS}
    values["sort_order"] = entry.get("sort_order") or 0
    wanted_measures = {measures[m].pk for m in entry.get("measures", [])}

    clash = Organisation.objects.filter(jurisdiction=jurisdiction, name=values["name"]).exclude(code=code).first()
    if clash is not None:
        raise ApplicationError(
            f"{jurisdiction.name}已有单位“{values['name']}”（代码 {clash.code}），与数据文件中的代码 {code} 不一致，"
            "请先核对后再导入。"
        )

    organisation = Organisation.objects.select_for_update().filter(code=code).first()
    if organisation is None:
        # A reference catalogue's entries are templates: never on the roster, so nothing is sent to them.
        organisation = Organisation.objects.create(
            code=code, jurisdiction=jurisdiction, active=not jurisdiction.is_reference, **values
        )
        organisation.measures.set(wanted_measures)
        return code, CREATED
    if organisation.jurisdiction_id != jurisdiction.pk:
        raise ApplicationError(f"单位代码 {code} 已属于其他辖区，不能导入到{jurisdiction.name}。")

    current_measures = set(organisation.measures.values_list("pk", flat=True))
    if not values["duties"] and organisation.duties_source.endswith(REFERENCE_MARK):
        # The document gives this unit no article and the office copied one from a reference catalogue
        # (members.reference): a reload keeps the copy and its measures.
        del values["duties"], values["duties_source"]
        wanted_measures = current_measures
    changed = [key for key, value in values.items() if getattr(organisation, key) != value]
    if not changed and current_measures == wanted_measures:
        return code, UNCHANGED
    for key in changed:
        setattr(organisation, key, values[key])
    # Saving also touches updated_at, so a change of measures alone is visible on the row too.
    organisation.save(update_fields=[*changed, "updated_at"])
    if current_measures != wanted_measures:
        organisation.measures.set(wanted_measures)
    return code, UPDATED
