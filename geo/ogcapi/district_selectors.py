"""Reads of the district-figures collections: per public project whose districts layer is public, one
collection `<project slug>-districts` of its districts with the coverage analysis's figures
(geo/analysis: kept up to date by triggers, read here, never recomputed per request).

Facilities are counted only when every facilities layer of the project is public: the public feed does not
count what it does not show.
"""

import re
from dataclasses import dataclass

from django.db import connection

from participation import selectors as participation_selectors

from ..analysis.models import District
from ..layers.models import ContextLayer, LayerRole
from ..selectors import FeaturePage
from ..sql import SQL
from .crs import DEFAULT, Crs
from .layer_selectors import LayerSummary
from .params import ItemsQuery
from .selectors import page_feature, page_params, page_read

# `<slug>-districts`: a suggestion collection's id ends in points, lines or areas, a layer's in -layer-<id>.
DISTRICT_COLLECTION_ID = re.compile(r"(?P<slug>.+)-districts")
PROPERTIES = (
    "name", "suggestions", "supports", "covered", "facilities", "suggestions_per_km2", "area_km2",
    "nested_in", "holds_others",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class OgcDistrictCollection:
    id: str
    layer: ContextLayer  # the project's districts layer, with its project
    summary: LayerSummary
    show_facilities: bool


def _districts_layer(project_ids: list[int]) -> dict[int, ContextLayer]:
    """Each project's districts layer (the first by position, as the analysis takes it), when public."""
    layers: dict[int, ContextLayer] = {}
    for layer in (
        ContextLayer.objects.filter(project_id__in=project_ids, role=LayerRole.DISTRICTS)
        .select_related("project")
        .order_by("project_id", "position", "id")
    ):
        layers.setdefault(layer.project_id, layer)
    return {pid: layer for pid, layer in layers.items() if layer.public}


def _collection(layer: ContextLayer) -> OgcDistrictCollection | None:
    count = District.objects.filter(project_id=layer.project_id, layer_id=layer.pk).count()
    if not count:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ("
            " SELECT ST_Extent(geom) AS e FROM geo_context_feature WHERE layer_id = %s) AS x",
            [layer.pk],
        )
        bbox = cursor.fetchone()
    hidden = ContextLayer.objects.filter(
        project_id=layer.project_id, role=LayerRole.FACILITIES, public=False
    ).exists()
    return OgcDistrictCollection(
        id=f"{layer.project.slug}-districts",
        layer=layer,
        summary=LayerSummary(
            bbox=bbox if bbox[0] is not None else None, features=count, attributes=PROPERTIES
        ),
        show_facilities=not hidden,
    )


def district_collection_list() -> list[OgcDistrictCollection]:
    projects = list(participation_selectors.project_list().order_by("-phase_start", "slug"))
    layers = _districts_layer([p.pk for p in projects])
    found = [_collection(layers[p.pk]) for p in projects if p.pk in layers]
    return [c for c in found if c is not None]


def district_collection_find(collection_id: str) -> OgcDistrictCollection | None:
    match = DISTRICT_COLLECTION_ID.fullmatch(collection_id)
    if match is None:
        return None
    project = participation_selectors.project_list().filter(slug=match["slug"]).first()
    if project is None:
        return None
    layer = _districts_layer([project.pk]).get(project.pk)
    return _collection(layer) if layer is not None else None


def _page(
    *, collection: OgcDistrictCollection, query: ItemsQuery, feature_id: int | None = None
) -> FeaturePage:
    params = {
        **page_params(query, feature_id=feature_id),
        "project_id": collection.layer.project_id,
        "category_id": None,
        "show_facilities": collection.show_facilities,
    }
    # The page frame's rows hold the districts' marker, replaced after them (geo.core.sql: in order).
    sql = SQL.compose(
        "feature_page",
        rows="ogcapi_district_items",
        properties="ogcapi_district_item_properties",
        districts="analysis_district_rows",
        geometry="feature_geometry",
    )
    return page_read(sql, params)


def district_item_page(*, collection: OgcDistrictCollection, query: ItemsQuery) -> FeaturePage:
    return _page(collection=collection, query=query)


def district_item_get(
    *, collection: OgcDistrictCollection, feature_id: int, crs: Crs = DEFAULT
) -> dict | None:
    return page_feature(_page, collection, feature_id, crs)
