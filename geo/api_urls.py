"""Map, tile and export endpoints under /api/v1/ (included by `participation.api_urls`, namespace `api`)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("projects/<slug:slug>/map/", api.ProjectMapDataApi.as_view(), name="project-map-data"),
]
