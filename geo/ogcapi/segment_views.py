"""The street-segment collections' resources: a project's street segments with the demand of the suggested
paths that follow them, as JSON and HTML, through the context layers' pages (layer_views.py).
geo/ogcapi/kinds.py registers them."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import crs, layer_views
from .responses import CRS84, collection_links, url
from .segment_selectors import OgcSegmentCollection, segment_item_get, segment_item_page


def collection_title(collection: OgcSegmentCollection) -> str:
    return _("Demand per street segment: %(project)s") % {"project": collection.layer.project.title}


def _description(collection: OgcSegmentCollection) -> str:
    network = collection.layer
    sentences = [
        _(
            "The street segments (from one crossing to the next) that published suggested paths of the "
            "project “%(project)s” follow, with those suggestions, their supports and demand (both "
            "together). A path follows a segment when it runs within 15 m along most of it."
        )
        % {"project": network.project.title}
    ]
    if network.attribution:
        sentences.append(_("Streets: %(attribution)s.") % {"attribution": network.attribution.rstrip(".")})
    return " ".join(sentences)


def listing_row(collection: OgcSegmentCollection) -> tuple[str, str]:
    return collection_title(collection), _("Figures per street segment")


def collection_json(request: HttpRequest, collection: OgcSegmentCollection) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": collection.id,
        "title": collection_title(collection),
        "description": _description(collection),
        "attribution": collection.layer.attribution,
        "license": collection.layer.licence,
        "links": collection_links(request, collection.id),
        "itemType": "feature",
        **crs.collection_members(),
    }
    if collection.summary.bbox is not None:
        body["extent"] = {"spatial": {"bbox": [[round(v, 7) for v in collection.summary.bbox]], "crs": CRS84}}
    return body


def collection_page(request: HttpRequest, collection: OgcSegmentCollection) -> HttpResponse:
    return render(
        request,
        "geo/ogcapi/layer_collection.html",
        {
            "collection": collection,
            "layer": collection.layer,
            "title": collection_title(collection),
            "intro": _description(collection),
            "role": _("Figures per street segment"),
            "base_url": url(request, "landing"),
        },
    )


def items(request: HttpRequest, collection: OgcSegmentCollection, *, html: bool) -> HttpResponse:
    return layer_views.items(
        request, collection, html=html, page_of=segment_item_page, title=collection_title(collection)
    )


def item(
    request: HttpRequest, collection: OgcSegmentCollection, feature_id: str, *, html: bool
) -> HttpResponse:
    return layer_views.item(
        request, collection, feature_id, html=html, get=segment_item_get, title=collection_title(collection)
    )
