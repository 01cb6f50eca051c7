"""Link preview pictures (Open Graph's og:image) of a published suggestion and of a project's map: PNGs drawn
by the server (participation/previews.py) from what the selectors allow (selectors/previews.py).

The picture is the same for everyone who asks (no session, no author's view: an unpublished suggestion has
none, for its author too), so it is cached publicly. Its ETag changes with anything drawn; the pages' tags
carry a version key in the address (`v`) that changes with the suggestion's shape and status, for previewers
that cache by address. The language of the texts drawn comes from `lang` (the page's language), else the
request's; any other value is ignored.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import selectors
from ..errors import ProjectNotFound, SuggestionNotFound
from ..previews import preview_png
from ..selectors.previews import Preview, project_preview_get, suggestion_preview_get

# Previewers fetch once and keep it; a browser or proxy checks again after ten minutes (the ETag makes that a
# 304). A suggestion hidden meanwhile is gone from caches within the same time.
PREVIEW_MAX_AGE = 600
# The drawn PNG in the shared cache (Redis) under its ETag, which names everything drawn: a picture is drawn
# once per change, not per previewer. Only what the selectors allowed reaches this point, so the cache holds
# only public pictures; one hidden meanwhile is refused by the query before the cache is asked.
PREVIEW_CACHE_SECONDS = 24 * 3600


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else translation.get_language()


def _answer(request: HttpRequest, preview: Preview) -> HttpResponse:
    etag = preview.etag
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        png = cache.get_or_set(f"preview-png:{etag}", lambda: preview_png(preview), PREVIEW_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PREVIEW_MAX_AGE)
    return response


@require_safe
def suggestion_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    with translation.override(_language(request)):
        try:
            project = selectors.project_get(slug=slug)
            preview = suggestion_preview_get(project=project, suggestion_id=pk)
        except (ProjectNotFound, SuggestionNotFound):
            raise Http404(_("There is no suggestion with this number.")) from None
        return _answer(request, preview)


@require_safe
def project_preview(request: HttpRequest, slug: str) -> HttpResponse:
    with translation.override(_language(request)):
        try:
            project = selectors.project_get(slug=slug)
            preview = project_preview_get(project=project)
        except (ProjectNotFound, SuggestionNotFound):
            raise Http404(_("There is no project with this name.")) from None
        return _answer(request, preview)
