"""How every OGC API resource answers: JSON (GeoJSON for features) or an HTML page, links, and OGC's
exception document for errors. Shared by every kind of collection (geo/ogcapi/kinds.py).

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

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import crs as crs_module
from . import staff_access
from .errors import OgcApiError
from .params import output_format

JSON = "application/json"
GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
HTML = "text/html"

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

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
                for name, value in getattr(error, "headers", {}).items():  # WWW-Authenticate, Retry-After
                    response[name] = value
            else:
                if not html and not getattr(request, staff_access.PRIVATE, False):
                    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
            patch_vary_headers(response, ["Accept"])
            # Answers that depend on the reader's credentials (geo/ogcapi/staff_access.py).
            if getattr(request, staff_access.VARIES, False):
                patch_vary_headers(response, ["Authorization", "Cookie"])
            if getattr(request, staff_access.PRIVATE, False):
                response["Cache-Control"] = "private, no-store"
            return response

        return wrapper

    return decorate


def url(request: HttpRequest, name: str, *args: object, query: dict[str, str] | None = None) -> str:
    """The absolute address of the API's resource `name` (a URL name of geo/ogcapi/urls.py)."""
    address = request.build_absolute_uri(reverse(f"ogcapi:{name}", args=args))
    return f"{address}?{urlencode(query)}" if query else address


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    found = {"href": href, "rel": rel, "type": media_type}
    if title:
        found["title"] = title
    return found


def self_links(
    request: HttpRequest, name: str, *args: object, media_type: str = JSON
) -> list[dict[str, str]]:
    """`self` and its other format, as OGC API asks of every resource."""
    return [
        link(url(request, name, *args), "self", media_type, _("This document")),
        link(url(request, name, *args, query={"f": "html"}), "alternate", HTML, _("This document as HTML")),
    ]


def collection_links(
    request: HttpRequest, collection_id: str, *, queryables: bool = False, sortables: bool = False
) -> list[dict[str, str]]:
    """A collection's own links, in both formats, those of its items, of its queryables if a filter can
    name them, and of its sortables if its items take `sortby`."""
    found = [
        link(url(request, "collection", collection_id), "self", JSON, _("This collection")),
        link(
            url(request, "collection", collection_id, query={"f": "html"}),
            "alternate",
            HTML,
            _("This collection as HTML"),
        ),
        link(url(request, "items", collection_id), "items", GEOJSON, _("The features as GeoJSON")),
        link(
            url(request, "items", collection_id, query={"f": "html"}),
            "items",
            HTML,
            _("The features as HTML"),
        ),
    ]
    if queryables:
        found += [
            link(
                url(request, "queryables", collection_id),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                SCHEMA_JSON,
                _("The properties a filter can use"),
            ),
            # The same under the draft's name, which GDAL up to 3.6 looks for.
            link(
                url(request, "queryables", collection_id),
                "queryables",
                JSON,
                _("The properties a filter can use"),
            ),
        ]
    if sortables:
        found.append(
            link(
                url(request, "sortables", collection_id),
                "http://www.opengis.net/def/rel/ogc/1.0/sortables",
                SCHEMA_JSON,
                _("The properties the features can be sorted by"),
            )
        )
    return found


def json_response(body: dict[str, Any] | list[Any], media_type: str = JSON) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=media_type)


def rfc3339(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def with_params(query: QueryDict, **changes: str) -> str:
    """The query string with some parameters set (the others kept), for next and alternate links."""
    changed = query.copy()
    for name, value in changes.items():
        changed[name] = value
    return changed.urlencode()


def items_response(
    request: HttpRequest,
    *,
    collection_id: str,
    features_json: str,
    returned: int,
    next_url: str | None,
    crs: crs_module.Crs = crs_module.DEFAULT,
    number_matched: int | None = None,
) -> HttpResponse:
    """A page of features as a GeoJSON FeatureCollection: PostgreSQL's text, framed without being parsed, so a
    page of 10,000 costs Python nothing. numberMatched only where the collection's kind can count quickly
    (geo/ogcapi/count_selectors.py); None leaves it out. Its geometries are in `crs` (the Content-Crs header
    says which)."""
    here = request.build_absolute_uri(request.path)
    # The HTML page shows CRS84 only (crs.html_crs): its link leaves `crs` out.
    html_query = request.GET.copy()
    html_query.pop("crs", None)
    links = [
        link(request.build_absolute_uri(), "self", GEOJSON, _("This page")),
        link(f"{here}?{with_params(html_query, f='html')}", "alternate", HTML, _("This page as HTML")),
        link(url(request, "collection", collection_id), "collection", JSON, _("The collection")),
    ]
    if next_url:
        links.append(link(next_url, "next", GEOJSON, _("Next page")))
    frame = json.dumps(
        {
            "type": "FeatureCollection",
            "timeStamp": rfc3339(datetime.now(UTC)),
            **({} if number_matched is None else {"numberMatched": number_matched}),
            "numberReturned": returned,
            "links": links,
            **crs_module.geojson_member(crs),
        },
        ensure_ascii=False,
    )
    response = HttpResponse(f'{frame[:-1]},"features":{features_json}}}', content_type=GEOJSON)
    return crs_module.content_crs(response, crs)


def next_cursor_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The `next` link of a sorted keyset page: the same query with the next page's cursor."""
    if cursor is None:
        return None
    return f"{request.build_absolute_uri(request.path)}?{with_params(request.GET, cursor=cursor)}"


def next_page_url(request: HttpRequest, *, has_more: bool, last_id: int | None) -> str | None:
    """The `next` link of a keyset page: the same query, after the page's last id."""
    if not has_more:
        return None
    return f"{request.build_absolute_uri(request.path)}?{with_params(request.GET, after=str(last_id))}"
