"""Reads of the context-layer collections: one collection per public context layer of a public project, with
the id `<project slug>-layer-<layer id>`, stable for the layer's life (a new import keeps it).

The OGC API is the public feed: a layer that is not public is not listed, and its collection and items are
404 for everyone, the project's planners included (they see such layers on the map and the dashboard).
Layers come from the ORM (a few rows); their extent and attribute names from one aggregate in PostGIS
(`geo/sql/ogcapi_layer_summaries.sql`), cached until the layer's next import; items from PostGIS
(`ogcapi_layer_items.sql` and `ogcapi_layer_item_properties.sql` in the page of `feature_page.sql`), never
a Python loop over rows.
"""

import json
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from participation import selectors as participation_selectors

from ..layers.models import ContextLayer
from ..selectors import FeaturePage
from ..sql import SQL
from .crs import DEFAULT, Crs
from .params import ItemsQuery
from .selectors import page_feature, page_params, page_read

# `<slug>-layer-<id>`: the last part is a number, where a suggestion collection's is points, lines or areas,
# so the two kinds' ids can never be alike (geo/ogcapi/kinds.py).
LAYER_COLLECTION_ID = re.compile(r"(?P<slug>.+)-layer-(?P<layer_id>[0-9]{1,18})")


@dataclass(frozen=True, slots=True)
class LayerSummary:
    bbox: tuple[float, float, float, float] | None  # minlon, minlat, maxlon, maxlat; None without features
    features: int
    attributes: tuple[str, ...]  # every attribute name of the layer's features, sorted


EMPTY = LayerSummary(bbox=None, features=0, attributes=())
# Summaries are cached per import (ogcapi_layer_summaries.sql reads every feature of a layer: about as long
# as a page of 1,000 of them); a day, then a layer nobody asks for leaves the cache.
SUMMARY_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class OgcLayerCollection:
    id: str
    layer: ContextLayer  # with its project and category
    summary: LayerSummary


def layer_collection_id(layer: ContextLayer) -> str:
    return f"{layer.project.slug}-layer-{layer.pk}"


def _public_layers() -> QuerySet[ContextLayer]:
    return ContextLayer.objects.filter(
        public=True, project__in=participation_selectors.project_list().values("pk")
    ).select_related("project", "category")


def _summary_key(layer: ContextLayer) -> str:
    # A layer's features change only by an import, which saves the layer (updated_at) in its transaction:
    # a new import is a new key, and the old entry simply expires.
    return f"ogcapi-layer-summary:{layer.pk}:{layer.updated_at.isoformat()}"


def _summaries(layers: list[ContextLayer]) -> dict[int, LayerSummary]:
    """Each layer's summary, from the cache, else from one aggregate over the layers not cached (on the
    primary: a replica behind it could store an old summary under the new import's key)."""
    keys = {layer.pk: _summary_key(layer) for layer in layers}
    cached = cache.get_many(keys.values()) if keys else {}
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(SQL.load("ogcapi_layer_summaries"), {"layer_ids": missing})
            rows = cursor.fetchall()
        computed = dict.fromkeys(missing, EMPTY)
        for layer_id, minlon, minlat, maxlon, maxlat, features, attributes in rows:
            computed[layer_id] = LayerSummary(
                bbox=(minlon, minlat, maxlon, maxlat), features=features, attributes=tuple(attributes)
            )
        cache.set_many({keys[pk]: summary for pk, summary in computed.items()}, timeout=SUMMARY_SECONDS)
        found.update(computed)
    return found


def layer_collection_list() -> list[OgcLayerCollection]:
    """Every public layer of every public project: project by project (newest first, as the suggestion
    collections), then in the layers' order (two queries)."""
    layers = list(_public_layers().order_by("-project__phase_start", "project__slug", "position", "id"))
    summaries = _summaries(layers)
    return [
        OgcLayerCollection(id=layer_collection_id(layer), layer=layer, summary=summaries.get(layer.pk, EMPTY))
        for layer in layers
    ]


def layer_collection_find(collection_id: str) -> OgcLayerCollection | None:
    """The public layer with this collection id, or None: an id of another shape costs no query; a layer that
    is not public, of a project that is not public or of another project than the id names is not found."""
    match = LAYER_COLLECTION_ID.fullmatch(collection_id)
    if match is None:
        return None
    layer = _public_layers().filter(pk=int(match["layer_id"]), project__slug=match["slug"]).first()
    if layer is None:
        return None
    return OgcLayerCollection(id=collection_id, layer=layer, summary=_summaries([layer])[layer.pk])


def layer_items_query() -> str:
    """The items' SQL: the feature page shared with the suggestions (feature_page.sql), framing the layer's
    rows and properties."""
    return SQL.compose(
        "feature_page",
        rows="ogcapi_layer_items",
        properties="ogcapi_layer_item_properties",
        geometry="feature_geometry",
    )


def _page(*, collection: OgcLayerCollection, query: ItemsQuery, feature_id: int | None = None) -> FeaturePage:
    params = {
        **page_params(query, feature_id=feature_id),
        "layer_id": collection.layer.pk,
        "attribute_nulls": json.dumps(dict.fromkeys(collection.summary.attributes)),
    }
    return page_read(layer_items_query(), params)


def layer_item_page(*, collection: OgcLayerCollection, query: ItemsQuery) -> FeaturePage:
    """One keyset page of the layer's features (one query)."""
    return _page(collection=collection, query=query)


def layer_item_get(*, collection: OgcLayerCollection, feature_id: int, crs: Crs = DEFAULT) -> dict | None:
    """One feature of the layer as a GeoJSON Feature, or None for an id that is not one of its features."""
    return page_feature(_page, collection, feature_id, crs)
