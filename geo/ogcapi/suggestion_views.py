"""The suggestion collections' resources: one public project's published suggestions of one geometry kind
(`<slug>-points`, `<slug>-lines`, `<slug>-areas`), as JSON and HTML. geo/ogcapi/kinds.py registers them."""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from participation.models import GeometryKind, LineDrawing, PlanningStatus

from ..fields import PHOTO_FIELD_NAMES, staff_fields
from ..selectors import FeaturePage
from . import count_selectors, cql2, crs, selectors
from .errors import InvalidParameter, ItemNotFound
from .params import COMMON_PARAMETERS, ITEM_PARAMETERS, check_known, items_query, parse_feature_id
from .responses import (
    CRS84,
    GEOJSON,
    JSON,
    SCHEMA_JSON,
    collection_links,
    items_response,
    json_response,
    link,
    next_cursor_url,
    next_page_url,
    rfc3339,
    self_links,
    url,
    with_params,
)
from .selectors import OgcCollection
from .sorting import SORTABLES

GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

_KIND_TITLES = {
    GeometryKind.POINT: lambda project: _("%(project)s: suggestions drawn as points") % {"project": project},
    GeometryKind.LINE: lambda project: _("%(project)s: suggestions drawn as lines") % {"project": project},
    GeometryKind.POLYGON: lambda project: _("%(project)s: suggestions drawn as areas") % {"project": project},
}


def collection_title(collection: OgcCollection) -> str:
    return _KIND_TITLES[collection.kind](collection.project.title)


def _collection_description(collection: OgcCollection) -> str:
    return _("Published suggestions of the project “%(project)s” in the categories %(categories)s.") % {
        "project": collection.project.title,
        "categories": ", ".join(f"{c.label} ({c.key})" for c in collection.categories),
    }


def listing_row(collection: OgcCollection) -> tuple[str, str]:
    """Its title and what it holds, for the HTML list of collections."""
    return collection_title(collection), ", ".join(c.label for c in collection.categories)


def collection_json(request: HttpRequest, collection: OgcCollection) -> dict[str, Any]:
    minlon, minlat, maxlon, maxlat = collection.project.area.extent
    return {
        "id": collection.id,
        "title": collection_title(collection),
        "description": _collection_description(collection),
        "links": collection_links(request, collection.id, queryables=True, sortables=True),
        "extent": {
            # The project's area: every suggestion lies inside it.
            "spatial": {"bbox": [[round(v, 7) for v in (minlon, minlat, maxlon, maxlat)]], "crs": CRS84},
            "temporal": {
                "interval": [[rfc3339(collection.first_created), rfc3339(collection.last_created)]],
                "trs": GREGORIAN,
            },
        },
        "itemType": "feature",
        **crs.collection_members(),
    }


def collection_page(
    request: HttpRequest,
    collection: OgcCollection,
    *,
    title: str | None = None,
    description: str | None = None,
) -> HttpResponse:
    return render(
        request,
        "geo/ogcapi/collection.html",
        {
            "collection": collection,
            "title": title or collection_title(collection),
            "description": description or _collection_description(collection),
            "staff": title is not None,
            "extent": collection.project.area.extent,
            "base_url": url(request, "landing"),
        },
    )


def items(
    request: HttpRequest,
    collection: OgcCollection,
    *,
    html: bool,
    page_of: Callable[..., FeaturePage] = selectors.item_page,
    title: str | None = None,
    staff: bool = False,
) -> HttpResponse:
    """A page of the collection's features; the staff collections (staff_views.py, `staff`) read theirs
    with their own `page_of` and `title`, and answer the same parameters but `sortby` and `properties`.
    Their numberMatched is given only for a first page that holds them all (the public counts read the
    published suggestions' index and cluster cells)."""
    query = items_query(request.GET, category_keys=collection.category_keys)
    if html:
        crs.html_crs(query.crs)
    if staff and (query.sort is not None or query.properties is not None):
        raise InvalidParameter(_("The staff collections take neither sortby nor properties."))
    if query.sort is None:
        page = page_of(collection=collection, query=query)
        next_url = next_page_url(request, has_more=page.has_more, last_id=page.last_id)
    else:
        sorted_page = selectors.item_sorted_page(collection=collection, query=query)
        page = sorted_page.page
        next_url = next_cursor_url(request, sorted_page.next_cursor)
    matched = (
        count_selectors.page_count(query, page)
        if staff
        else count_selectors.item_count(collection=collection, query=query, page=page)
    )
    if not html:
        return items_response(
            request,
            collection_id=collection.id,
            features_json=page.features_json,
            returned=page.returned,
            next_url=next_url,
            crs=query.crs,
            number_matched=matched,
        )
    features = json.loads(page.features_json)
    for feature in features:
        # `properties=` may have left any of them out.
        props = feature["properties"]
        if props.get("created_at"):
            props["created_at"] = parse_datetime(props["created_at"])
        if props.get("planning_status"):
            props["status_label"] = PlanningStatus(props["planning_status"]).label
    here = request.build_absolute_uri(request.path)
    return render(
        request,
        "geo/ogcapi/items.html",
        {
            "collection": collection,
            "title": title or collection_title(collection),
            "staff": title is not None,
            "features": features,
            "next_url": next_url,
            "json_url": f"{here}?{with_params(request.GET, f='json')}",
            "filtered": any(
                name in request.GET
                for name in ("bbox", "datetime", "category", "after", "filter", "sortby", "properties")
            ),
            "matched": matched,
        },
    )


# JSON Schema's name for each queryable geometry (OGC API – Features Part 3, "Queryables").
_GEOMETRY_FORMATS = {
    GeometryKind.POINT: "geometry-point",
    GeometryKind.LINE: "geometry-linestring",
    GeometryKind.POLYGON: "geometry-polygon",
}


def queryables(
    request: HttpRequest,
    collection: OgcCollection,
    *,
    html: bool,
    found: dict[str, cql2.Queryable] | None = None,
    title: str | None = None,
) -> HttpResponse:
    """The properties a CQL2 filter can name, as a JSON Schema (OGC API – Features Part 3); a staff
    collection's (staff_views.py) are `found`, with its `title`."""
    check_known(request.GET, COMMON_PARAMETERS)
    found = found if found is not None else selectors.collection_queryables(collection)
    title = title or collection_title(collection)
    if html:
        return render(
            request,
            "geo/ogcapi/queryables.html",
            {"collection": collection, "title": title, "queryables": found.values()},
        )
    properties: dict[str, dict[str, Any]] = {}
    for queryable in found.values():
        if queryable.type == "geometry":
            schema: dict[str, Any] = {"format": _GEOMETRY_FORMATS[collection.kind]}
        elif queryable.type == "date-time":
            schema = {"type": "string", "format": "date-time"}
        else:
            schema = {"type": queryable.type}
        if queryable.enum is not None:
            schema["enum"] = list(queryable.enum)
        properties[queryable.name] = {"title": queryable.name, "description": queryable.description, **schema}
    here = url(request, "queryables", collection.id)
    body = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": here,
        "type": "object",
        "title": title,
        "properties": properties,
        "additionalProperties": False,
        # The draft's list, which GDAL up to 3.6 reads to learn which properties it may send in a filter
        # (a keyword JSON Schema ignores).
        "queryables": [{"id": q.name, "type": q.type} for q in found.values()],
        "links": self_links(request, "queryables", collection.id, media_type=SCHEMA_JSON),
    }
    # GDAL's OAPIF driver takes only application/json (or GeoJSON) when it asks for JSON; the standard's type
    # otherwise.
    media_type = request.get_preferred_type([SCHEMA_JSON, JSON]) or SCHEMA_JSON
    return json_response(body, media_type)


def sortables(request: HttpRequest, collection: OgcCollection, *, html: bool) -> HttpResponse:
    """The properties `sortby` takes, as a JSON Schema in the shape of the queryables (OGC API – Features
    Part 5 draft, as pygeoapi serves them)."""
    check_known(request.GET, COMMON_PARAMETERS)
    if html:
        return render(
            request,
            "geo/ogcapi/sortables.html",
            {
                "collection": collection,
                "title": collection_title(collection),
                "sortables": [(name, s.type, s.description) for name, s in SORTABLES.items()],
            },
        )
    properties: dict[str, dict[str, Any]] = {}
    for name, sortable in SORTABLES.items():
        schema = (
            {"type": "string", "format": "date-time"}
            if sortable.type == "date-time"
            else {"type": sortable.type}
        )
        properties[name] = {"title": name, "description": str(sortable.description), **schema}
    body = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url(request, "sortables", collection.id),
        "type": "object",
        "title": collection_title(collection),
        "properties": properties,
        "additionalProperties": False,
        "links": self_links(request, "sortables", collection.id, media_type=SCHEMA_JSON),
    }
    media_type = request.get_preferred_type([SCHEMA_JSON, JSON]) or SCHEMA_JSON
    return json_response(body, media_type)


def item(
    request: HttpRequest,
    collection: OgcCollection,
    feature_id: str,
    *,
    html: bool,
    get: Callable[..., dict | None] = selectors.item_get,
    title: str | None = None,
) -> HttpResponse:
    """One feature; a staff collection's (staff_views.py) is read with its own `get`, shown with `title`."""
    check_known(request.GET, ITEM_PARAMETERS)
    output = crs.output_crs(request.GET)
    if html:
        crs.html_crs(output)
    fid = parse_feature_id(feature_id)
    feature = get(collection=collection, feature_id=fid, crs=output) if fid is not None else None
    if feature is None:
        raise ItemNotFound()
    if html:
        props = feature["properties"]
        props["created_at"] = parse_datetime(props["created_at"])
        props["answered_at"] = parse_datetime(props["answered_at"]) if props["answered_at"] else None
        props["status_label"] = PlanningStatus(props["planning_status"]).label
        props["drawing_label"] = LineDrawing(props["line_drawing"]).label if props["line_drawing"] else None
        return render(
            request,
            "geo/ogcapi/item.html",
            {
                "collection": collection,
                "title": title or collection_title(collection),
                "feature": feature,
                "props": props,
                # The published photos' links (geo/fields.py), by their field names.
                "photo_links": [(name, props[name]) for name in PHOTO_FIELD_NAMES if props[name]],
                # The internal fields, shown to staff only (their values as they are in the JSON).
                "staff_props": [(f.name, props[f.name]) for f in staff_fields()] if title is not None else [],
            },
        )
    feature["links"] = [
        *self_links(request, "item", collection.id, fid, media_type=GEOJSON),
        link(url(request, "collection", collection.id), "collection", JSON, _("The collection")),
    ]
    feature.update(crs.geojson_member(output))
    return crs.content_crs(json_response(feature, GEOJSON), output)
