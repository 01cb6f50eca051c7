"""The OGC API's resources, each as JSON (GeoJSON for features) or as an HTML page.

The format comes from `f=json|html`, else from the Accept header: browsers get HTML, GIS clients (which ask
for application/json or application/geo+json) and clients that do not say get JSON. Links are absolute:
GDAL resolves a link that starts with "/" against the landing page's address, not the host.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from participation.models import GeometryKind, PlanningStatus

from . import selectors
from .errors import ItemNotFound, OgcApiError, ResourceNotFound
from .openapi import OPENAPI_MEDIA_TYPE, PARAMETERS, openapi_document
from .params import COMMON_PARAMETERS, LIMIT_MAX, check_known, items_query, output_format, parse_feature_id
from .selectors import OgcCollection

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CONFORMANCE = [f"{_CONF}core", f"{_CONF}geojson", f"{_CONF}html", f"{_CONF}oas30"]

# Feature data changes with every moderation decision: GIS clients and caches may keep it a minute.
JSON_MAX_AGE = 60


def _wants_html(request: HttpRequest, json_types: tuple[str, ...]) -> bool:
    try:
        chosen = output_format(request.GET)
    except OgcApiError:
        chosen = None  # the parameter's own error is answered in the format the Accept header asks for
    if chosen is not None:
        return chosen == "html"
    # Without an Accept header (or with */*) the first type wins: JSON.
    return request.get_preferred_type([*json_types, HTML]) == HTML


def ogc_resource(*json_types: str) -> Callable:
    """A GET view that answers JSON (of `json_types`) or HTML, and turns OGC API errors into OGC's exception
    document, or an error page for a browser."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @require_safe
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            html = _wants_html(request, json_types)
            try:
                response = view(request, *args, html=html, **kwargs)
            except OgcApiError as error:
                if html:
                    response = render(
                        request,
                        "geo/ogcapi/error.html",
                        {"status": error.status_code, "description": error.message},
                        status=error.status_code,
                    )
                else:
                    response = HttpResponse(
                        json.dumps({"code": error.code, "description": error.message}, ensure_ascii=False),
                        content_type=JSON,
                        status=error.status_code,
                    )
            else:
                if not html:
                    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
            patch_vary_headers(response, ["Accept"])
            return response

        return wrapper

    return decorate


# ------------------------------------------------------------------------------------------------- helpers
def _url(request: HttpRequest, name: str, *args: object, query: dict[str, str] | None = None) -> str:
    url = request.build_absolute_uri(reverse(f"ogcapi:{name}", args=args))
    return f"{url}?{urlencode(query)}" if query else url


def _link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


def _self_links(
    request: HttpRequest, name: str, *args: object, media_type: str = JSON
) -> list[dict[str, str]]:
    """`self` and its other format, as OGC API asks of every resource."""
    return [
        _link(_url(request, name, *args), "self", media_type, _("This document")),
        _link(_url(request, name, *args, query={"f": "html"}), "alternate", HTML, _("This document as HTML")),
    ]


def _json(body: dict[str, Any] | list[Any], media_type: str = JSON) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=media_type)


def _api_title() -> str:
    return _("Participation map: suggestions as OGC API – Features")


def _api_description() -> str:
    return _(
        "Published suggestions of the participation projects, one collection per project and geometry kind. "
        "Connect QGIS with Layer → Add Layer → Add WFS / OGC API – Features Layer."
    )


_KIND_TITLES = {
    GeometryKind.POINT: lambda project: _("%(project)s: suggestions drawn as points") % {"project": project},
    GeometryKind.LINE: lambda project: _("%(project)s: suggestions drawn as lines") % {"project": project},
    GeometryKind.POLYGON: lambda project: _("%(project)s: suggestions drawn as areas") % {"project": project},
}


def _collection_title(collection: OgcCollection) -> str:
    return _KIND_TITLES[collection.kind](collection.project.title)


def _collection_description(collection: OgcCollection) -> str:
    return _("Published suggestions of the project “%(project)s” in the categories %(categories)s.") % {
        "project": collection.project.title,
        "categories": ", ".join(f"{c.label} ({c.key})" for c in collection.categories),
    }


def _rfc3339(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _collection_json(request: HttpRequest, collection: OgcCollection) -> dict[str, Any]:
    minlon, minlat, maxlon, maxlat = collection.project.area.extent
    return {
        "id": collection.id,
        "title": _collection_title(collection),
        "description": _collection_description(collection),
        "links": [
            _link(_url(request, "collection", collection.id), "self", JSON, _("This collection")),
            _link(
                _url(request, "collection", collection.id, query={"f": "html"}),
                "alternate",
                HTML,
                _("This collection as HTML"),
            ),
            _link(_url(request, "items", collection.id), "items", GEOJSON, _("The features as GeoJSON")),
            _link(
                _url(request, "items", collection.id, query={"f": "html"}),
                "items",
                HTML,
                _("The features as HTML"),
            ),
        ],
        "extent": {
            # The project's area: every suggestion lies inside it.
            "spatial": {"bbox": [[round(v, 7) for v in (minlon, minlat, maxlon, maxlat)]], "crs": CRS84},
            "temporal": {
                "interval": [[_rfc3339(collection.first_created), _rfc3339(collection.last_created)]],
                "trs": GREGORIAN,
            },
        },
        "itemType": "feature",
        "crs": [CRS84],
    }


# --------------------------------------------------------------------------------------------------- views
@ogc_resource(JSON)
def landing(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    links = [
        *_self_links(request, "landing"),
        _link(
            _url(request, "api"), "service-desc", OPENAPI_MEDIA_TYPE, _("The API definition (OpenAPI 3.0)")
        ),
        _link(_url(request, "api", query={"f": "html"}), "service-doc", HTML, _("The API documentation")),
        _link(_url(request, "conformance"), "conformance", JSON, _("Conformance classes")),
        _link(_url(request, "collections"), "data", JSON, _("Collections")),
    ]
    if html:
        return render(
            request,
            "geo/ogcapi/landing.html",
            {"title": _api_title(), "description": _api_description(), "base_url": _url(request, "landing")},
        )
    return _json({"title": _api_title(), "description": _api_description(), "links": links})


@ogc_resource(JSON)
def conformance(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    if html:
        return render(request, "geo/ogcapi/conformance.html", {"classes": CONFORMANCE})
    return _json({"conformsTo": CONFORMANCE, "links": _self_links(request, "conformance")})


@ogc_resource(OPENAPI_MEDIA_TYPE, JSON)
def api(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    document = openapi_document(
        base_url=_url(request, "landing"), title=_api_title(), description=_api_description()
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
    return _json(document, OPENAPI_MEDIA_TYPE)


@ogc_resource(JSON)
def collections(request: HttpRequest, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    found = selectors.collection_list()
    if html:
        rows = [(c, _collection_title(c)) for c in found]
        return render(request, "geo/ogcapi/collections.html", {"collections": rows})
    return _json(
        {
            "links": _self_links(request, "collections"),
            "collections": [_collection_json(request, c) for c in found],
        }
    )


@ogc_resource(JSON)
def collection(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    found = selectors.collection_get(collection_id=collection_id)
    if html:
        return render(
            request,
            "geo/ogcapi/collection.html",
            {
                "collection": found,
                "title": _collection_title(found),
                "description": _collection_description(found),
                "extent": found.project.area.extent,
                "base_url": _url(request, "landing"),
            },
        )
    return _json(_collection_json(request, found))


def _with(query: QueryDict, **changes: str) -> str:
    changed = query.copy()
    for name, value in changes.items():
        changed[name] = value
    return changed.urlencode()


@ogc_resource(GEOJSON, JSON)
def items(request: HttpRequest, collection_id: str, *, html: bool) -> HttpResponse:
    found = selectors.collection_get(collection_id=collection_id)
    query = items_query(request.GET, category_keys=found.category_keys)
    page = selectors.item_page(collection=found, query=query)

    here = request.build_absolute_uri(request.path)
    next_url = f"{here}?{_with(request.GET, after=str(page.last_id))}" if page.has_more else None
    if html:
        features = json.loads(page.features_json)
        for feature in features:
            props = feature["properties"]
            props["created_at"] = parse_datetime(props["created_at"])
            props["status_label"] = PlanningStatus(props["planning_status"]).label
        return render(
            request,
            "geo/ogcapi/items.html",
            {
                "collection": found,
                "title": _collection_title(found),
                "features": features,
                "next_url": next_url,
                "json_url": f"{here}?{_with(request.GET, f='json')}",
                "filtered": any(name in request.GET for name in ("bbox", "datetime", "category", "after")),
            },
        )

    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON, _("This page")),
        _link(f"{here}?{_with(request.GET, f='html')}", "alternate", HTML, _("This page as HTML")),
        _link(_url(request, "collection", found.id), "collection", JSON, _("The collection")),
    ]
    if next_url:
        links.append(_link(next_url, "next", GEOJSON, _("Next page")))
    # The features are PostgreSQL's text, framed without being parsed: a page of 10,000 costs Python nothing.
    # Deliberately no numberMatched: counting a million rows per page would cost more than the page.
    frame = json.dumps(
        {
            "type": "FeatureCollection",
            "timeStamp": _rfc3339(datetime.now(UTC)),
            "numberReturned": page.returned,
            "links": links,
        },
        ensure_ascii=False,
    )
    return HttpResponse(f'{frame[:-1]},"features":{page.features_json}}}', content_type=GEOJSON)


@ogc_resource(GEOJSON, JSON)
def item(request: HttpRequest, collection_id: str, feature_id: str, *, html: bool) -> HttpResponse:
    check_known(request.GET, COMMON_PARAMETERS)
    found = selectors.collection_get(collection_id=collection_id)
    fid = parse_feature_id(feature_id)
    feature = selectors.item_get(collection=found, feature_id=fid) if fid is not None else None
    if feature is None:
        raise ItemNotFound()
    if html:
        props = feature["properties"]
        props["created_at"] = parse_datetime(props["created_at"])
        props["answered_at"] = parse_datetime(props["answered_at"]) if props["answered_at"] else None
        props["status_label"] = PlanningStatus(props["planning_status"]).label
        return render(
            request,
            "geo/ogcapi/item.html",
            {"collection": found, "title": _collection_title(found), "feature": feature, "props": props},
        )
    feature["links"] = [
        *_self_links(request, "item", found.id, fid, media_type=GEOJSON),
        _link(_url(request, "collection", found.id), "collection", JSON, _("The collection")),
    ]
    return _json(feature, GEOJSON)


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
