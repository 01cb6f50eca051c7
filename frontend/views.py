"""The site's own pages: the legal pages, and the refusal of a write without its CSRF token."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .legal_text import legal_text_html
from .models import LegalPageKind
from .privacy_facts import privacy_facts
from .selectors import legal_page_get


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


def legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Imprint, privacy statement, accessibility statement or terms, as the site administrator wrote them."""
    page = legal_page_get(kind=kind)
    return render(
        request,
        "frontend/legal_page.html",
        {
            "page": page,
            "body": legal_text_html(page.body),
            # Facts that follow from code and settings; the administrator's text cannot contradict them.
            "privacy_facts": privacy_facts() if kind == LegalPageKind.PRIVACY else [],
            "licence": settings.EXPORT_LICENCE if kind == LegalPageKind.TERMS else "",
        },
    )
