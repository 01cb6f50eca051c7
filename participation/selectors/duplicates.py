"""Spatial duplicate search: before a suggestion is sent, show what others already proposed right there."""

import json
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from geo.core.geometry import geometry_from_geojson

from ..models import Project
from ..sql import SQL
from .public import category_get

POINT_RADIUS_M = 150
LINE_BUFFER_M = 20
LINE_SHARE = 0.5
LIMIT = 5


def _duplicates_json(*, project_id: int, category_id: int, geom: GEOSGeometry) -> str:
    """The likely duplicates of `geom`: a JSON array of GeoJSON features, nearest or most overlapping first.

    `geom` must already be validated (geo.core.geometry): this query trusts it.
    """
    params = {
        "geom": bytes(geom.wkb),
        "project_id": project_id,
        "category_id": category_id,
        "is_line": geom.geom_type == "LineString",
        "point_radius_m": POINT_RADIUS_M,
        "line_buffer_m": LINE_BUFFER_M,
        "line_share": LINE_SHARE,
        "limit": LIMIT,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("suggestion_duplicates"), params)
        return cursor.fetchone()[0]


def suggestion_duplicates(*, project: Project, category_key: str, geometry: object) -> list[dict[str, Any]]:
    """Likely duplicates of a drawn geometry; the geometry passes the same rules as a new suggestion."""
    category = category_get(project=project, key=category_key)
    geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=project.area)
    return json.loads(_duplicates_json(project_id=project.pk, category_id=category.pk, geom=geom))
