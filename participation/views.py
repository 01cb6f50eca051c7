"""Public pages of a project. Rules live in selectors; these only choose a template and its data."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .errors import ProjectNotFound
from .models import Category, PlanningStatus, Project


def home(request: HttpRequest) -> HttpResponse:
    """`/` leads to the default project's map, else to the newest project, else explains what to do."""
    project = selectors.project_list().filter(slug=settings.DEFAULT_PROJECT_SLUG).first()
    project = project or selectors.project_list().first()
    if project is None:
        return render(request, "participation/no_projects.html", status=200)
    return redirect("participation:project-map", slug=project.slug)


def map_config(*, request: HttpRequest, project: Project, categories: list[Category]) -> dict[str, object]:
    """What the map script needs, handed over as JSON in the page (CSP forbids inline script)."""
    return {
        "slug": project.slug,
        "center": [project.map_center.x, project.map_center.y],
        "zoom": project.map_zoom,
        "area": json.loads(project.area.geojson),
        "categories": [
            {"key": c.key, "label": c.label, "kind": c.geometry_kind, "colour": c.colour} for c in categories
        ],
        "suggestionsUrl": reverse("api:suggestion-list", kwargs={"slug": project.slug}),
        "pageSize": min(1000, settings.API_PAGE_MAX),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "language": request.LANGUAGE_CODE,
        "labels": {
            "planningStatus": dict(PlanningStatus.choices),
            "supports": _("Supports"),
            "comments": _("Comments"),
            "status": _("Status"),
            "created": _("Suggested on"),
            "shown": _("%(count)s suggestions shown in this map section."),
            "more": _("Showing the first %(count)s suggestions here; zoom in to see all."),
            "failed": _("The suggestions could not be loaded. Please try again later."),
        },
    }


def project_map(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        return render(request, "participation/project_missing.html", {"slug": slug}, status=404)
    categories = selectors.category_list(project=project)
    return render(
        request,
        "participation/project_map.html",
        {
            "project": project,
            "categories": categories,
            "map_config": map_config(request=request, project=project, categories=categories),
        },
    )
