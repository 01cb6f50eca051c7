"""Write limits per person, shared by the API and the pages, counted in the shared cache (Redis).

A fixed window per scope: simple, exact enough for abuse control, and one cache round trip per write.
"""

import time

from django.conf import settings
from django.core.cache import cache

from .errors import TooManyRequests


def rate_limit_check(*, scope: str, ident: str) -> None:
    """Count one write of `scope` by `ident`; raise TooManyRequests once the window's budget is spent."""
    allowed, seconds = (int(part) for part in settings.WRITE_LIMITS[scope].split("/"))
    key = f"rate:{scope}:{ident}:{int(time.time() // seconds)}"
    if cache.add(key, 1, timeout=seconds + 1):
        return
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        return
    if used > allowed:
        raise TooManyRequests()
