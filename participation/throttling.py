"""Write limits per person, shared by the API and the pages, counted in the shared cache (Redis).

A fixed window per scope: simple, exact enough for abuse control, and one cache round trip per write.

Two layers: each kind of contribution has its own budget (services call `rate_limit_check`), and
`WriteLimitMiddleware` gives every request that writes (POST, PUT, PATCH, DELETE, to any URL, a new one
included) a budget per client address and one per account, so no endpoint is ever without a limit.

One round trip for both layers: a view declares the budgets its service will count
(`write_limit_scopes = {"POST": ("suggestion",)}`); the middleware counts them in the same pipeline as the
request's own budgets, as a reservation, and `rate_limit_check` then takes the reserved count instead of
asking Redis again. The service still decides when the budget counts (after validating the input): a
reservation it never took (bad input, a replayed Idempotency-Key, a refused request) is given back when the
response leaves, which costs a second round trip on those paths only.

Reads asked for as people type or draw (place search, routing) have a budget per client as well, in DRF's
scopes and rates, counted the same way (`WindowRateThrottle`).
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
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from config.db_unavailable import DATABASE_ERRORS, unavailable_response

from .errors import TooManyRequests
from .participants import Participant, client_address
from .token_auth import TokenAuthentication

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Seconds until the budget that refused this request has room again: the 429 pages of views that catch
# TooManyRequests themselves get their Retry-After from here.
_refused_for: ContextVar[int | None] = ContextVar("refused_for", default=None)
# This request's reserved counts, by cache key: (count including this request, expiry in seconds).
_reserved: ContextVar[dict[str, tuple[int, int]] | None] = ContextVar("reserved", default=None)


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
    reserved = _reserved.get() or {}
    # Counted already with the request's write limits (WriteLimitMiddleware), else now.
    used = reserved.pop(key)[0] if key in reserved else _count(key, expires=left + 1)
    if used > allowed:
        _refused_for.set(left)
        raise TooManyRequests(retry_after=left)


def _count_many(keys: list[tuple[str, int]], *, step: int = 1) -> list[int]:
    """Add `step` to each (key, expiry) counter in ONE round trip (a pipelined MULTI, as `_count`)."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return [_count(key, expires=expires) if step > 0 else _uncount(key) for key, expires in keys]
    # Writes all go to the first server of Django's Redis client, whatever the key.
    client = backend._cache.get_client(write=True)
    pipe = client.pipeline(transaction=True)
    for key, expires in keys:
        full_key = backend.make_and_validate_key(key)
        pipe.incrby(full_key, step)
        pipe.expire(full_key, expires)
    replies = pipe.execute()
    return [int(used) for used in replies[0::2]]


def _uncount(key: str) -> int:
    try:
        return cache.decr(key)
    except ValueError:  # expired meanwhile: nothing to give back
        return 0


def _count(key: str, *, expires: int) -> int:
    """Add one to the window's counter and return it.

    On Redis, INCR and EXPIRE go in one pipelined MULTI: one round trip, and a counter never outlives its
    window (the key names the window, so renewing its expiry on every count keeps it no longer than that).
    Django's add-then-incr took three round trips (SET NX, EXISTS, INCRBY) for every write after the first.
    The key is Django's own (prefix, version), so `cache.get`/`cache.delete` see the same counter.
    """
    if isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
        return _count_many([(key, expires)])[0]
    if cache.add(key, 1, timeout=expires):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=expires)
        return 1


def rate_limit_count(*, scope: str, ident: str) -> int:
    """Count one action of `scope` by `ident` and return the window's count, refusing nothing (failures
    that are checked before the next attempt with `rate_limit_spent`)."""
    key, _allowed, _seconds, left = rate_window(scope=scope, ident=ident)
    return _count(key, expires=left + 1)


def rate_limit_used(*, scope: str, ident: str) -> int:
    """How many actions of `scope` by `ident` the current window holds."""
    key, _allowed, _seconds, _left = rate_window(scope=scope, ident=ident)
    return int(cache.get(key) or 0)


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

    Counted in `process_view`, once the view is known, together with the budgets the view declares (see the
    module's docstring), before the view runs. A write that never reaches a view (an unknown URL, a failed
    CSRF check) is counted when its answer leaves, and past a budget answered 429 all the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _refused_for.set(None)
        reserved = _reserved.set({})
        try:
            response = self.get_response(request)
            if request.method in WRITE_METHODS and not getattr(request, "write_limits_counted", False):
                refused = self.process_view(request, None, (), {})
                if refused is not None:
                    return refused
            if response.status_code == 429 and not response.has_header("Retry-After"):
                response["Retry-After"] = str(_refused_for.get() or 60)
            return response
        finally:
            _give_back(_reserved.get())
            _reserved.reset(reserved)
            _refused_for.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable | None, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if request.method not in WRITE_METHODS:
            return None
        request.write_limits_counted = True
        try:
            write_limit_check(request, reserve=_declared_scopes(view, request.method))
        except TooManyRequests as error:
            return _too_many(request, error)
        except DATABASE_ERRORS as error:  # the account is read from the database
            return unavailable_response(request, error)
        return None


def _declared_scopes(view: Callable | None, method: str) -> tuple[str, ...]:
    """The budgets a view's service counts for this method: `write_limit_scopes` on the view (a DRF or
    class-based view: on its class)."""
    owner = getattr(view, "cls", None) or getattr(view, "view_class", None) or view
    return tuple(getattr(owner, "write_limit_scopes", {}).get(method, ()))


def write_limit_check(request: HttpRequest, *, reserve: tuple[str, ...] = ()) -> None:
    """Count one write of this request's address and account, and reserve one of each scope in `reserve`
    for the service, in one round trip; raise TooManyRequests past the address or account budget."""
    address = Participant(user=AnonymousUser(), address=client_address(request)).rate_ident
    windows = [rate_window(scope="write_address", ident=address)]
    user = _account(request)
    if user is not None:
        windows.append(rate_window(scope="write_account", ident=f"user:{user.pk}"))
    # The ident the service will count by: Participant.rate_ident of the same request.
    ident = f"user:{user.pk}" if user is not None else address
    reservations = [rate_window(scope=scope, ident=ident) for scope in reserve]
    counts = _count_many([(key, left + 1) for key, _allowed, _seconds, left in windows + reservations])
    held = _reserved.get()
    for (key, _allowed, _seconds, left), used in zip(reservations, counts[len(windows) :], strict=True):
        if held is not None:
            held[key] = (used, left + 1)
        else:  # outside WriteLimitMiddleware's request: nobody would take it, so nothing is held
            _count_many([(key, left + 1)], step=-1)
    for (_key, allowed, _seconds, left), used in zip(windows, counts[: len(windows)], strict=True):
        if used > allowed:
            _refused_for.set(left)
            raise TooManyRequests(retry_after=left)


def _give_back(reserved: dict[str, tuple[int, int]] | None) -> None:
    """Reservations the service did not take: the request did not count there (as without reserving)."""
    if reserved:
        _count_many([(key, expires) for key, (_used, expires) in reserved.items()], step=-1)


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


class WindowRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (the same scopes, rates and client identity) counted in a fixed window: one
    pipelined INCR per request, whatever the rate.

    DRF's own keeps the time of every request in the window as one cached list and reads and writes it whole
    on each request: a client searching as they type, at a budget of 1,200 an hour, moved ~10 KB through
    Redis per keystroke, and the answer slowed as the list grew. A fixed window lets a client spend up to
    twice the budget around a window's turn, which is enough for abuse control."""

    def allow_request(self, request: Request, view: object) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        self.wait_seconds = int(self.duration - now % self.duration) + 1
        used = _count(f"{key}:{int(now // self.duration)}", expires=self.wait_seconds + 1)
        return used <= self.num_requests

    def wait(self) -> float | None:
        return self.wait_seconds
