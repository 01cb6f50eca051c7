"""The project's map for a town's own website (/embed/<slug>/), shown in a frame there.

Only the origins the project's administrator listed may frame it: the page sends them as its
`Content-Security-Policy: frame-ancestors`, which the browser enforces (the server never guesses from Referer
or Origin, which a page can suppress or a client forge). It is the only page without `X-Frame-Options:
DENY`; a project without origins sends `frame-ancestors 'none'` with DENY, like every other page. Nothing on
the page takes part itself: its links open the full pages in a new tab (frontend/src/embed.js)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from .. import selectors
from ..embedding import frame_ancestors
from ..errors import ProjectNotFound
from ..models import PlanningStatus
from .public import map_config


@xframe_options_exempt
def project_embed(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        # Not public or not there: the same refusal, framed nowhere (the header as on every page).
        response = render(request, "participation/project_missing.html", {"slug": slug}, status=404)
        response["X-Frame-Options"] = "DENY"
        return response
    categories = selectors.category_list(project=project)
    config = map_config(request=request, project=project, categories=categories)
    response = render(
        request,
        "participation/project_embed.html",
        {
            "project": project,
            "categories": categories,
            "planning_statuses": PlanningStatus.choices,
            "map_config": config,
        },
    )
    ancestors = frame_ancestors(project.embed_origins)
    # django-csp's per-response override (what its @csp_replace sets), here with the project's own origins.
    response._csp_replace = {"frame-ancestors": ancestors}  # type: ignore[attr-defined]
    if ancestors == ["'none'"]:
        response["X-Frame-Options"] = "DENY"  # the pair browsers without frame-ancestors understand
    return response
