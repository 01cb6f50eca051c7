"""OGC API – Tiles (Part 1: core, tileset, tilesets-list, dataset-tilesets) for clients that discover tiles:
`/ogcapi/tiles` lists one vector tileset per public project, `/ogcapi/tiles/<slug>` is its metadata (its tile
template, the TileJSON and the style), `/ogcapi/tileMatrixSets/WebMercatorQuad` the one tiling scheme.

The tiles themselves stay at /tiles/<slug>/{z}/{x}/{y}.pbf (geo/tiles), linked as a template with OGC's
variable names. JSON only: an `f=html` is answered with the JSON too (there is no HTML page of these)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from geo.tiles import documents
from geo.tiles import selectors as tile_selectors
from geo.tiles.urls import document_urls

from .errors import OgcApiError
from .params import COMMON_PARAMETERS, check_known
from .responses import JSON, json_response, link, ogc_resource, url

_TILES_CONF = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
CONFORMANCE = [
    f"{_TILES_CONF}{name}" for name in ("core", "tileset", "tilesets-list", "dataset-tilesets", "mvt")
]
TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"


class TilesetNotFound(OgcApiError):
    status_code = 404
    code = "NotFound"
    default_message = _("There is no such tileset.")


class TileMatrixSetNotFound(OgcApiError):
    status_code = 404
    code = "NotFound"
    default_message = _("There is no such tile matrix set: this API tiles in WebMercatorQuad only.")


def _tiling_scheme(request: HttpRequest) -> str:
    return url(request, "tile-matrix-set", documents.WEB_MERCATOR_QUAD)


@ogc_resource(JSON)
def tilesets(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    entries: list[dict[str, Any]] = []
    for project in tile_selectors.public_projects():
        entries.append(
            {
                "title": _("Vector tiles of “%(project)s”") % {"project": project.title},
                "dataType": "vector",
                "crs": documents.EPSG_3857,
                "tileMatrixSetURI": documents.WEB_MERCATOR_QUAD_URI,
                "links": [
                    link(url(request, "tileset", project.slug), "self", JSON, _("The tileset's metadata")),
                    link(_tiling_scheme(request), TILING_SCHEME, JSON, documents.WEB_MERCATOR_QUAD),
                ],
            }
        )
    return json_response(
        {"links": [link(url(request, "tilesets"), "self", JSON, _("This document"))], "tilesets": entries}
    )


@ogc_resource(JSON)
def tileset(request: HttpRequest, slug: str, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    styled = tile_selectors.styled_project(slug=slug)
    if styled is None:
        raise TilesetNotFound()
    body = documents.tileset(styled, document_urls(request, styled), tiling_scheme=_tiling_scheme(request))
    body["links"].insert(0, link(url(request, "tileset", slug), "self", JSON, _("This document")))
    return json_response(body)


@ogc_resource(JSON)
def tile_matrix_sets(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    return json_response(
        {
            "links": [link(url(request, "tile-matrix-sets"), "self", JSON, _("This document"))],
            "tileMatrixSets": [
                {
                    "id": documents.WEB_MERCATOR_QUAD,
                    "title": "Google Maps Compatible for the World",
                    "uri": documents.WEB_MERCATOR_QUAD_URI,
                    "links": [
                        link(_tiling_scheme(request), TILING_SCHEME, JSON, documents.WEB_MERCATOR_QUAD)
                    ],
                }
            ],
        }
    )


@ogc_resource(JSON)
def tile_matrix_set(request: HttpRequest, tile_matrix_set_id: str, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    if tile_matrix_set_id != documents.WEB_MERCATOR_QUAD:
        raise TileMatrixSetNotFound()
    return json_response(documents.tile_matrix_set())
