"""Map, tile and export endpoints under /api/v1/ (included by `participation.api_urls`, namespace `api`)."""

from django.urls import path

from . import api, export_api

urlpatterns: list = [
    path("projects/<slug:slug>/map/", api.ProjectMapDataApi.as_view(), name="project-map-data"),
    path(
        "projects/<slug:slug>/exports/jobs/<str:job_id>",
        export_api.ExportJobApi.as_view(),
        name="export-job",
    ),
    path(
        "projects/<slug:slug>/exports/jobs/<str:job_id>/download",
        export_api.ExportJobDownloadApi.as_view(),
        name="export-job-download",
    ),
    path(
        "projects/<slug:slug>/exports/<str:export_format>",
        export_api.ExportApi.as_view(),
        name="project-export",
    ),
    path(
        "projects/<slug:slug>/open-data/<str:export_format>",
        export_api.OpenDataApi.as_view(),
        name="project-open-data",
    ),
]
