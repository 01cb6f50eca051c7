"""GDAL's OAPIF driver (the client QGIS's OGC API – Features connection is built like) reads a context-layer
collection from a live server: the real 3,072 Karlsruhe bicycle parkings of fixtures/karlsruhe/, imported
through the layer import, come back complete, page by page, at their OSM positions with their attributes."""

import json
import re
from pathlib import Path

import pytest

from geo.layers.imports import layer_import
from geo.layers.models import ContextLayer, LayerRole
from tests.factories import CategoryFactory, ProjectFactory
from tests.geo.test_ogcapi_gdal import gdal

pytestmark = pytest.mark.django_db(transaction=True)

PARKING = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe" / "bicycle-parking.geojson"
# OSM node 278289496: 16 stands at 8.3848276, 48.9984647. The file's first feature has no capacity: the
# field must still reach GDAL, which takes a layer's fields from the first page.
KNOWN_AT = [8.3848276, 48.9984647]


@pytest.fixture
def parking_layer() -> ContextLayer:
    project = ProjectFactory(slug="karlsruhe")
    category = CategoryFactory(project=project, key="sharing-point", geometry_kind="point")
    layer = ContextLayer.objects.create(
        project=project,
        name_de="Fahrradabstellanlagen (OSM)",
        name_en="Bicycle parking (OSM)",
        role=LayerRole.FACILITIES,
        category=category,
        attribution="© OpenStreetMap contributors (ODbL)",
        licence="ODbL 1.0",
    )
    layer_import(layer=layer, source=PARKING, actor="test")
    return layer


def test_ogr2ogr_copies_a_layer_collection_with_its_count_coordinates_and_attributes(
    live_server, parking_layer, tmp_path
):
    collection = f"karlsruhe-layer-{parking_layer.pk}"
    listing = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogcapi")
    target = tmp_path / "parking.geojson"

    gdal(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(target),
        "-oo",
        "PAGE_SIZE=1000",
        f"OAPIF:{live_server.url}/ogcapi",
        collection,
    )

    assert re.search(rf"^\d+: {collection} \(title: .*\) \(Point\)$", listing, re.M), listing
    copied = json.loads(target.read_text(encoding="utf-8"))["features"]
    assert len(copied) == 3072
    assert len({tuple(f["geometry"]["coordinates"]) for f in copied}) == len(copied)
    known = [f for f in copied if f["geometry"]["coordinates"] == pytest.approx(KNOWN_AT, abs=1e-7)]
    assert len(known) == 1
    assert known[0]["properties"]["capacity"] == "16"
    assert known[0]["properties"]["bicycle_parking"] == "stands"
