"""Routes along the street network for the compose flow (`/api/v1/projects/<slug>/route/`): the line follows
the streets open to bicycles from where the person tapped to where they tapped, one-way streets only their
way, through via points in order; and every bad input is a clear message in the asker's language."""

import re
from itertools import pairwise

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.core.cache import cache
from django.db import connection

from geo.network.imports import network_stranded_mark
from geo.network.models import NetworkEdge, NetworkVertex
from geo.network.routing import MAX_POINTS, route_find
from participation.throttling import WindowRateThrottle
from tests.factories import ProjectFactory, UserFactory
from tests.geo.network_builder import DLAT, DLON, build_network, grid_position

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/test-project/route/"
# DLON and DLAT at 49.00° N in metres on the WGS84 ellipsoid: N(φ)·cos φ·Δλ and M(φ)·Δφ.
M_PER_DLON = 146.34
M_PER_DLAT = 166.82


@pytest.fixture
def grid(project):
    return build_network(project)


def route(client, *points, headers=None, **params):
    text = ";".join(f"{lon},{lat}" for lon, lat in points)
    return client.get(URL, {"points": text, **params}, **(headers or {}))


def routed(client, *points, **params) -> dict:
    response = route(client, *points, **params)
    assert response.status_code == 200, response.content
    return response.json()


def off_network_m(coordinates: list[list[float]], network_id: int) -> float:
    """How far the farthest vertex of a line lies from the network's bicycle edges, in metres."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(d) FROM unnest(%s::float8[], %s::float8[]) AS p(lon, lat), LATERAL ("
            " SELECT min(ST_Distance(e.geom::geography,"
            " ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography)) AS d"
            " FROM geo_network_edge e WHERE e.network_id = %s AND e.bicycle) AS n",
            [[float(c[0]) for c in coordinates], [float(c[1]) for c in coordinates], network_id],
        )
        return cursor.fetchone()[0]


def on_street(i: float, j: float) -> tuple[float, float]:
    """A place on the grid in street units: (0.5, 0) is halfway along Südstraße's first block."""
    return (round(8.400 + i * DLON, 7), round(49.000 + j * DLAT, 7))


# ---------------------------------------------------------------------------------------- the line itself


def test_the_line_starts_and_ends_where_tapped_and_follows_the_streets(client, grid):
    start, end = on_street(0.25, 0), on_street(2.75, 1)
    # Tapped a few metres beside the street: the line starts on the street, level with the tap.
    tapped_start = (start[0], start[1] + 0.00003)
    tapped_end = (end[0], end[1] - 0.00002)

    feature = routed(client, tapped_start, tapped_end)

    coordinates = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "LineString"
    assert coordinates[0] == pytest.approx(list(start), abs=2e-7)
    assert coordinates[-1] == pytest.approx(list(end), abs=2e-7)
    assert off_network_m(coordinates, grid.network.pk) < 0.05
    # Where the tapped points lie on the streets (the page moves its markers there).
    assert feature["properties"]["points"] == [list(start), list(end)]
    # The shortest way: 2.5 blocks east and one block north, whichever streets it takes.
    assert feature["properties"]["length_m"] == pytest.approx(2.5 * M_PER_DLON + M_PER_DLAT, abs=1)
    streets = feature["properties"]["streets"]
    assert streets[0] == "Südstraße"
    assert streets[-1] == "Kaiserstraße"
    # The edges followed, in order, join end to end.
    edges = feature["properties"]["edges"]
    assert edges[0] in grid.edges["Südstraße"]
    assert edges[-1] in grid.edges["Kaiserstraße"]


def test_a_route_along_one_street_is_that_street_alone(client, grid):
    feature = routed(client, on_street(0.5, 2), on_street(2.5, 2))

    assert feature["properties"]["streets"] == ["Waldstraße"]
    assert feature["properties"]["edges"] == grid.edges["Waldstraße"]
    assert feature["geometry"]["coordinates"] == [
        list(on_street(0.5, 2)),
        list(grid_position(1, 2)),
        list(grid_position(2, 2)),
        list(on_street(2.5, 2)),
    ]
    assert feature["properties"]["length_m"] == pytest.approx(2 * M_PER_DLON, abs=0.5)


def test_a_one_way_street_is_taken_only_its_way(client, grid):
    north = routed(client, on_street(1, 0.2), on_street(1, 2.8))
    assert north["properties"]["streets"] == ["Ritterstraße"]
    assert north["properties"]["length_m"] == pytest.approx(2.6 * M_PER_DLAT, abs=1)

    south = routed(client, on_street(1, 2.8), on_street(1, 0.2))
    # Southwards round the block: up to Nordstraße, down a parallel street, back along Südstraße, and up
    # Ritterstraße to the end (its own direction).
    assert south["properties"]["length_m"] == pytest.approx(
        0.2 * M_PER_DLAT + 3 * M_PER_DLAT + 2 * M_PER_DLON + 0.2 * M_PER_DLAT, abs=1
    )
    assert {"Karlstraße", "Herrenstraße"} & set(south["properties"]["streets"])


def test_a_footway_closed_to_bicycles_is_never_taken(client, grid):
    feature = routed(client, on_street(0.05, 0), on_street(0.95, 1))

    assert "Schlossweg" not in feature["properties"]["streets"]
    assert not set(feature["properties"]["edges"]) & set(grid.edges["Schlossweg"])
    # Round the corner (about 300 m), not the diagonal (about 220 m).
    assert feature["properties"]["length_m"] == pytest.approx(M_PER_DLON + M_PER_DLAT, abs=1)


def test_via_points_are_passed_in_order(client, grid):
    start, via, end = on_street(0.5, 0), on_street(2, 0.5), on_street(2.5, 1)

    feature = routed(client, start, via, end)

    assert feature["properties"]["streets"] == ["Südstraße", "Herrenstraße", "Kaiserstraße"]
    assert list(via) in feature["geometry"]["coordinates"]
    assert feature["properties"]["length_m"] == pytest.approx(2 * M_PER_DLON + M_PER_DLAT, abs=1)


def test_the_corridor_falls_back_to_the_whole_network(client, project):
    """Two points whose only connection is a long detour, far outside the corridor around them."""
    built = build_network(project)
    # A road from 5 km west that swings 5 km south before it joins the grid's south-west corner.
    bends = [(8.33, 49.0), (8.33, 48.955), (8.40, 48.955), grid_position(0, 0)]
    ids = [
        NetworkVertex.objects.create(network=built.network, geom=Point(*bend, srid=4326)).pk
        for bend in bends[:-1]
    ]
    ids.append(built.vertices[(0, 0)])
    for a, b, source, target in zip(bends, bends[1:], ids, ids[1:], strict=False):
        NetworkEdge.objects.create(
            network=built.network, source=source, target=target, cost=1, reverse_cost=1, length_m=1,
            bicycle=True, name="Umweg", geom=LineString(a, b, srid=4326),
        )  # fmt: skip

    feature = routed(client, (8.3301, 48.99), on_street(0.5, 0))

    assert feature["properties"]["streets"] == ["Umweg", "Südstraße"]


def _road(network, name: str, metres: list[tuple[float, float]], vertex_ids: dict) -> None:
    """A road through points given in metres east and north of 8.33 E 48.97 N, sharing vertices by place."""
    m_per_lon, m_per_lat = 73_260.0, 111_180.0  # near 48.97 N
    coords = [(round(8.33 + x / m_per_lon, 7), round(48.97 + y / m_per_lat, 7)) for x, y in metres]
    for key in metres:
        if key not in vertex_ids:
            place = coords[metres.index(key)]
            vertex_ids[key] = NetworkVertex.objects.create(network=network, geom=Point(*place, srid=4326)).pk
    for (a, b), (ca, cb) in zip(pairwise(metres), pairwise(coords), strict=True):
        length = ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        NetworkEdge.objects.create(
            network=network, source=vertex_ids[a], target=vertex_ids[b], cost=length, reverse_cost=length,
            length_m=length, bicycle=True, name=name, geom=LineString(ca, cb, srid=4326),
        )  # fmt: skip


def test_a_long_detour_in_the_narrow_corridor_is_not_taken_where_a_shorter_route_runs_beyond_it(
    client, project
):
    """The first corridor holds only the edges within 300 m of the line between the points. Here that is a
    zigzag of 4.9 km between two points 2 km apart; 700 m north runs a road that makes it 3.4 km."""
    built = build_network(project)
    vertex_ids: dict = {}
    zigzag = [(0, 0), *((125 + 250 * k, 280 if k % 2 == 0 else -280) for k in range(8)), (2000, 0)]
    _road(built.network, "Zickzackweg", zigzag, vertex_ids)
    _road(built.network, "Umgehung", [(0, 0), (0, 700), (2000, 700), (2000, 0)], vertex_ids)

    points = [(8.33, 48.97), (round(8.33 + 2000 / 73_260.0, 7), 48.97)]
    feature = routed(client, *points)

    assert feature["properties"]["streets"] == ["Umgehung"]
    assert feature["properties"]["length_m"] == pytest.approx(3400, rel=0.01)


def test_a_route_that_would_leave_the_project_area_keeps_inside(client, project, grid):
    """The network reaches beyond the area (an extract is a rectangle): the route keeps to the area even
    where the shortest one would not."""
    project.area = MultiPolygon(Polygon.from_bbox((8.39, 48.95, 8.4055, 49.01)), srid=4326)
    project.save(update_fields=["area"])
    # Shortest by Adlerstraße (outside the area), then by Herrenstraße.
    feature = routed(client, on_street(2.6, 0), on_street(2.6, 3))

    assert feature["properties"]["streets"] == ["Südstraße", "Herrenstraße", "Nordstraße"]


def test_the_route_function_is_what_the_api_answers(client, project, grid):
    points = [on_street(0.5, 0), on_street(2.5, 3)]
    found = route_find(project=project, points=points)
    feature = routed(client, *points)
    assert feature["geometry"] == found.geometry
    assert feature["properties"]["edges"] == found.edges


# ------------------------------------------------------------------------------------------------ bad input


def refused(client, *points, status=400, language="en", **params) -> str:
    response = route(client, *points, headers={"HTTP_ACCEPT_LANGUAGE": language}, **params)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"]["points"] == [body["message"]]
    return body["message"]


def test_a_tap_by_a_cut_off_path_starts_on_the_connected_street_within_reach(client, grid):
    """A path that reaches nothing (in a park, cut off at the extract's edge) lies nearer the tap than
    Nordstraße, 25 m away: the route starts on Nordstraße, from where there is one, instead of refusing."""
    lat = grid_position(1, 3)[1] + 0.00015  # 25 m north of Nordstraße
    path = LineString((on_street(1.3, 3)[0], lat), (on_street(1.7, 3)[0], lat), srid=4326)
    ends = NetworkVertex.objects.bulk_create(
        NetworkVertex(network=grid.network, geom=Point(*path.coords[k], srid=4326)) for k in (0, -1)
    )
    cut_off = NetworkEdge.objects.create(
        network=grid.network, source=ends[0].pk, target=ends[1].pk, cost=58, reverse_cost=58, length_m=58,
        bicycle=True, name="Parkweg", highway="path", geom=path,
    )  # fmt: skip
    assert network_stranded_mark(grid.network.pk) == 3  # the path, the island and the serpentine far away

    tap = (on_street(1.5, 3)[0], lat + 0.00001)  # on the path, 26 m from Nordstraße
    feature = routed(client, tap, on_street(1.5, 0))

    assert feature["properties"]["points"][0] == pytest.approx(list(on_street(1.5, 3)), abs=2e-7)
    assert feature["properties"]["streets"][0] == "Nordstraße"
    assert cut_off.pk not in feature["properties"]["edges"]


def test_two_taps_on_a_cut_off_part_beyond_reach_of_the_rest_route_along_it(client, grid):
    """With no connected street within reach, a cut-off part is where the taps go (the island, 2 km away)."""
    assert network_stranded_mark(grid.network.pk) == 2  # the island and the serpentine
    island = grid.edges["Inselweg"][0]

    feature = routed(client, (8.4505, 49.03001), (8.4515, 49.02999))

    assert feature["properties"]["edges"] == [island]


def test_no_route_between_start_and_end(client, grid):
    message = refused(client, on_street(0.5, 0), (8.451, 49.030), status=409)
    assert message.startswith("There is no route for bicycles between these points")
    assert "draw the path freely" in message
    german = refused(client, on_street(0.5, 0), (8.451, 49.030), status=409, language="de")
    assert german.startswith("Zwischen diesen Punkten gibt es im Straßennetz keinen Weg für Fahrräder")


def test_a_point_outside_the_project_area(client, grid):
    assert refused(client, on_street(0.5, 0), (8.60, 49.00)) == (
        "The end point is outside the project area. Please choose a place inside the outline."
    )
    assert refused(client, (8.60, 49.00), on_street(1.5, 1), on_street(0.5, 0), language="de") == (
        "Der Startpunkt liegt außerhalb des Projektgebiets. "
        "Bitte wählen Sie eine Stelle innerhalb der Umrandung."
    )


def test_a_via_point_outside_the_network(client, grid):
    message = refused(client, on_street(0.5, 0), (8.35, 48.99), on_street(2.5, 1))
    assert message.startswith("Via point 1 is more than 150 m from any street open to bicycles")
    assert "draw the path freely" in message
    assert refused(client, on_street(0.5, 0), (8.35, 48.99), language="de").startswith(
        "Der Endpunkt liegt mehr als 150 m"
    )


def test_a_route_longer_than_30_km(client, grid):
    # Along the serpentine path: three passes of about 13 km.
    message = refused(client, (8.3101, 48.960), (8.4899, 48.962))
    assert message.startswith("The route would be 3")
    assert message.endswith("a path may be at most 30 km long.")
    german = refused(client, (8.3101, 48.960), (8.4899, 48.962), language="de")
    assert re.fullmatch(r"Der Weg wäre 3\d,\d km lang; ein Weg darf höchstens 30 km lang sein\.", german)


def test_a_route_that_runs_back_along_itself(client, grid):
    message = refused(client, on_street(0.5, 0), on_street(0, 2.5), on_street(1.5, 0), status=409)
    assert (
        message
        == "The route through these points would cross or run back along itself. Move or remove a via point."
    )


def test_start_and_end_at_the_same_place(client, grid):
    message = refused(client, on_street(0.5, 0), on_street(0.5, 0.00001))
    assert message == "Start and end are at the same place. Please choose an end further away."


@pytest.mark.parametrize(
    "text",
    [
        "",
        "8.4005",
        "8.4005,49.0",
        "8.4005;49.0",
        "8.4005,49.0,3;8.41,49.0",
        "a,b;c,d",
        "nan,49.0;8.41,49.0",
        "inf,49.0;8.41,49.0",
        "1e999,49.0;8.41,49.0",
        "8.4005,49.0;200,49.0",
        "49.0,95;8.41,49.0",
        "8.4005 49.0;8.41 49.0",
        "'; DROP TABLE geo_network_edge; --",
        "🚲,🚲;🚲,🚲",
        "8.4005,49.0\x00;8.41,49.0",
    ],
)
def test_malformed_coordinates(client, grid, text):
    response = client.get(URL, {"points": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert message in {
        "A route needs a start and an end.",
        "Give the points as longitude,latitude pairs separated by semicolons (start, via points, end), "
        "e.g. 8.4037,49.0094;8.4102,49.0121.",
    }


def test_a_preferred_street_that_is_not_text_is_refused(client, grid):
    response = client.get(URL, {"points": "8.401,49.0;8.405,49.0", "along": "Kaiser\x00straße"})
    assert response.status_code == 400
    assert response.json()["errors"]["along"]


def test_points_missing_altogether(client, grid):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Geben Sie die Punkte als Paare aus Länge,Breite an")


def test_too_many_points(client, grid):
    points = [on_street(0.1 * n, 0) for n in range(MAX_POINTS + 1)]
    assert refused(client, *points) == "A route takes a start, an end and at most 8 via points."
    # A huge query string is refused the same way, before anything is parsed.
    response = client.get(URL, {"points": "8.4,49.0;" * 2000})
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_points"


def test_a_project_without_a_network_says_so_and_offers_free_drawing(client, project):
    message = refused(client, on_street(0.5, 0), on_street(2.5, 1), status=409)
    assert (
        message == "This project has no street network for routing yet. You can draw the path freely instead."
    )
    german = refused(client, on_street(0.5, 0), on_street(2.5, 1), status=409, language="de")
    assert "frei zeichnen" in german

    network = client.get("/api/v1/projects/test-project/route/network/").json()
    assert network["available"] is False
    assert network["message"]


def test_the_network_endpoint_says_routing_is_available(client, grid):
    network = client.get("/api/v1/projects/test-project/route/network/").json()
    assert network == {
        "available": True,
        "message": None,
        "attribution": "© OpenStreetMap contributors",
        "licence": "ODbL",
        "max_points": MAX_POINTS,
    }


def test_a_project_not_public_is_routed_only_for_its_staff(client_factory):
    hidden = ProjectFactory(slug="hidden", is_public=False)
    build_network(hidden)
    url = "/api/v1/projects/hidden/route/"
    points = f"{on_street(0.5, 0)[0]},{on_street(0.5, 0)[1]};{on_street(2.5, 0)[0]},{on_street(2.5, 0)[1]}"
    for path in (url, "/api/v1/projects/hidden/route/network/", "/api/v1/projects/hidden/route/streets/"):
        assert client_factory().get(path, {"points": points, "q": "Süd"}).status_code == 404

    planner = UserFactory(planner_of=hidden)
    response = client_factory(planner).get(url, {"points": points})
    assert response.status_code == 200
    assert response.json()["properties"]["streets"] == ["Südstraße"]


def test_an_unknown_project(client):
    response = client.get("/api/v1/projects/nowhere/route/", {"points": "8.4,49.0;8.41,49.0"})
    assert response.status_code == 404
    assert response.json()["code"] == "project_not_found"


def test_routing_has_a_budget_per_address_and_says_when_it_is_spent(client, grid, monkeypatch):
    """Every route runs pgRouting: past the address's budget the answer is a 429 with a message in the
    person's language and Retry-After, and no route is computed."""
    monkeypatch.setattr(WindowRateThrottle, "THROTTLE_RATES", {"route": "2/min"})
    # A window of its own (a minute's turn between two requests would open a fresh one).
    monkeypatch.setattr(WindowRateThrottle, "timer", staticmethod(lambda: 4e9 + 7))
    key = f"throttle_route_127.0.0.1:{int((4e9 + 7) // 60)}"  # the test client's address, that window
    cache.delete(key)
    start, end = grid_position(1, 2), grid_position(2, 2)
    answers = [route(client, start, end, headers={"HTTP_ACCEPT_LANGUAGE": "de"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled"
    assert "Anfrage" in answers[2].json()["message"]
    assert int(answers[2]["Retry-After"]) > 0
    streets = client.get(f"{URL}streets/", {"q": "Grid"}, HTTP_ACCEPT_LANGUAGE="de")
    assert streets.status_code == 429
    cache.delete(key)
