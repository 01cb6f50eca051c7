"""Demand per street segment where people read it: the vector tiles (read back with GDAL's MVT driver), the
OGC API collection `<slug>-segments`, the GeoPackage export's `street_segments` layer (opened with GDAL) and
the planners' coverage page with its map and its table."""

import pytest
from django.contrib.gis.gdal import DataSource
from django.urls import reverse
from django.utils import translation

from geo.ogcapi import kinds
from participation.models import ModerationState, Project
from tests.factories import CitizenFactory, SuggestionFactory, UserFactory
from tests.geo.demand_network import crossing, grid_network, path
from tests.geo.test_exports import body, export_url
from tests.geo.test_tiles import MVT, read_tile, tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(project, line_category):
    """A grid with three published paths along Oststraße 1 (the middle segment twice, with supports), a
    pending one along Nordstraße 0 and a pending one elsewhere."""
    grid = grid_network(project)
    SuggestionFactory(category=line_category, geom=path((1, 0), (1, 2)), support_count=3)
    SuggestionFactory(category=line_category, geom=path((1, 1), (1, 3), offset_m=5), support_count=1)
    SuggestionFactory(
        category=line_category, geom=path((0, 0), (2, 0)), moderation_state=ModerationState.PENDING
    )
    e = grid["edges"]
    return {**grid, "h10": e[("h", 1, 0)], "h11": e[("h", 1, 1)], "h12": e[("h", 1, 2)]}


def segment_tile_url(z: int, x: int, y: int, slug: str = "test-project") -> str:
    return f"/tiles/{slug}/segments/{z}/{x}/{y}.pbf"


# ------------------------------------------------------------------------------------------------ tiles


def test_a_tile_holds_the_segments_with_their_street_names_and_demand(client, asked, tmp_path):
    tile = tile_of(*crossing(1.5, 1.5), 15)

    response = client.get(segment_tile_url(*tile))

    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    assert "public" in response["Cache-Control"]
    features = read_tile(response.content, tile, tmp_path)["segments"]
    by_demand = {(f["name"], int(f["suggestions"]), int(f["supports"]), int(f["demand"])) for f in features}
    assert ("Oststraße 1", 1, 3, 4) in by_demand  # the first segment
    assert ("Oststraße 1", 2, 4, 6) in by_demand  # the middle one, along both paths
    assert ("Oststraße 1", 1, 1, 2) in by_demand
    # From zoom 14 on the whole grid is the map's ground: the pending path's street has no demand.
    assert ("Nordstraße 0", 0, 0, 0) in by_demand
    assert len(features) == len(asked["edges"])

    again = client.get(segment_tile_url(*tile), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_below_zoom_14_a_tile_holds_only_the_segments_asked_for(client, asked, tmp_path):
    tile = tile_of(*crossing(1.5, 1.5), 12)

    features = read_tile(client.get(segment_tile_url(*tile)).content, tile, tmp_path)["segments"]

    assert sorted(int(f["demand"]) for f in features) == [2, 4, 6]


def test_a_tile_without_segments_is_empty_and_a_bad_address_is_a_message(client, asked):
    assert client.get(segment_tile_url(*tile_of(8.31, 48.96, 15))).status_code == 204
    response = client.get(segment_tile_url(3, 9, 0), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "message" in response.json()


def test_the_segments_of_a_project_that_is_not_public_are_for_its_staff(client_factory, asked, project):
    Project.objects.filter(pk=project.pk).update(is_public=False)
    tile = tile_of(*crossing(1.5, 1.5), 15)

    assert client_factory().get(segment_tile_url(*tile)).status_code == 404
    assert client_factory(CitizenFactory()).get(segment_tile_url(*tile)).status_code == 404
    staff = client_factory(UserFactory(planner_of=project)).get(segment_tile_url(*tile))
    assert staff.status_code == 200
    assert "private" in staff["Cache-Control"]
    assert client_factory().get(segment_tile_url(*tile, slug="nowhere")).status_code == 404


# ---------------------------------------------------------------------------------------------- OGC API


def ogc(name: str, *args) -> str:
    return reverse(f"ogcapi:{name}", args=args)


def test_the_segments_are_an_ogc_collection_with_their_figures(client, asked):
    listed = [c["id"] for c in client.get(ogc("collections"), {"f": "json"}).json()["collections"]]
    assert "test-project-segments" in listed
    collection = client.get(ogc("collection", "test-project-segments"), {"f": "json"}).json()
    assert collection["attribution"] == "© OpenStreetMap contributors"

    items = client.get(ogc("items", "test-project-segments"), {"f": "json"}).json()

    got = {f["id"]: f["properties"] for f in items["features"]}
    assert set(got) == {asked["h10"].pk, asked["h11"].pk, asked["h12"].pk}
    assert got[asked["h11"].pk] | {"length_m": None} == {
        "name": "Oststraße 1", "highway": "residential", "osm_way_id": None, "length_m": None,
        "suggestions": 2, "supports": 4, "demand": 6,
    }  # fmt: skip
    assert 95 < got[asked["h11"].pk]["length_m"] < 105
    assert items["features"][0]["geometry"]["type"] == "LineString"

    one = client.get(ogc("item", "test-project-segments", asked["h12"].pk), {"f": "json"}).json()
    assert one["properties"]["demand"] == 2
    page = client.get(ogc("items", "test-project-segments"), {"f": "json", "limit": 2}).json()
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert len(page["features"]) + len(client.get(following).json()["features"]) == 3
    assert client.get(ogc("items", "test-project-segments"), {"f": "html"}).status_code == 200
    assert client.get(ogc("collection", "test-project-segments"), {"f": "html"}).status_code == 200


def test_a_segment_collection_id_is_claimed_by_its_kind_only_and_not_public_projects_have_none(
    client, asked, project
):
    ids = [c.id for _kind, c in kinds.collection_list()]
    for collection_id in ids:
        claimed = [kind.name for kind in kinds.KINDS if kind.find(collection_id) is not None]
        assert len(claimed) == 1, (collection_id, claimed)
    assert kinds.collection_get(collection_id="test-project-segments")[0].name == "street segments"
    # An edge without demand is no item.
    unasked = asked["edges"][("v", 2, 3)].pk
    assert client.get(ogc("item", "test-project-segments", unasked), {"f": "json"}).status_code == 404

    Project.objects.filter(pk=project.pk).update(is_public=False)
    assert client.get(ogc("collection", "test-project-segments"), {"f": "json"}).status_code == 404


# ---------------------------------------------------------------------------------------------- exports


@pytest.mark.django_db(transaction=True)
def test_the_geopackage_has_a_street_segments_layer(client_factory, planner, asked, project, tmp_path):
    response = client_factory(planner).post(export_url(project, "gpkg"))

    assert response.status_code == 200
    target = tmp_path / "export.gpkg"
    target.write_bytes(body(response))
    layer = DataSource(str(target))["street_segments"]
    assert layer.geom_type.name == "LineString"
    assert layer.srs.srid == 4326
    rows = {
        f.get("id"): (f.get("name"), f.get("suggestions"), f.get("supports"), f.get("demand")) for f in layer
    }
    assert rows == {
        asked["h10"].pk: ("Oststraße 1", 1, 3, 4),
        asked["h11"].pk: ("Oststraße 1", 2, 4, 6),
        asked["h12"].pk: ("Oststraße 1", 1, 1, 2),
    }


# ------------------------------------------------------------------------------------------ the page


def coverage_url(project) -> str:
    return reverse("geo:coverage", kwargs={"slug": project.slug})


def test_the_coverage_page_lists_the_most_demanded_segments(client_factory, planner, asked, project):
    page = client_factory(planner).get(coverage_url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="segment-map"' in page
    assert "/tiles/test-project/segments/{z}/{x}/{y}.pbf" in page
    table = page[page.index('id="table-segments"') :]
    rows = table[: table.index("</table>")].split("<tr>")[2:]
    assert [r.count("Oststraße 1") for r in rows] == [1, 1, 1]
    assert "between Nordstraße 1 and Nordstraße 2" in rows[0]  # its crossings, in words
    assert ['<td class="number">6</td>' in r for r in rows] == [True, False, False]  # most demanded first
    assert "© OpenStreetMap contributors" in page


def test_a_network_without_matched_paths_says_so_and_no_network_shows_nothing(client_factory, project):
    planner = UserFactory(planner_of=project)
    client = client_factory(planner)
    with translation.override("en"):
        assert 'id="segments-title"' not in client.get(coverage_url(project)).content.decode()
        grid_network(project)
        page = client.get(coverage_url(project)).content.decode()
    assert 'id="no-segments"' in page
    assert 'id="segment-map"' not in page
