"""The planners' export page, an export job's progress page and its download (pages, not the API).

Planners of the project only (`participation.access.planners_only`): anonymous visitors are sent to
sign in, everyone else gets 403. The form is sent with POST and its CSRF token: a link or an image on another
site must not start an export in a signed-in planner's browser. Job pages and downloads are GETs of what
already exists, for the planner who asked for it, until it expires.
"""

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from config.errors import DomainError
from participation.access import planners_only
from participation.models import Project

from .exports import services
from .exports.filters import ExportFilterForm
from .exports.responses import file_response, job_file_response
from .layers.selectors import context_layer_list
from .models import ExportFormat, ExportJob, ExportJobState
from .tiles.urls import layer_tile_url, style_url, vector_tile_url

# The export layers as the page names them.
LAYER_LABELS = {
    "suggestions_points": _("Points"),
    "suggestions_lines": _("Lines"),
    "suggestions_areas": _("Areas"),
}


@require_http_methods(["GET", "POST"])
@planners_only
def export_page(request: HttpRequest, project: Project) -> HttpResponse:
    """The filter form; POSTed, it makes the export: the file at once, or a redirect to its job's page."""
    posted = request.method == "POST"
    export_format = request.POST.get("format", "") if posted else None
    form = ExportFilterForm(request.POST if posted else None, project=project)
    if posted and form.is_valid():
        try:
            chosen = services.export_format_get(export_format)
        except services.ExportFormatUnknown as error:
            form.add_error(None, error.message)
        else:
            try:
                result = services.export_start(
                    actor=request.user,
                    project=project,
                    export_filter=form.export_filter(),
                    export_format=chosen,
                    source_url=request.build_absolute_uri(),
                )
            except DomainError as error:  # too large for the format, or GDAL failed
                form.add_error(None, error.message)
            else:
                if not isinstance(result, services.Queued):
                    return file_response(result)
                # 303: the browser follows with a GET, and reloading the job page starts nothing.
                response = redirect(_job_url(project, result.job))
                response.status_code = 303
                return response
    jobs = ExportJob.objects.filter(project=project, requested_by=request.user)[:10]
    return render(
        request,
        "geo/export.html",
        {
            "project": project,
            "form": form,
            "formats": ExportFormat.choices,
            "chosen_format": export_format or ExportFormat.GPKG,
            "jobs": [(job, _job_url(project, job)) for job in jobs],
            # Each layer's QGIS style and SLD, as the GeoPackage carries them.
            "style_files": [
                {
                    "layer": layer,
                    "label": LAYER_LABELS[layer],
                    **{
                        style_format: reverse(
                            "geo:export-style",
                            kwargs={"slug": project.slug, "layer": layer, "style_format": style_format},
                        )
                        for style_format in services.STYLE_MEDIA_TYPES
                    },
                }
                for layer in services.export_style_layers(project=project)
            ],
            "ogcapi_url": request.build_absolute_uri("/ogcapi"),
            "vector_tile_url": vector_tile_url(request, project),
            # The style QGIS draws the tiles with (categories' colours, statuses); public projects only, as
            # their tiles.
            "style_url": style_url(request, project.slug) if project.is_public else None,
            # The layers QGIS can read without signing in: those everyone sees.
            "layer_tile_urls": [
                (layer.name, layer_tile_url(request, project.slug, layer.pk))
                for layer in context_layer_list(user=None, project=project)
            ],
            "export_config": {
                "area": json.loads(project.area.geojson),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "layersUrl": reverse("api:context-layer-list", kwargs={"slug": project.slug}),
                "placesUrl": reverse("api:place-search", kwargs={"slug": project.slug}),
            },
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_safe
@planners_only
def export_style(request: HttpRequest, project: Project, layer: str, style_format: str) -> HttpResponse:
    """A layer's QGIS style (.qml) or SLD (.sld), as a file to save and load in QGIS."""
    try:
        style = services.export_style(
            actor=request.user, project=project, layer=layer, style_format=style_format
        )
    except services.ExportStyleMissing as error:
        # Said in words: a QGIS user who typed the address learns which styles there are.
        return HttpResponse(error.message, status=error.status_code, content_type="text/plain; charset=utf-8")
    response = HttpResponse(style.content, content_type=style.content_type)
    response["Content-Disposition"] = content_disposition_header(True, style.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@planners_only
def export_job_page(request: HttpRequest, project: Project, job_id: str) -> HttpResponse:
    return _job_page(request, project, _job(request, project, job_id))


@require_GET
@planners_only
def export_job_download(request: HttpRequest, project: Project, job_id: str) -> HttpResponse:
    try:
        path, job = services.export_job_file(actor=request.user, project=project, job_id=job_id)
    except services.ExportJobMissing as error:  # unknown, or another project's job: as on the job's page
        raise Http404(error.message) from None
    except (services.ExportExpired, services.ExportNotReady) as error:
        return _job_page(request, project, _job(request, project, job_id), problem=error)
    return job_file_response(path, job)


def _job(request: HttpRequest, project: Project, job_id: str) -> ExportJob:
    try:
        return services.export_job_get(actor=request.user, project=project, job_id=job_id)
    except services.ExportJobMissing as error:
        raise Http404(error.message) from None


def _job_page(
    request: HttpRequest, project: Project, job: ExportJob, problem: DomainError | None = None
) -> HttpResponse:
    refresh = job.state in (ExportJobState.QUEUED, ExportJobState.RUNNING)
    return render(
        request,
        "geo/export_job.html",
        {
            "project": project,
            "job": job,
            "problem": problem.message if problem else None,
            "download_url": reverse("geo:export-download", kwargs={"slug": project.slug, "job_id": job.pk}),
            "export_url": reverse("geo:export", kwargs={"slug": project.slug}),
            "refresh": refresh,
            "job_config": {
                "statusUrl": reverse("api:export-job", kwargs={"slug": project.slug, "job_id": job.pk}),
                "refresh": refresh,
            },
        },
        status=problem.status_code if problem else 200,
    )


def _job_url(project: Project, job: ExportJob) -> str:
    return reverse("geo:export-job", kwargs={"slug": project.slug, "job_id": job.pk})
