"""Write limits per person, shared by the API and the pages, counted in the shared cache (Redis).

A fixed window per scope: simple, exact enough for abuse control, and one cache round trip per write.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

from .errors import TooManyRequests


def rate_window(*, scope: str, ident: str) -> tuple[str, int, int, int]:
    """The cache key of the current window, the budget, the window length and the seconds left in it."""
    allowed, seconds = (int(part) for part in settings.WRITE_LIMITS[scope].split("/"))
    now = time.time()
    # Hashed: an ident may be what someone typed (a login name), and a cache key must be short and free of
    # spaces and control characters.
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"rate:{scope}:{digest}:{int(now // seconds)}"
    return key, allowed, seconds, int(seconds - now % seconds) + 1


def rate_limit_check(*, scope: str, ident: str) -> None:
    """Count one action of `scope` by `ident`; raise TooManyRequests once the window's budget is spent."""
    key, allowed, _seconds, left = rate_window(scope=scope, ident=ident)
    if _count(key, expires=left + 1) > allowed:
        raise TooManyRequests(retry_after=left)


def _count(key: str, *, expires: int) -> int:
    """Add one to the window's counter and return it.

    On Redis, INCR and EXPIRE go in one pipelined MULTI: one round trip, and a counter never outlives its
    window (the key names the window, so renewing its expiry on every count keeps it no longer than that).
    Django's add-then-incr took three round trips (SET NX, EXISTS, INCRBY) for every write after the first.
    The key is Django's own (prefix, version), so `cache.get`/`cache.delete` see the same counter.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.incr(full_key)
        pipe.expire(full_key, expires)
        used, _expiry_set = pipe.execute()
        return int(used)
    if cache.add(key, 1, timeout=expires):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=expires)
        return 1


def rate_limit_spent(*, scope: str, ident: str) -> None:
    """Raise TooManyRequests if the budget is already spent, without counting (e.g. failed sign-ins)."""
    key, allowed, _seconds, left = rate_window(scope=scope, ident=ident)
    if (cache.get(key) or 0) >= allowed:
        raise TooManyRequests(retry_after=left)
