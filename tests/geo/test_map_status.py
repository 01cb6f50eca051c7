"""The map's planning-status filter: exact for features, honest about clusters, strict about its values."""

import json

import pytest
from django.contrib.gis.geos import Point

from geo import selectors
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/test-project/map/"
CITY = "8.3,48.9,8.5,49.1"


def get_map(client, query: str, **headers):
    response = client.get(f"{URL}?{query}", **headers)
    return response, json.loads(response.content)


@pytest.fixture
def mixed(point_category):
    """Two planned, one implemented, one received suggestion, and a planned one waiting for review."""
    SuggestionFactory(
        category=point_category, planning_status="planned", geom=Point(8.401, 49.001, srid=4326)
    )
    SuggestionFactory(
        category=point_category, planning_status="planned", geom=Point(8.402, 49.001, srid=4326)
    )
    SuggestionFactory(
        category=point_category, planning_status="implemented", geom=Point(8.403, 49.001, srid=4326)
    )
    SuggestionFactory(
        category=point_category, planning_status="received", geom=Point(8.404, 49.001, srid=4326)
    )
    SuggestionFactory(category=point_category, planning_status="planned", moderation_state="pending")


@pytest.mark.parametrize("zoom", [10, 17])
def test_the_status_filter_keeps_only_those_statuses(client, mixed, zoom):
    response, body = get_map(client, f"bbox={CITY}&zoom={zoom}&status=planned")

    assert response.status_code == 200
    assert body["mode"] == "features"
    assert body["status_applied"] is True
    assert [f["properties"]["planning_status"] for f in body["features"]] == ["planned", "planned"]


def test_several_statuses_are_comma_separated(client, mixed):
    _, body = get_map(client, f"bbox={CITY}&zoom=18&status=implemented,planned")

    assert sorted(f["properties"]["planning_status"] for f in body["features"]) == [
        "implemented",
        "planned",
        "planned",
    ]


def test_without_a_filter_nothing_changes(client, mixed):
    _, body = get_map(client, f"bbox={CITY}&zoom=18")

    assert len(body["features"]) == 4
    assert "status_applied" not in body


@pytest.mark.parametrize("value", ["done", "planned,nope", ",", "PLANNED"])
def test_an_unknown_status_is_a_400_listing_the_valid_values(client, mixed, value):
    response, body = get_map(client, f"bbox={CITY}&zoom=12&status={value}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "status" in body["errors"]
    assert "received, under_review, planned, implemented, declined" in body["message"]


def test_too_many_matches_at_low_zoom_give_clusters_that_say_they_count_every_status(
    client, point_category, monkeypatch
):
    monkeypatch.setattr(selectors, "FEATURE_THRESHOLD", 2)
    monkeypatch.setattr(selectors, "MAX_FEATURES", 2)
    for i in range(4):
        SuggestionFactory(
            category=point_category, planning_status="planned", geom=Point(8.40 + i / 1000, 49.0, srid=4326)
        )
    SuggestionFactory(category=point_category, planning_status="declined", geom=Point(8.41, 49.0, srid=4326))

    _, filtered = get_map(client, f"bbox={CITY}&zoom=10&status=planned")
    _, few = get_map(client, f"bbox={CITY}&zoom=10&status=declined")

    assert (filtered["mode"], filtered["status_applied"], filtered["total"]) == ("clusters", False, 5)
    assert (few["mode"], few["status_applied"], len(few["features"])) == ("features", True, 1)
