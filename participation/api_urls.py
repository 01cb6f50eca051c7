from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("projects/", api.ProjectListApi.as_view(), name="project-list"),
    path("projects/<slug:slug>/suggestions/", api.SuggestionFeatureListApi.as_view(), name="suggestion-list"),
]
