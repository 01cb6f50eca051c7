"""The texts our scripts show, as Django's JavaScript catalogue (domain `djangojs`, locale/*/djangojs.po).

Pages hand their scripts only data; every text a script shows is `gettext(...)` in frontend/src/ and comes
from this catalogue, served as a script file (our CSP allows no inline script) before the page's bundle.
Its address names the language and a version (a digest of the compiled catalogues), so a browser keeps
it for a year and a new translation is fetched under a new address.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

# Our own catalogue only (LOCALE_PATHS, which DjangoTranslation always reads): without a package list the
# view would add every installed app's djangojs texts (the admin's calendar), which our scripts never show.
_catalogue = JavaScriptCatalog.as_view(packages=["frontend"])
ONE_YEAR = 365 * 24 * 60 * 60


def catalogue_version() -> str:
    """A digest of the compiled djangojs catalogues: once per process (they change with a deploy), on every
    page under DEBUG, where `make dev` reloads translations compiled while it runs."""
    return _digest() if settings.DEBUG else _digest_once()


def _digest() -> str:
    digest = hashlib.sha256()
    for directory in settings.LOCALE_PATHS:
        for mo in sorted(Path(directory).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(mo.parent.parent.name.encode() + b"\0" + mo.read_bytes())
    return digest.hexdigest()[:12]


_digest_once = cache(_digest)


def catalogue_url(language: str | None = None) -> str:
    """The catalogue's address for a language (the active one by default)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return reverse("frontend:javascript-catalogue", args=[language, catalogue_version()])


@require_GET
@cache_control(public=True, max_age=ONE_YEAR, immutable=True)
def javascript_catalogue(request: HttpRequest, language: str, version: str) -> HttpResponse:
    """The catalogue of the language in the address. Any version is answered with the current texts: a page
    still open from before a deploy gets today's, and the browser keeps them under that page's address."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = _catalogue(request)
    # Like each of our scripts it names its source map (browser tests read the sources of what a page loads).
    response.content += f"\n//# sourceMappingURL={version}.js.map\n".encode()
    # LocaleMiddleware would name the page's language (cookie, Accept-Language), not the address's.
    response["Content-Language"] = language
    return response


@require_GET
@cache_control(public=True, max_age=ONE_YEAR, immutable=True)
def javascript_catalogue_map(request: HttpRequest, language: str, version: str) -> HttpResponse:
    """The catalogue's source map: made by Django's catalogue template from our djangojs catalogue."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    sources = ["django/views/templates/i18n_catalog.js", f"locale/{language}/LC_MESSAGES/djangojs.po"]
    body = {"version": 3, "file": f"{version}.js", "sources": sources, "names": [], "mappings": ""}
    return JsonResponse(body, json_dumps_params={"separators": (",", ":")})
