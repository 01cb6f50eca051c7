"""Context layers' vector tiles /tiles/<slug>/layers/<id>/{z}/{x}/{y}.pbf and the map's list of layers
/api/v1/projects/<slug>/layers/: what a tile holds where (read back with GDAL's MVT driver, as QGIS reads it),
who sees a layer that is not public, the HTTP caching, and the tile cache that an import keeps exact."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from geo.core.grid import TileAddress
from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextLayer, ContextTileCache
from geo.tiles import selectors, services
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, UserFactory
from tests.geo.test_clusters import mercator
from tests.geo.test_tiles import MVT, read_tile, tile_of

pytestmark = pytest.mark.django_db

P = (8.4037, 49.0094)  # the known feature
Q = (8.3200, 48.9600)  # another one, in other tiles than P's from zoom 12 on


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def geojson(path: Path, features: list[tuple[tuple[float, float], dict]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": at}}
                    for at, props in features
                ],
            }
        )
    )
    return path


@pytest.fixture
def parking(project, tmp_path):
    """A public facilities layer of two bicycle parkings, imported as an administrator's upload is."""
    category = CategoryFactory(project=project, key="sharing-point", geometry_kind="point")
    layer = ContextLayer.objects.create(
        project=project,
        name_de="Fahrradparken",
        name_en="Bicycle parking",
        role="facilities",
        category=category,
        colour="#0e7490",
        icon="bicycle",
        attribution="© OpenStreetMap contributors",
        licence="ODbL 1.0",
        visible_by_default=True,
    )
    source = geojson(
        tmp_path / "parking.geojson",
        [
            (P, {"name": "Markt <b>1</b>", "capacity": "40", "operator": "secret operator"}),
            (Q, {"capacity": 8}),
        ],
    )
    layer_import(layer=layer, source=source, actor=None)
    return layer


def url(layer: ContextLayer, z: int, x: int, y: int, slug: str = "test-project") -> str:
    return f"/tiles/{slug}/layers/{layer.pk}/{z}/{x}/{y}.pbf"


def reimport(layer: ContextLayer, tmp_path: Path, features) -> None:
    layer_import(layer=layer, source=geojson(tmp_path / "again.geojson", features), actor=None)


def test_a_layer_tile_holds_its_features_at_their_place_with_name_and_capacity_only(
    client, parking, tmp_path
):
    tile = tile_of(*P, 18)

    response = client.get(url(parking, *tile))

    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    layers = read_tile(response.content, tile, tmp_path)
    assert list(layers) == ["features"]
    (feature,) = layers["features"]
    geometry = feature.pop("geometry")
    known = parking.features.get(properties__capacity="40")
    assert feature == {
        "mvt_id": str(known.pk),
        "id": str(known.pk),
        "name": "Markt <b>1</b>",
        "capacity": "40",
    }
    x, y = (float(c) for c in re.findall(r"[-\d.]+", geometry))
    # EPSG:3857, to the tile's grid: 4096 steps on 153 m at zoom 18.
    assert (x, y) == tuple(pytest.approx(c, abs=0.05) for c in mercator(*P))
    assert b"secret operator" not in response.content


def test_each_tile_holds_the_features_inside_it_and_a_low_zoom_tile_both(client, parking, tmp_path):
    at_q = tile_of(*Q, 14)
    layers = read_tile(client.get(url(parking, *at_q)).content, at_q, tmp_path / "q")
    assert [f["capacity"] for f in layers["features"]] == ["8"]
    assert "name" not in layers["features"][0]  # an attribute the source lacks is not made up

    whole = tile_of(*P, 8)
    layers = read_tile(client.get(url(parking, *whole)).content, whole, tmp_path / "z8")
    assert sorted(f["capacity"] for f in layers["features"]) == ["40", "8"]


def test_a_tile_without_features_of_the_layer_is_a_204_with_an_etag(client, parking):
    response = client.get(url(parking, *tile_of(9.5, 50.5, 14)))

    assert response.status_code == 204
    assert response["Content-Type"] == MVT
    assert response["ETag"]


def test_dense_points_are_thinned_at_low_zoom_and_all_there_at_high_zoom(client, project, tmp_path):
    layer = ContextLayer.objects.create(project=project, name="Dense", role="reference")
    # 50 points on 37 m from the west edge of P's tile of zoom 19 (76 m wide): all in one cell of 8 px at
    # zoom 12 (its edges are those of zoom 19's tiles), 0.7 m apart, i.e. 2 px, at zoom 19.
    west = tile_of(*P, 19)[1] / 2**19 * 360 - 180
    points = [((west + (i + 1) * 0.00001, P[1]), {"name": f"n{i}"}) for i in range(50)]
    layer_import(layer=layer, source=geojson(tmp_path / "dense.geojson", points), actor=None)

    low = tile_of(*P, 12)
    high = tile_of(*P, 19)
    at_low = read_tile(client.get(url(layer, *low)).content, low, tmp_path / "low")["features"]
    at_high = read_tile(client.get(url(layer, *high)).content, high, tmp_path / "high")["features"]

    assert [f["name"] for f in at_low] == ["n0"]  # the lowest id of the cell
    assert len(at_high) == 50


def test_a_layer_tile_is_public_with_a_strong_etag_and_answers_304(client, parking):
    path = url(parking, *tile_of(*P, 16))

    first = client.get(path)
    again = client.get(path, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
    assert first["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert "Vary" not in first
    assert again.status_code == 304
    assert again.content == b""


def test_a_cached_layer_tile_costs_one_query(client, parking, django_assert_num_queries):
    path = url(parking, *tile_of(*P, 16))
    client.get(path)

    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200


def test_a_reimport_forgets_the_layers_cached_tiles_and_no_others(client, parking, project, tmp_path):
    other = ContextLayer.objects.create(project=project, name="Other", role="reference")
    layer_import(
        layer=other, source=geojson(tmp_path / "other.geojson", [(P, {"name": "other"})]), actor=None
    )
    tile = tile_of(*P, 16)
    before = client.get(url(parking, *tile))
    client.get(url(other, *tile))
    client.get(url(parking, *tile_of(*Q, 16)))
    assert ContextTileCache.objects.filter(layer=parking).count() == 2

    reimport(parking, tmp_path, [(P, {"name": "Markt neu", "capacity": "60"})])

    assert not ContextTileCache.objects.filter(layer=parking).exists()
    assert ContextTileCache.objects.filter(layer=other).count() == 1
    after = client.get(url(parking, *tile), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    (feature,) = read_tile(after.content, tile, tmp_path)["features"]
    assert (feature["name"], feature["capacity"]) == ("Markt neu", "60")
    assert client.get(url(parking, *tile_of(*Q, 16))).status_code == 204  # Q is gone with the import


def test_a_refused_import_keeps_the_cached_tiles(client, parking, tmp_path):
    client.get(url(parking, *tile_of(*P, 16)))
    bad = tmp_path / "bad.geojson"
    bad.write_text("not geodata")

    with pytest.raises(LayerRefused):
        layer_import(layer=parking, source=bad, actor=None)

    assert ContextTileCache.objects.filter(layer=parking).count() == 1


def test_a_tile_built_before_an_import_committed_is_not_stored(parking, tmp_path):
    tile = TileAddress(*tile_of(*P, 16))
    built = selectors.layer_tile_build(layer_id=parking.pk, tile=tile)

    reimport(parking, tmp_path, [(P, {"name": "new"})])

    assert not services.layer_tile_cache_store(layer_id=parking.pk, tile=tile, built=built)
    fresh = selectors.layer_tile_build(layer_id=parking.pk, tile=tile)
    assert services.layer_tile_cache_store(layer_id=parking.pk, tile=tile, built=fresh)


def test_a_layer_that_is_not_public_is_only_for_the_projects_planners_and_moderators(
    client_factory, parking, project, planner
):
    ContextLayer.objects.filter(pk=parking.pk).update(public=False)
    moderator = CitizenFactory(username="mara", moderator_of=project)
    citizen = UserFactory(username="otto")
    elsewhere = UserFactory(username="pia", planner_of=ProjectFactory(slug="elsewhere"))
    path = url(parking, *tile_of(*P, 16))

    for refused in (None, citizen, elsewhere):
        response = client_factory(refused).get(path, headers={"accept-language": "en"})
        assert response.status_code == 404
        assert response.json() == {
            "code": "layer_not_found",
            "message": "There is no such layer in this project.",
        }
    for staff in (planner, moderator):
        response = client_factory(staff).get(path)
        assert response.status_code == 200
        # Never in a shared cache, and an anonymous 404 never stands in for a planner's tile.
        assert response["Cache-Control"] == "private, no-cache"
        assert "Cookie" in response["Vary"]


def test_the_layers_of_a_project_that_is_not_public_are_its_staffs_only(
    client_factory, parking, project, planner
):
    project.is_public = False
    project.save()
    path = url(parking, *tile_of(*P, 16))

    assert client_factory().get(path).status_code == 404
    assert client_factory(planner).get(path).status_code == 200


@pytest.mark.parametrize(
    "tile",
    ["23/0/0", "-1/0/0", "1/2/0", "1/0/2", "3/-1/0", "999999999/0/0"],
)
def test_layer_tiles_outside_the_grid_are_a_400_with_a_message(client, parking, tile):
    response = client.get(f"/tiles/test-project/layers/{parking.pk}/{tile}.pbf")

    assert response.status_code == 400
    assert response.json()["code"] == "tile_out_of_range"


def test_an_unknown_layer_or_another_projects_layer_is_a_404(client, parking, tmp_path):
    ProjectFactory(slug="other-project")

    assert client.get(f"/tiles/test-project/layers/{parking.pk + 1000}/16/0/0.pbf").status_code == 404
    assert client.get(url(parking, 16, 0, 0, slug="other-project")).status_code == 404
    assert client.get(url(parking, 16, 0, 0, slug="no-such-project")).status_code == 404


def test_the_error_is_in_the_visitors_language(client, parking):
    ContextLayer.objects.filter(pk=parking.pk).update(public=False)

    response = client.get(url(parking, 16, 0, 0), headers={"accept-language": "de"})

    assert response.json()["message"] == "Diese Ebene gibt es in diesem Projekt nicht."


# ------------------------------------------------------------------------------------------- the list


def test_the_list_of_layers_gives_the_map_what_it_draws(client, parking):
    response = client.get("/api/v1/projects/test-project/layers/", headers={"accept-language": "en"})

    assert response.status_code == 200
    (layer,) = response.json()["layers"]
    assert layer == {
        "id": parking.pk,
        "name": "Bicycle parking",
        "role": "facilities",
        "category": "sharing-point",
        "colour": "#0e7490",
        "icon": "bicycle",
        "line_pattern": "solid",
        "attribution": "© OpenStreetMap contributors",
        "licence": "ODbL 1.0",
        "visible_by_default": True,
        "public": True,
        "features": 2,
        "bounds": [Q[0], Q[1], P[0], P[1]],
        "kinds": ["point"],
        "tiles": f"http://testserver/tiles/test-project/layers/{parking.pk}/{{z}}/{{x}}/{{y}}.pbf",
    }
    german = client.get("/api/v1/projects/test-project/layers/", headers={"accept-language": "de"})
    assert german.json()["layers"][0]["name"] == "Fahrradparken"


def test_the_list_counts_a_reimport_at_once(client, parking, tmp_path):
    path = "/api/v1/projects/test-project/layers/"
    assert client.get(path).json()["layers"][0]["features"] == 2

    reimport(parking, tmp_path, [(P, {"name": "only one"})])

    assert client.get(path).json()["layers"][0]["features"] == 1


def test_the_list_shows_a_layer_that_is_not_public_to_staff_only(client_factory, parking, project, planner):
    ContextLayer.objects.filter(pk=parking.pk).update(public=False)
    path = "/api/v1/projects/test-project/layers/"

    assert client_factory().get(path).json() == {"layers": []}
    (layer,) = client_factory(planner).get(path).json()["layers"]
    assert layer["public"] is False
    assert client_factory().get("/api/v1/projects/no-such-project/layers/").status_code == 404


def test_the_export_page_gives_qgis_the_public_layers_tile_urls(client_factory, parking, project, planner):
    hidden = ContextLayer.objects.create(project=project, name="Intern", role="reference", public=False)

    page = client_factory(planner).get("/projects/test-project/planning/export/").content.decode()

    assert f"http://testserver/tiles/test-project/layers/{parking.pk}/{{z}}/{{x}}/{{y}}.pbf" in page
    assert f"/layers/{hidden.pk}/" not in page  # QGIS has no session: it could not read it


def test_purge_tile_cache_expires_old_layer_tiles_too(client, parking):
    old, recent = tile_of(*P, 14), tile_of(*P, 15)
    first = client.get(url(parking, *old))
    client.get(url(parking, *recent))
    ContextTileCache.objects.filter(z=old[0]).update(created_at=timezone.now() - timedelta(days=8))

    call_command("purge_tile_cache", days=7)

    assert list(ContextTileCache.objects.values_list("z", flat=True)) == [recent[0]]
    assert client.get(url(parking, *old))["ETag"] == first["ETag"]
