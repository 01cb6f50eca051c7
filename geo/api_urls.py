"""The read path's endpoints under /api/v1/: a project's suggestion collection (GeoJSON pages; POST goes to
participation), the map's viewport data, its context layers, the existing facilities near a drawn place,
routes along the street network, the place search and the exports. config/api_urls.py composes them under
`api`."""

from django.urls import path

from .api import exports, features, layers, nearby, places, routing, viewport

urlpatterns = [
    path(
        "projects/<slug:slug>/suggestions/",
        features.SuggestionCollectionApi.as_view(),
        name="suggestion-list",
    ),
    path("projects/<slug:slug>/map/", viewport.ProjectMapDataApi.as_view(), name="project-map-data"),
    path("projects/<slug:slug>/layers/", layers.ContextLayerListApi.as_view(), name="context-layer-list"),
    path(
        "projects/<slug:slug>/facilities-nearby/",
        nearby.FacilitiesNearbyApi.as_view(),
        name="facilities-nearby",
    ),
    path("projects/<slug:slug>/route/", routing.RouteApi.as_view(), name="route"),
    path("projects/<slug:slug>/route/network/", routing.RouteNetworkApi.as_view(), name="route-network"),
    path("projects/<slug:slug>/route/streets/", routing.StreetSearchApi.as_view(), name="route-streets"),
    path(
        "projects/<slug:slug>/route/crossings/",
        routing.StreetCrossingsApi.as_view(),
        name="route-crossings",
    ),
    path("projects/<slug:slug>/places/", places.PlaceSearchApi.as_view(), name="place-search"),
    path(
        "projects/<slug:slug>/exports/jobs/<str:job_id>",
        exports.ExportJobApi.as_view(),
        name="export-job",
    ),
    path(
        "projects/<slug:slug>/exports/jobs/<str:job_id>/download",
        exports.ExportJobDownloadApi.as_view(),
        name="export-job-download",
    ),
    path(
        "projects/<slug:slug>/exports/<str:export_format>",
        exports.ExportApi.as_view(),
        name="project-export",
    ),
    path(
        "projects/<slug:slug>/open-data/<str:export_format>",
        exports.OpenDataApi.as_view(),
        name="project-open-data",
    ),
]
