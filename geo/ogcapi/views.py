"""The OGC API's resources. The landing page, conformance and API documents are the API's own; the
collections and their items are answered by the collection's kind (geo/ogcapi/kinds.py: suggestions,
context layers), each as JSON (GeoJSON for features) or as an HTML page (geo/ogcapi/responses.py).
"""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import crs, kinds, tile_views
from .errors import ResourceNotFound
from .openapi import OPENAPI_MEDIA_TYPE, PARAMETERS, openapi_document
from .params import COMMON_PARAMETERS, LIMIT_MAX, check_known
from .responses import (
    GEOJSON,
    HTML,
    JSON,
    SCHEMA_JSON,
    json_response,
    link,
    ogc_resource,
    self_links,
    url,
)

_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
_FILTER = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
_CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
# Exactly what is implemented: Part 1, Part 3's queryables and filter on the suggestion collections, and of
# CQL2 the text encoding, the basic language, LIKE/IN/BETWEEN, CASEI(), ACCENTI(), comparisons of two
# properties and S_INTERSECTS (geo/ogcapi/cql2.py).
# Not temporal-functions: pygeofilter 0.4 cannot parse T_DISJOINT, T_STARTS, T_FINISHES…, and reads
# T_INTERSECTS as T_OVERLAPS, so only T_AFTER, T_BEFORE, T_DURING and T_EQUALS are offered.
CONFORMANCE = [
    f"{_CONF}core",
    f"{_CONF}geojson",
    f"{_CONF}html",
    f"{_CONF}oas30",
    f"{_FILTER}queryables",
    f"{_FILTER}filter",
    f"{_FILTER}features-filter",
    f"{_CQL2}cql2-text",
    f"{_CQL2}basic-cql2",
    f"{_CQL2}advanced-comparison-operators",
    f"{_CQL2}case-insensitive-comparison",
    f"{_CQL2}accent-insensitive-comparison",
    f"{_CQL2}property-property",
    f"{_CQL2}basic-spatial-functions",
]
# OGC API – Tiles (tile_views.py): the projects' vector tiles as dataset tilesets.
CONFORMANCE += tile_views.CONFORMANCE
# OGC API – Features Part 2 (crs.py): `crs` and `bbox-crs` on every collection's items and item.
CONFORMANCE += ["http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"]


def _api_title() -> str:
    return _("Participation map: suggestions as OGC API – Features")


def _api_description() -> str:
    return _(
        "Published suggestions of the participation projects, one collection per project and geometry kind, "
        "and the projects' public context layers (existing facilities, districts, reference), one collection "
        "per layer. Connect QGIS with Layer → Add Layer → Add WFS / OGC API – Features Layer."
    )


# --------------------------------------------------------------------------------------------------- views
@ogc_resource(JSON)
def landing(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    links = [
        *self_links(request, "landing"),
        link(url(request, "api"), "service-desc", OPENAPI_MEDIA_TYPE, _("The API definition (OpenAPI 3.0)")),
        link(url(request, "api", query={"f": "html"}), "service-doc", HTML, _("The API documentation")),
        link(url(request, "conformance"), "conformance", JSON, _("Conformance classes")),
        link(url(request, "collections"), "data", JSON, _("Collections")),
        link(
            url(request, "tilesets"), tile_views.TILESETS_VECTOR, JSON, _("Vector tilesets of the projects")
        ),
        link(
            url(request, "tile-matrix-sets"),
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
            JSON,
            _("Tiling schemes"),
        ),
    ]
    if html:
        return render(
            request,
            "geo/ogcapi/landing.html",
            {"title": _api_title(), "description": _api_description(), "base_url": url(request, "landing")},
        )
    return json_response({"title": _api_title(), "description": _api_description(), "links": links})


@ogc_resource(JSON)
def conformance(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    if html:
        return render(request, "geo/ogcapi/conformance.html", {"classes": CONFORMANCE})
    return json_response({"conformsTo": CONFORMANCE, "links": self_links(request, "conformance")})


@ogc_resource(OPENAPI_MEDIA_TYPE, JSON)
def api(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    document = openapi_document(
        base_url=url(request, "landing"), title=_api_title(), description=_api_description()
    )
    if html:
        return render(
            request,
            "geo/ogcapi/api.html",
            {
                "paths": [(path, item["get"]) for path, item in document["paths"].items()],
                "parameters": PARAMETERS,
                "limit_max": LIMIT_MAX,
            },
        )
    return json_response(document, OPENAPI_MEDIA_TYPE)


@ogc_resource(JSON)
def collections(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    found = kinds.collection_list(request)
    if html:
        rows = [(collection.id, *kind.listing_row(collection)) for kind, collection in found]
        return render(request, "geo/ogcapi/collections.html", {"collections": rows})
    return json_response(
        {
            "links": self_links(request, "collections"),
            "collections": [kind.collection_json(request, collection) for kind, collection in found],
            # Part 2's list of the CRSs the API offers; every collection lists them too (its own `crs`).
            "crs": crs.supported_uris(),
        }
    )


@ogc_resource(JSON)
def collection(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    kind, found = kinds.collection_get(collection_id=collection_id, request=request)
    if html:
        return kind.collection_page(request, found)
    return json_response(kind.collection_json(request, found))


@ogc_resource(SCHEMA_JSON, JSON)
def queryables(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    kind, found = kinds.collection_get(collection_id=collection_id, request=request)
    if kind.queryables is None:
        raise ResourceNotFound()
    return kind.queryables(request, found, html=html)


@ogc_resource(SCHEMA_JSON, JSON)
def sortables(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    # With the request: a staff id is then answered (its 404 too) as private, like every staff address.
    kind, found = kinds.collection_get(collection_id=collection_id, request=request)
    if kind.sortables is None:
        raise ResourceNotFound()
    return kind.sortables(request, found, html=html)


@ogc_resource(GEOJSON, JSON)
def items(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    kind, found = kinds.collection_get(collection_id=collection_id, request=request)
    return kind.items(request, found, html=html)


@ogc_resource(GEOJSON, JSON)
def item(request: HttpRequest, collection_id: str, feature_id: str, *, html: bool) -> HttpResponse:
    kind, found = kinds.collection_get(collection_id=collection_id, request=request)
    return kind.item(request, found, feature_id, html=html)


@require_safe
def unknown_or_slashed(request: HttpRequest, path: str) -> HttpResponse:
    """`/ogcapi/…/` → `/ogcapi/…` (the query kept) when that is one of the API's resources: the addresses
    without a trailing slash are the API's. Anything else under /ogcapi is OGC's 404 exception, never a
    redirect: a redirect to an address that does not exist either is where the old loop began."""
    target = request.path.rstrip("/")  # starts with /ogcapi (the pattern says so): never another host
    if target != request.path and _is_resource(target):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    return _not_found(request)


def _is_resource(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace == "ogcapi" and match.func is not unknown_or_slashed


@ogc_resource(JSON)
def _not_found(request: HttpRequest, *, html: bool) -> HttpResponse:
    raise ResourceNotFound()
