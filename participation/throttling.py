"""Write limits per person, shared by the API and the pages, counted in the shared cache (Redis).

A fixed window per scope: simple, exact enough for abuse control, and one cache round trip per write.

Two layers: each kind of contribution has its own budget (services call `rate_limit_check`), and
`WriteLimitMiddleware` gives every request that writes (POST, PUT, PATCH, DELETE, to any URL, a new one
included) a budget per client address and one per account, so no endpoint is ever without a limit.
"""

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import AuthenticationFailed

from config.db_unavailable import DATABASE_ERRORS, unavailable_response

from .api.authentication import TokenAuthentication
from .errors import TooManyRequests
from .participants import Participant, client_address

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Seconds until the budget that refused this request has room again: the 429 pages of views that catch
# TooManyRequests themselves get their Retry-After from here.
_refused_for: ContextVar[int | None] = ContextVar("refused_for", default=None)


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
        _refused_for.set(left)
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
        _refused_for.set(left)
        raise TooManyRequests(retry_after=left)


class WriteLimitMiddleware:
    """Counts every write against its client address and, when signed in (session or API token), its account.

    The address comes from `client_address` (X-Forwarded-For only from declared proxies). A refused write is
    a 429 with Retry-After and a message: JSON under /api/, a page elsewhere. It also puts a Retry-After on
    the 429s of views that refuse by a budget of their own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _refused_for.set(None)
        try:
            if request.method in WRITE_METHODS:
                try:
                    write_limit_check(request)
                except TooManyRequests as error:
                    return _too_many(request, error)
                except DATABASE_ERRORS as error:  # the account is read from the database
                    return unavailable_response(request, error)
            response = self.get_response(request)
            if response.status_code == 429 and not response.has_header("Retry-After"):
                response["Retry-After"] = str(_refused_for.get() or 60)
            return response
        finally:
            _refused_for.reset(token)


def write_limit_check(request: HttpRequest) -> None:
    """Count one write of this request's address and account; raise TooManyRequests past either budget."""
    address = Participant(user=AnonymousUser(), address=client_address(request)).rate_ident
    rate_limit_check(scope="write_address", ident=address)
    user = _account(request)
    if user is not None:
        rate_limit_check(scope="write_account", ident=f"user:{user.pk}")


def _account(request: HttpRequest) -> object | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    try:
        # API clients sign in per request with their token; DRF would only know them inside the view.
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None  # the view refuses the token; the address budget has counted the request
    if found is None:
        return None
    request.token_authenticated = found  # the view's authentication takes it from here: one query
    return found[0]


def _too_many(request: HttpRequest, error: TooManyRequests) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": error.code, "message": error.message}, status=429)
    else:
        response = render(request, "429.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
