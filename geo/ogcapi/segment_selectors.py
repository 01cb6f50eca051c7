"""Reads of the street-segment collections: per public project with a street network, one collection
`<project slug>-segments` of the network's edges that published suggested paths follow, with their demand
(geo/network/demand.py: kept up to date by triggers, read here, never recomputed per request)."""

import re
from dataclasses import dataclass

from django.db import connection

from participation import selectors as participation_selectors

from ..network.models import StreetNetwork
from ..selectors import FeaturePage
from ..sql import SQL
from .crs import DEFAULT, Crs
from .layer_selectors import LayerSummary
from .params import ItemsQuery
from .selectors import page_feature, page_params, page_read

# `<slug>-segments`: no other kind's ids end so (geo/ogcapi/kinds.py).
SEGMENT_COLLECTION_ID = re.compile(r"(?P<slug>.+)-segments")
PROPERTIES = ("name", "highway", "osm_way_id", "length_m", "suggestions", "supports", "demand")


@dataclass(frozen=True, slots=True)
class OgcSegmentCollection:
    id: str
    # The project's network, with its project; `layer` as the context layers' pages call their source.
    layer: StreetNetwork
    summary: LayerSummary


def _collection(network: StreetNetwork) -> OgcSegmentCollection:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), ST_XMin(ST_Extent(e.geom)), ST_YMin(ST_Extent(e.geom)),"
            " ST_XMax(ST_Extent(e.geom)), ST_YMax(ST_Extent(e.geom))"
            " FROM geo_segment_demand AS d JOIN geo_network_edge AS e ON e.id = d.edge_id"
            " WHERE d.project_id = %s AND e.network_id = %s AND d.suggestions > 0",
            [network.project_id, network.pk],
        )
        count, *bbox = cursor.fetchone()
    return OgcSegmentCollection(
        id=f"{network.project.slug}-segments",
        layer=network,
        summary=LayerSummary(
            bbox=tuple(bbox) if bbox[0] is not None else None, features=count, attributes=PROPERTIES
        ),
    )


def segment_collection_list() -> list[OgcSegmentCollection]:
    networks = (
        StreetNetwork.objects.filter(project__in=participation_selectors.project_list())
        .select_related("project")
        .order_by("-project__phase_start", "project__slug")
    )
    return [_collection(network) for network in networks]


def segment_collection_find(collection_id: str) -> OgcSegmentCollection | None:
    match = SEGMENT_COLLECTION_ID.fullmatch(collection_id)
    if match is None:
        return None
    public = participation_selectors.project_list()
    network = (
        StreetNetwork.objects.filter(project__in=public, project__slug=match["slug"])
        .select_related("project")
        .first()
    )
    return _collection(network) if network is not None else None


def _page(
    *, collection: OgcSegmentCollection, query: ItemsQuery, feature_id: int | None = None
) -> FeaturePage:
    params = {
        **page_params(query, feature_id=feature_id),
        "project_id": collection.layer.project_id,
        "network_id": collection.layer.pk,
    }
    sql = SQL.compose(
        "feature_page",
        rows="ogcapi_segment_items",
        properties="ogcapi_segment_item_properties",
        geometry="feature_geometry",
    )
    return page_read(sql, params)


def segment_item_page(*, collection: OgcSegmentCollection, query: ItemsQuery) -> FeaturePage:
    return _page(collection=collection, query=query)


def segment_item_get(*, collection: OgcSegmentCollection, feature_id: int, crs: Crs = DEFAULT) -> dict | None:
    return page_feature(_page, collection, feature_id, crs)
