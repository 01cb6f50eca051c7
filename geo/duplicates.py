"""Spatial duplicate search: before a suggestion is sent, show what others already proposed right there."""

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from .sql import load_sql

POINT_RADIUS_M = 150
LINE_BUFFER_M = 20
LINE_SHARE = 0.5
LIMIT = 5


def suggestion_duplicates(*, project_id: int, category_id: int, geom: GEOSGeometry) -> str:
    """The likely duplicates of `geom`: a JSON array of GeoJSON features, nearest or most overlapping first.

    `geom` must already be validated (geo.geometry): this query trusts it.
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
        cursor.execute(load_sql("suggestion_duplicates"), params)
        return cursor.fetchone()[0]
