"""geo's pages: the planners' coverage page, the export page and its jobs, and the staff's "Use in QGIS"."""

from django.urls import path

from . import export_views, qgis_views
from .analysis import views as analysis_views
from .analysis.feeds import DistrictFeed

app_name = "geo"

urlpatterns = [
    # A district's published suggestions as an Atom feed (the project's other feeds are participation's).
    path("projects/<slug:slug>/feed/districts/<str:district>/", DistrictFeed(), name="district-feed"),
    # The public districts with their feeds, and the form for an alert for one of them.
    path("projects/<slug:slug>/districts/", analysis_views.district_alerts_page, name="district-alerts"),
    path("projects/<slug:slug>/planning/coverage/", analysis_views.coverage_page, name="coverage"),
    path("projects/<slug:slug>/planning/export/", export_views.export_page, name="export"),
    path("projects/<slug:slug>/planning/qgis/", qgis_views.qgis_page, name="qgis"),
    # The slug converter stops at the dot: suggestions_points.qml is the layer and the format.
    path(
        "projects/<slug:slug>/planning/export/styles/<slug:layer>.<slug:style_format>",
        export_views.export_style,
        name="export-style",
    ),
    path(
        "projects/<slug:slug>/planning/exports/<str:job_id>/",
        export_views.export_job_page,
        name="export-job",
    ),
    path(
        "projects/<slug:slug>/planning/exports/<str:job_id>/download",
        export_views.export_job_download,
        name="export-download",
    ),
]
