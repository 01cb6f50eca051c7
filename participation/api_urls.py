from django.urls import include, path

from . import api

app_name = "api"

urlpatterns = [
    path("projects/", api.ProjectListApi.as_view(), name="project-list"),
    path("projects/<slug:slug>/suggestions/", api.SuggestionFeatureListApi.as_view(), name="suggestion-list"),
    path("", include("geo.api_urls")),
]
