"""The context-layer collections' resources: one public layer's features with their attributes, as JSON and
HTML. geo/ogcapi/kinds.py registers them.

A layer's attributes are the source's (OSM tags, a town's columns): any text, HTML included. JSON carries it
as text; the HTML pages show it through Django's autoescaping, never marked safe.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..selectors import FeaturePage
from . import crs
from .errors import ItemNotFound
from .layer_selectors import OgcLayerCollection, layer_item_get, layer_item_page
from .params import ITEM_PARAMETERS, check_known, parse_feature_id, plain_items_query
from .responses import (
    CRS84,
    GEOJSON,
    HTML,
    JSON,
    collection_links,
    items_response,
    json_response,
    link,
    next_page_url,
    self_links,
    url,
    with_params,
)


def collection_title(collection: OgcLayerCollection) -> str:
    """The layer's name in the request's language (German when it has no English one)."""
    return collection.layer.name


def _role(collection: OgcLayerCollection) -> str:
    layer = collection.layer
    role = layer.get_role_display()
    if layer.category is not None:
        return _("%(role)s: %(category)s") % {"role": role, "category": layer.category.label}
    return role


def _collection_description(collection: OgcLayerCollection) -> str:
    layer = collection.layer
    sentences = [
        _("Context layer of the project “%(project)s” (%(role)s).")
        % {"project": layer.project.title, "role": _role(collection)}
    ]
    if layer.attribution:
        sentences.append(_("Source: %(attribution)s.") % {"attribution": layer.attribution.rstrip(".")})
    if layer.licence:
        sentences.append(_("Licence: %(licence)s.") % {"licence": layer.licence.rstrip(".")})
    return " ".join(sentences)


def listing_row(collection: OgcLayerCollection) -> tuple[str, str]:
    """Its title and what it holds, for the HTML list of collections."""
    return collection_title(collection), _role(collection)


def _licence_link(request: HttpRequest, collection: OgcLayerCollection) -> dict[str, str]:
    """rel=license, which QGIS shows in the layer's metadata: the licence's own address when the administrator
    gave one, else the collection's page, where it is written out."""
    licence = collection.layer.licence
    if licence.startswith(("https://", "http://")):
        return link(licence, "license", HTML, licence)
    page = url(request, "collection", collection.id, query={"f": "html"})
    return link(f"{page}#licence", "license", HTML, licence)


def collection_json(request: HttpRequest, collection: OgcLayerCollection) -> dict[str, Any]:
    layer = collection.layer
    body: dict[str, Any] = {
        "id": collection.id,
        "title": collection_title(collection),
        "description": _collection_description(collection),
        "attribution": layer.attribution,
        "license": layer.licence,
        "role": layer.role,
        "category": layer.category.key if layer.category else None,
        "links": collection_links(request, collection.id),
        "itemType": "feature",
        **crs.collection_members(),
    }
    if layer.licence:
        body["links"].append(_licence_link(request, collection))
    if collection.summary.bbox is not None:
        body["extent"] = {"spatial": {"bbox": [[round(v, 7) for v in collection.summary.bbox]], "crs": CRS84}}
    return body


def collection_page(request: HttpRequest, collection: OgcLayerCollection) -> HttpResponse:
    return render(
        request,
        "geo/ogcapi/layer_collection.html",
        {
            "collection": collection,
            "layer": collection.layer,
            "title": collection_title(collection),
            "role": _role(collection),
            "base_url": url(request, "landing"),
        },
    )


def _cell(value: object) -> str:
    """An attribute as the HTML table shows it: text as it is, anything else as its JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def items(
    request: HttpRequest,
    collection: OgcLayerCollection,
    *,
    html: bool,
    page_of: Callable[..., FeaturePage] = layer_item_page,
    title: str | None = None,
) -> HttpResponse:
    """Also the district figures' items (district_views.py), with their page and title."""
    query = plain_items_query(request.GET)
    if html:
        crs.html_crs(query.crs)
    page = page_of(collection=collection, query=query)
    next_url = next_page_url(request, has_more=page.has_more, last_id=page.last_id)
    if not html:
        return items_response(
            request,
            collection_id=collection.id,
            features_json=page.features_json,
            returned=page.returned,
            next_url=next_url,
            crs=query.crs,
        )
    names = collection.summary.attributes
    rows = [
        (feature["id"], [_cell(feature["properties"].get(name)) for name in names])
        for feature in json.loads(page.features_json)
    ]
    here = request.build_absolute_uri(request.path)
    return render(
        request,
        "geo/ogcapi/layer_items.html",
        {
            "collection": collection,
            "title": title or collection_title(collection),
            "attributes": names,
            "rows": rows,
            "next_url": next_url,
            "json_url": f"{here}?{with_params(request.GET, f='json')}",
            "filtered": any(name in request.GET for name in ("bbox", "after")),
        },
    )


def item(
    request: HttpRequest,
    collection: OgcLayerCollection,
    feature_id: str,
    *,
    html: bool,
    get: Callable[..., dict | None] = layer_item_get,
    title: str | None = None,
) -> HttpResponse:
    check_known(request.GET, ITEM_PARAMETERS)
    output = crs.output_crs(request.GET)
    if html:
        crs.html_crs(output)
    fid = parse_feature_id(feature_id)
    feature = get(collection=collection, feature_id=fid, crs=output) if fid is not None else None
    if feature is None:
        raise ItemNotFound()
    if html:
        attributes = [
            (name, _cell(value)) for name, value in feature["properties"].items() if value is not None
        ]
        return render(
            request,
            "geo/ogcapi/layer_item.html",
            {
                "collection": collection,
                "title": title or collection_title(collection),
                "feature": feature,
                "attributes": attributes,
            },
        )
    feature["links"] = [
        *self_links(request, "item", collection.id, fid, media_type=GEOJSON),
        link(url(request, "collection", collection.id), "collection", JSON, _("The collection")),
    ]
    feature.update(crs.geojson_member(output))
    return crs.content_crs(json_response(feature, GEOJSON), output)
