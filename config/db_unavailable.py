"""A database that cannot be reached is a 503 with Retry-After and a message, never a traceback.

PostgreSQL restarts, fails over or drops connections; psycopg then raises `OperationalError` (or
`InterfaceError` on a connection that died in between). Each request fails fast (the connect timeout of
the DATABASES settings) and the next one reconnects by itself: `CONN_HEALTH_CHECKS` throws a dead persistent
connection away before it is used. Three places turn the error into the same answer:
- the API's exception handler (`config/api_errors.py`), for DRF views;
- `DatabaseUnavailableMiddleware.process_exception`, for page views;
- `server_error` (handler500), for errors raised in middleware before any view ran (sessions, accounts).
The API and the OGC API answer JSON `{"code", "message"}`; pages answer a page that needs no database.
handler500 answers every other uncaught error the same two ways: JSON for API clients, our page for people.
"""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _

from config.errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
JSON_PREFIXES = ("/api/", "/ogcapi", "/healthz")


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def database_unavailable(exc: BaseException) -> DatabaseUnavailable:
    """The typed error for an outage; logged once as a warning (the cause is the database, not a bug)."""
    logger.warning("database unavailable: %s", str(exc).strip().splitlines()[0] if str(exc) else type(exc))
    return DatabaseUnavailable(retry_after=settings.DATABASE_UNAVAILABLE_RETRY_AFTER)


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    error = database_unavailable(exc)
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"code": error.code, "message": error.message}, status=503)
    else:
        # A page of its own: the site's base template asks the database for the signed-in user.
        page = render_to_string("503.html", {"message": error.message, "stylesheet": _stylesheet()})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _stylesheet() -> str | None:
    """The site's stylesheet, if the static files can name it (a missing manifest must not turn the 503
    into a 500)."""
    try:
        return static("frontend/build/map.css")
    except ValueError:
        return None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so `sys.exc_info()` names it."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return unavailable_response(request, exc)
    if _wants_json(request):
        # API clients read errors as {"code", "message"} (config/api_errors.py), a bug's too.
        message = _("Something went wrong on our side; it has been logged. Please try again later.")
        response: HttpResponse = JsonResponse({"code": "server_error", "message": message}, status=500)
        response["Cache-Control"] = "no-store"
        return response
    # Our own page in the visitor's language (Django's says only "Server Error (500)"), without the
    # request's context like Django's: the error may come from the session or the database.
    page = render_to_string("500.html", {"stylesheet": _stylesheet()})
    return HttpResponse(page, status=500, content_type="text/html; charset=utf-8")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES) or "json" in request.headers.get("Accept", "")
