"""OGC API – Features Part 2 with the real clients of a live server: what a planner's tools get in UTM 32N.

- GDAL 3.6's OAPIF driver (and so QGIS's OGR provider) knows no Part 2 (GDAL 3.7 brought it): it reads the
  collections that advertise their CRSs, asks without `crs` and gets CRS84, as before.
- GDAL's GeoJSON reader (ogr2ogr, QGIS's "Add Vector Layer" from a URL) reads an items address with
  `crs=…25832` as EPSG:25832, in metres: the page names its CRS in GeoJSON's legacy `crs` member.
- OWSLib (Debian's 0.27.2) reads the collection's `crs` list and sends `crs`, `bbox-crs` and a bbox in metres.
- QGIS 3.22, headless: its OGC API – Features layer is CRS84 (3.22 offers no CRS choice), and what it draws
  in a project in EPSG:25832 lies where the server's own UTM output puts it, to the centimetre.
"""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.gis.geos import LineString, Point

from tests.factories import SuggestionFactory
from tests.geo.system_python import run_system_python
from tests.geo.test_ogcapi_crs import BAHNHOF, EPSG25832, SCHLOSS, utm32
from tests.geo.test_ogcapi_gdal import gdal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(point_category, line_category):
    return {
        "schloss": SuggestionFactory(category=point_category, geom=Point(*SCHLOSS, srid=4326)),
        "bahnhof": SuggestionFactory(category=point_category, geom=Point(*BAHNHOF, srid=4326)),
        "line": SuggestionFactory(
            category=line_category, geom=LineString(SCHLOSS, BAHNHOF, srid=4326), line_drawing="free"
        ),
    }


def items_url(live_server, collection: str, **query: str) -> str:
    return f"{live_server.url}/ogcapi/collections/{collection}/items?{urlencode({'f': 'json', **query})}"


def test_gdal_reads_an_items_page_in_utm_as_epsg_25832(live_server, places, tmp_path):
    url = items_url(live_server, "test-project-points", crs=EPSG25832)
    target = tmp_path / "utm.geojson"

    info = gdal("ogrinfo", "-ro", "-so", "-al", url)
    gdal("ogr2ogr", "-f", "GeoJSON", str(target), url, "-nln", "utm")

    assert 'ID["EPSG",25832]' in info
    written = json.loads(target.read_text(encoding="utf-8"))
    # GDAL keeps the CRS it read (and writes it out).
    assert "25832" in written["crs"]["properties"]["name"]
    # GDAL takes the features' ids (and the property of the same name) as its FIDs.
    got = {f["id"]: f["geometry"]["coordinates"] for f in written["features"]}
    assert got[places["schloss"].pk] == pytest.approx(utm32(*SCHLOSS), abs=0.006)
    assert got[places["bahnhof"].pk] == pytest.approx(utm32(*BAHNHOF), abs=0.006)


def test_gdal_36_oapif_reads_the_collections_and_asks_in_crs84(live_server, places, requests_seen):
    info = gdal("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{live_server.url}/ogcapi", "test-project-points")

    assert "WGS 84" in info
    assert requests_seen
    assert not any("crs" in r for r in requests_seen)


OWSLIB_SCRIPT = """
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
collection = api.collection("test-project-points")
east, north = float(sys.argv[2]), float(sys.argv[3])
items = api.collection_items(
    "test-project-points",
    bbox=[east - 100, north - 100, east + 100, north + 100],
    **{"bbox-crs": sys.argv[4], "crs": sys.argv[4]},
)
print(json.dumps({
    "crs": collection["crs"],
    "storageCrs": collection["storageCrs"],
    "features": {f["id"]: f["geometry"]["coordinates"] for f in items["features"]},
}))
"""


def test_owslib_reads_the_crs_list_and_gets_a_utm_page_of_a_utm_box(live_server, places):
    east, north = utm32(*SCHLOSS)
    # OWSLib is Debian's (0.27.2, beside QGIS's Python), not in the project's virtualenv.
    body = run_system_python(
        ["-c", OWSLIB_SCRIPT, f"{live_server.url}/ogcapi", str(east), str(north), EPSG25832], timeout=60
    )

    assert EPSG25832 in body["crs"]
    assert body["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert list(body["features"]) == [str(places["schloss"].pk)]
    assert body["features"][str(places["schloss"].pk)] == pytest.approx([east, north], abs=0.006)


QGIS_SCRIPT = """
import json, sys
from qgis.core import (
    QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsVectorLayer
)
app = QgsApplication([], False)
app.initQgis()
oapif = QgsVectorLayer(
    "url='" + sys.argv[1] + "' typename='test-project-lines' restrictToRequestBBOX='0'", "ogc", "OAPIF"
)
utm = QgsCoordinateReferenceSystem("EPSG:25832")
to_utm = QgsCoordinateTransform(oapif.crs(), utm, QgsProject.instance())
drawn = {}
for feature in oapif.getFeatures():
    geometry = feature.geometry()
    geometry.transform(to_utm)
    drawn[feature["id"]] = [[p.x(), p.y()] for p in geometry.vertices()]
direct = QgsVectorLayer(sys.argv[2], "utm", "ogr")
served = {f["id"]: [[p.x(), p.y()] for p in f.geometry().vertices()] for f in direct.getFeatures()}
print(json.dumps({
    "oapif_valid": oapif.isValid(), "oapif_crs": oapif.crs().authid(),
    "direct_valid": direct.isValid(), "direct_crs": direct.crs().authid(),
    "drawn": drawn, "served": served,
}))
"""


def test_qgis_draws_the_ogc_layer_in_utm_where_the_servers_utm_output_puts_it(live_server, places):
    body = run_system_python(
        [
            "-c",
            QGIS_SCRIPT,
            f"{live_server.url}/ogcapi",
            items_url(live_server, "test-project-lines", crs=EPSG25832),
        ],
        timeout=120,
    )

    assert body["oapif_valid"]
    assert body["oapif_crs"] in ("OGC:CRS84", "EPSG:4326")
    assert body["direct_valid"]
    assert body["direct_crs"] == "EPSG:25832"
    line = str(places["line"].pk)
    served = body["served"][line]
    assert len(served) == len(body["drawn"][line]) == 2
    for vertex, place in zip(served, (SCHLOSS, BAHNHOF), strict=True):
        assert vertex == pytest.approx(utm32(*place), abs=0.006)
    for drawn, own in zip(body["drawn"][line], served, strict=True):
        assert drawn == pytest.approx(own, abs=0.01)
