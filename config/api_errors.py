"""One place that turns errors into the API's JSON shape: {"code": ..., "message": ..., "errors": {...}}.

`message` is one sentence for a person, in the request's language; `errors` (validation only) names the
fields. Typed domain errors (`<app>/errors.py`) carry their status code and message.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.db_unavailable import database_unavailable, is_database_outage
from config.errors import DomainError
from config.parsers import PayloadTooLarge


def too_large() -> exceptions.APIException:
    limit = settings.API_MAX_BODY_BYTES
    return PayloadTooLarge(_("The request is too large: at most %(kb)d KB.") % {"kb": limit // 1024})


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        return _first_message(next(iter(detail.values())))
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_database_outage(exc):
        exc = database_unavailable(exc)
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        # Which photo of a form with several the refusal concerns (0 for the first): shown next to it.
        photo_index = getattr(exc, "photo_index", None)
        if photo_index is not None:
            body["photo_index"] = photo_index
        response = Response(body, status=exc.status_code)
        retry_after = getattr(exc, "retry_after", None)
        if exc.status_code == status.HTTP_429_TOO_MANY_REQUESTS or retry_after is not None:
            response["Retry-After"] = str(retry_after if retry_after is not None else 60)
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            response["WWW-Authenticate"] = "Token"
        return response
    if isinstance(exc, RequestDataTooBig):
        # DRF reads the body through Django, whose DATA_UPLOAD_MAX_MEMORY_SIZE stops far larger bodies before
        # the parser's own limit (API_MAX_BODY_BYTES) can: the same 413 and message either way.
        exc = too_large()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        body: dict[str, Any] = {"code": "invalid", "message": _first_message(detail)}
        if isinstance(detail, dict):
            body["errors"] = detail
        response.data = body
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "code": code if isinstance(code, str) else "error",
            "message": _first_message(response.data),
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# Where our own code lives: an Http404 raised there carries a sentence written for people.
OWN_PACKAGES = frozenset({"config", "frontend", "geo", "participation", "surveys"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an address under /api/ that no endpoint answers gets the API's JSON error too. A page
    gets our 404 page, saying why when one of our views said it ("This project has no districts.")."""
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return render(request, "404.html", {"reason": public_reason(exception)}, status=404)


def public_reason(exception: Exception) -> str | None:
    """The message of an Http404 that our own code raised (a translated sentence, in the request's language:
    a lazy one is rendered now), else None. Django's and other libraries' messages are never shown: the
    URL resolver's is a dict of the patterns tried, get_object_or_404's names the model ("No Suggestion
    matches the given query."), the static files' the path on disk. Told apart by the frame that raised
    it, so a library's Http404 that passes through our code stays silent too."""
    if type(exception) is not Http404 or not exception.args:
        return None  # Resolver404 and other subclasses are Django's
    message = exception.args[0]
    if not isinstance(message, str | Promise):
        return None
    raised = exception.__traceback__
    if raised is None:
        return None
    while raised.tb_next is not None:
        raised = raised.tb_next
    module = str(raised.tb_frame.f_globals.get("__name__", ""))
    if module.split(".", 1)[0] not in OWN_PACKAGES:
        return None
    return str(message)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: what Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, a forged host) is JSON with a message under /api/."""
    if _is_api(request):
        return JsonResponse(
            {"code": "bad_request", "message": _("The request cannot be processed.")}, status=400
        )
    # The page says what to do, in the visitor's language (Django's default page says only "Bad Request").
    return render(request, "400.html", status=400)
