"""The keyboard's way to a routed path: "along <street> from <crossing street> to <crossing street>". The
street search finds names as people type them; the crossings of a street say where others meet it; routing
between two crossings along the street gives the same line as tapping them on the map. And a routed path
sent as a suggestion is stored with how it was drawn."""

import json

import pytest

from participation.models import Suggestion
from tests.geo.network_builder import build_network, grid_position

pytestmark = pytest.mark.django_db

STREETS = "/api/v1/projects/test-project/route/streets/"
CROSSINGS = "/api/v1/projects/test-project/route/crossings/"
ROUTE = "/api/v1/projects/test-project/route/"


@pytest.fixture
def grid(project):
    return build_network(project)


def streets(client, q, language="en"):
    response = client.get(STREETS, {"q": q}, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Kaiserstraße", "Kaiserstraße"),
        ("kaiserstr.", "Kaiserstraße"),
        ("KAISERSTRASSE", "Kaiserstraße"),
        ("Kaiserstrase", "Kaiserstraße"),  # a typo
        ("Süd", "Südstraße"),
        ("Sud", "Südstraße"),
        ("ritter", "Ritterstraße"),
    ],
)
def test_a_street_is_found_as_people_type_it(client, grid, typed, first):
    status, body = streets(client, typed)
    assert status == 200
    assert body["streets"][0] == first


def test_names_starting_with_the_text_come_first_and_closed_ways_not_at_all(client, grid):
    _status, body = streets(client, "straße")
    assert len(body["streets"]) == 8  # every street of the grid contains it; none starts with it
    assert "Schlossweg" not in streets(client, "Schloss")[1]["streets"]  # a footway: no route along it
    assert streets(client, "Wald")[1]["streets"][0] == "Waldstraße"


@pytest.mark.parametrize("typed", ["%", "_", "%%", "' OR 1=1 --", "🚲🚲", "\\"])
def test_wildcards_sql_and_emoji_are_plain_text(client, grid, typed):
    status, body = streets(client, typed)
    assert status == 200
    assert body["streets"] == []


@pytest.mark.parametrize("typed", ["", "   ", "...", "x" * 10_000, "Kaiser\x00straße"])
def test_empty_or_huge_search_text_is_refused(client, grid, typed):
    status, body = streets(client, typed, language="de")
    assert status == 400
    assert body["message"] == "Geben Sie zwischen 1 und 100 Buchstaben eines Straßennamens ein."


def test_the_crossings_of_a_street_are_the_streets_meeting_it(client, grid):
    response = client.get(CROSSINGS, {"street": "Kaiserstraße"})
    assert response.status_code == 200
    crossings = response.json()["crossings"]
    by_name = {c["name"]: c for c in crossings}
    assert sorted(by_name) == ["Adlerstraße", "Herrenstraße", "Karlstraße", "Ritterstraße", "Schlossweg"]
    assert by_name["Karlstraße"]["position"] == list(grid_position(0, 1))
    assert by_name["Adlerstraße"]["vertex"] == grid.vertices[(3, 1)]


def test_crossings_of_a_street_that_does_not_exist(client, grid):
    response = client.get(CROSSINGS, {"street": "Nirgendwostraße"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["message"] == "There is no street of this name in the project's street network."
    assert client.get(CROSSINGS, {"street": "x" * 5000}).status_code == 404
    assert client.get(CROSSINGS, {"street": "Kaiser\x00straße"}).status_code == 404


def test_streets_of_a_project_without_a_network(client, project):
    response = client.get(STREETS, {"q": "Kaiser"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "draw the path freely" in response.json()["message"]


def test_along_a_street_from_one_crossing_to_another_is_the_line_tapping_them_gives(client, grid):
    crossings = {c["name"]: c for c in client.get(CROSSINGS, {"street": "Kaiserstraße"}).json()["crossings"]}
    start, end = crossings["Karlstraße"]["position"], crossings["Adlerstraße"]["position"]
    points = f"{start[0]},{start[1]};{end[0]},{end[1]}"

    along = client.get(ROUTE, {"points": points, "along": "Kaiserstraße"}).json()
    tapped = client.get(ROUTE, {"points": points}).json()

    assert along["properties"]["streets"] == ["Kaiserstraße"]
    assert along["geometry"] == tapped["geometry"]
    assert along["geometry"]["coordinates"] == [list(grid_position(i, 1)) for i in range(4)]


def test_along_a_street_keeps_to_it_where_another_way_is_as_short(client, grid):
    # From Karlstraße/Südstraße to Herrenstraße/Kaiserstraße every way round the blocks is equally long:
    # along Karlstraße the route goes up Karlstraße first, along Herrenstraße it goes up Herrenstraße last.
    start, end = grid_position(0, 0), grid_position(2, 1)
    points = f"{start[0]},{start[1]};{end[0]},{end[1]}"
    first = client.get(ROUTE, {"points": points, "along": "Karlstraße"}).json()
    last = client.get(ROUTE, {"points": points, "along": "Herrenstraße"}).json()
    assert first["properties"]["streets"] == ["Karlstraße", "Kaiserstraße"]
    assert last["properties"]["streets"] == ["Südstraße", "Herrenstraße"]


# --------------------------------------------------------------------------- the suggestion records it


def create(client, geometry, category="bike-path", **properties):
    body = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"category": category, "title": "Radweg Kaiserstraße", **properties},
    }
    return client.post(
        "/api/v1/projects/test-project/suggestions/", json.dumps(body), "application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip


def test_a_routed_path_is_stored_as_routed_with_the_routed_line(client, citizen, line_category, grid):
    client.force_login(citizen)
    start, end = grid_position(0, 1), grid_position(3, 1)
    route = client.get(ROUTE, {"points": f"{start[0]},{start[1]};{end[0]},{end[1]}"}).json()

    response = create(client, route["geometry"], line_drawing="routed")

    assert response.status_code == 201, response.content
    assert response.json()["properties"]["line_drawing"] == "routed"
    stored = Suggestion.objects.get()
    assert stored.line_drawing == "routed"
    assert [list(c) for c in stored.geom.coords] == route["geometry"]["coordinates"]


def test_a_path_sent_without_saying_was_drawn_freely_and_a_point_has_no_drawing(
    client, citizen, line_category, point_category
):
    client.force_login(citizen)
    line = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.005]]}
    assert create(client, line).status_code == 201
    assert (
        create(client, {"type": "Point", "coordinates": [8.4, 49.0]}, category="charging-station").status_code
        == 201
    )
    assert sorted(Suggestion.objects.values_list("line_drawing", flat=True)) == ["", "free"]


@pytest.mark.parametrize(
    ("category", "value"),
    [("bike-path", "snapped"), ("bike-path", "x" * 5000), ("charging-station", "routed")],
)
def test_a_drawing_that_is_not_one_is_refused(
    client, citizen, line_category, point_category, category, value
):
    client.force_login(citizen)
    geometry = (
        {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.005]]}
        if category == "bike-path"
        else {"type": "Point", "coordinates": [8.4, 49.0]}
    )
    response = create(client, geometry, category=category, line_drawing=value)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "“line_drawing” is “routed” (along the streets) or “free” (drawn freely), for paths only."
    )
    assert not Suggestion.objects.exists()
