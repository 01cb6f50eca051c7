"""A viewport holding more suggestions than one answer may carry: the map gets those nearest the viewport's
centre, read in index order, so a dense viewport costs what a sparse one does (measured by make bench)."""

import json

from django.contrib.gis.geos import Point

from geo import selectors
from tests.factories import SuggestionFactory

URL = "/api/v1/projects/test-project/map/"


def test_a_full_viewport_keeps_the_suggestions_nearest_its_centre(client, point_category, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_FEATURES", 2)
    # Created first (lowest ids) but near the viewport's edge: an id order would keep these two.
    edge = [
        SuggestionFactory(category=point_category, geom=Point(8.1005, 49.0005, srid=4326)),
        SuggestionFactory(category=point_category, geom=Point(8.1195, 49.0195, srid=4326)),
    ]
    centre = SuggestionFactory(category=point_category, geom=Point(8.1100, 49.0100, srid=4326))
    near_centre = SuggestionFactory(category=point_category, geom=Point(8.1110, 49.0095, srid=4326))

    response = client.get(URL, {"bbox": "8.10,49.00,8.12,49.02", "zoom": 17})

    assert response.status_code == 200
    body = json.loads(response.content)
    assert (body["mode"], body["truncated"]) == ("features", True)
    assert [f["id"] for f in body["features"]] == sorted([centre.pk, near_centre.pk])
    assert all(s.pk not in {f["id"] for f in body["features"]} for s in edge)
