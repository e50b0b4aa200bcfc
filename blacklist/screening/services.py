"""Screening applicants against the published dishonest-debtor list (issue 5 item 6).

A unit's liaison checks one applicant, uploads a file (.xlsx or .csv, up to 20,000 rows) or posts a list through
the API. Every row is validated first (a name and a resident ID number or unified social credit code, normalised);
one bad row refuses the whole request and nothing is written. Matching is on the identifier against PUBLISHED
listings only, in one query whatever the number of applicants; the name only confirms (`name_matches`). Each hit is
feedback to every listing it matched: an identifier listed by two courts (or in two cases) matches both listings, a
`ScreeningHit` row links the applicant to each (`hits_for_listing`), and every clerk of each of those courts gets one
in-app notification per hit, written in a few multi-row INSERTs. `ScreeningResult.listing` is the one listing the
screening unit is shown (the one whose name matches, else the most recently published).

The number of queries does not depend on the number of applicants.
"""

import csv
import datetime
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from openpyxl import load_workbook

from linkage.errors import ApplicationError, PermissionDenied
from linkage.identifiers import normalize_credit_code, normalize_resident_id
from linkage.notify import Message, Recipient, notify_many
from members.models import Organisation, User, UserRole

from ..models import Listing, ListingState, ScreeningBatch, ScreeningHit, ScreeningResult, ScreeningSource
from . import files as screening_files

MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 20
MAX_EMPTY_RUN = 1000
HEADER_SEARCH_ROWS = 10
NOTIFICATION_KIND = "screening_hit"

NAME_HEADERS = {"姓名", "名称", "姓名或名称", "姓名/名称", "申请人", "申请人姓名", "申请人名称", "被查询人", "企业名称",
                "单位名称"}
ID_HEADERS = {"证件号码", "证件号", "身份证号", "身份证号码", "身份证", "公民身份号码", "居民身份证号码",
              "证件号码/统一社会信用代码", "身份证号/统一社会信用代码", "身份证号码/统一社会信用代码",
              "身份证号或统一社会信用代码", "证件号码或统一社会信用代码"}
CREDIT_HEADERS = {"统一社会信用代码", "信用代码", "社会信用代码"}

_SPACES = re.compile(r"\s+")
_LOOKS_LIKE_RESIDENT_ID = re.compile(r"[0-9]{15}|[0-9]{17}[0-9Xx]")
_NAME_BRACKETS = str.maketrans({"(": "（", ")": "）"})


# ------------------------------------------------------------------------------------------------ reading files


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _header_key(value):
    return _SPACES.sub("", _text(value)).replace("*", "").replace("（", "(").replace("）", ")").split("(")[0]


def _find_columns(rows):
    """(index of the header row, {"name": col, "identifier": col, "credit_code": col}) or refuse the file."""
    for position, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [_header_key(value) for value in values]
        columns = {}
        for index, key in enumerate(keys):
            if key in NAME_HEADERS and "name" not in columns:
                columns["name"] = index
            elif key in ID_HEADERS and "identifier" not in columns:
                columns["identifier"] = index
            elif key in CREDIT_HEADERS and "credit_code" not in columns:
                columns["credit_code"] = index
        if "name" in columns and ("identifier" in columns or "credit_code" in columns):
            return position, columns
    raise ApplicationError("未找到表头：第一行应包含“姓名”和“证件号码”（或“身份证号”“统一社会信用代码”）两列。",
                           field="file")


def _xlsx_rows(file):
    screening_files.check_workbook(file)  # before openpyxl inflates anything
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl errors all mean "not a workbook"
        raise ApplicationError("文件不是有效的 Excel 工作簿（.xlsx），请另存为 .xlsx 或 .csv 后上传。",
                               field="file") from error
    try:
        rows, empty_run = [], 0
        # Only the leading columns, where the header must be: a row is otherwise as wide as the sheet declares.
        sheet_rows = workbook.worksheets[0].iter_rows(max_col=screening_files.MAX_COLUMNS, values_only=True)
        for number, values in enumerate(sheet_rows, start=1):
            if not any(_text(value) for value in values):
                empty_run += 1
                if empty_run > MAX_EMPTY_RUN:  # formatting applied to a whole column reports a million rows
                    break
                continue
            empty_run = 0
            rows.append((number, list(values)))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ApplicationError(f"文件行数过多，一次最多筛查 {MAX_ROWS} 人。", field="file")
        return rows
    finally:
        workbook.close()


def _csv_rows(file):
    raw = file.read()
    if isinstance(raw, str):
        text = raw
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ApplicationError("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GBK 编码。", field="file")
    if "\x00" in text:
        raise ApplicationError("文件不是有效的 CSV 文本文件。", field="file")
    screening_files.check_csv_lines(text)
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not any(value.strip() for value in values):
                continue
            rows.append((number, values[: screening_files.MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ApplicationError(f"文件行数过多，一次最多筛查 {MAX_ROWS} 人。", field="file")
    except csv.Error as error:
        raise ApplicationError(f"CSV 文件格式错误：{error}", field="file") from error
    return rows


def parse_upload(file) -> list[dict]:
    """The applicants of an uploaded .xlsx or .csv file: [{"row", "name", "identifier" and/or "credit_code"}], with
    `row` the line number in the file. The identifiers are not checked here (`screen_applicants` does it)."""
    name = (getattr(file, "name", "") or "").lower()
    if hasattr(file, "seek"):
        file.seek(0)
    if name.endswith(".csv"):
        rows = _csv_rows(file)
    elif name.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(file)
    else:
        hint = "，请在 Excel 中另存为 .xlsx 后再上传" if name.endswith((".xls", ".et")) else ""
        raise ApplicationError(f"只能上传 Excel 工作簿（.xlsx）或 CSV 文件{hint}。", field="file")
    if not rows:
        raise ApplicationError("文件是空的，没有可筛查的人员。", field="file")
    header, columns = _find_columns(rows)
    applicants = []
    for number, values in rows[header + 1 :]:
        def cell(key, values=values):
            index = columns.get(key)
            return _text(values[index]) if index is not None and index < len(values) else ""

        applicant = {"row": number, "name": cell("name")}
        if "identifier" in columns:
            applicant["identifier"] = cell("identifier")
        if "credit_code" in columns:
            applicant["credit_code"] = cell("credit_code")
        applicants.append(applicant)
    if not applicants:
        raise ApplicationError("文件中只有表头，没有可筛查的人员。", field="file")
    if len(applicants) > MAX_ROWS:
        raise ApplicationError(f"文件行数过多，一次最多筛查 {MAX_ROWS} 人。", field="file")
    return applicants


# ------------------------------------------------------------------------------------------------ validating


def _message(error):
    return "；".join(error.messages)


def _classify(value):
    """A value from a column that may hold either identifier: ("id_number" | "credit_code", normalised)."""
    compact = _SPACES.sub("", str(value))
    if _LOOKS_LIKE_RESIDENT_ID.fullmatch(compact):
        try:
            return "id_number", normalize_resident_id(compact)
        except ValidationError as resident_error:
            try:
                return "credit_code", normalize_credit_code(compact)
            except ValidationError:
                raise resident_error from None
    if len(compact) == 18:
        return "credit_code", normalize_credit_code(compact)
    return "id_number", normalize_resident_id(compact)


def _clean_applicant(applicant):
    """(name, id_number, credit_code) of one applicant, or raise ValidationError."""
    if not isinstance(applicant, dict):
        raise ValidationError("应为包含姓名和证件号码的对象。")
    name = _SPACES.sub("", _text(applicant.get("name")))
    if not name:
        raise ValidationError("请填写姓名或名称。")
    if len(name) > 100:
        raise ValidationError("姓名或名称不应超过100个字。")
    id_number = _text(applicant.get("id_number"))
    credit_code = _text(applicant.get("credit_code"))
    identifier = _text(applicant.get("identifier"))
    if id_number:
        return name, normalize_resident_id(id_number), ""
    if credit_code:
        return name, "", normalize_credit_code(credit_code)
    if identifier:
        kind, value = _classify(identifier)
        return (name, value, "") if kind == "id_number" else (name, "", value)
    raise ValidationError("请填写公民身份号码或统一社会信用代码。")


def clean_applicants(applicants):
    """Validate every applicant; return [(row, name, id_number, credit_code)] or refuse with every row's error."""
    if not applicants:
        raise ApplicationError("请至少填写一名需要筛查的人员。", field="applicants")
    if len(applicants) > MAX_ROWS:
        raise ApplicationError(f"一次最多筛查 {MAX_ROWS} 人。", field="applicants")
    cleaned, errors = [], []
    for position, applicant in enumerate(applicants, start=1):
        row = applicant.get("row", position) if isinstance(applicant, dict) else position
        try:
            cleaned.append((row, *_clean_applicant(applicant)))
        except ValidationError as error:
            errors.append(f"第{row}行：{_message(error)}")
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        summary = "；".join(shown) + (f"；另有 {more} 处错误未列出" if more > 0 else "")
        message = shown[0] if len(errors) == 1 else f"筛查未执行，共发现 {len(errors)} 处错误：{summary}"
        raise ApplicationError(message, field="applicants", extra={"errors": errors})
    return cleaned


def name_key(name):
    """Names compared for `name_matches`: spaces removed, half-width parentheses as full-width, case folded."""
    return _SPACES.sub("", str(name)).translate(_NAME_BRACKETS).casefold()


# ------------------------------------------------------------------------------------------------ screening


def _require_liaison(actor):
    if actor is None or not actor.is_liaison or actor.organisation_id is None:
        raise PermissionDenied("只有成员单位联络员可以进行失信筛查。")


def _published_listings(id_numbers, credit_codes):
    """{("id_number"|"credit_code", identifier): [listing rows]} of the published listings, in one query."""
    condition = Q()
    if id_numbers:
        condition |= Q(id_number__in=sorted(id_numbers))
    if credit_codes:
        condition |= Q(credit_code__in=sorted(credit_codes))
    found = {}
    if not condition:
        return found
    rows = (
        Listing.objects.filter(condition, state=ListingState.PUBLISHED)
        .order_by("-published_on", "-id")
        .values("id", "name", "id_number", "credit_code", "court_id", "case_number", "court_name")
    )
    for row in rows:
        if row["id_number"]:
            found.setdefault(("id_number", row["id_number"]), []).append(row)
        if row["credit_code"]:
            found.setdefault(("credit_code", row["credit_code"]), []).append(row)
    return found


def _pick(candidates, name):
    """The listing a hit names: one whose name matches, else the most recently published."""
    key = name_key(name)
    for row in candidates:
        if name_key(row["name"]) == key:
            return row, True
    return candidates[0], False


@transaction.atomic
def screen_applicants(*, actor, applicants, source, file_name="") -> ScreeningBatch:
    """Screen `applicants` ([{"name", "id_number" | "credit_code" | "identifier", optional "row"}]) for the
    actor's unit; returns the saved batch with its totals. Refuses (writing nothing) when any row is invalid."""
    _require_liaison(actor)
    if source not in ScreeningSource.values:
        raise ApplicationError("筛查方式无效。", field="source")
    cleaned = clean_applicants(applicants)
    listings = _published_listings({row[2] for row in cleaned if row[2]}, {row[3] for row in cleaned if row[3]})
    outcomes = []
    for row, name, id_number, credit_code in cleaned:
        candidates = listings.get(("id_number", id_number) if id_number else ("credit_code", credit_code)) or []
        listing, matches = _pick(candidates, name) if candidates else (None, False)
        outcomes.append((row, name, id_number, credit_code, listing, matches, candidates))
    hits = [outcome for outcome in outcomes if outcome[4] is not None]
    batch = ScreeningBatch.objects.create(unit_id=actor.organisation_id, submitted_by=actor, source=source,
                                          file_name=(file_name or "")[:200], total=len(outcomes), hits=len(hits))
    results = ScreeningResult.objects.bulk_create([
        ScreeningResult(batch_id=batch.pk, row_number=row, name=name[:100], id_number=id_number,
                        credit_code=credit_code, hit=listing is not None, name_matches=matches,
                        listing_id=listing["id"] if listing else None)
        for row, name, id_number, credit_code, listing, matches, _candidates in outcomes
    ], batch_size=5000)
    if hits:
        ScreeningHit.objects.bulk_create([
            ScreeningHit(result_id=result.pk, listing_id=candidate["id"],
                         name_matches=name_key(candidate["name"]) == name_key(name))
            for result, (_row, name, *_rest, candidates) in zip(results, outcomes, strict=True)
            for candidate in candidates
        ], batch_size=5000)
        _report_hits(actor, batch, hits)
    return batch


def _report_hits(actor, batch, hits):
    """Every hit to every court that listed the identifier: one in-app notification per hit and court to each
    active clerk of that court, naming that court's matching listings."""
    unit = Organisation.objects.only("name").get(pk=actor.organisation_id)
    courts = {candidate["court_id"] for hit in hits for candidate in hit[6]}
    clerks = {}
    for user in User.objects.filter(organisation_id__in=courts, role=UserRole.CLERK, is_active=True).order_by("pk"):
        clerks.setdefault(user.organisation_id, []).append(Recipient.from_user(user))
    when = timezone.localtime(batch.submitted_at).strftime("%Y-%m-%d %H:%M")
    messages = []
    for row, name, _id_number, _credit_code, _listing, _matches, candidates in hits:
        by_court = {}
        for candidate in candidates:
            by_court.setdefault(candidate["court_id"], []).append(candidate)
        for court_id, listed in by_court.items():
            recipients = clerks.get(court_id)
            if not recipients:
                continue
            matches = any(name_key(candidate["name"]) == name_key(name) for candidate in listed)
            confirmation = "姓名一致" if matches else f"姓名不一致（提交的姓名为“{name}”）"
            listed_name = listed[0]["name"]
            case_numbers = "、".join(candidate["case_number"] for candidate in listed)
            messages.append((recipients, Message(
                kind=NOTIFICATION_KIND,
                title=f"失信被执行人{listed_name}（{case_numbers}）在{unit.name}的筛查中被发现",
                body=(f"{unit.name}于{when}筛查申请人时（筛查{batch.pk}第{row}行），按证件号码命中本院发布的失信被执行人"
                      f"{listed_name}（{case_numbers}），{confirmation}。"),
            )))
    if messages:
        notify_many(messages, sms=False, email=False)


# ------------------------------------------------------------------------------------------------ selectors


def screenings_for(user):
    """The batches a user may see: a liaison its unit's; nobody else any."""
    if user.is_liaison and user.organisation_id:
        return ScreeningBatch.objects.filter(unit_id=user.organisation_id)
    return ScreeningBatch.objects.none()


def results_hits_first(batch):
    return batch.results.select_related("listing").order_by("-hit", "row_number")


def hits_for_listing(listing):
    """The screenings that found this listing, also those that showed the unit another court's listing of the same
    identifier: the feedback its court sees (newest first). `listing_name_matches` compares the applicant's name
    with this listing's."""
    return (
        ScreeningResult.objects.filter(matches__listing=listing, hit=True)
        .annotate(listing_name_matches=F("matches__name_matches"))
        .select_related("batch__unit")
        .order_by("-batch__submitted_at", "-id")
    )
