"""Guards of the public exact-number search (issue 17 item 4): a masked ID number stays masked.

The public row shows the first 6 and last 4 characters of a resident ID number; the 8 hidden ones are the birth
date. With the age shown as a band (blacklist.public.public_age) some 330 dates survive the check digit, and each
one could be confirmed by the exact-number search. That search therefore answers (blacklist.public.parse_query) only
with the exact name and a valid number, and here:

1. a masked pattern (head and tail, whoever asks) answers at most `PUBLIC_ID_PATTERN_MISS_LIMIT` misses per
   `PUBLIC_ID_PATTERN_WINDOW_DAYS`; past that every exact-number search of that pattern, found or not, is refused for
   everyone until the window ends — so spreading the guesses over many addresses gains nothing, and the refusal says
   nothing about the hidden digits. A slot is taken before searching (atomic INCR) and given back on a hit, so
   concurrent guesses cannot overrun it;
2. a client address has `PUBLIC_ID_DAILY_BUDGET` distinct numbers a day (asking again about the same one is free);
3. after `PUBLIC_ID_CAPTCHA_AFTER_MISSES` misses in a day a client answers the app's own captcha for each further
   exact-number search (blacklist.public.captcha).

Counts live in Django's cache (Redis), keyed by HMACs of the address, the number and the pattern (no ID number and
no address is written to Redis in clear). With Redis unreachable the exact-number search is closed (503) while the
name search stays open: the list is public by law, an oracle on the hidden digits is not.
"""

import datetime
import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from linkage.audit import client_address

from . import captcha as public_captcha
from .search import mask_id_number, parse_query, run_query

logger = logging.getLogger(__name__)

PATTERN_LOCKED = "该号码近期查询未命中的次数过多，已暂停按号码查询，请按姓名查询。"
BUDGET_SPENT = "今天按身份证号码查询的号码个数已达上限（{budget}个），请明天再试，或者按姓名查询。"
CAPTCHA_NEEDED = "请先输入图中的验证码，再按身份证号码查询。"
CAPTCHA_WRONG = "验证码错误或已过期，请输入新图中的验证码。"
UNAVAILABLE = "按身份证号码查询暂不可用，请稍后再试，或者按姓名查询。"


@dataclass
class Answer:
    """What a page or the API answers: the search result, or a refusal (status, Chinese message); `captcha_key` is
    a fresh challenge when the refusal is for want of a solved captcha."""

    result: object = None
    status: int = 200
    message: str = ""
    retry_after: str | None = None
    captcha_key: str | None = None


def _digest(kind, value):
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _client(request):
    return _digest("client", client_address(request) or "unknown")


def _today():
    return timezone.localdate().isoformat()


def _seconds_to_midnight():
    now = timezone.localtime()
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), now.tzinfo)
    return str(max(1, int((midnight - now).total_seconds())))


def _count_up(key, timeout):
    """Add one to a counter (created with `timeout` if missing, whose expiry the increments keep); the new count."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def pattern_key(number):
    head, tail = settings.PUBLIC_ID_MASK_KEEP
    if head + tail <= 0:
        return None  # nothing shown, nothing to enumerate from
    return f"public-id-pattern:{_digest('pattern', mask_id_number(number))}"


def _misses_key(client):
    return f"public-id-misses:{client}:{_today()}"


def captcha_needed(request):
    """Whether this client's next exact-number search needs a captcha (False when the cache is unreachable: the
    exact-number search is closed then anyway)."""
    try:
        misses = cache.get(_misses_key(_client(request))) or 0
    except RedisError:
        return False
    return misses >= settings.PUBLIC_ID_CAPTCHA_AFTER_MISSES


def _admit(request, number, captcha_key, captcha_answer):
    """None when the search may run (a pattern slot is then taken), else the refusal."""
    window = settings.PUBLIC_ID_PATTERN_WINDOW_DAYS * 86400
    pattern = pattern_key(number)
    if pattern is not None and (cache.get(pattern) or 0) >= settings.PUBLIC_ID_PATTERN_MISS_LIMIT:
        return Answer(status=429, message=PATTERN_LOCKED, retry_after=str(window))
    client = _client(request)
    if (cache.get(_misses_key(client)) or 0) >= settings.PUBLIC_ID_CAPTCHA_AFTER_MISSES:
        if not public_captcha.solve(captcha_key, captcha_answer):
            return Answer(status=400, message=CAPTCHA_WRONG if str(captcha_answer or "").strip() else CAPTCHA_NEEDED,
                          captcha_key=public_captcha.new_challenge())
    day = _today()
    seen = f"public-id-seen:{client}:{day}:{_digest('number', number)}"
    if not cache.get(seen):
        if _count_up(f"public-id-budget:{client}:{day}", 2 * 86400) > settings.PUBLIC_ID_DAILY_BUDGET:
            return Answer(status=429, message=BUDGET_SPENT.format(budget=settings.PUBLIC_ID_DAILY_BUDGET),
                          retry_after=_seconds_to_midnight())
        cache.set(seen, 1, timeout=2 * 86400)
    if pattern is not None and _count_up(pattern, window) > settings.PUBLIC_ID_PATTERN_MISS_LIMIT:
        return Answer(status=429, message=PATTERN_LOCKED, retry_after=str(window))
    return None


def _record(request, number, found):
    """A hit gives its pattern slot back; a miss keeps it and counts towards the client's captcha."""
    pattern = pattern_key(number)
    if found:
        if pattern is not None:
            try:
                cache.decr(pattern)
            except ValueError:  # the window ended meanwhile
                pass
        return
    _count_up(_misses_key(_client(request)), 2 * 86400)


def guarded_search(request, *, name="", identifier="", limit=20, captcha_key="", captcha_answer=""):
    """The public search as the page and the API run it: a search by name (or credit code) as it is, an exact
    resident ID number only through the guards above."""
    query = parse_query(name=name, identifier=identifier)
    if query.number is None:
        return Answer(result=run_query(query, limit=limit))
    try:
        refusal = _admit(request, query.number, captcha_key, captcha_answer)
        if refusal is not None:
            return refusal
        result = run_query(query, limit=limit)
        _record(request, query.number, bool(result.results))
    except RedisError as error:
        logger.warning("public exact-number search closed, the cache is unreachable: %s", error)
        return Answer(status=503, message=UNAVAILABLE, retry_after="60")
    return Answer(result=result)


def next_captcha(request):
    """A fresh challenge when this client's next exact-number search needs one (for the page's form), else None."""
    try:
        return public_captcha.new_challenge() if captcha_needed(request) else None
    except RedisError:
        return None
