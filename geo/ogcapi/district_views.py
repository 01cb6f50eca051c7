"""The district-figures collections' resources: a project's districts with the coverage analysis's figures,
as JSON and HTML, through the context layers' pages (layer_views.py). geo/ogcapi/kinds.py registers them."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import crs, layer_views
from .district_selectors import OgcDistrictCollection, district_item_get, district_item_page
from .responses import CRS84, collection_links, url


def collection_title(collection: OgcDistrictCollection) -> str:
    return _("Demand per district: %(layer)s") % {"layer": collection.layer.name}


def _description(collection: OgcDistrictCollection) -> str:
    layer = collection.layer
    sentences = [
        _(
            "Published suggestions of the project “%(project)s” per district, with their supports, those "
            "within %(distance)s m of an existing facility of their kind, and the existing facilities. A "
            "district that holds others counts their suggestions too; each suggestion lies in one smallest "
            "district."
        )
        % {"project": layer.project.title, "distance": layer.project.coverage_distance_m}
    ]
    if layer.attribution:
        sentences.append(_("Districts: %(attribution)s.") % {"attribution": layer.attribution.rstrip(".")})
    return " ".join(sentences)


def listing_row(collection: OgcDistrictCollection) -> tuple[str, str]:
    return collection_title(collection), _("Figures per district")


def collection_json(request: HttpRequest, collection: OgcDistrictCollection) -> dict[str, Any]:
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


def collection_page(request: HttpRequest, collection: OgcDistrictCollection) -> HttpResponse:
    return render(
        request,
        "geo/ogcapi/layer_collection.html",
        {
            "collection": collection,
            "layer": collection.layer,
            "title": collection_title(collection),
            "intro": _description(collection),
            "role": _("Figures per district"),
            "base_url": url(request, "landing"),
        },
    )


def items(request: HttpRequest, collection: OgcDistrictCollection, *, html: bool) -> HttpResponse:
    return layer_views.items(
        request, collection, html=html, page_of=district_item_page, title=collection_title(collection)
    )


def item(
    request: HttpRequest, collection: OgcDistrictCollection, feature_id: str, *, html: bool
) -> HttpResponse:
    return layer_views.item(
        request, collection, feature_id, html=html, get=district_item_get, title=collection_title(collection)
    )
