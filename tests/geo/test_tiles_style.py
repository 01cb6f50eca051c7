"""The documents that make the vector tiles styled by themselves: the TileJSON /tiles/<slug>/tilejson.json,
the Mapbox GL style /tiles/<slug>/style.json (read by QGIS 3.22's converter), and OGC API – Tiles at
/ogcapi/tiles. Every URL they name is fetched; GDAL's MVT driver opens the TileJSON's tiles; QGIS itself
(headless, Debian's 3.22) draws the tiles with the style in the categories' colours."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.test import Client

from geo.fields import field_names
from geo.layers.imports import layer_import
from geo.layers.models import ContextLayer
from geo.network.models import StreetNetwork
from participation.models import Category, PlanningStatus, Project
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory
from tests.geo.system_python import GDAL_ENV, run_harness
from tests.geo.test_clusters import mercator
from tests.geo.test_layer_tiles import geojson
from tests.geo.test_tiles import MVT, tile_of

pytestmark = pytest.mark.django_db

STYLE = "application/vnd.mapbox.style+json"
OSM = "© OpenStreetMap contributors"
# Where the rendered image is copied to look at (unset: nowhere).
SHOTS = os.environ.get("TILES_STYLE_SHOTS")
RED, BLUE, ORANGE, GREEN = "#d62728", "#1f77b4", "#c2410c", "#2ca02c"
A = (8.4037, 49.0094)  # a red point, planned
B = (8.4057, 49.0094)  # a blue point, received
LINE = ((8.4030, 49.0080), (8.4064, 49.0080))  # routed, orange
C = (8.4067, 49.0094)  # a car park of the context layer, purple
PURPLE = "#7e22ce"
AREA = ((8.4030, 49.0100), (8.4064, 49.0100), (8.4064, 49.0110), (8.4030, 49.0110), (8.4030, 49.0100))


def category_of_each_kind(project: Project, *, charging_de: str = "Laden") -> list[Category]:
    """Two point categories (red "charging", blue "parking"), a line (orange "bike-path") and an area (green
    "square"), with one suggestion each: the red one planned at A, the blue one at B, a routed path along LINE
    and the AREA. Also the exports' styles (tests/geo/test_export_styles.py)."""
    red, blue, orange, green = (
        CategoryFactory(project=project, key=key, geometry_kind=kind, colour=colour, label_de=de, label_en=en)
        for key, kind, colour, de, en in (
            ("charging", "point", RED, charging_de, "Charging"),
            ("parking", "point", BLUE, "Parken", "Parking"),
            ("bike-path", "line", ORANGE, "Radweg", "Bike path"),
            ("square", "polygon", GREEN, "Platz", "Square"),
        )
    )
    SuggestionFactory(category=red, geom=Point(*A, srid=4326), planning_status=PlanningStatus.PLANNED)
    SuggestionFactory(category=blue, geom=Point(*B, srid=4326))
    SuggestionFactory(category=orange, geom=LineString(*LINE, srid=4326), line_drawing="routed")
    SuggestionFactory(category=green, geom=Polygon(AREA, srid=4326))
    return [red, blue, orange, green]


@pytest.fixture
def styled(project, tmp_path):
    """A project with a category of each kind, one suggestion of each, an OSM street network and a public
    context layer."""
    categories = category_of_each_kind(project)
    StreetNetwork.objects.create(project=project, attribution=OSM)
    layer = ContextLayer.objects.create(
        project=project,
        name_de="Parkhäuser",
        name_en="Car parks",
        role="reference",
        attribution=OSM,
        colour=PURPLE,
    )
    layer_import(layer=layer, source=geojson(tmp_path / "parks.geojson", [(C, {"name": "P1"})]), actor=None)
    ContextLayer.objects.create(project=project, name="Intern", role="reference", public=False)
    return {"project": project, "categories": categories, "layer": layer}


def fetch(client: Client, url: str, **headers: str):
    assert url.startswith("http://testserver/"), url
    return client.get(url.removeprefix("http://testserver"), **headers)


def concrete(template: str, z: int, x: int, y: int) -> str:
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


# ----------------------------------------------------------------------------------------------- TileJSON
def test_the_tilejson_describes_the_tiles_and_names_only_addresses_that_answer(client, styled):
    response = client.get("/tiles/test-project/tilejson.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = json.loads(response.content)
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://testserver/tiles/test-project/{z}/{x}/{y}.pbf"]
    assert (doc["minzoom"], doc["maxzoom"]) == (0, 22)
    assert doc["bounds"] == [8.3, 48.95, 8.5, 49.05]  # the project's area
    assert doc["center"] == [8.4, 49.0, 13]
    # The street network routed lines follow is OpenStreetMap's: credited.
    assert OSM in doc["attribution"]
    layers = {layer["id"]: layer for layer in doc["vector_layers"]}
    assert list(layers["suggestions"]["fields"]) == list(field_names("tiles"))
    assert layers["clusters"]["maxzoom"] == 16
    assert set(layers["clusters"]["fields"]) == {"count", "charging", "parking", "bike-path", "square"}
    tile = fetch(client, concrete(doc["tiles"][0], *tile_of(*A, 18)))
    assert tile.status_code == 200
    assert tile["Content-Type"] == MVT


def test_without_a_street_network_there_is_no_osm_credit(client, point_category):
    doc = client.get("/tiles/test-project/tilejson.json").json()

    assert "OpenStreetMap" not in doc["attribution"]


def test_the_documents_are_cached_as_the_tiles_are(client, styled):
    for url in ("/tiles/test-project/tilejson.json", "/tiles/test-project/style.json"):
        first = client.get(url)
        assert first["Cache-Control"] == "public, max-age=60, must-revalidate"
        assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        assert "Cookie" not in first.get("Vary", "")


def test_a_new_colour_changes_the_style_and_its_etag(client, styled):
    before = client.get("/tiles/test-project/style.json")
    red = styled["categories"][0]
    red.colour = "#000000"
    red.save()

    after = client.get("/tiles/test-project/style.json", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "#000000" in after.content.decode()


@pytest.mark.parametrize("path", ["tilejson.json", "style.json"])
def test_a_project_that_is_not_public_or_does_not_exist_has_no_documents(client, path, styled):
    ProjectFactory(slug="hidden", is_public=False)
    for slug in ("hidden", "nowhere"):
        response = client.get(f"/tiles/{slug}/{path}", HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 404
        assert response.json() == {
            "code": "project_not_found",
            "message": "Es gibt kein Projekt mit diesem Namen.",
        }


# -------------------------------------------------------------------------------------------------- style
def test_the_style_colours_each_category_and_status_as_the_web_map_does(client, styled):
    response = client.get("/tiles/test-project/style.json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == STYLE
    style = response.json()
    assert style["version"] == 8
    by_category: dict[str, set[str]] = {}
    for layer in style["layers"]:
        if layer["source"] != "suggestions" or layer["source-layer"] != "suggestions":
            continue
        paint = layer["paint"]
        colour = paint.get("circle-color") or paint.get("fill-color") or paint["line-color"]
        keys = [f[2] for f in layer["filter"][1:] if f[1] == "category" and f[0] == "=="]
        for key in keys:
            by_category.setdefault(key, set()).add(colour)
    assert by_category == {c.key: {c.colour} for c in styled["categories"]}
    ids = {layer["id"]: layer for layer in style["layers"]}
    planned = ids["Charging (charging) – Planned"]
    assert planned["type"] == "circle"
    assert planned["paint"]["circle-stroke-color"] == "#15803d"  # the web map's ring of "planned"
    assert ids["Charging (charging) – Declined"]["paint"]["circle-opacity"] < 1
    assert ids["Charging (charging) – Received"]["paint"]["circle-stroke-color"] == "#ffffff"
    free = ids["Bike path (bike-path) – drawn freely"]
    assert free["paint"]["line-dasharray"]
    assert ["==", "line_drawing", "free"] in free["filter"]
    assert "line-dasharray" not in ids["Bike path (bike-path)"]["paint"]
    assert {layer["type"] for layer in style["layers"]} <= {"fill", "line", "circle"}


def test_the_style_speaks_the_requests_language(client, styled):
    german = client.get("/tiles/test-project/style.json", HTTP_ACCEPT_LANGUAGE="de").json()
    english = client.get("/tiles/test-project/style.json", HTTP_ACCEPT_LANGUAGE="en").json()

    german_ids = {layer["id"] for layer in german["layers"]}
    english_ids = {layer["id"] for layer in english["layers"]}
    assert "Laden (charging) – Geplant" in german_ids
    assert "Charging (charging) – Planned" in english_ids
    assert "Parkhäuser (Punkte)" in german_ids
    assert "Car parks (points)" in english_ids


def test_every_source_of_the_style_answers_and_only_public_layers_are_in_it(client, styled):
    style = client.get("/tiles/test-project/style.json").json()

    layer = styled["layer"]
    assert set(style["sources"]) == {"suggestions", f"layer-{layer.pk}"}
    suggestions = style["sources"]["suggestions"]
    assert suggestions == {"type": "vector", "url": "http://testserver/tiles/test-project/tilejson.json"}
    assert fetch(client, suggestions["url"]).status_code == 200
    context = style["sources"][f"layer-{layer.pk}"]
    assert context["attribution"] == OSM
    assert fetch(client, concrete(context["tiles"][0], *tile_of(*A, 18))).status_code in (200, 204)
    assert "Intern" not in json.dumps(style)


# ---------------------------------------------------------------------------------------- OGC API – Tiles
def test_the_ogc_api_leads_to_the_tilesets_and_claims_the_tiles_classes(client, styled):
    ProjectFactory(slug="hidden", is_public=False)
    landing = client.get("/ogcapi").json()
    conformance = client.get("/ogcapi/conformance").json()["conformsTo"]

    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"] == "http://testserver/ogcapi/tiles"
    tiles = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
    for name in ("core", "tileset", "tilesets-list", "dataset-tilesets", "mvt"):
        assert tiles + name in conformance
    listing = fetch(client, rels["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]).json()
    hrefs = [
        link["href"] for entry in listing["tilesets"] for link in entry["links"] if link["rel"] == "self"
    ][:1]
    assert hrefs == ["http://testserver/ogcapi/tiles/test-project"]
    assert client.get("/ogcapi/tiles/hidden").status_code == 404


def test_the_tileset_links_its_tiles_tiling_scheme_tilejson_and_style(client, styled):
    tileset = client.get("/ogcapi/tiles/test-project").json()

    assert tileset["dataType"] == "vector"
    assert tileset["tileMatrixSetURI"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    links = {link["rel"]: link for link in tileset["links"]}
    item = links["item"]
    assert item["href"] == "http://testserver/tiles/test-project/{tileMatrix}/{tileCol}/{tileRow}.pbf"
    z, x, y = tile_of(*A, 18)
    tile_url = item["href"].format(tileMatrix=z, tileCol=x, tileRow=y)
    assert fetch(client, tile_url).status_code == 200
    scheme = fetch(client, links["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]["href"]).json()
    assert scheme["id"] == "WebMercatorQuad"
    zoom_18 = scheme["tileMatrices"][18]
    assert zoom_18["matrixWidth"] == 2**18
    assert zoom_18["scaleDenominator"] == pytest.approx(2132.7295838497840)  # OGC's table
    assert fetch(client, links["describedby"]["href"]).json()["tilejson"] == "3.0.0"
    assert fetch(client, links["stylesheet"]["href"]).json()["version"] == 8
    assert fetch(client, links["self"]["href"]).status_code == 200
    assert client.get("/ogcapi/tileMatrixSets/WorldCRS84Quad").status_code == 404


# ------------------------------------------------------------------------------------ the real clients
@pytest.mark.django_db(transaction=True)
def test_gdal_opens_the_tiles_the_tilejson_names(live_server, styled):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/tiles/test-project/tilejson.json") as answer:  # noqa: S310
        doc = json.load(answer)
    tile = concrete(doc["tiles"][0], *tile_of(*A, 18))

    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", f"MVT:{tile}"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        env=GDAL_ENV,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Layer name: suggestions" in result.stdout
    assert "category (String) = charging" in result.stdout
    assert "planning_status (String) = planned" in result.stdout


def qgis_render(args: dict) -> dict:
    """tests/geo/qgis_render.py in Debian's QGIS 3.22, headless."""
    return run_harness("qgis_render.py", args)


def near(colour: str, expected: str, tolerance: int = 10) -> bool:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(expected[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def blend(colour: str, opacity: float) -> str:
    """`colour` at `opacity` over white."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 * (1 - opacity) + c * opacity):02x}" for c in channels)


@pytest.mark.django_db(transaction=True)
def test_qgis_draws_the_tiles_in_the_categories_colours_with_the_style(live_server, styled, tmp_path):
    """Debian's QGIS 3.22, headless, adds the tiles as a planner does (XYZ template and Style URL) and renders
    them: each suggestion's place has its category's colour. Without the style QGIS picks random colours."""
    # QGIS is Debian's, installed by `make test` (TEST_PACKAGES in config/scripts/stack.sh): no skip.
    west, south = mercator(8.4020, 49.0070)
    east, north = mercator(8.4075, 49.0120)
    line_middle = mercator((LINE[0][0] + LINE[1][0]) / 2, LINE[0][1])
    area_inside = mercator(8.4047, 49.0105)
    # More of each kind around the probed ones, for the image: every status sign, a freely drawn path.
    red, blue, orange, _green = styled["categories"]
    for lon, category, status in (
        (8.4027, red, PlanningStatus.UNDER_REVIEW),
        (8.4037, blue, PlanningStatus.IMPLEMENTED),
        (8.4047, red, PlanningStatus.DECLINED),
        (8.4057, blue, PlanningStatus.PLANNED),
    ):
        SuggestionFactory(category=category, geom=Point(lon, 49.0087, srid=4326), planning_status=status)
    SuggestionFactory(
        category=orange,
        geom=LineString((8.4030, 49.0074), (8.4048, 49.0077), (8.4064, 49.0074), srid=4326),
        line_drawing="free",
        planning_status=PlanningStatus.UNDER_REVIEW,
    )
    args = {
        "tiles": f"{live_server.url}/tiles/test-project/{{z}}/{{x}}/{{y}}.pbf",
        "style": f"{live_server.url}/tiles/test-project/style.json",
        "extent": [west, south, east, north],
        "size": [800, 720],
        "png": str(tmp_path / "styled.png"),
        "probes": [mercator(*A), mercator(*B), line_middle, area_inside],
    }

    drawn = qgis_render(args)

    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(args["png"], Path(SHOTS) / "qgis-styled-tiles.png")
    assert drawn["valid"], drawn
    assert drawn["style_loaded"], drawn
    # One rule per category and status, named as the style names them (QGIS sends no Accept-Language).
    assert {"Laden (charging) – Geplant", "Charging (charging) – Planned"} & set(drawn["styles"]), drawn
    point_a, point_b, line, area = drawn["probes"]
    assert near(point_a, RED), drawn
    assert near(point_b, BLUE), drawn
    assert near(line, ORANGE), drawn
    assert near(area, blend(GREEN, 0.35), 16), drawn

    # A context layer's tiles with the same style URL: the layer's own colour.
    layer = styled["layer"]
    context = qgis_render(
        {
            **args,
            "tiles": f"{live_server.url}/tiles/test-project/layers/{layer.pk}/{{z}}/{{x}}/{{y}}.pbf",
            "png": str(tmp_path / "context.png"),
            "probes": [mercator(*C), mercator(*A)],
        }
    )
    assert near(context["probes"][0], PURPLE), context
    assert context["probes"][1] == "#ffffff", context

    unstyled = qgis_render({**args, "style": "", "png": str(tmp_path / "unstyled.png")})
    assert not near(unstyled["probes"][0], RED) or not near(unstyled["probes"][1], BLUE), unstyled
