"""Exports through the API: planners with a token (or a session), and the open-data export for anyone.

    POST /api/v1/projects/<slug>/exports/<format>?category=…&state=…  planners: every format and filter
    GET /api/v1/projects/<slug>/exports/jobs/<id>                    a background export's state
    GET /api/v1/projects/<slug>/exports/jobs/<id>/download           its file, until it expires
    GET /api/v1/projects/<slug>/open-data/<format>                   anyone: published, public fields

GeoJSON and CSV stream at once. A GeoPackage, Shapefile or KML of more than EXPORT_INLINE_MAX_FEATURES
suggestions answers 202 with the job's URL in `Location`; poll it until `state` is `done`.

Starting a planner's export is a POST: a GET could be started by a link or an image on another site in a
signed-in planner's browser (a background job, a large file). With the session it needs the CSRF token;
with `Authorization: Token …` it does not (no browser sends that header by itself). The open data stays GET:
public, read-only, and limited per address.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.parsers import JSONParser
from participation import selectors as participation_selectors
from participation.access import project_get_for_staff
from participation.models import Project, StaffRole

from ..exports import services
from ..exports.filters import ExportFilterInvalid, export_filter_from_query
from ..exports.responses import file_response, job_file_response, streamed_response
from ..models import ExportJob


class FirstRenderer(DefaultContentNegotiation):
    """Files are the answer whatever the client accepts; errors and job states are JSON. A body is parsed
    by its content type, as everywhere else."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


FILTER_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=description)
    for name, description in (
        ("category", "Category keys, comma-separated."),
        ("state", "Planners only: published, pending, rejected (comma-separated); default published."),
        ("status", "Planning statuses, comma-separated."),
        ("created_from", "Submitted on or after this date (YYYY-MM-DD, the project's time zone)."),
        ("created_to", "Submitted on or before this date (YYYY-MM-DD)."),
        ("bbox", "minlon,minlat,maxlon,maxlat in WGS84."),
        ("area", "A GeoJSON Polygon in WGS84 (URL-encoded)."),
    )
]


class ExportJobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    format = serializers.CharField()
    state = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.IntegerField(help_text="0-100")
    feature_count = serializers.IntegerField(allow_null=True)
    filters = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    download_url = serializers.CharField(allow_null=True)


def _job_body(job: ExportJob) -> dict[str, object]:
    download = None
    if job.state == "done":
        download = reverse("api:export-job-download", kwargs={"slug": job.project.slug, "job_id": job.pk})
    return {
        "id": str(job.pk),
        "format": job.format,
        "state": job.state,
        "progress": job.progress,
        "feature_count": job.feature_count,
        "filters": job.filters,
        "created_at": job.created_at,
        "expires_at": job.expires_at,
        "download_url": download,
    }


def _planners_project(request: Request, slug: str) -> Project:
    """The project, for its planners (also before it is public): 404 for anyone who may not know of it,
    401 for anonymous callers, 403 for everyone else, before anything of the request is read."""
    return project_get_for_staff(slug=slug, user=request.user, role=StaffRole.PLANNER)


class ExportStartWithGet(exceptions.MethodNotAllowed):
    default_detail = _(
        "An export is started with POST (the filters stay in the query string). "
        "GET is refused so that a link on another site cannot start one for you."
    )

    def __init__(self) -> None:
        super().__init__("GET", detail=self.default_detail)


class ExportApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer
    # A form-encoded POST is parsed too, so that a cross-site form without the CSRF token gets the CSRF
    # refusal (403) rather than a complaint about its body.
    parser_classes = [JSONParser, parsers.FormParser, parsers.MultiPartParser]

    @extend_schema(
        operation_id="project_export",
        parameters=FILTER_PARAMETERS,
        request=None,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The file (streamed for GeoJSON/CSV)."
            ),
            202: ExportJobOutput,
        },
        summary="Export a project's suggestions (planners)",
        description=(
            "Formats: geojson, csv, gpkg, shp (zip), kml. Needs `Authorization: Token …` of a planner of "
            "the project (or the session with its CSRF token). The filters are query parameters; the body "
            "is empty. Large GDAL exports answer 202 with the job; poll its `Location`. GET answers 405."
        ),
    )
    def post(self, request: Request, slug: str, export_format: str) -> Response:
        project = _planners_project(request, slug)
        if request.data:
            # Filters sent in the body would be ignored: refusing them means a mistake never widens an export.
            raise ExportFilterInvalid(_("Send the filters as query parameters; the body stays empty."))
        chosen = services.export_format_get(export_format)
        export_filter = export_filter_from_query(request.query_params, project=project)
        result = services.export_start(
            actor=request.user,
            project=project,
            export_filter=export_filter,
            export_format=chosen,
            source_url=request.build_absolute_uri(),
        )
        if not isinstance(result, services.Queued):
            return file_response(result)
        url = reverse("api:export-job", kwargs={"slug": project.slug, "job_id": result.job.pk})
        return Response(_job_body(result.job), status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    def http_method_not_allowed(self, request: Request, *args: object, **kwargs: object) -> Response:
        if request.method == "GET":
            raise ExportStartWithGet()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ExportJobApi(APIView):
    @extend_schema(responses={200: ExportJobOutput}, summary="A background export's state (planners)")
    def get(self, request: Request, slug: str, job_id: str) -> Response:
        job = services.export_job_get(
            actor=request.user, project=_planners_project(request, slug), job_id=job_id
        )
        return Response(_job_body(job))


class ExportJobDownloadApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="The file.")},
        summary="Download a finished background export (planners)",
    )
    def get(self, request: Request, slug: str, job_id: str) -> Response:
        path, job = services.export_job_file(
            actor=request.user, project=_planners_project(request, slug), job_id=job_id
        )
        return job_file_response(path, job)


class OpenDataApi(APIView):
    authentication_classes = []  # the same answer for everyone: no session, no token
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "open_data"

    @extend_schema(
        operation_id="project_open_data",
        parameters=[p for p in FILTER_PARAMETERS if p.name != "state"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="GeoJSON or CSV, streamed.")
        },
        summary="Open data: a public project's published suggestions",
        description="Formats: geojson, csv. Public fields only; no account needed.",
    )
    def get(self, request: Request, slug: str, export_format: str) -> Response:
        project = participation_selectors.project_get(slug=slug)
        chosen = services.export_format_get(export_format, open_data=True)
        export_filter = export_filter_from_query(request.query_params, project=project, public=True)
        result = services.open_data_export(
            project=project,
            export_filter=export_filter,
            export_format=chosen,
            source_url=request.build_absolute_uri(),
        )
        return streamed_response(result)
