"""/ogcapi and its resources, without trailing slashes: GDAL and QGIS append "/collections" and
"/collections/<id>/items" to the address they are given, and GDAL reads a trailing slash as a directory.
An address with a trailing slash (typed by a person) is redirected to the one without, if that one is the
API's; every other address under /ogcapi is OGC's 404 exception. The last pattern takes them all, so
Django's APPEND_SLASH never sends /ogcapi/x to /ogcapi/x/ (which used to send it back: a redirect loop)."""

from django.urls import path, re_path

from . import tile_views, views

app_name = "ogcapi"

urlpatterns = [
    path("ogcapi", views.landing, name="landing"),
    path("ogcapi/conformance", views.conformance, name="conformance"),
    path("ogcapi/api", views.api, name="api"),
    path("ogcapi/collections", views.collections, name="collections"),
    path("ogcapi/collections/<str:collection_id>", views.collection, name="collection"),
    path("ogcapi/collections/<str:collection_id>/queryables", views.queryables, name="queryables"),
    path("ogcapi/collections/<str:collection_id>/sortables", views.sortables, name="sortables"),
    path("ogcapi/collections/<str:collection_id>/items", views.items, name="items"),
    path("ogcapi/collections/<str:collection_id>/items/<str:feature_id>", views.item, name="item"),
    # OGC API – Tiles (tile_views.py): the tilesets of the projects' vector tiles and their tiling scheme.
    path("ogcapi/tiles", tile_views.tilesets, name="tilesets"),
    path("ogcapi/tiles/<slug:slug>", tile_views.tileset, name="tileset"),
    path("ogcapi/tileMatrixSets", tile_views.tile_matrix_sets, name="tile-matrix-sets"),
    path(
        "ogcapi/tileMatrixSets/<str:tile_matrix_set_id>", tile_views.tile_matrix_set, name="tile-matrix-set"
    ),
    re_path(r"^(?P<path>ogcapi/.*)$", views.unknown_or_slashed),
]
