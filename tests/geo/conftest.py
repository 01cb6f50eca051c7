"""Fixtures of the geo tests: a small town with context layers for the coverage analysis, and what the OGC
API's items view was asked (GDAL's requests to a live server)."""

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon

from geo.analysis.services import analysis_rebuild
from geo.layers.models import ContextFeature, ContextLayer
from geo.ogcapi import suggestion_views
from tests.factories import CategoryFactory, ProjectFactory

# Two Ortschaften side by side; the western one holds a Stadtteil (its south-western quarter).
WEST = Polygon.from_bbox((8.35, 48.98, 8.40, 49.02))
EAST = Polygon.from_bbox((8.40, 48.98, 8.45, 49.02))
WEST_SOUTH = Polygon.from_bbox((8.35, 48.98, 8.375, 49.00))
PARKING_A = Point(8.3700, 48.9900, srid=4326)
PARKING_B = Point(8.4300, 49.0100, srid=4326)


@pytest.fixture
def town():
    project = ProjectFactory(slug="town")
    parking = CategoryFactory(project=project, key="sharing-point")
    path = CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    facilities = ContextLayer.objects.create(
        project=project, name="Parking", role="facilities", category=parking
    )
    a = ContextFeature.objects.create(layer=facilities, geom=PARKING_A, properties={"capacity": "40"})
    b = ContextFeature.objects.create(layer=facilities, geom=PARKING_B, properties={})
    network = ContextLayer.objects.create(project=project, name="Cycleways", role="facilities", category=path)
    ContextFeature.objects.create(layer=network, geom=LineString((8.36, 49.005), (8.39, 49.005), srid=4326))
    districts = ContextLayer.objects.create(project=project, name="Districts", role="districts")
    west = ContextFeature.objects.create(layer=districts, geom=WEST, properties={"name": "West"})
    east = ContextFeature.objects.create(layer=districts, geom=EAST, properties={"name": "East"})
    south = ContextFeature.objects.create(layer=districts, geom=WEST_SOUTH, properties={"name": "West-Süd"})
    analysis_rebuild(project_id=project.pk)
    return {
        "project": project, "parking": parking, "path": path, "a": a, "b": b,
        "west": west, "east": east, "south": south,
    }  # fmt: skip


@pytest.fixture
def requests_seen(monkeypatch):
    """The query of every items request the live server answers: what GDAL sends, and that it pages."""
    seen: list[dict[str, list[str]]] = []
    original = suggestion_views.items_query

    def recording(params, **kwargs):
        seen.append(dict(params.lists()))
        return original(params, **kwargs)

    monkeypatch.setattr(suggestion_views, "items_query", recording)
    return seen
