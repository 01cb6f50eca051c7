"""The map's viewport read: clusters at low zoom, published suggestions at high zoom, always small."""

import json
import math
import time

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.urls import reverse

from geo import selectors
from geo.core.grid import WEB_MERCATOR_HALF
from participation.models import ModerationState
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/test-project/map/"
CITY = "8.3,48.9,8.5,49.1"  # the whole test project area and some of its surroundings


def get_map(client, query: str, **headers):
    response = client.get(f"{URL}?{query}", **headers)
    return response, json.loads(response.content)


def viewport(lon: float, lat: float, zoom: int, width: int = 2560, height: int = 1440) -> str:
    """The bbox a web map of width x height px shows around lon/lat at `zoom` (Web Mercator)."""
    metres_per_px = 2 * WEB_MERCATOR_HALF / (256 * 2**zoom)
    x = lon * WEB_MERCATOR_HALF / 180
    y = math.log(math.tan((90 + lat) * math.pi / 360)) * WEB_MERCATOR_HALF / math.pi

    def lonlat(mx: float, my: float) -> tuple[float, float]:
        return mx * 180 / WEB_MERCATOR_HALF, math.degrees(
            2 * math.atan(math.exp(my * math.pi / WEB_MERCATOR_HALF)) - math.pi / 2
        )

    west, south = lonlat(x - width / 2 * metres_per_px, y - height / 2 * metres_per_px)
    east, north = lonlat(x + width / 2 * metres_per_px, y + height / 2 * metres_per_px)
    return f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"


@pytest.fixture
def few_features_threshold(monkeypatch):
    """Clusters from three suggestions on, so that tests need only a handful of rows."""
    monkeypatch.setattr(selectors, "FEATURE_THRESHOLD", 2)
    monkeypatch.setattr(selectors, "MAX_FEATURES", 10)


def test_the_endpoint_is_named_in_the_api_namespace():
    assert reverse("api:project-map-data", kwargs={"slug": "test-project"}) == URL


def test_low_zoom_gives_clusters_whose_category_counts_add_up(
    client, point_category, line_category, few_features_threshold
):
    SuggestionFactory.create_batch(3, category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory.create_batch(2, category=line_category)
    SuggestionFactory(category=point_category, geom=Point(8.49, 49.04, srid=4326))

    response, body = get_map(client, f"bbox={CITY}&zoom=12")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert (body["type"], body["mode"], body["zoom"], body["cell_zoom"]) == (
        "FeatureCollection",
        "clusters",
        12,
        12,
    )
    assert body["total"] == 6
    assert body["truncated"] is False
    assert sorted(f["properties"]["count"] for f in body["features"]) == [1, 5]
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        assert sum(feature["properties"]["categories"].values()) == feature["properties"]["count"]
    biggest = max(body["features"], key=lambda f: f["properties"]["count"])
    assert biggest["properties"]["categories"] == {"bike-path": 2, "charging-station": 3}


def test_a_cluster_sits_at_the_mean_of_its_suggestions_with_six_decimals(
    client, point_category, few_features_threshold
):
    for lon in (8.4001, 8.4002, 8.4006):
        SuggestionFactory(category=point_category, geom=Point(lon, 49.0001, srid=4326))

    _, body = get_map(client, f"bbox={CITY}&zoom=10")

    (feature,) = body["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert lon == pytest.approx(8.4003, abs=1e-6)
    assert lat == pytest.approx(49.0001, abs=1e-6)
    assert all(len(str(c).split(".")[1]) <= 6 for c in (lon, lat))


def test_few_suggestions_come_as_features_even_at_low_zoom(client, point_category):
    suggestion = SuggestionFactory(category=point_category)

    _, body = get_map(client, f"bbox={CITY}&zoom=3")

    assert body["mode"] == "features"
    assert [f["id"] for f in body["features"]] == [suggestion.pk]
    assert "total" not in body


def test_high_zoom_gives_features_with_public_fields_only(client, point_category, few_features_threshold):
    author = UserFactory(username="secret-username", email="secret@example.org")
    SuggestionFactory.create_batch(2, category=point_category, author=author)
    suggestion = SuggestionFactory(
        category=point_category,
        author=author,
        geom=Point(8.123456789, 49.000000049, srid=4326),
        title='Laden "am" <Markt>',
        support_count=4,
        comment_count=2,
    )

    response, body = get_map(client, "bbox=8.12,48.99,8.13,49.01&zoom=17")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert (body["mode"], body["zoom"], body["truncated"]) == ("features", 17, False)
    (feature,) = body["features"]
    assert feature == {
        "type": "Feature",
        "id": suggestion.pk,
        "geometry": {"type": "Point", "coordinates": [8.123457, 49.0]},  # 6 decimals
        "properties": {
            "id": suggestion.pk,
            "category": "charging-station",
            "title": 'Laden "am" <Markt>',
            "planning_status": "received",
            "support_count": 4,
            "comment_count": 2,
        },
    }
    raw = response.content.decode()
    for private in ("secret-username", "secret@example.org", "Anna K.", "Ladestation sinnvoll"):
        assert private not in raw


def test_features_are_those_that_intersect_the_bbox(client, point_category, line_category):
    inside = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory(category=point_category, geom=Point(8.45, 49.03, srid=4326))
    crossing = SuggestionFactory(
        category=line_category, geom=LineString((8.35, 48.99), (8.42, 48.99), srid=4326)
    )
    # Its bounding box meets the bbox, the line itself does not.
    SuggestionFactory(category=line_category, geom=LineString((8.38, 49.03), (8.42, 49.015), srid=4326))

    _, body = get_map(client, "bbox=8.39,48.98,8.41,49.01&zoom=15")

    assert body["mode"] == "features"
    assert sorted(f["id"] for f in body["features"]) == sorted([inside.pk, crossing.pk])


@pytest.mark.parametrize("zoom", [8, 18])
def test_category_filter_applies_to_clusters_and_features(
    client, point_category, line_category, few_features_threshold, zoom
):
    other_points = CategoryFactory(project=point_category.project, key="sharing-point", position=5)
    SuggestionFactory.create_batch(3, category=point_category)
    SuggestionFactory.create_batch(2, category=other_points)
    lines = SuggestionFactory.create_batch(3, category=line_category)

    _, only_lines = get_map(client, f"bbox={CITY}&zoom={zoom}&category=bike-path")
    _, two = get_map(client, f"bbox={CITY}&zoom={zoom}&category=bike-path,sharing-point")

    if zoom < 17:
        assert only_lines["mode"] == two["mode"] == "clusters"
        assert [f["properties"]["categories"] for f in only_lines["features"]] == [{"bike-path": 3}]
        assert [f["properties"]["categories"] for f in two["features"]] == [
            {"bike-path": 3, "sharing-point": 2}
        ]
        assert two["total"] == 5
    else:
        assert only_lines["mode"] == two["mode"] == "features"
        assert sorted(f["id"] for f in only_lines["features"]) == sorted(s.pk for s in lines)
        assert {f["properties"]["category"] for f in two["features"]} == {"bike-path", "sharing-point"}
        assert len(two["features"]) == 5


@pytest.mark.parametrize("state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN])
@pytest.mark.parametrize("zoom", [4, 17])
def test_only_published_suggestions_appear_not_even_as_a_count(
    client, point_category, few_features_threshold, state, zoom
):
    published = SuggestionFactory.create_batch(3, category=point_category)
    SuggestionFactory.create_batch(
        4, category=point_category, moderation_state=state, title="nicht öffentlich"
    )

    _, body = get_map(client, f"bbox={CITY}&zoom={zoom}")

    if zoom < 17:
        assert body["total"] == 3
        assert [f["properties"]["count"] for f in body["features"]] == [3]
    else:
        assert sorted(f["id"] for f in body["features"]) == sorted(s.pk for s in published)
    assert "nicht öffentlich" not in json.dumps(body, ensure_ascii=False)


def test_other_projects_stay_out(client, point_category, few_features_threshold):
    elsewhere = CategoryFactory(project=ProjectFactory(slug="elsewhere"), key="charging-station")
    SuggestionFactory.create_batch(5, category=elsewhere)
    mine = SuggestionFactory(category=point_category)

    _, clusters = get_map(client, f"bbox={CITY}&zoom=9")
    _, features = get_map(client, f"bbox={CITY}&zoom=17")

    assert clusters["mode"] == "features"  # one suggestion of this project: below the threshold
    assert [f["id"] for f in clusters["features"]] == [mine.pk]
    assert [f["id"] for f in features["features"]] == [mine.pk]


def test_features_are_capped_and_say_so(client, point_category, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_FEATURES", 2)
    SuggestionFactory.create_batch(4, category=point_category)

    _, body = get_map(client, f"bbox={CITY}&zoom=18")

    assert body["mode"] == "features"
    assert len(body["features"]) == 2
    assert body["truncated"] is True


def test_too_many_clusters_come_from_the_next_coarser_grid(
    client, point_category, few_features_threshold, monkeypatch
):
    monkeypatch.setattr(selectors, "MAX_CLUSTER_CELLS", 2)
    for lon in (8.355, 8.38, 8.40, 8.43):  # four cells at zoom 12, two at zoom 11
        SuggestionFactory(category=point_category, geom=Point(lon, 49.0, srid=4326))

    _, body = get_map(client, f"bbox={CITY}&zoom=12")

    assert (body["mode"], body["zoom"], body["cell_zoom"], body["truncated"]) == ("clusters", 12, 11, False)
    assert sorted(f["properties"]["count"] for f in body["features"]) == [2, 2]
    assert body["total"] == 4


def test_clusters_that_fit_nowhere_are_cut_largest_first(
    client, point_category, few_features_threshold, monkeypatch
):
    monkeypatch.setattr(selectors, "MAX_CLUSTER_CELLS", 1)
    SuggestionFactory.create_batch(2, category=point_category, geom=Point(8.31, 49.0, srid=4326))
    SuggestionFactory(category=point_category, geom=Point(8.49, 49.0, srid=4326))

    _, body = get_map(client, f"bbox={CITY}&zoom=14")

    assert (body["cell_zoom"], body["truncated"], body["total"]) == (13, True, 3)
    assert [f["properties"]["count"] for f in body["features"]] == [2]


def test_the_byte_budget_cuts_features_too(client, point_category, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_FEATURE_BYTES", 500)
    SuggestionFactory.create_batch(5, category=point_category, title="x" * 120)

    response, body = get_map(client, f"bbox={CITY}&zoom=17")

    assert body["truncated"] is True
    assert 1 <= len(body["features"]) < 5
    assert len(response.content) < 500 + 200


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("zoom=10", "bbox", "required"),
        ("bbox=1,2,3&zoom=10", "bbox", "four numbers"),
        ("bbox=a,b,c,d&zoom=10", "bbox", "four numbers"),
        ("bbox=8.5,49,8.4,49.1&zoom=10", "bbox", "smaller"),
        ("bbox=-200,0,10,10&zoom=10", "bbox", "longitude -180 to 180"),
        (f"bbox={CITY}", "zoom", "required"),
        (f"bbox={CITY}&zoom=-1", "zoom", "greater than or equal to 0"),
        (f"bbox={CITY}&zoom=23", "zoom", "less than or equal to 22"),
        (f"bbox={CITY}&zoom=1.5", "zoom", "valid integer"),
        (f"bbox={CITY}&zoom=10&category=,,", "category", "at least one category"),
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, point_category, query, field, fragment):
    response, body = get_map(client, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert fragment in body["message"]
    assert field in body["errors"]


def test_unknown_category_is_a_400_naming_the_known_ones(client, point_category):
    response, body = get_map(
        client, f"bbox={CITY}&zoom=10&category=charging-station,nope", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert body["code"] == "unknown_category"
    assert "nope" in body["message"]
    assert "charging-station" in body["message"]


def test_unknown_project_is_a_404_with_a_message(client, db):
    response = client.get(f"/api/v1/projects/nowhere/map/?bbox={CITY}&zoom=10", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert json.loads(response.content) == {
        "code": "project_not_found",
        "message": "There is no project with this name.",
    }


@pytest.mark.parametrize(
    ("query", "mode", "queries"),
    [
        # project, category ids, clusters
        (f"bbox={CITY}&zoom=6&category=charging-station,bike-path", "clusters", 3),
        # project, category ids, the cells' count (too few for clusters), features
        ("bbox=8.35,48.96,8.36,48.97&zoom=12&category=bike-path", "features", 4),
        # project, features (from zoom 17 on no count is needed)
        (f"bbox={CITY}&zoom=18", "features", 2),
    ],
)
def test_the_map_takes_a_fixed_number_of_queries_however_many_suggestions(
    client, point_category, line_category, django_assert_max_num_queries, query, mode, queries
):
    # 600 suggestions: above the threshold, so the first case is answered with clusters.
    SuggestionFactory.create_batch(300, category=point_category)
    SuggestionFactory.create_batch(300, category=line_category)
    SuggestionFactory(category=line_category, geom=LineString((8.351, 48.961), (8.359, 48.969), srid=4326))

    with django_assert_max_num_queries(queries):
        response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["mode"] == mode
    assert body["features"]


def test_the_schema_describes_the_map_endpoint(client, db):
    response = client.get("/api/schema/?format=json")

    operation = json.loads(response.content)["paths"]["/api/v1/projects/{slug}/map/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"slug", "bbox", "zoom", "category"}
    assert {p["name"] for p in operation["parameters"] if p.get("required")} >= {"slug", "bbox", "zoom"}
    assert "application/geo+json" in operation["responses"]["200"]["content"]


def test_every_feature_the_map_sends_is_exactly_one_of_the_documented_shapes(
    client, point_category, few_features_threshold
):
    """The schema's `oneOf` must tell a cluster from a suggestion: a client (or schemathesis) validating an
    answer is refused when a feature fits both."""
    from jsonschema import Draft202012Validator

    schema = json.loads(client.get("/api/schema/?format=json").content)
    response = schema["paths"]["/api/v1/projects/{slug}/map/"]["get"]["responses"]["200"]
    shapes = response["content"]["application/geo+json"]["schema"]["properties"]["features"]["items"]["oneOf"]
    SuggestionFactory.create_batch(3, category=point_category, geom=Point(8.40, 49.00, srid=4326))

    for query, mode in ((f"bbox={CITY}&zoom=5", "clusters"), (f"bbox={CITY}&zoom=18", "features")):
        _, body = get_map(client, query)
        assert body["mode"] == mode
        assert body["features"]
        for feature in body["features"]:
            fitting = [s["title"] for s in shapes if Draft202012Validator(s).is_valid(feature)]
            assert fitting == (["Cluster"] if mode == "clusters" else ["Suggestion"]), feature


SEED = """
-- 100,000 published suggestions spread evenly over the test project's area (0.2 x 0.1 degrees around
-- Karlsruhe's centre), in four categories like Karlsruhe's; a quarter are 2-vertex bike paths. Titles of
-- 20, 60 and 120 characters (the longest allowed), so the byte budgets are exercised.
SELECT setseed(0.42);
WITH position AS (
    SELECT i, 8.30 + 0.198 * random() AS lon, 48.95 + 0.099 * random() AS lat
    FROM generate_series(0, %(n)s - 1) AS i
)
INSERT INTO participation_suggestion (
    project_id, category_id, geom, title, text, display_name, moderation_state, planning_status,
    official_answer, support_count, comment_count, created_at, updated_at
)
SELECT %(project_id)s,
       (%(category_ids)s::bigint[])[i %% 4 + 1],
       CASE WHEN i %% 4 = 3
            THEN ST_MakeLine(ST_SetSRID(ST_MakePoint(lon, lat), 4326),
                             ST_SetSRID(ST_MakePoint(lon + 0.002, lat + 0.001), 4326))
            ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
       left(repeat('Ladestation für E-Bikes am Marktplatz ' || i || ' ', 4),
            (ARRAY[20, 60, 120])[i %% 3 + 1]),
       'Text', 'Anna K.', 'published', 'received', '', i %% 7, i %% 3, now(), now()
FROM position
"""


def seed(*, project_id: int, category_ids: list[int], n: int) -> float:
    """Insert `n` published suggestions in one statement; the trigger counts them all at once (~7 s here)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SEED, {"project_id": project_id, "category_ids": category_ids, "n": n})
    return time.perf_counter() - started


SCREENS = [(2560, 1440), (1920, 1080), (390, 844)]  # a large desktop, a laptop, a phone


def test_responses_stay_under_150_kb_for_a_large_screen_at_any_zoom_with_100000_suggestions(
    client, point_category, line_category
):
    project = point_category.project
    sharing = CategoryFactory(project=project, key="sharing-point", position=1)
    comment = CategoryFactory(project=project, key="comment", position=3)
    seed(
        project_id=project.pk,
        category_ids=[point_category.pk, sharing.pk, comment.pk, line_category.pk],
        n=100_000,
    )

    answers = {}
    for zoom in (5, 9, 11, 13, 14, 15, 16, 17, 19):
        for width, height in SCREENS:
            response = client.get(f"{URL}?bbox={viewport(8.40, 49.00, zoom, width, height)}&zoom={zoom}")
            assert response.status_code == 200
            assert len(response.content) < 150_000, (zoom, width, len(response.content))
            answers[zoom, width] = json.loads(response.content)

    # The whole city on one screen: every suggestion is in a cluster.
    city = answers[11, 2560]
    assert (city["mode"], city["total"], city["truncated"]) == ("clusters", 100_000, False)
    assert sum(f["properties"]["count"] for f in city["features"]) == 100_000
    # Up to zoom 16 no screen misses a cluster: a full 2560 x 1440 screen at zoom 14 to 16 holds too many
    # cells with four categories each, and gets the next coarser grid instead.
    for (zoom, width), answer in answers.items():
        if zoom <= 16:
            assert (answer["mode"], answer["truncated"]) == ("clusters", False), (zoom, width)
    assert answers[14, 1920]["cell_zoom"] == 14
    assert answers[14, 2560]["cell_zoom"] == 13
    # From zoom 17 on, features; a large screen at 17 holds more than 500 and says so.
    assert (answers[17, 2560]["mode"], answers[17, 2560]["truncated"]) == ("features", True)
    assert (answers[19, 390]["mode"], answers[19, 390]["truncated"]) == ("features", False)
