"""The bench server's URLs for tests: the site plus the benchmark-only views, as benchmarks.urls has them."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [path("bench/", include("benchmarks.bare_urls")), *site]
