"""Benchmark-only routes, included under /bench/ by benchmarks.urls; never part of config.urls."""

from django.urls import path

from . import bare_views

app_name = "bench"
urlpatterns = [
    path("suggestions/<slug:slug>/", bare_views.suggestion_insert, name="suggestion-insert"),
    path("photos/<slug:slug>/", bare_views.photo_store, name="photo-store"),
    path("session/", bare_views.session_from_token, name="session"),
]
