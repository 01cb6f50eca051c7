"""Pages the framework shows on its own: the refusal of a write without its CSRF token."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from another site, or from a page open so long its token expired.

    The reason (English, technical) is not shown: the person needs to know what to do next.
    """
    message = _(
        "This form could not be sent: it did not come from this site's page, or the page was open too long. "
        "Please reload the page and try again."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "csrf_failed", "message": message}, status=403)
    return render(request, "403_csrf.html", {"message": message}, status=403)
