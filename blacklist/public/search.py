"""The public search of the dishonest-debtor list (issue 5; docs/api.md `/api/v1/public/debtors/`, page
`/public/debtors/`). No login; rate limited per client address; published listings only; only the published fields
of 法释〔2017〕7号 art. 6, with resident ID numbers masked (credit codes are public by law and shown in full).

Search is by exact identifier (resident ID, normalised: lower-case x → X, 15 → 18 digits; or credit code) or by the
beginning of a name (at least 2 characters: 张伟 finds 张伟 and 张伟强), plus homophone suggestions (张玮 when
searching 张伟) from the toneless pinyin column. Nobody can list everything: an empty or 1-character query returns
nothing and asks for input, and every search returns at most `limit` rows (a bounded list, no COUNT(*)).
"""

import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from redis.exceptions import RedisError

from linkage.choices import label_of
from linkage.identifiers import normalize_credit_code, normalize_resident_id
from linkage.ratelimit import over_limit
from linkage.ratelimit import retry_after as linkage_retry_after

from ..models import Listing, ListingGround, ListingState

logger = logging.getLogger(__name__)

PROMPT = "请输入被执行人姓名或名称（至少2个字），或者身份证号码、统一社会信用代码。"
NAME_TOO_SHORT = "请输入至少2个字的姓名或名称。"
BAD_IDENTIFIER = "请输入正确的18位（或15位）身份证号码，或者18位统一社会信用代码。"
BAD_RESIDENT_ID = "身份证号码有误（校验位或出生日期不符），请核对后再查询。"
NAME_REQUIRED = "按身份证号码查询时，请同时输入被执行人的完整姓名。"
TOO_MANY_MESSAGE = "查询过于频繁，请稍后再试。"
TRUNCATED = "符合条件的记录较多，仅显示前{limit}条，请输入更完整的姓名或证件号码。"
NOTHING_FOUND = "未查询到符合条件的失信被执行人。"
MAX_SUGGESTIONS = 5
MAX_LIMIT = 50

_WHITESPACE = re.compile(r"\s+")
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
_RESIDENT_ID = re.compile(r"[0-9]{15}|[0-9]{17}[0-9X]")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
_CHINESE_NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f·]{2,4}")

# The published fields (法释〔2017〕7号 art. 6), read as plain rows: nothing else leaves the database.
PUBLISHED_FIELDS = ("name", "id_number", "credit_code", "legal_representative", "sex", "age", "obligation",
                    "performed_amount", "unperformed_amount", "ground", "facts", "basis_issuer", "basis_number",
                    "case_number", "filed_on", "court_name", "published_on")


@dataclass(frozen=True)
class PublicQuery:
    """A search as the public typed it, checked: a name (prefix), or an identifier. A resident ID number (valid,
    normalised) is searched only together with the exact name (issue 17 item 4: the number alone, or with a guessed
    name prefix, must not confirm a guess of the hidden digits). `message` is set when the query is refused."""

    name: str = ""
    number: str | None = None  # a resident ID number, searched with name = the exact name
    credit_code: str | None = None  # searched with name as a prefix, when a name is given
    message: str = ""


@dataclass
class PublicSearchResult:
    results: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    message: str = ""  # a prompt or error in Chinese; empty when the query was searched
    searched: bool = False
    truncated: bool = False


def mask_id_number(value):
    """Mask a resident ID number for public display, keeping `PUBLIC_ID_MASK_KEEP` = (head, tail) characters:
    11010519491231002X → 110105********002X. A unified social credit code is returned in full (public by law)."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _RESIDENT_ID.fullmatch(value.upper()) and _CREDIT_CODE.fullmatch(value.upper()):
        return value
    head, tail = settings.PUBLIC_ID_MASK_KEEP
    if head + tail >= len(value):
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]


def public_age(age, id_number):
    """(age, age band) as the public sees them. Next to a masked ID number that shows some of its characters the exact
    age would narrow the hidden birth date to about a year (some 33 candidates once the check digit is applied), so
    only a band of `PUBLIC_AGE_BAND_YEARS` years is shown ("30-39岁"), or no age at all when that is 0."""
    if age is None:
        return None, ""
    head, tail = settings.PUBLIC_ID_MASK_KEEP
    if not id_number or head + tail <= 0:
        return age, ""
    band = settings.PUBLIC_AGE_BAND_YEARS
    if band <= 0:
        return None, ""
    low = age // band * band
    return None, f"{low}-{low + band - 1}岁"


def _clean(value):
    return _WHITESPACE.sub("", str(value or "").translate(_FULL_WIDTH))


def _credit_code_or_none(text):
    try:
        return normalize_credit_code(text)
    except ValidationError:
        return None


def parse_query(*, name="", identifier=""):
    """The PublicQuery for what was typed. A resident ID number must be valid (check digit, real birth date): a wrong
    one is refused, not searched. An 18-character text that is also a valid credit code is searched as a credit code
    too (the two share that shape); without a name it is searched only as a credit code, never as a person's number."""
    name = _WHITESPACE.sub("", str(name or "")).replace("\x00", "")[:100]
    text = _clean(identifier).replace("\x00", "").upper()
    if not name and not text:
        return PublicQuery(message=PROMPT)
    if not text:
        return PublicQuery(name=name, message=NAME_TOO_SHORT if len(name) < 2 else "")
    if _RESIDENT_ID.fullmatch(text):
        try:
            number = normalize_resident_id(text)
        except ValidationError:
            number = None
        credit_code = _credit_code_or_none(text) if len(text) == 18 else None
        if number is not None and name:
            return PublicQuery(name=name, number=number, credit_code=credit_code)
        if credit_code is not None:
            return PublicQuery(name=name, credit_code=credit_code)
        return PublicQuery(name=name, message=NAME_REQUIRED if number is not None else BAD_RESIDENT_ID)
    if _CREDIT_CODE.fullmatch(text):
        return PublicQuery(name=name, credit_code=text)
    return PublicQuery(name=name, message=BAD_IDENTIFIER)


def _identifier_queryset(numbers, credit_code, name):
    """Published listings with one of these resident ID numbers and exactly this name, or with this credit code (and
    a name starting with `name`, if given), newest first, as the public sees them."""
    condition = Q()
    if numbers:
        if name is None:
            raise ValueError("a resident ID number is searched only with the exact name")
        condition = Q(id_number__in=numbers, name=name)
    if credit_code is not None:
        code = Q(credit_code=credit_code) & (Q(name__startswith=name) if name is not None else Q())
        condition = condition | code if numbers else code
    return (Listing.objects.filter(condition, state=ListingState.PUBLISHED).order_by("-published_on", "-id")
            .values(*PUBLISHED_FIELDS))


def _next_string(prefix):
    """The smallest string above every string that starts with `prefix`, in code-point order."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be stored: the next storable character is U+E000
        code = 0xE000
    return prefix[:-1] + chr(code) if code <= 0x10FFFF else None


def _name_filter(name, upper):
    """Names that start with `name` (or equal it). `name__startswith` is the rule; the range on the same column up
    to `upper` (_next_string(name)) lets the (state, name, -published_on, -id) B-tree serve it, in the search's
    order, under a code-point collation (C, C.UTF-8), where PostgreSQL 15 does not use a default-opclass B-tree for
    LIKE 'x%' (issue 18: no varchar_pattern_ops index, which the planner preferred and then sorted every match)."""
    if upper is None:
        return Q(name__startswith=name)
    return Q(name__startswith=name, name__gte=name, name__lt=upper)


def name_search_queryset(name, upper=False):
    """Published listings whose name starts with `name`, in the order of the (state, name) index."""
    upper = _next_string(name) if upper is False else upper
    return (Listing.objects.filter(_name_filter(name, upper), state=ListingState.PUBLISHED)
            .order_by("name", "-published_on", "-id"))


def _next_homophone(pinyin, after):
    """The first published name of this pinyin above `after`, in name order: one index probe (state, name_pinyin,
    name), however many listings carry that name."""
    return (Listing.objects.filter(state=ListingState.PUBLISHED, name_pinyin=pinyin, name__gt=after)
            .order_by("name").values_list("name", flat=True).first())


def homophones(name, pinyin):
    """Up to MAX_SUGGESTIONS other published names of the same pinyin, in name order. Each is found by one probe of
    the index past the previous one (a skip scan), so a name carried by thousands of listings costs no more than a
    rare one: a DISTINCT over the pinyin would read every namesake."""
    found, after = [], ""
    for _ in range(MAX_SUGGESTIONS + 1):
        following = _next_homophone(pinyin, after)
        if following is None:
            break
        if following != name:
            found.append(following)
            if len(found) == MAX_SUGGESTIONS:
                break
        after = following
    return found


def _row(values):
    ground = values["ground"]
    age, age_band = public_age(values["age"], values["id_number"])
    return {
        "name": values["name"],
        "id_number": mask_id_number(values["id_number"]),
        "credit_code": values["credit_code"],
        "legal_representative": values["legal_representative"],
        "sex": values["sex"],
        "age": age,
        "age_band": age_band,
        "obligation": values["obligation"],
        "performed_amount": values["performed_amount"],
        "unperformed_amount": values["unperformed_amount"],
        "ground": ground,
        "ground_label": label_of(ListingGround, ground),
        "facts": values["facts"],
        "basis_issuer": values["basis_issuer"],
        "basis_number": values["basis_number"],
        "case_number": values["case_number"],
        "filed_on": values["filed_on"],
        "court_name": values["court_name"],
        "published_on": values["published_on"],
    }


# Answers are kept in Django's cache (Redis) for CACHE_SECONDS under a version that every change of a listing
# replaces once its transaction commits (listing_changed, connected in blacklist/apps.py): a listing published,
# corrected, shielded or removed is seen by the next search. The key is an HMAC of the query (no searched number in
# Redis). With the cache unreachable the search runs uncached.
CACHE_SECONDS = 300
_VERSION_KEY = "public-search:version"


def _cache_key(query, limit):
    from django.utils.crypto import salted_hmac

    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(_VERSION_KEY)
    shown = (settings.PUBLIC_ID_MASK_KEEP, settings.PUBLIC_AGE_BAND_YEARS)  # what _row makes of the rows
    digest = salted_hmac("public-search", repr((query.name, query.number, query.credit_code, limit, shown))).hexdigest()
    return f"public-search:{version}:{digest}"


def invalidate_cached_answers():
    """Every cached answer of the public search is stale from now on (a new version)."""
    try:
        cache.set(_VERSION_KEY, time.time_ns(), timeout=None)
    except RedisError as error:
        logger.error("public search cache not invalidated (answers may be up to %s s old): %s", CACHE_SECONDS, error)


def listing_changed(sender, **kwargs):
    """post_save / post_delete of a Listing: the cached answers go now (for reads in this transaction) and again
    once the change is committed (meanwhile a search by another connection reads the old rows, and could have
    stored them under the version set now)."""
    invalidate_cached_answers()
    transaction.on_commit(invalidate_cached_answers)


def public_search(*, name="", identifier="", limit=20):
    """Search the published list (parse_query, then run_query). Not guarded: the pages and the API go through
    blacklist.public.guard, which adds the budget, captcha and pattern limit of the exact-number search."""
    return run_query(parse_query(name=name, identifier=identifier), limit=limit)


def run_query(query, *, limit=20):
    """The answer from the cache, or searched (_search) and cached. With both an identifier and a name, both must
    match."""
    if query.message:
        return PublicSearchResult(message=query.message)
    limit = max(1, min(int(limit), MAX_LIMIT))
    try:
        key = _cache_key(query, limit)
        cached = cache.get(key)
    except RedisError as error:
        logger.warning("public search cache unavailable, searching uncached: %s", error)
        key = cached = None
    if cached is not None:
        return cached
    result = _search(query, limit)
    if key is not None:
        try:
            cache.set(key, result, timeout=CACHE_SECONDS)
        except RedisError:
            pass
    return result


def _search(query, limit):
    """The rows in one query and the homophone names in at most MAX_SUGGESTIONS + 1 index probes, whatever the number
    of matches."""
    from ..listings.services import name_pinyin

    name = query.name
    identifier = query.number is not None or query.credit_code is not None
    if identifier:
        numbers = (query.number,) if query.number is not None else ()
        rows = _identifier_queryset(numbers, query.credit_code, name or None)
    else:  # by name alone
        rows = name_search_queryset(name).values(*PUBLISHED_FIELDS)
    found = [_row(values) for values in rows[: limit + 1]]
    truncated = len(found) > limit
    found = found[:limit]
    suggestions = []
    if not identifier and _CHINESE_NAME.fullmatch(name):
        suggestions = homophones(name, name_pinyin(name))
    if truncated:
        message = TRUNCATED.format(limit=limit)
    elif not found:
        message = NOTHING_FOUND
    else:
        message = ""
    return PublicSearchResult(results=found, suggestions=suggestions, message=message, searched=True,
                              truncated=truncated)


# ---------------------------------------------------------------------------------------------------------------------
# Rate limit, shared by the page and the API: a fixed window per minute and client address, in Django's cache
# (Redis in production and tests, so every worker process shares the count).


def rate_limited(request):
    """Count this search against the client's window; True when it is past `PUBLIC_SEARCH_RATE_PER_MINUTE`.
    With the cache unreachable the search is served unthrottled (and logged): the list is public by law, and a
    Redis outage must not close it (`linkage.ratelimit`)."""
    return over_limit(request, scope="public-search", per_minute=settings.PUBLIC_SEARCH_RATE_PER_MINUTE)


retry_after = linkage_retry_after
