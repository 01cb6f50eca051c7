"""Write limits per person, shared by the API and the pages, counted in the shared cache (Redis).

A fixed window per scope: simple, exact enough for abuse control, and one cache round trip per write.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

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
    key, allowed, seconds, left = rate_window(scope=scope, ident=ident)
    if cache.add(key, 1, timeout=seconds + 1):
        return
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        return
    if used > allowed:
        raise TooManyRequests(retry_after=left)


def rate_limit_spent(*, scope: str, ident: str) -> None:
    """Raise TooManyRequests if the budget is already spent, without counting (e.g. failed sign-ins)."""
    key, allowed, _seconds, left = rate_window(scope=scope, ident=ident)
    if (cache.get(key) or 0) >= allowed:
        raise TooManyRequests(retry_after=left)
