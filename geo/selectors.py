"""Map reads built in PostGIS: the database writes the GeoJSON, Python only frames it."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from .bbox import BBox
from .sql import load_sql


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
    }
    with connection.cursor() as cursor:
        cursor.execute(load_sql("suggestion_feature_page"), params)
        has_more, last_id, returned, features_json = cursor.fetchone()
    return FeaturePage(features_json=features_json, returned=returned, last_id=last_id, has_more=has_more)
