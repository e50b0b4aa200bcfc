"""A fixed window per minute and client address, in Django's cache (Redis in production and tests, so every worker
process shares the count): the public pages' and public API's one rate limit (the public search, the credit-repair
check, the document check)."""

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

from linkage.audit import client_address

logger = logging.getLogger(__name__)


def over_limit(request, *, scope, per_minute):
    """Count this request against the client's window of `scope`; True when it is past `per_minute`. With the cache
    unreachable the request is served unthrottled (and logged): a Redis outage must not close a public page."""
    window = int(time.time() // 60)
    key = f"{scope}:{client_address(request) or 'unknown'}:{window}"
    try:
        if cache.add(key, 1, timeout=70):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=70)
                count = 1
    except RedisError as error:
        logger.warning("%s rate limit unavailable, serving unthrottled: %s", scope, error)
        return False
    return count > per_minute


def retry_after():
    """Seconds to the next window, for the Retry-After header."""
    return str(60 - int(time.time()) % 60)
