"""A project's public results: figures, what was decided with the official answers, a map drawn by the server.

No script on these pages: the figures are tables with bars, the map is SVG from PostGIS, the lists are paged
by links. They read the same with JavaScript off and print as an A4 report (frontend/src/public-results.css).
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors
from ..errors import InvalidCursor, ProjectNotFound
from ..models import PlanningStatus, Project
from ..selectors import results as results_selectors


def _missing(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "participation/project_missing.html", {"slug": slug}, status=404)


def _refused(request: HttpRequest, project: Project, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "participation/results_refused.html",
        {"project": project, "message": message},
        status=status,
    )


def _absolute(request: HttpRequest, name: str, **kwargs: object) -> str:
    """The full address of a page, printed after its link on paper."""
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def _map_of_status(slug: str, status: str) -> str:
    """The project's full map with its status filter set to `status` (the `status` parameter that the map
    page reads on load, frontend/src/map-address.js)."""
    return f"{reverse('participation:project-map', kwargs={'slug': slug})}?{urlencode({'status': status})}"


def project_results(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        return _missing(request, slug)
    results = results_selectors.project_results_get(project=project)
    for group in results.decided:
        group.url = _absolute(
            request, "participation:project-results-decided", slug=project.slug, status=group.status
        )
        group.map_url = _map_of_status(project.slug, group.status)
    ended = results_selectors.project_phase_ended(project=project)
    return render(
        request,
        "participation/results.html",
        {
            "project": project,
            "results": results,
            "phase_ended": ended,
            "summary": project.results_summary if ended else "",
            "map_url": _absolute(request, "participation:project-map", slug=project.slug),
            "results_url": _absolute(request, "participation:project-results", slug=project.slug),
            "newest_per_status": results_selectors.NEWEST_PER_STATUS,
            "map_per_status": results_selectors.MAP_PER_STATUS,
        },
    )


def project_results_decided(request: HttpRequest, slug: str, status: str) -> HttpResponse:
    """Every published suggestion of one decided status with its official answer, newest first, by pages."""
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        return _missing(request, slug)
    decided = [str(value) for value in results_selectors.DECIDED]
    if status not in decided:
        message = _("The results list only has suggestions that were decided on: %(statuses)s.") % {
            "statuses": ", ".join(decided)
        }
        return _refused(request, project, message, 404)
    try:
        items, next_after = results_selectors.decided_page_get(
            project=project, status=status, after=request.GET.get("after")
        )
    except InvalidCursor as error:
        return _refused(request, project, str(error.message), 400)
    return render(
        request,
        "participation/results_decided.html",
        {
            "project": project,
            "status": status,
            "status_label": PlanningStatus(status).label,
            "count": results_selectors.decided_count(project=project, status=status),
            "items": items,
            "next_after": next_after,
            "first_page": not request.GET.get("after"),
            "page_size": results_selectors.DECIDED_PAGE_SIZE,
            "status_map_url": _map_of_status(project.slug, status),
        },
    )
