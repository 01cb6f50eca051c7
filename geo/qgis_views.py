"""The "Use in QGIS" page of a project's planners and moderators: the OGC API's address, the project's staff
collections, the person's API token (made or replaced with a POST and its CSRF token, shown once), and how
to connect QGIS and GDAL step by step (docs/qgis.md says the same).

The token is shown only in the answer to the POST that made it, which no cache keeps (`no-store`); later the
page says only since when one exists. Whoever may read the project's staff layer opens the page
(`participation.access.staff_layer_readers_only`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from participation import rules
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.access import staff_layer_readers_only
from participation.models import Project

from .ogcapi.staff_selectors import staff_collection_list


@require_http_methods(["GET", "POST"])
@staff_layer_readers_only
def qgis_page(request: HttpRequest, project: Project) -> HttpResponse:
    token = participation_services.token_rotate(actor=request.user) if request.method == "POST" else None
    collections = [c for c in staff_collection_list(reader=request.user) if c.project.pk == project.pk]
    response = render(
        request,
        "geo/qgis.html",
        {
            "project": project,
            "ogcapi_url": request.build_absolute_uri(reverse("ogcapi:landing")),
            "collections": collections,
            "username": request.user.get_username(),
            "token": token,
            "token_created": participation_selectors.token_created_get(user=request.user),
            # Back to where the person came from: planners' dashboard, else the moderation queue.
            "back_url": reverse(
                "participation:planning-dashboard"
                if rules.can_plan(request.user, project)
                else "participation:moderation-queue",
                kwargs={"slug": project.slug},
            ),
        },
    )
    # A page that may hold a token is never kept by a browser's or anyone's cache.
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response
