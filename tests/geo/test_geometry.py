"""The gate for submitted geometries: what it accepts, what it refuses and with which message.

No database: the gate is plain Python and GEOS, so these tests need none.
"""

import json
import math

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.core.errors import (
    AreaExpected,
    AreaInvalid,
    CoordinatesNotTwoNumbers,
    CoordinatesOutOfRange,
    GeometryCoordinates,
    GeometryCRS,
    GeometryEmpty,
    GeometryInvalid,
    GeometryNotGeoJSON,
    GeometryOutsideArea,
    GeometryTooLarge,
    GeometryWrongKind,
    LineCrossesItself,
    LineExpected,
    LineTooLong,
    LineTooShort,
    PointExpected,
    RingNotClosed,
    RingTooShort,
    TooManyVertices,
)
from geo.core.geometry import MAX_LINE_LENGTH_M, MAX_VERTICES, geometry_from_geojson
from participation.errors import DomainError
from participation.models import GeometryKind
from tests.factories import AREA


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (the site's default language is German)."""
    with translation.override("en"):
        yield


# A U open to the north inside AREA: its arms are 8.30–8.35 and 8.45–8.50, the gap between them starts
# at latitude 49.00. A straight line from arm to arm has both ends inside but leaves the area in between.
U_AREA = MultiPolygon(
    Polygon(
        (
            (8.30, 48.95),
            (8.50, 48.95),
            (8.50, 49.05),
            (8.45, 49.05),
            (8.45, 49.00),
            (8.35, 49.00),
            (8.35, 49.05),
            (8.30, 49.05),
            (8.30, 48.95),
        )
    ),
    srid=4326,
)
SQUARE = [[8.40, 49.00], [8.41, 49.00], [8.41, 49.01], [8.40, 49.01], [8.40, 49.00]]


def point(lon: object, lat: object) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def line(*positions: object) -> dict:
    return {"type": "LineString", "coordinates": list(positions)}


def polygon(*rings: object) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


def refused(value: object, *, kind: str, area: MultiPolygon | None = AREA) -> DomainError:
    with pytest.raises(DomainError) as excinfo:
        geometry_from_geojson(value, kind=kind, area=area)
    return excinfo.value


def assert_error(err: DomainError, expected: type[DomainError]) -> None:
    assert type(err) is expected
    assert err.status_code == 400
    assert str(err.message) == str(expected.default_message)


# --- accepted ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "geos_type", "coords"),
    [
        (point(8.423456789, 49.000000049), "point", Point, (8.4234568, 49.0)),
        (
            line([8.40000004, 49.0], [8.41, 49.01000006]),
            "line",
            LineString,
            ((8.4, 49.0), (8.41, 49.0100001)),
        ),
        (
            polygon([[8.4, 49.0], [8.41, 49.0], [8.41, 49.0099999999], [8.4, 49.0]]),
            "polygon",
            Polygon,
            (((8.4, 49.0), (8.41, 49.0), (8.41, 49.01), (8.4, 49.0)),),
        ),
    ],
)
def test_an_accepted_geometry_has_the_kinds_type_srid_4326_and_7_decimals(value, kind, geos_type, coords):
    geom = geometry_from_geojson(value, kind=kind, area=AREA)

    assert type(geom) is geos_type
    assert geom.srid == 4326
    assert geom.coords == coords


def test_integers_foreign_members_and_a_bbox_are_accepted():
    value = {"type": "Point", "coordinates": [8, 49], "bbox": [8, 49, 8, 49], "id": 7}

    geom = geometry_from_geojson(value, kind="point", area=None)

    assert geom.coords == (8.0, 49.0)


def test_the_kind_may_be_given_as_a_geometry_kind_member():
    geom = geometry_from_geojson(line([8.40, 49.00], [8.41, 49.01]), kind=GeometryKind.LINE, area=AREA)

    assert isinstance(geom, LineString)


def test_a_polygon_with_a_hole_inside_its_shell_is_accepted():
    hole = [[8.402, 49.002], [8.402, 49.008], [8.408, 49.008], [8.408, 49.002], [8.402, 49.002]]

    geom = geometry_from_geojson(polygon(SQUARE, hole), kind="polygon", area=AREA)

    assert len(geom) == 2


def test_a_closed_line_that_does_not_cross_itself_is_accepted():
    geom = geometry_from_geojson(line(*SQUARE), kind="line", area=AREA)

    assert geom.closed


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (point(8.30, 49.00), "point"),
        (line([8.30, 48.95], [8.50, 48.95]), "line"),
        (polygon([[8.30, 48.95], [8.50, 48.95], [8.50, 49.05], [8.30, 48.95]]), "polygon"),
    ],
)
def test_a_geometry_on_the_boundary_of_the_area_is_inside(value, kind):
    assert geometry_from_geojson(value, kind=kind, area=AREA).srid == 4326


def test_without_an_area_any_place_on_earth_is_accepted():
    assert geometry_from_geojson(point(-180, -90), kind="point", area=None).coords == (-180.0, -90.0)


def test_a_line_around_the_gap_of_a_concave_area_is_accepted():
    around = line([8.32, 49.03], [8.32, 48.97], [8.48, 48.97], [8.48, 49.03])

    assert geometry_from_geojson(around, kind="line", area=U_AREA).num_coords == 4


# --- not GeoJSON, other formats and coordinate systems ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        42,
        True,
        b'{"type": "Point", "coordinates": [8.4, 49.0]}',
        [8.4, 49.0],
        {},
        {"coordinates": [8.4, 49.0]},
        {"type": "Circle", "coordinates": [8.4, 49.0], "radius": 100},
        {"type": "point", "coordinates": [8.4, 49.0]},
        {"type": ["Point"], "coordinates": [8.4, 49.0]},
        {"type": "Feature", "geometry": point(8.4, 49.0), "properties": {}},
        {"type": "FeatureCollection", "features": []},
        {"type": "Point"},
        {"type": "Point", "coordinates": None},
        {"type": "Point", "coordinates": "8.4,49.0"},
        {"type": "Point", "coordinates": {"lon": 8.4, "lat": 49.0}},
    ],
)
def test_anything_but_a_geojson_geometry_object_is_not_geojson(value):
    assert_error(refused(value, kind="point"), GeometryNotGeoJSON)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (line(8.40, 49.00), "line"),
        (polygon([8.40, 49.00], [8.41, 49.00]), "polygon"),
        (polygon(SQUARE, "hole"), "polygon"),
    ],
)
def test_coordinates_nested_too_shallow_are_not_geojson(value, kind):
    assert_error(refused(value, kind=kind), GeometryNotGeoJSON)


@pytest.mark.parametrize(
    "value",
    [
        "POINT(8.4 49.0)",
        "SRID=3857;POINT(935000 6275000)",
        "SRID=4326;POINT(8.4 49.0)",
        '{"type": "Point", "coordinates": [8.4, 49.0]}',
        "",
        {**point(935000, 6275000), "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}},
        {
            **point(8.4, 49.0),
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        },
        {**point(8.4, 49.0), "crs": None},
    ],
)
def test_strings_and_a_crs_member_are_refused_not_reprojected(value):
    assert_error(refused(value, kind="point"), GeometryCRS)


# --- kind -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (line([8.40, 49.00], [8.41, 49.01]), "point", PointExpected),
        ({"type": "MultiPoint", "coordinates": [[8.40, 49.00]]}, "point", PointExpected),
        ({"type": "GeometryCollection", "geometries": [point(8.4, 49.0)]}, "point", PointExpected),
        (point(8.40, 49.00), "line", LineExpected),
        ({"type": "MultiLineString", "coordinates": [[[8.40, 49.00], [8.41, 49.01]]]}, "line", LineExpected),
        (polygon(SQUARE), "line", LineExpected),
        (point(8.40, 49.00), "polygon", AreaExpected),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE]]}, "polygon", AreaExpected),
    ],
)
def test_a_geometry_of_another_kind_is_refused_with_the_expected_kind(value, kind, expected):
    err = refused(value, kind=kind)

    assert_error(err, expected)
    assert err.code == GeometryWrongKind.code == "wrong_geometry_type"


def test_the_wrong_kind_messages_name_point_line_and_area():
    assert [str(e.default_message) for e in (PointExpected, LineExpected, AreaExpected)] == [
        "This category takes a point.",
        "This category takes a line.",
        "This category takes an area.",
    ]


# --- coordinates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        math.nan,
        math.inf,
        -math.inf,
        json.loads("1e999"),
        json.loads("NaN"),
        "8.4",
        True,
        False,
        None,
        {},
        [8.4],
    ],
    ids=repr,
)
@pytest.mark.parametrize("kind", ["point", "line", "polygon"])
def test_anything_but_a_finite_number_as_a_coordinate_is_refused(number, kind):
    value = {
        "point": point(number, 49.0),
        "line": line([8.40, 49.00], [8.41, number]),
        "polygon": polygon([[8.40, 49.00], [8.41, 49.00], [number, 49.01], [8.40, 49.00]]),
    }[kind]

    assert_error(refused(value, kind=kind), GeometryCoordinates)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(180.0000001, 0), (-181, 0), (0, 90.5), (0, -91), (10**400, 0), (0, -(10**400))],
    ids=["lon>180", "lon<-180", "lat>90", "lat<-90", "huge int", "huge negative int"],
)
def test_longitude_and_latitude_out_of_range_are_refused(lon, lat):
    assert_error(refused(point(lon, lat), kind="point", area=None), CoordinatesOutOfRange)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({"type": "Point", "coordinates": [8.4, 49.0, 115.0]}, "point"),
        ({"type": "Point", "coordinates": [8.4, 49.0, 115.0, 3.0]}, "point"),
        ({"type": "Point", "coordinates": [8.4]}, "point"),
        ({"type": "Point", "coordinates": [[8.4, 49.0]]}, "point"),
        (line([8.40, 49.00, 115.0], [8.41, 49.01, 116.0]), "line"),
        (line([8.40, 49.00], []), "line"),
        (polygon([[8.40, 49.00, 1], [8.41, 49.00, 1], [8.41, 49.01, 1], [8.40, 49.00, 1]]), "polygon"),
    ],
)
def test_a_position_must_have_exactly_two_numbers(value, kind):
    assert_error(refused(value, kind=kind), CoordinatesNotTwoNumbers)


def test_the_coordinate_message_names_longitude_and_latitude():
    assert str(CoordinatesNotTwoNumbers.default_message) == (
        "Coordinates must have two numbers: longitude and latitude."
    )
    assert CoordinatesNotTwoNumbers.code == CoordinatesOutOfRange.code == "invalid_coordinates"


# --- empty and invalid --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [(point(8.4, 49.0) | {"coordinates": []}, "point"), (line(), "line"), (polygon(), "polygon")],
)
def test_an_empty_geometry_is_refused(value, kind):
    err = refused(value, kind=kind)

    assert_error(err, GeometryEmpty)
    assert err.code == "empty_geometry"


@pytest.mark.parametrize(
    "value",
    [
        line([8.40, 49.00]),
        line([8.40, 49.00], [8.40, 49.00]),
        line([8.40, 49.00], [8.40, 49.00], [8.40, 49.00]),
        line([8.40000001, 49.00], [8.40000002, 49.00]),  # the same point once rounded to 7 decimals
    ],
)
def test_a_line_needs_two_different_points(value):
    assert_error(refused(value, kind="line"), LineTooShort)


@pytest.mark.parametrize(
    "value",
    [
        line([8.40, 49.00], [8.41, 49.01], [8.41, 49.00], [8.40, 49.01]),
        line([8.40, 49.00], [8.41, 49.01], [8.40, 49.00]),  # back along itself
        line([8.40, 49.00], [8.42, 49.00], [8.41, 49.00]),
    ],
    ids=["crossing", "back and forth", "overlapping"],
)
def test_a_line_that_crosses_or_overlaps_itself_is_refused(value):
    assert_error(refused(value, kind="line"), LineCrossesItself)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (polygon(SQUARE[:-1]), RingNotClosed),
        (polygon([[8.40, 49.00], [8.41, 49.00], [8.40, 49.00]]), RingTooShort),
        (polygon([[8.40, 49.00], [8.41, 49.00], [8.41, 49.00], [8.40, 49.00]]), RingTooShort),
        (polygon([]), RingTooShort),
        (polygon(SQUARE, []), RingTooShort),
        (polygon([[8.40, 49.00], [8.41, 49.01], [8.41, 49.00], [8.40, 49.01], [8.40, 49.00]]), AreaInvalid),
        (polygon([[8.40, 49.00], [8.42, 49.00], [8.41, 49.00], [8.40, 49.00]]), AreaInvalid),
        (
            polygon(SQUARE, [[8.42, 49.02], [8.43, 49.02], [8.43, 49.03], [8.42, 49.02]]),
            AreaInvalid,
        ),
    ],
    ids=[
        "ring not closed",
        "two corners",
        "duplicate corner",
        "empty ring",
        "empty hole",
        "bow tie",
        "zero area",
        "hole outside the shell",
    ],
)
def test_an_invalid_area_is_refused(value, expected):
    err = refused(value, kind="polygon")

    assert_error(err, expected)
    assert err.code == GeometryInvalid.code == "invalid_geometry"


def test_a_ring_closed_once_rounded_to_7_decimals_is_closed():
    ring = [[8.40, 49.00], [8.41, 49.00], [8.41, 49.01], [8.40, 49.01], [8.40000000001, 49.00]]

    geom = geometry_from_geojson(polygon(ring), kind="polygon", area=AREA)

    assert geom.exterior_ring.closed


# --- area -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "area"),
    [
        (point(8.60, 49.00), "point", AREA),
        (point(8.40, 49.03), "point", U_AREA),  # in the gap of the U
        (line([8.45, 49.00], [8.55, 49.00]), "line", AREA),
        (line([8.60, 49.00], [8.70, 49.00]), "line", AREA),
        (line([8.32, 49.03], [8.48, 49.03]), "line", U_AREA),  # both ends inside, the middle is not
        (polygon([[8.45, 49.00], [8.55, 49.00], [8.55, 49.01], [8.45, 49.00]]), "polygon", AREA),
        (polygon([[8.32, 49.03], [8.48, 49.03], [8.40, 48.97], [8.32, 49.03]]), "polygon", U_AREA),
    ],
    ids=[
        "point outside",
        "point in the gap of a concave area",
        "line partly outside",
        "line wholly outside",
        "line leaving a concave area between its ends",
        "area partly outside",
        "area over the gap of a concave area",
    ],
)
def test_a_geometry_not_wholly_inside_the_area_is_refused(value, kind, area):
    err = refused(value, kind=kind, area=area)

    assert_error(err, GeometryOutsideArea)
    assert err.code == "outside_area"
    assert err.message == "The suggestion must lie inside the project area."


# --- size -------------------------------------------------------------------------------------------


def zigzag(n: int) -> list[list[float]]:
    """n positions, about 40 m apart, going east inside AREA without crossing themselves."""
    return [[round(8.31 + i * 0.0003, 7), 48.96 + (i % 2) * 0.0003] for i in range(n)]


def circle(corners: int) -> list[list[float]]:
    ring = [
        [
            round(8.40 + 0.01 * math.cos(2 * math.pi * i / corners), 7),
            round(49.00 + 0.01 * math.sin(2 * math.pi * i / corners), 7),
        ]
        for i in range(corners)
    ]
    return [*ring, ring[0]]


def test_a_line_or_area_with_the_most_vertices_allowed_is_accepted():
    assert geometry_from_geojson(line(*zigzag(MAX_VERTICES)), kind="line", area=AREA).num_coords == 500
    # The closing position repeats the first corner and is not counted.
    assert geometry_from_geojson(polygon(circle(MAX_VERTICES)), kind="polygon", area=AREA).num_coords == 501


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (line(*zigzag(MAX_VERTICES + 1)), "line"),
        (polygon(circle(MAX_VERTICES + 1)), "polygon"),
        (polygon(circle(300), circle(250)), "polygon"),
        (polygon(*[SQUARE] * (MAX_VERTICES + 1)), "polygon"),
        # Junk that would be refused for another reason if it were looked at: proves len() comes first.
        (line(*[["junk"]] * 100_000), "line"),
        (polygon([["junk"]] * 100_000), "polygon"),
        (polygon(*[["junk"]] * 100_000), "polygon"),
    ],
    ids=[
        "line 501",
        "area 501",
        "shell and hole together",
        "501 rings",
        "100,000 positions in a line",
        "100,000 positions in a ring",
        "100,000 rings",
    ],
)
def test_more_than_500_vertices_are_refused_before_the_coordinates_are_read(value, kind):
    err = refused(value, kind=kind)

    assert type(err) is TooManyVertices
    assert err.code == GeometryTooLarge.code == "geometry_too_large"
    assert err.message == TooManyVertices.default_message % {"limit": MAX_VERTICES}
    assert err.message == "A suggestion can have at most 500 points."


@pytest.mark.parametrize(
    ("value", "area"),
    [
        (line([8.00, 49.00], [8.43, 49.00]), None),  # 31.4 km in one segment
        # 50 km along the boundary of AREA, each segment shorter than the limit.
        (line([8.30, 48.95], [8.50, 48.95], [8.50, 49.05], [8.30, 49.05], [8.30, 48.96]), AREA),
    ],
    ids=["one segment", "sum of segments"],
)
def test_a_line_longer_than_30_km_is_refused(value, area):
    err = refused(value, kind="line", area=area)

    assert type(err) is LineTooLong
    assert err.code == "geometry_too_large"
    assert err.message == LineTooLong.default_message % {"limit": MAX_LINE_LENGTH_M // 1000}
    assert err.message == "A line can be at most 30 km long."


def test_a_line_shorter_than_30_km_is_accepted():
    # 28.5 km east to west at latitude 49.
    geom = geometry_from_geojson(line([8.00, 49.00], [8.39, 49.00]), kind="line", area=None)

    assert isinstance(geom, LineString)


# --- hostile input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["point", "line", "polygon"])
def test_coordinates_nested_ten_thousand_levels_deep_are_refused_without_recursing(kind):
    nested: object = [8.40, 49.00]
    for _ in range(10_000):
        nested = [nested]
    value = {
        "type": {"point": "Point", "line": "LineString", "polygon": "Polygon"}[kind],
        "coordinates": nested,
    }
    err = refused(value, kind=kind)  # a RecursionError would escape here instead of a refusal

    assert isinstance(err, GeometryCoordinates | GeometryNotGeoJSON)


def test_programming_errors_are_not_domain_errors():
    with pytest.raises(ValueError, match="kind"):
        geometry_from_geojson(point(8.4, 49.0), kind="multipoint", area=None)
    with pytest.raises(ValueError, match="SRID"):
        geometry_from_geojson(point(8.4, 49.0), kind="point", area=MultiPolygon(AREA[0].clone(), srid=3857))


lon_in_area = st.floats(min_value=8.30, max_value=8.50)
lat_in_area = st.floats(min_value=48.95, max_value=49.05)


@given(lon=lon_in_area, lat=lat_in_area)
def test_any_point_in_the_area_round_trips(lon, lat):
    geom = geometry_from_geojson(point(lon, lat), kind="point", area=AREA)

    assert geom.coords == (round(lon, 7), round(lat, 7))
    assert geom.srid == 4326
    # What the API sends back out is accepted again unchanged.
    assert geometry_from_geojson(json.loads(geom.json), kind="point", area=AREA).equals_exact(geom, 0)


json_junk = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=40,
)
kinds = st.sampled_from(["point", "line", "polygon"])
# Well-formed positions get lines and areas as far as GEOS; junk in their place now and then.
clean_position = st.tuples(lon_in_area, lat_in_area).map(list)
position = st.one_of(clean_position, st.lists(json_junk, max_size=3))
junk_cases = st.tuples(
    st.one_of(
        json_junk,
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint", "Feature"])
                | json_junk,
                "coordinates": json_junk,
            }
        ),
        st.builds(point, st.floats() | json_junk, st.floats() | json_junk),
    ),
    kinds,
)


def shaped_cases(position: st.SearchStrategy) -> st.SearchStrategy:
    """A geometry of the category's kind: otherwise nearly every case stops at the kind check."""
    ring = st.lists(position, min_size=1, max_size=8).map(lambda ps: [*ps, ps[0]])
    return st.one_of(
        st.tuples(position.map(lambda p: {"type": "Point", "coordinates": p}), st.just("point")),
        st.tuples(st.lists(position, max_size=8).map(lambda ps: line(*ps)), st.just("line")),
        st.tuples(
            st.lists(ring, min_size=1, max_size=3).map(lambda rings: polygon(*rings)), st.just("polygon")
        ),
    )


any_case = st.one_of(junk_cases, shaped_cases(position), shaped_cases(clean_position))


@settings(max_examples=300)
@given(case=any_case)
def test_any_json_gives_a_geometry_or_a_domain_error_and_nothing_else(case):
    value, kind = case
    error: DomainError | None = None
    try:
        geom = geometry_from_geojson(value, kind=kind, area=AREA)
    except DomainError as err:
        error = err

    if error is not None:
        assert error.status_code == 400
        assert error.message
    else:
        assert geom.srid == 4326
        assert geom.valid
        assert AREA.covers(geom)
