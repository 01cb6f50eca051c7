"""What already exists near a place a citizen is about to suggest: the nearest existing facilities of the
chosen category (context layers with the role "facilities"), for the hint in the compose flow.

Only public layers count, whoever asks: the hint is part of the citizen's form, and a planner composing a
suggestion sees what a citizen sees.
"""

import json
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils.translation import get_language

from geo.core.geometry import geometry_from_geojson
from participation.models import Project
from participation.selectors import category_get

from ..sql import SQL
from .models import ContextLayer, LayerRole

LIMIT = 3
# KNN candidates measured on the ellipsoid before the nearest LIMIT are kept: the Mercator order may differ
# from the true one by a fraction of a per cent, so a few more than LIMIT are enough.
CANDIDATES = 4 * LIMIT


def _nearby_json(*, layer_ids: list[int], geom: GEOSGeometry, radius_m: int, language: str) -> str:
    """The nearest facilities of `layer_ids` to `geom`: a JSON array of GeoJSON features (each at the point of
    the facility nearest to `geom`), nearest first.

    `geom` must already be validated (geo.core.geometry) and `layer_ids` be layers the asker may see.
    """
    params = {
        "geom": bytes(geom.wkb),
        "layer_ids": layer_ids,
        "radius_m": radius_m,
        "candidates": CANDIDATES,
        "limit": LIMIT,
        "language": language,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("facilities_nearby"), params)
        return cursor.fetchone()[0]


def facilities_nearby(*, project: Project, category_key: str, geometry: object) -> list[dict[str, Any]]:
    """The existing facilities of a category nearest to a drawn geometry, within the project's coverage
    distance (what the planners' analysis counts as covering a suggestion), as GeoJSON
    features whose properties carry their layer's name in the active language.

    The geometry passes the same rules as a new suggestion of that category (geo.core.geometry).
    """
    category = category_get(project=project, key=category_key)
    geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=project.area)
    # The layer's name in the active language (django-modeltranslation falls back to German).
    names = {
        layer.pk: layer.name
        for layer in ContextLayer.objects.filter(
            project=project, category=category, role=LayerRole.FACILITIES, public=True
        )
    }
    if not names:
        return []
    language = (get_language() or "de").split("-")[0]
    features = json.loads(
        _nearby_json(
            layer_ids=sorted(names), geom=geom, radius_m=project.coverage_distance_m, language=language
        )
    )
    for feature in features:
        feature["properties"]["layer_name"] = names[feature["properties"]["layer"]]
    return features
