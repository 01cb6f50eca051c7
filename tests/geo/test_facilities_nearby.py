"""The compose flow's hint about what already exists near a drawn place: the nearest existing facilities of
the category (public context layers with the role "facilities"), their true distance, name and capacity,
and a clear refusal of every bad input in the asker's language."""

import json
import math

import pytest
from django.contrib.gis.geos import LineString, Point

from tests.factories import CategoryFactory, ContextFeatureFactory, FacilityLayerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/test-project/facilities-nearby/"
HERE = (8.40, 49.00)

# WGS84, for distances computed by hand (not by PostGIS): along a parallel and along a meridian.
A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)


def metres_east(lat: float, dlon: float) -> float:
    """The geodesic between two points on one parallel, `dlon` degrees apart; for a few hundred metres the
    parallel's arc, N(φ)·cos φ·Δλ, is shorter by far less than a millimetre."""
    phi = math.radians(lat)
    return A / math.sqrt(1 - E2 * math.sin(phi) ** 2) * math.cos(phi) * math.radians(dlon)


def metres_north(lat: float, dlat: float) -> float:
    """The meridian arc between `lat` and `lat + dlat`, with the radius of curvature M at the midpoint."""
    phi = math.radians(lat + dlat / 2)
    return A * (1 - E2) / (1 - E2 * math.sin(phi) ** 2) ** 1.5 * math.radians(dlat)


def east(dlon: float) -> Point:
    return Point(HERE[0] + dlon, HERE[1], srid=4326)


def north(dlat: float) -> Point:
    return Point(HERE[0], HERE[1] + dlat, srid=4326)


@pytest.fixture
def sharing(project):
    return CategoryFactory(project=project, key="sharing-point")


@pytest.fixture
def parking(sharing):
    return FacilityLayerFactory(category=sharing, name_de="Fahrradabstellanlagen", name_en="Bicycle parking")


def nearby(client, category="sharing-point", geometry=None, **headers):
    geometry = geometry or {"type": "Point", "coordinates": list(HERE)}
    return client.get(URL, {"category": category, "geometry": json.dumps(geometry)}, **headers)


def found(client, **kwargs) -> list[dict]:
    response = nearby(client, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()["features"]


def test_the_three_nearest_within_300_m_nearest_first_at_their_true_distance(client, parking):
    far = ContextFeatureFactory(layer=parking, geom=east(0.0055))  # ~402 m: beyond the radius
    third = ContextFeatureFactory(layer=parking, geom=east(0.0027))  # ~197 m
    first = ContextFeatureFactory(layer=parking, geom=east(0.0007))  # ~51 m
    second = ContextFeatureFactory(layer=parking, geom=north(0.0011))  # ~122 m
    ContextFeatureFactory(layer=parking, geom=east(-0.0035))  # ~256 m: fourth, one too many

    features = found(client)

    assert [f["id"] for f in features] == [first.pk, second.pk, third.pk]
    assert far.pk not in [f["id"] for f in features]
    expected = [metres_east(HERE[1], 0.0007), metres_north(HERE[1], 0.0011), metres_east(HERE[1], 0.0027)]
    for feature, metres in zip(features, expected, strict=True):
        assert feature["properties"]["distance_m"] == pytest.approx(metres, abs=1.0)
    assert [f["properties"]["distance_rounded_m"] for f in features] == [50, 120, 200]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [8.4007, 49.0]}


def test_a_facility_just_inside_the_radius_counts_and_one_just_beyond_does_not(client, parking):
    # 299 m and 301 m due east, on the ground: the Mercator search must not cut either way.
    inside = ContextFeatureFactory(layer=parking, geom=east(299 / metres_east(HERE[1], 1)))
    ContextFeatureFactory(layer=parking, geom=east(-301 / metres_east(HERE[1], 1)))

    assert [f["id"] for f in found(client)] == [inside.pk]


def test_the_radius_is_the_projects_coverage_distance(client, project, parking):
    at_250 = ContextFeatureFactory(layer=parking, geom=east(250 / metres_east(HERE[1], 1)))
    project.coverage_distance_m = 200
    project.save(update_fields=["coverage_distance_m"])
    response = nearby(client)
    assert response.json()["radius_m"] == 200
    assert response.json()["features"] == []

    project.coverage_distance_m = 260
    project.save(update_fields=["coverage_distance_m"])
    assert [f["id"] for f in found(client)] == [at_250.pk]


def test_a_line_is_measured_from_its_nearest_point(client, project, parking):
    line_category = CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    cycleways = FacilityLayerFactory(category=line_category)
    # An existing cycleway 0.0009° north of a drawn line that runs east-west: ~100 m from every point of it.
    cycleway = ContextFeatureFactory(layer=cycleways, geom=LineString((8.395, 49.0009), (8.41, 49.0009)))
    drawn = {"type": "LineString", "coordinates": [[8.398, 49.0], [8.404, 49.0]]}

    features = found(client, category="bike-path", geometry=drawn)

    assert [f["id"] for f in features] == [cycleway.pk]
    assert features[0]["properties"]["distance_m"] == pytest.approx(metres_north(49.0, 0.0009), abs=1.0)


def test_only_the_categorys_public_facilities_count(client, project, sharing, parking):
    mine = ContextFeatureFactory(layer=parking, geom=east(0.002))
    charging = FacilityLayerFactory(category=CategoryFactory(project=project, key="charging-station"))
    ContextFeatureFactory(layer=charging, geom=east(0.0001))  # nearer, but another category's
    hidden = FacilityLayerFactory(category=sharing, public=False)
    ContextFeatureFactory(layer=hidden, geom=east(0.0001))  # nearer, but planners' only
    other_project = FacilityLayerFactory(category=CategoryFactory(key="sharing-point"))
    ContextFeatureFactory(layer=other_project, geom=east(0.0001))  # same key, another project

    assert [f["id"] for f in found(client)] == [mine.pk]


def test_several_layers_of_the_category_are_merged_by_distance_with_their_names(client, sharing, parking):
    stations = FacilityLayerFactory(category=sharing, name_de="Leihstationen", name_en="Sharing stations")
    ContextFeatureFactory(layer=parking, geom=east(0.002))
    ContextFeatureFactory(layer=stations, geom=east(0.001))

    english = found(client, HTTP_ACCEPT_LANGUAGE="en")
    german = found(client, HTTP_ACCEPT_LANGUAGE="de")

    assert [f["properties"]["layer_name"] for f in english] == ["Sharing stations", "Bicycle parking"]
    assert [f["properties"]["layer_name"] for f in german] == ["Leihstationen", "Fahrradabstellanlagen"]


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        ("40", 40),
        (" 40 ", 40),
        (40, 40),
        ("40.0", 40),
        (40.0, 40),
        ("1", 1),
        ("007", 7),
        ("ca. 40", None),
        ("10-20", None),
        ("10;12", None),
        ("yes", None),
        ("0", None),
        ("-5", None),
        ("4.5", None),
        ("1e3", None),
        ("9999999", None),
        ("", None),
        (None, None),
        ([40], None),
        ({"value": 40}, None),
        (True, None),
    ],
)
def test_the_capacity_is_a_whole_positive_number_or_none(client, parking, capacity, expected):
    properties = {} if capacity is None else {"capacity": capacity}
    ContextFeatureFactory(layer=parking, geom=east(0.001), properties=properties)

    assert found(client)[0]["properties"]["capacity"] == expected


@pytest.mark.parametrize(
    ("properties", "language", "expected"),
    [
        ({"name": "Europabad"}, "en", "Europabad"),
        ({"name": "  Europabad  "}, "en", "Europabad"),
        ({"name": "Hauptbahnhof", "name:en": "Central station"}, "en", "Central station"),
        ({"name": "Hauptbahnhof", "name:en": "Central station"}, "de", "Hauptbahnhof"),
        ({"name": "<b>Europabad</b>"}, "en", "<b>Europabad</b>"),  # text, escaped where it is shown
        ({"name": "x" * 500}, "en", "x" * 100),
        ({"name": "   "}, "en", None),
        ({"name": 42}, "en", None),
        ({"name": None}, "en", None),
        ({}, "en", None),
    ],
)
def test_the_name_is_a_string_of_the_source_cut_to_100_characters(
    client, parking, properties, language, expected
):
    ContextFeatureFactory(layer=parking, geom=east(0.001), properties=properties)

    assert found(client, HTTP_ACCEPT_LANGUAGE=language)[0]["properties"]["name"] == expected


@pytest.mark.parametrize(
    ("metres", "rounded"),
    [(0, 0), (4, 0), (9.6, 0), (10.4, 10), (14, 10), (16, 20), (94, 90), (96, 100), (295.5, 300)],
)
def test_the_distance_is_rounded_to_10_m_and_0_says_less_than_10_m(client, parking, metres, rounded):
    ContextFeatureFactory(layer=parking, geom=east(metres / metres_east(HERE[1], 1)))

    assert found(client)[0]["properties"]["distance_rounded_m"] == rounded


def test_nothing_nearby_and_no_layers_are_an_empty_list_with_the_radius(client, sharing):
    response = nearby(client)

    assert response.status_code == 200
    assert response.json() == {"type": "FeatureCollection", "radius_m": 300, "features": []}


def test_the_geometry_may_come_in_a_json_body(client, parking):
    near = ContextFeatureFactory(layer=parking, geom=east(0.001))
    body = {"category": "sharing-point", "geometry": {"type": "Point", "coordinates": list(HERE)}}

    response = client.post(URL, json.dumps(body), "application/json")

    assert response.status_code == 200
    assert [f["id"] for f in response.json()["features"]] == [near.pk]


def test_a_few_queries_whatever_the_number_of_facilities(client, parking, django_assert_max_num_queries):
    for step in range(1, 40):
        ContextFeatureFactory(layer=parking, geom=east(step * 0.0001))

    with django_assert_max_num_queries(3):  # the project with its categories, the layers, the facilities
        assert len(found(client)) == 3


LONG_LINE = {"type": "LineString", "coordinates": [[8.40 + i * 0.00001, 49.0] for i in range(501)]}


def point(*coordinates) -> str:
    return json.dumps({"type": "Point", "coordinates": list(coordinates)})


REQUIRED = ("Dieses Feld ist erforderlich.", "This field is required.")
NOT_GEOJSON = ("Die Geometrie ist kein gültiges GeoJSON.", "The geometry is not valid GeoJSON.")


@pytest.mark.parametrize(
    ("query", "field", "texts"),
    [
        pytest.param({"category": "sharing-point"}, "geometry", REQUIRED, id="no geometry"),
        pytest.param({"geometry": point(8.4, 49.0)}, "category", REQUIRED, id="no category"),
        pytest.param(
            {"category": "sharing-point", "geometry": "{not json"}, "geometry", NOT_GEOJSON, id="not json"
        ),
        pytest.param({"category": "sharing-point", "geometry": "NaN"}, "geometry", NOT_GEOJSON, id="NaN"),
        pytest.param(
            {"category": "sharing-point", "geometry": point(8.4)},
            None,
            ("Koordinaten müssen aus zwei Zahlen bestehen", "Coordinates must have two numbers"),
            id="one number",
        ),
        pytest.param(
            {"category": "sharing-point", "geometry": point("8.4", 49)},
            None,
            ("Koordinaten müssen endliche Zahlen sein.", "Coordinates must be finite numbers."),
            id="text for a number",
        ),
        pytest.param(
            {"category": "sharing-point", "geometry": point(8.4, 99)},
            None,
            ("Die Länge muss zwischen -180 und 180 liegen", "Longitude must lie between -180 and 180"),
            id="latitude 99",
        ),
        pytest.param(
            {"category": "sharing-point", "geometry": point(9.9, 49.0)},
            None,
            (
                "Der Vorschlag muss im Projektgebiet liegen.",
                "The suggestion must lie inside the project area.",
            ),
            id="outside the project",
        ),
        pytest.param(
            {"category": "no-such", "geometry": point(8.4, 49.0)},
            None,
            ("Unbekannte Kategorie „no-such“", "Unknown category “no-such”"),
            id="unknown category",
        ),
        pytest.param(
            {"category": "sharing-point", "geometry": json.dumps(LONG_LINE)},
            None,
            ("Für diese Kategorie setzen Sie bitte einen Punkt.", "This category takes a point."),
            id="a line for a point category",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_in_the_askers_language(client, parking, query, field, texts):
    for language, text in zip(("de", "en"), texts, strict=True):
        response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE=language)

        assert response.status_code == 400
        body = response.json()
        message = " ".join(body["errors"][field]) if field else body["message"]
        assert text in message, message


@pytest.mark.parametrize(("language", "text"), [("de", "höchstens 500 Punkte"), ("en", "at most 500 points")])
def test_a_line_of_too_many_points_is_refused(client, project, parking, language, text):
    CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    body = {"category": "bike-path", "geometry": LONG_LINE}

    response = client.post(URL, json.dumps(body), "application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert text in response.json()["message"]


def test_an_unknown_or_hidden_project_is_not_found(client, parking):
    response = client.get(URL.replace("test-project", "no-such-project"), {"category": "x", "geometry": "{}"})

    assert response.status_code == 404
