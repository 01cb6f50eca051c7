"""Read-your-writes: a client that has just written reads the map, tiles and exports from the primary.

A replica is a few milliseconds behind the primary, sometimes more. A citizen who posts a suggestion and
reloads the map must see it, so after any successful unsafe request (POST, PUT, PATCH, DELETE with a 2xx or
3xx answer) the response carries a small signed cookie with a deadline READ_YOUR_WRITES_SECONDS ahead; until
then that browser's heavy reads go to the primary. The cookie works without an account or a session and is
never set on plain reads. It is signed so that no client can pin itself to the primary for long; forging one
would only cost that client the replica. A signed-in user also gets the window in the shared cache, so API
clients without cookies (token) and the user's other devices read their own writes too.

Nothing is set when no replica is configured: then every read is on the primary anyway.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

from config import db_reads

logger = logging.getLogger(__name__)

COOKIE_NAME = "primary_reads_until"
_SALT = "config.read_your_writes"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _user_key(user_id: object) -> str:
    return f"read-your-writes:user:{user_id}"


def _authenticated_user_id(request: HttpRequest) -> object | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def in_window(request: HttpRequest) -> bool:
    """Whether the client of `request` wrote less than READ_YOUR_WRITES_SECONDS ago."""
    deadline = request.get_signed_cookie(COOKIE_NAME, default=None, salt=_SALT)
    try:
        if deadline is not None and time.time() < float(deadline):
            return True
    except ValueError:
        pass
    # Asked only when the request makes a heavy read, after DRF has authenticated a token.
    user_id = _authenticated_user_id(request)
    if user_id is None:
        return False
    try:
        deadline = cache.get(_user_key(user_id))
    except Exception:  # without the shared cache the safe answer is the primary
        logger.warning("read-your-writes: cache unavailable, reading from the primary", exc_info=True)
        return True
    return deadline is not None and time.time() < deadline


def _open_window(request: HttpRequest, response: HttpResponseBase) -> None:
    seconds = settings.READ_YOUR_WRITES_SECONDS
    deadline = time.time() + seconds
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{deadline:.3f}",
        salt=_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    user_id = _authenticated_user_id(request)
    if user_id is not None:
        try:
            cache.set(_user_key(user_id), deadline, timeout=seconds)
        except Exception:  # the cookie still covers a browser
            logger.warning("read-your-writes: cache unavailable", exc_info=True)


class ReadYourWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not db_reads.replica_configured():
            return self.get_response(request)
        db_reads.route_request(lambda: in_window(request))
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS and response.status_code < 400:
            _open_window(request, response)
        return response


def _end_request(**kwargs: object) -> None:
    # Sent when the response is closed, i.e. after a streamed export has been read to its end.
    db_reads.end_request()


request_finished.connect(_end_request, dispatch_uid="config.read_your_writes.end_request")
