"""The app's URLs plus the benchmark's anchors (only under config.settings.bench, never in production).

`bench/naive/<slug>/suggestions` is the naive way to serve the same read: a DRF-gis
GeoFeatureModelSerializer list of published suggestions, filtered by bbox in the ORM, paged by
limit/offset with a count, as a typical GeoDjango API would do it. The benchmark compares our map and
OGC API pages with it. `bench/naive/<slug>/results` is the results page's figures through the ORM
(benchmarks/naive_results.py).
"""

from django.urls import include, path

from benchmarks.naive import NaiveSuggestionList
from benchmarks.naive_results import naive_results
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/naive/<slug:slug>/suggestions", NaiveSuggestionList.as_view(), name="bench-naive"),
    path("bench/naive/<slug:slug>/results", naive_results, name="bench-naive-results"),
    path("bench/", include("benchmarks.bare_urls")),
    *app_urlpatterns,
]
