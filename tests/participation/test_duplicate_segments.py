"""The duplicate hint for bike paths also by shared street segments: two paths that follow mostly the same
segments are the same wish, even where they are drawn too far apart for the 20 m corridor."""

import json

import pytest

from geo.network.demand_services import network_rematch
from tests.factories import SuggestionFactory
from tests.geo.demand_network import grid_network, path

pytestmark = pytest.mark.django_db


def duplicates(client, line):
    query = {"category": "bike-path", "geometry": json.dumps(json.loads(line.geojson))}
    response = client.get("/api/v1/projects/test-project/duplicates/", query)
    assert response.status_code == 200
    return response.json()["features"]


def test_paths_along_the_same_segments_on_either_side_of_the_street_are_the_same_wish(
    client, project, line_category
):
    # 12 m north of Oststraße 1 and 12 m south of it: 24 m apart, beyond the corridor of 20 m.
    stored = SuggestionFactory(category=line_category, geom=path((1, 0), (1, 3), offset_m=12))
    SuggestionFactory(category=line_category, geom=path((2, 0), (2, 3)))  # the next street north
    drawn = path((1, 0), (1, 3), offset_m=-12)

    assert duplicates(client, drawn) == []  # without a network only the corridor counts

    grid_network(project)
    network_rematch(project_id=project.pk)
    found = duplicates(client, drawn)

    assert [f["id"] for f in found] == [stored.pk]
    assert found[0]["properties"]["shared_segments"] == 3
    assert found[0]["properties"]["overlap"] == 1.0


def test_a_path_sharing_one_segment_of_four_is_not_the_same_wish(client, project, line_category):
    grid_network(project, size=5)
    SuggestionFactory(category=line_category, geom=path((1, 0), (1, 1), (4, 1), offset_m=12))
    drawn = path((1, 0), (1, 1), (1, 4), offset_m=-12)  # the same first segment, then east instead of north

    assert duplicates(client, drawn) == []


def test_a_routed_path_finds_a_hand_drawn_one_along_part_of_it(client, project, line_category):
    grid_network(project)
    stored = SuggestionFactory(category=line_category, geom=path((1, 1), (1, 3), offset_m=13))
    routed = path((1, 0), (1, 3))  # exactly on the streets, one segment longer

    found = duplicates(client, routed)

    assert [f["id"] for f in found] == [stored.pk]
    assert found[0]["properties"]["shared_segments"] == 2
