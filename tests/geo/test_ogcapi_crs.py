"""OGC API – Features Part 2 (CRS by Reference): `crs` and `bbox-crs` on the items and item resources of
every collection kind, in CRS84, EPSG:4326 (latitude first), EPSG:3857 and EPSG:25832 (UTM zone 32N).

The coordinates are checked against the published formulas, computed here (not by PROJ, which the server
uses): the transverse Mercator projection in Krüger's series (as in Karney 2011, to 4th order: far below a
millimetre) for UTM 32N on GRS80, and the spherical Mercator of EPSG:3857.
"""

import json
import math

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.urls import reverse

from geo.ogcapi import crs
from tests.factories import ContextFeatureFactory, FacilityLayerFactory, SuggestionFactory
from tests.geo.demand_network import grid_network, path

pytestmark = pytest.mark.django_db

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
EPSG25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"
ALL = [CRS84, EPSG4326, EPSG3857, EPSG25832]
# Karlsruhe Palace (the tower), WGS84 longitude, latitude.
SCHLOSS = (8.40442, 49.01393)
# The central station, 2.2 km south.
BAHNHOF = (8.40200, 48.99350)


def utm32(lon: float, lat: float) -> tuple[float, float]:
    """ETRS89 / UTM zone 32N (EPSG:25832) of a GRS80 longitude/latitude: Krüger's n-series."""
    a, f = 6378137.0, 1 / 298.257222101
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    )
    phi, dlam = math.radians(lat), math.radians(lon - 9)
    c = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - c * math.atanh(c * math.sin(phi)))
    xi0 = math.atan2(t, math.cos(dlam))
    eta0 = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    xi = xi0 + sum(al * math.sin(2 * j * xi0) * math.cosh(2 * j * eta0) for j, al in enumerate(alpha, 1))
    eta = eta0 + sum(al * math.cos(2 * j * xi0) * math.sinh(2 * j * eta0) for j, al in enumerate(alpha, 1))
    k0 = 0.9996
    return 500000 + k0 * big_a * eta, k0 * big_a * xi


def web_mercator(lon: float, lat: float) -> tuple[float, float]:
    r = 6378137.0
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def expected(uri: str, lon: float, lat: float) -> tuple[float, float]:
    if uri == EPSG25832:
        return utm32(lon, lat)
    if uri == EPSG3857:
        return web_mercator(lon, lat)
    if uri == EPSG4326:
        return lat, lon
    return lon, lat


def url(name: str, *args) -> str:
    return reverse(f"ogcapi:{name}", args=args)


@pytest.fixture
def two_points(point_category):
    return [
        SuggestionFactory(category=point_category, geom=Point(*SCHLOSS, srid=4326)),
        SuggestionFactory(category=point_category, geom=Point(*BAHNHOF, srid=4326)),
    ]


def test_the_formulas_give_the_known_utm_coordinates_of_the_palace():
    east, north = utm32(*SCHLOSS)

    # ≈ E 456,5xx N 5,429,xxx (the figure, from a map)
    assert 456_400 < east < 456_600
    assert 5_429_000 < north < 5_429_300
    # The origin of the zone and its central meridian.
    assert utm32(9, 0) == pytest.approx((500_000, 0), abs=1e-6)


@pytest.mark.parametrize("uri", ALL)
def test_items_are_written_in_the_crs_asked_for_to_a_centimetre(client, two_points, uri):
    response = client.get(url("items", "test-project-points"), {"crs": uri})

    assert response.status_code == 200
    assert response["Content-Crs"] == f"<{uri}>"
    got = {f["id"]: f["geometry"]["coordinates"] for f in response.json()["features"]}
    for suggestion, place in zip(two_points, (SCHLOSS, BAHNHOF), strict=True):
        x, y = got[suggestion.pk]
        want = expected(uri, *place)
        tolerance = 0.006 if uri in (EPSG3857, EPSG25832) else 1e-7
        assert x == pytest.approx(want[0], abs=tolerance), (uri, x, want)
        assert y == pytest.approx(want[1], abs=tolerance), (uri, y, want)
        # 2 decimals of a metre, 7 of a degree (about 1 cm either way).
        decimals = 2 if uri in (EPSG3857, EPSG25832) else 7
        assert round(x, decimals) == x
        assert round(y, decimals) == y


def test_without_crs_the_items_are_crs84_and_say_so(client, two_points):
    response = client.get(url("items", "test-project-points"))

    assert response["Content-Crs"] == f"<{CRS84}>"
    body = response.json()
    assert "crs" not in body
    assert body["features"][0]["geometry"]["coordinates"] == list(SCHLOSS)


def test_epsg_4326_is_latitude_first_and_crs84_longitude_first(client, two_points):
    lat_first = client.get(url("item", "test-project-points", two_points[0].pk), {"crs": EPSG4326}).json()
    lon_first = client.get(url("item", "test-project-points", two_points[0].pk), {"crs": CRS84}).json()

    assert lat_first["geometry"]["coordinates"] == [SCHLOSS[1], SCHLOSS[0]]
    assert lon_first["geometry"]["coordinates"] == [SCHLOSS[0], SCHLOSS[1]]


def test_a_projected_page_names_its_crs_for_gdals_geojson_reader_too(client, two_points):
    body = client.get(url("items", "test-project-points"), {"crs": EPSG25832}).json()

    assert body["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
    # Only the collection names it (RFC 7946 geometries carry no crs).
    assert "crs" not in body["features"][0]["geometry"]


def test_the_next_link_keeps_the_crs_and_the_bbox_crs(client, point_category):
    for i in range(3):
        SuggestionFactory(category=point_category, geom=Point(8.40 + 0.001 * i, 49.0, srid=4326))
    page = client.get(
        url("items", "test-project-points"),
        {"crs": EPSG25832, "bbox-crs": EPSG25832, "bbox": "450000,5420000,460000,5440000", "limit": 2},
    ).json()

    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert "crs=http" in following
    assert "bbox-crs=http" in following
    rest = client.get(following)
    assert rest["Content-Crs"] == f"<{EPSG25832}>"
    assert len(rest.json()["features"]) == 1


def test_the_html_alternate_of_a_utm_page_is_the_crs84_page_and_answers(client, two_points):
    page = client.get(url("items", "test-project-points"), {"crs": EPSG25832, "limit": 1}).json()

    alternate = next(link["href"] for link in page["links"] if link["rel"] == "alternate")
    assert "crs=" not in alternate
    assert "limit=1" in alternate
    assert client.get(alternate).status_code == 200


def test_lines_and_areas_are_transformed_vertex_by_vertex(client, line_category):
    line = SuggestionFactory(
        category=line_category, geom=LineString(SCHLOSS, BAHNHOF, srid=4326), line_drawing="free"
    )

    body = client.get(url("item", "test-project-lines", line.pk), {"crs": EPSG25832}).json()

    got = body["geometry"]["coordinates"]
    assert len(got) == 2
    for vertex, place in zip(got, (SCHLOSS, BAHNHOF), strict=True):
        assert vertex == pytest.approx(utm32(*place), abs=0.006)


# ------------------------------------------------------------------------------------------------ bbox-crs
@pytest.mark.parametrize(
    ("bbox_crs", "around"),
    [
        (EPSG25832, lambda lon, lat: utm32(lon, lat)),
        (EPSG3857, lambda lon, lat: web_mercator(lon, lat)),
        (EPSG4326, lambda lon, lat: (lat, lon)),  # latitude first
    ],
)
def test_bbox_crs_picks_the_features_in_the_box(client, two_points, bbox_crs, around):
    x, y = around(*SCHLOSS)
    half = 0.001 if bbox_crs == EPSG4326 else 100  # 100 m, or a thousandth of a degree
    bbox = f"{x - half},{y - half},{x + half},{y + half}"

    found = client.get(url("items", "test-project-points"), {"bbox": bbox, "bbox-crs": bbox_crs})

    assert found.status_code == 200
    assert [f["id"] for f in found.json()["features"]] == [two_points[0].pk]


def test_a_bbox_in_epsg_4326_is_read_latitude_first(client, two_points):
    # The palace's box written longitude first, as CRS84 would have it: in EPSG:4326 those numbers are a
    # box at 8° N, 49° E, where nothing lies.
    lon_first = f"{SCHLOSS[0] - 0.001},{SCHLOSS[1] - 0.001},{SCHLOSS[0] + 0.001},{SCHLOSS[1] + 0.001}"

    as_crs84 = client.get(url("items", "test-project-points"), {"bbox": lon_first}).json()
    as_4326 = client.get(
        url("items", "test-project-points"), {"bbox": lon_first, "bbox-crs": EPSG4326}
    ).json()

    assert [f["id"] for f in as_crs84["features"]] == [two_points[0].pk]
    assert as_4326["features"] == []


def test_a_utm_box_is_its_true_shape_not_its_corners_box(client, point_category):
    """A box in UTM is not a box in degrees: its edges run at a slant (the grid is turned by about 0.4° here)
    and bend. A point just inside its northern edge, where the edge's straight line in degrees would miss it,
    and one just outside, where the box of its corners in degrees would take it, are told apart."""
    west, east, south, north = 450_000.0, 460_000.0, 5_420_000.0, 5_430_000.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 25832), 4326)"
            " AS g) AS p UNION ALL SELECT ST_X(g), ST_Y(g) FROM (SELECT"
            " ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 25832), 4326) AS g) AS q",
            [455_000, north - 0.5, 455_000, north + 0.5],
        )
        (in_lon, in_lat), (out_lon, out_lat) = cursor.fetchall()
    inside = SuggestionFactory(category=point_category, geom=Point(in_lon, in_lat, srid=4326))
    SuggestionFactory(category=point_category, geom=Point(out_lon, out_lat, srid=4326))

    found = client.get(
        url("items", "test-project-points"),
        {"bbox": f"{west},{south},{east},{north}", "bbox-crs": EPSG25832, "crs": EPSG25832},
    ).json()

    assert [f["id"] for f in found["features"]] == [inside.pk]
    assert found["features"][0]["geometry"]["coordinates"][1] == pytest.approx(north - 0.5, abs=0.006)


def test_the_whole_web_mercator_square_is_a_page_not_an_error(client, two_points):
    west, south, east, north = crs.EPSG_3857.bounds

    found = client.get(
        url("items", "test-project-points"), {"bbox": f"{west},{south},{east},{north}", "bbox-crs": EPSG3857}
    )

    assert found.status_code == 200
    assert len(found.json()["features"]) == 2


def test_the_bounds_of_each_crs_are_its_area_of_use_as_postgis_projects_it():
    def projected(lon: float, lat: float, srid: int) -> tuple[float, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_X(g), ST_Y(g) FROM"
                " (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AS g) AS p",
                [lon, lat, srid],
            )
            return cursor.fetchone()

    # UTM 32N: 6° E to 12° E from the equator to 84° N (where the zone's edge has the largest northing).
    assert crs.EPSG_25832.bounds == pytest.approx(
        (projected(6, 0, 25832)[0], 0, projected(12, 0, 25832)[0], projected(6, 84, 25832)[1]), abs=0.01
    )
    # Web Mercator: ±180°, ±85.06°.
    east, north = projected(180, 85.06, 3857)
    assert crs.EPSG_3857.bounds == pytest.approx((-east, -north, east, north), abs=1.0)
    # Every corner of the allowed boxes transforms back without an error.
    with connection.cursor() as cursor:
        for item in (crs.EPSG_3857, crs.EPSG_25832):
            cursor.execute(
                "SELECT ST_AsText(ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, %s), 4326))",
                [*item.bounds, item.srid],
            )
            assert cursor.fetchone()[0].startswith("POLYGON")


# ---------------------------------------------------------------------------------------------- filter-crs
def _box(x: float, y: float, half: float) -> str:
    corners = [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]
    return "POLYGON((" + ", ".join(f"{a} {b}" for a, b in [*corners, corners[0]]) + "))"


@pytest.mark.parametrize(
    ("filter_crs", "around", "half"),
    [
        (EPSG25832, utm32, 100),
        (EPSG3857, web_mercator, 150),
        (EPSG4326, lambda lon, lat: (lat, lon), 0.001),  # latitude first
        (CRS84, lambda lon, lat: (lon, lat), 0.001),
    ],
)
def test_a_filters_geometry_is_read_in_filter_crs(client, two_points, filter_crs, around, half):
    x, y = around(*SCHLOSS)

    polygon = client.get(
        url("items", "test-project-points"),
        {"filter": f"S_INTERSECTS(geometry, {_box(x, y, half)})", "filter-crs": filter_crs},
    )
    bbox = client.get(
        url("items", "test-project-points"),
        {
            "filter": f"S_INTERSECTS(geometry, BBOX({x - half}, {y - half}, {x + half}, {y + half}))",
            "filter-crs": filter_crs,
        },
    )

    for response in (polygon, bbox):
        assert response.status_code == 200, response.content
        assert [f["id"] for f in response.json()["features"]] == [two_points[0].pk]


def test_a_filters_geometry_outside_its_crss_area_is_a_400(client, two_points):
    response = client.get(
        url("items", "test-project-points"),
        {"filter": "S_INTERSECTS(geometry, POINT(1e9 1e9))", "filter-crs": EPSG25832},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "outside http://www.opengis.net/def/crs/EPSG/0/25832's area" in response.json()["description"]


# ------------------------------------------------------------------------------------------- every kind
@pytest.fixture
def every_kind(town, project, line_category):
    """A suggestion, a context layer's feature, a district and a street segment, each with an id."""
    layer = FacilityLayerFactory(category=town["parking"], project=town["project"])
    feature = ContextFeatureFactory(layer=layer, geom=Point(*SCHLOSS, srid=4326))
    grid = grid_network(town["project"])
    path_category = town["path"]
    SuggestionFactory(category=path_category, geom=path((1, 0), (1, 2)))
    suggestion = SuggestionFactory(category=town["parking"], geom=Point(*SCHLOSS, srid=4326))
    return {
        "town-points": suggestion.pk,
        f"town-layer-{layer.pk}": feature.pk,
        "town-districts": town["west"].pk,
        "town-segments": grid["edges"][("h", 1, 0)].pk,
    }


def test_every_kind_of_collection_lists_the_crss_and_its_storage_crs(client, every_kind):
    listed = client.get(url("collections"), {"f": "json"}).json()

    assert listed["crs"] == ALL
    by_id = {c["id"]: c for c in listed["collections"]}
    for collection_id in every_kind:
        for body in (by_id[collection_id], client.get(url("collection", collection_id)).json()):
            assert body["crs"] == ALL, collection_id
            assert body["storageCrs"] == CRS84, collection_id


@pytest.mark.parametrize("uri", [EPSG3857, EPSG25832, EPSG4326])
def test_every_kind_of_collection_writes_items_and_an_item_in_the_crs(client, every_kind, uri):
    for collection_id, feature_id in every_kind.items():
        plain = client.get(url("item", collection_id, feature_id)).json()
        lon, lat = _first_position(plain["geometry"]["coordinates"])

        one = client.get(url("item", collection_id, feature_id), {"crs": uri})
        page = client.get(url("items", collection_id), {"crs": uri, "limit": 1000})

        assert one.status_code == page.status_code == 200, (collection_id, one.content, page.content)
        assert one["Content-Crs"] == page["Content-Crs"] == f"<{uri}>"
        tolerance = 1e-7 if uri == EPSG4326 else 0.006
        assert _first_position(one.json()["geometry"]["coordinates"]) == pytest.approx(
            expected(uri, lon, lat), abs=tolerance
        ), collection_id
        in_page = {f["id"]: f for f in page.json()["features"]}
        assert in_page[feature_id]["geometry"] == one.json()["geometry"], collection_id


@pytest.mark.parametrize("kind", ["town-districts", "town-segments", "layer"])
def test_bbox_crs_filters_every_kind(client, every_kind, kind):
    collection_id = next(c for c in every_kind if kind in c)
    everything = client.get(url("items", collection_id)).json()["features"]
    east, north = utm32(*SCHLOSS)
    # A box of 20 km around the palace holds everything of the town; one 50 km east of it nothing.
    near = f"{east - 10_000},{north - 10_000},{east + 10_000},{north + 10_000}"
    far = f"{east + 40_000},{north - 10_000},{east + 60_000},{north + 10_000}"

    got_near = client.get(url("items", collection_id), {"bbox": near, "bbox-crs": EPSG25832}).json()
    got_far = client.get(url("items", collection_id), {"bbox": far, "bbox-crs": EPSG25832}).json()

    assert everything
    assert [f["id"] for f in got_near["features"]] == [f["id"] for f in everything]
    assert got_far["features"] == []


def _first_position(coordinates: list) -> tuple[float, float]:
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates[0], coordinates[1]


# ----------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "query",
    [
        {"crs": "EPSG:25833"},
        {"crs": "http://www.opengis.net/def/crs/EPSG/0/31467"},
        {"crs": ""},
        {"crs": "25832"},
        {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2154", "bbox": "1,2,3,4"},
        {"bbox-crs": "'; DROP TABLE participation_suggestion; --"},
    ],
)
def test_an_unsupported_crs_is_a_400_naming_the_supported_ones(client, two_points, query):
    response = client.get(url("items", "test-project-points"), query)

    assert response.status_code == 400
    said = response.json()["description"]
    assert all(uri in said for uri in ALL), said


def test_the_refusal_is_in_the_users_language(client, two_points):
    response = client.get(
        url("items", "test-project-points"), {"crs": "EPSG:31467"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 400
    assert "wird nicht unterstützt" in response.json()["description"]


@pytest.mark.parametrize(
    ("bbox_crs", "bbox", "said"),
    [
        (EPSG25832, "1e12,1e12,2e12,2e12", "must lie within 166021.44, 0 to 833978.56, 9329005.18"),
        (EPSG25832, "-5000000,5000000,456000,5500000", "must lie within"),
        (EPSG3857, "-1e9,-1e9,1e9,1e9", "must lie within"),
        (EPSG4326, "49,8,91,9", "must lie within -90, -180 to 90, 180 (south latitude"),
        (EPSG25832, "456000,5429000,455000,5430000", "minimum values must be smaller"),
        (EPSG25832, "456000,5429000,455000", "four numbers: minimum easting"),
        (EPSG25832, "456000,5429000,nan,5430000", "four numbers"),
        (EPSG4326, "a,b,c,d", "four numbers: south latitude, west longitude"),
    ],
)
def test_a_bbox_outside_its_crss_area_or_malformed_is_a_400_that_says_so(
    client, two_points, bbox_crs, bbox, said
):
    response = client.get(
        url("items", "test-project-points"), {"bbox": bbox, "bbox-crs": bbox_crs}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert said in response.json()["description"]


def test_a_bbox_with_heights_in_utm_is_understood(client, two_points):
    east, north = utm32(*SCHLOSS)
    bbox = f"{east - 50},{north - 50},0,{east + 50},{north + 50},100"

    found = client.get(url("items", "test-project-points"), {"bbox": bbox, "bbox-crs": EPSG25832}).json()

    assert [f["id"] for f in found["features"]] == [two_points[0].pk]


def test_a_layer_feature_where_utm_32n_is_not_defined_is_a_400_not_an_error(client, point_category):
    # Context layers are imported as their source has them, anywhere on earth; 91° from the zone's meridian
    # the transverse Mercator projection is not defined.
    layer = FacilityLayerFactory(category=point_category)
    ContextFeatureFactory(layer=layer, geom=Point(100, 0, srid=4326))
    collection = f"test-project-layer-{layer.pk}"

    refused = client.get(url("items", collection), {"crs": EPSG25832}, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 400
    assert (
        "too far from the area of http://www.opengis.net/def/crs/EPSG/0/25832"
        in refused.json()["description"]
    )
    # The request after it, on the same connection, is served.
    assert client.get(url("items", collection), {"crs": EPSG3857}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_untransformable_page_is_a_400_and_the_connection_keeps_its_zone(
    client, point_category
):
    # A page is read in a transaction of its own in the site's time zone (selectors.page_row), rolled back:
    # a failed one leaves the connection serving the next request, and neither leaves its zone behind.
    layer = FacilityLayerFactory(category=point_category)
    ContextFeatureFactory(layer=layer, geom=Point(100, 0, srid=4326))
    collection = f"test-project-layer-{layer.pk}"

    assert client.get(url("items", collection), {"crs": EPSG25832}).status_code == 400
    assert client.get(url("items", collection), {"crs": EPSG3857}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"
        assert not connection.in_atomic_block


def test_the_safe_curie_of_a_crs_is_understood(client, two_points):
    response = client.get(url("items", "test-project-points"), {"crs": "[EPSG:25832]"})

    assert response.status_code == 200
    assert response["Content-Crs"] == f"<{EPSG25832}>"


def test_the_item_takes_crs_but_no_bbox_crs(client, two_points):
    item = url("item", "test-project-points", two_points[0].pk)

    assert client.get(item, {"crs": EPSG3857}).status_code == 200
    assert client.get(item, {"bbox-crs": EPSG3857}).status_code == 400


def test_the_html_pages_stay_in_crs84_and_refuse_another_clearly(client, two_points):
    items_html = client.get(url("items", "test-project-points"), {"f": "html", "crs": EPSG25832})
    item_html = client.get(
        url("item", "test-project-points", two_points[0].pk), {"f": "html", "crs": EPSG25832}
    )
    filtered = client.get(
        url("items", "test-project-points"),
        {"f": "html", "bbox-crs": EPSG25832, "bbox": "450000,5420000,460000,5440000"},
    )

    for refused in (items_html, item_html):
        assert refused.status_code == 400
        assert "f=json" in refused.content.decode()
    assert client.get(url("items", "test-project-points"), {"f": "html", "crs": CRS84}).status_code == 200
    assert filtered.status_code == 200


def test_the_collection_pages_tell_a_planner_how_to_ask_for_utm(client, two_points):
    layer = FacilityLayerFactory(category=two_points[0].category)
    for collection_id in ("test-project-points", f"test-project-layer-{layer.pk}"):
        page = client.get(url("collection", collection_id), {"f": "html"}, HTTP_ACCEPT_LANGUAGE="de")

        text = page.content.decode()
        assert "Andere Koordinatensysteme" in text, collection_id
        assert "crs=[EPSG:25832]" in text, collection_id


# ------------------------------------------------------------------------------------- documents
def test_the_conformance_declares_part_2(client):
    classes = client.get(url("conformance")).json()["conformsTo"]

    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_the_openapi_document_offers_crs_and_bbox_crs(client):
    document = json.loads(client.get(url("api")).content)

    items = document["paths"]["/collections/{collectionId}/items"]["get"]
    item = document["paths"]["/collections/{collectionId}/items/{featureId}"]["get"]
    names = [p["$ref"].rsplit("/", 1)[-1] for p in items["parameters"]]
    assert {"crs", "bbox-crs"} <= set(names)
    assert "crs" in [p["$ref"].rsplit("/", 1)[-1] for p in item["parameters"]]
    assert document["components"]["parameters"]["crs"]["schema"]["enum"] == ALL
    assert "Content-Crs" in items["responses"]["200"]["headers"]
