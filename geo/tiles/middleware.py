"""Tile requests answered high in the middleware stack, as WhiteNoise answers static files.

A tile is public, the same for every visitor and in every language, and the most frequent request there is: a
QGIS layer asks for dozens per pan. The page middleware under this one (sessions, language, CSRF, accounts,
messages, CSP, framing, write limits) has nothing to do with a tile, yet it was a third of a cache hit's
time (0.9 ms in-process, 0.58 without it), and LocaleMiddleware added `Vary: Accept-Language`, which makes
every HTTP cache in front keep one copy of each tile per language. So this middleware sits right under the
security headers and calls the tile view itself; a database outage is the same 503 as on the normal path.

Two kinds of request still take the normal path:
* those with a session cookie: a signed-in user's read-your-writes window lives in the shared cache under
  their account, and only the full stack knows the account;
* every answer that is not a tile (a bad address, an unknown or private project): it is answered again by the
  full stack, so that its message is in the visitor's language. Such requests are rare and cost one lookup.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from config import db_reads, read_your_writes
from config.db_unavailable import DATABASE_ERRORS, unavailable_response

from . import views
from .urls import LAYER_TILE_ROUTE, TILE_ROUTE

_TILE_PATH = re.compile("^/" + TILE_ROUTE.removeprefix("^"))
_LAYER_TILE_PATH = re.compile("^/" + LAYER_TILE_ROUTE.removeprefix("^"))
_SAFE_METHODS = frozenset({"GET", "HEAD"})


class TileMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = views.tile
        match = _TILE_PATH.match(request.path_info)
        if match is None:
            # A context layer's tile: the public ones are answered here; one kept for the project's staff
            # needs the signed-in user, so it is refused here (no session) and answered by the full stack.
            view = views.layer_tile
            match = _LAYER_TILE_PATH.match(request.path_info)
        if (
            match is None
            or request.method not in _SAFE_METHODS
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        if db_reads.replica_configured():
            # Without a session, the window is the browser's signed cookie alone (see in_window).
            db_reads.route_request(lambda: read_your_writes.in_window(request))
        try:
            response = view(request, **match.groupdict())
        except DATABASE_ERRORS as exc:
            # LocaleMiddleware has not run: choose the language here, not the one a previous request left.
            with translation.override(translation.get_language_from_request(request)):
                return unavailable_response(request, exc)
        if response.status_code >= 400:
            return self.get_response(request)
        return response
