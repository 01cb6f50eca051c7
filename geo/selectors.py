"""Map reads built in PostGIS: the database writes the GeoJSON, Python only frames it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from config.db_reads import heavy_reads

from .core.bbox import BBox
from .models import CLUSTER_MAX_ZOOM
from .sql import SQL


@dataclass(frozen=True, slots=True)
class FeaturePage:
    features_json: str  # a JSON array of RFC 7946 features, as PostgreSQL wrote it
    returned: int
    last_id: int | None
    has_more: bool


def suggestion_feature_page(
    *,
    project_id: int,
    category_ids: Sequence[int] | None,
    bbox: BBox | None,
    after: int,
    limit: int,
) -> FeaturePage:
    """One keyset page (ids above `after`, ascending) of a project's published suggestions."""
    params = {
        "project_id": project_id,
        "category_ids": list(category_ids) if category_ids is not None else None,
        "has_bbox": bbox is not None,
        "minlon": bbox.minlon if bbox else None,
        "minlat": bbox.minlat if bbox else None,
        "maxlon": bbox.maxlon if bbox else None,
        "maxlat": bbox.maxlat if bbox else None,
        "after": after,
        "limit": limit,
        # feature_page.sql's geometry output: as stored, WGS84 longitude/latitude (CRS84) to 7 decimals.
        "crs_srid": 4326,
        "crs_flip": False,
        "crs_decimals": 7,
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(
            SQL.compose(
                "feature_page",
                rows="suggestion_features",
                properties="suggestion_feature_properties",
                geometry="feature_geometry",
            ),
            params,
        )
        has_more, last_id, returned, features_json = cursor.fetchone()
    return FeaturePage(features_json=features_json, returned=returned, last_id=last_id, has_more=has_more)


# ------------------------------------------------------------------------------------------- map viewport
# What the map draws for a viewport: clusters from geo_cluster_cell, or the suggestions themselves when few
# enough. Both answers are bounded in rows and bytes, so a response stays under 150 KB for any viewport of
# up to 2560 x 1440 px at any zoom, however many suggestions the project has.

# Up to this many suggestions in the viewport the map gets them one by one; above it, clusters.
FEATURE_THRESHOLD = 500
# At most this many features per answer (from zoom 17 on a viewport may hold more): never below the threshold.
MAX_FEATURES = FEATURE_THRESHOLD
# At most this many clusters (largest first). A 2560 x 1440 px viewport spans at most 41 x 24 = 984 cells of
# 64 px; more only comes from a bbox far larger than any screen.
MAX_CLUSTER_CELLS = 2000
# Feature text per response (the frame around it adds under 200 bytes), so that every answer stays under
# 150 KB. Features reach it with long titles or lines of many vertices; clusters when a 2560 x 1440 px screen
# is full of cells with four categories each (~180 KB at 64 px), and map_viewport then takes coarser cells.
MAX_FEATURE_BYTES = 145_000
# From this zoom on the map always gets features: the cells end at CLUSTER_MAX_ZOOM.
FEATURES_FROM_ZOOM = CLUSTER_MAX_ZOOM + 1


@dataclass(frozen=True, slots=True)
class MapClusters:
    total: int  # published suggestions in the cells that meet the viewport, cut or not
    returned: int
    truncated: bool
    features_json: str  # a JSON array of Point features, as PostgreSQL wrote it


@dataclass(frozen=True, slots=True)
class MapFeatures:
    returned: int
    truncated: bool
    features_json: str  # a JSON array of RFC 7946 features, as PostgreSQL wrote it


@dataclass(frozen=True, slots=True)
class MapViewport:
    mode: Literal["clusters", "features"]
    zoom: int
    features_json: str
    returned: int
    truncated: bool
    total: int | None = None  # clusters only
    cell_zoom: int | None = None  # clusters only: the zoom whose grid the clusters come from
    # False when a status filter was asked for but could not be applied: clusters count every status.
    status_applied: bool = True


def _bbox_params(bbox: BBox) -> dict[str, float]:
    return {"minlon": bbox.minlon, "minlat": bbox.minlat, "maxlon": bbox.maxlon, "maxlat": bbox.maxlat}


def map_clusters(
    *, project_id: int, category_ids: Sequence[int] | None, bbox: BBox, zoom: int
) -> MapClusters:
    """The project's clusters at `zoom` (clamped to 0..CLUSTER_MAX_ZOOM) in the cells meeting `bbox`."""
    params = {
        **_bbox_params(bbox),
        "project_id": project_id,
        "category_ids": list(category_ids) if category_ids is not None else None,
        "zoom": min(max(zoom, 0), CLUSTER_MAX_ZOOM),
        "max_cells": MAX_CLUSTER_CELLS,
        "max_bytes": MAX_FEATURE_BYTES,
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("map_clusters"), params)
        total, returned, truncated, features_json = cursor.fetchone()
    return MapClusters(total=total, returned=returned, truncated=truncated, features_json=features_json)


def map_features(
    *,
    project_id: int,
    category_ids: Sequence[int] | None,
    bbox: BBox,
    statuses: Sequence[str] | None = None,
) -> MapFeatures:
    """The project's published suggestions intersecting `bbox` (in `statuses` when given), at most
    MAX_FEATURES of them (those nearest the viewport's centre)."""
    params = {
        **_bbox_params(bbox),
        "project_id": project_id,
        "category_ids": list(category_ids) if category_ids is not None else None,
        "statuses": list(statuses) if statuses else None,
        "max_features": MAX_FEATURES,
        "max_bytes": MAX_FEATURE_BYTES,
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("map_features"), params)
        returned, truncated, features_json = cursor.fetchone()
    return MapFeatures(returned=returned, truncated=truncated, features_json=features_json)


def map_viewport(
    *,
    project_id: int,
    category_ids: Sequence[int] | None,
    bbox: BBox,
    zoom: int,
    statuses: Sequence[str] | None = None,
) -> MapViewport:
    """Clusters or features for a viewport, in one or two queries.

    The decision uses the cells' count, which is cheap whatever the number of suggestions; it may include a
    few suggestions just outside the viewport, so near the threshold it errs towards clusters.
    When the clusters of `zoom` do not fit (a large screen full of cells with several categories each), the
    next coarser grid is used: 128-px clusters leave no part of the map empty, whereas dropping the smallest
    cells would. A viewport that does not fit even then is far larger than any screen and gets `truncated`.

    With a planning-status filter below FEATURES_FROM_ZOOM the cells cannot help (they count every status,
    and their trigger stays as it is): the filtered suggestions are read first, and when all of them fit
    (at most MAX_FEATURES and MAX_FEATURE_BYTES) they are the answer, exact at any zoom. Otherwise the
    unfiltered clusters come with `status_applied=False` and the map says so. That first read stops after
    MAX_FEATURES + 1 matches, but for a rare status in a large viewport it walks the viewport's published
    suggestions (measured in docs/planning.md, "Speed"): a status filter is a planner's occasional
    question, not the public map's default view.
    """
    status_applied = True
    if statuses and zoom < FEATURES_FROM_ZOOM:
        filtered = map_features(
            project_id=project_id, category_ids=category_ids, bbox=bbox, statuses=statuses
        )
        if not filtered.truncated:
            return MapViewport(
                mode="features",
                zoom=zoom,
                features_json=filtered.features_json,
                returned=filtered.returned,
                truncated=False,
            )
        status_applied = False
    if zoom < FEATURES_FROM_ZOOM:
        clusters = map_clusters(project_id=project_id, category_ids=category_ids, bbox=bbox, zoom=zoom)
        if clusters.total > FEATURE_THRESHOLD or not status_applied:
            cell_zoom = zoom
            if clusters.truncated and cell_zoom > 0:
                cell_zoom -= 1
                clusters = map_clusters(
                    project_id=project_id, category_ids=category_ids, bbox=bbox, zoom=cell_zoom
                )
            return MapViewport(
                mode="clusters",
                zoom=zoom,
                features_json=clusters.features_json,
                returned=clusters.returned,
                truncated=clusters.truncated,
                total=clusters.total,
                cell_zoom=cell_zoom,
                status_applied=status_applied,
            )
    features = map_features(project_id=project_id, category_ids=category_ids, bbox=bbox, statuses=statuses)
    return MapViewport(
        mode="features",
        zoom=zoom,
        features_json=features.features_json,
        returned=features.returned,
        truncated=features.truncated,
    )
