"""Context layers from every kind of source GDAL reads: the real Karlsruhe files of fixtures/karlsruhe/ and
files ogr2ogr writes from them (GeoPackage, zipped Shapefile in EPSG:25832, KML, CSV), and the bad inputs that
must be refused with a message while the layer's features stay as they were."""

import csv
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextFeature, ContextLayer
from tests.factories import CategoryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
DISTRICTS = KARLSRUHE / "districts.geojson"
PARKING = KARLSRUHE / "bicycle-parking.geojson"
OSM = KARLSRUHE / "inner-city-2009.osm"
PBF = KARLSRUHE / "inner-city-2009.osm.pbf"  # the same extract as PBF (osmium cat), see SOURCES.md
# A bicycle parking of the fixture: OSM node 278289496, 16 stands, at its OSM position.
KNOWN_ID = "278289496"
KNOWN_AT = Point(8.3848276, 48.9984647, srid=4326)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def layer(db):
    project = ProjectFactory(slug="karlsruhe")
    return ContextLayer.objects.create(project=project, name="Layer", role="reference")


def ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)  # noqa: S607


def geojson_file(path: Path, features: list[tuple[dict | None, dict]]) -> Path:
    """The starting point GDAL reads: (geometry, properties) pairs as a GeoJSON FeatureCollection."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for g, p in features],
    }
    path.write_text(json.dumps(collection))
    return path


def imported(layer: ContextLayer, source: Path, **options):
    return layer_import(layer=layer, source=source, actor="test", **options)


def refused(layer: ContextLayer, source: Path, **options) -> str:
    with pytest.raises(LayerRefused) as caught:
        imported(layer, source, **options)
    return caught.value.message


def known_parking(layer: ContextLayer) -> ContextFeature:
    return layer.features.get(geom__dwithin=(KNOWN_AT, 0.00002))


def test_the_districts_are_28_multipolygons_with_their_names(layer):
    report = imported(layer, DISTRICTS)
    assert report.read == 28
    assert report.taken_total == 28
    assert layer.features.count() == 28
    assert report.dropped == {}
    names = set(layer.features.values_list("properties__name", flat=True))
    assert {"Durlach", "Innenstadt-West"} <= names
    layer.refresh_from_db()
    assert layer.import_report["taken"] == report.taken
    assert layer.source_name == "districts.geojson"
    # The 3857 copy is PostgreSQL's own.
    feature = layer.features.first()
    assert feature.geom_3857.srid == 3857
    assert feature.geom_3857.transform(4326, clone=True).equals_exact(feature.geom, 1e-6)


def test_the_bicycle_parkings_are_3072_points_at_their_osm_positions(layer):
    report = imported(layer, PARKING)
    assert report.taken == {"Point": 3072}
    feature = known_parking(layer)
    assert feature.source_id == KNOWN_ID
    assert feature.properties == {"capacity": "16", "covered": "no", "bicycle_parking": "stands"}
    assert feature.geom.distance(KNOWN_AT) < 1e-7


@pytest.mark.parametrize("source", [OSM, PBF], ids=["xml", "pbf"])
def test_the_2009_osm_extract_gives_its_91_cycleways(layer, source):
    report = imported(layer, source, source_layer="lines", where="highway='cycleway'")
    assert report.taken == {"LineString": 91}
    assert set(layer.features.values_list("properties__highway", flat=True)) == {"cycleway"}
    xmin, ymin, xmax, ymax = _extent(layer)
    assert 8.33 < xmin < xmax < 8.48  # the inner city; ways reach beyond the extract's box
    assert 48.98 < ymin < ymax < 49.05
    layer.refresh_from_db()
    assert (layer.source_layer, layer.source_where) == ("lines", "highway='cycleway'")


def _extent(layer: ContextLayer) -> tuple[float, float, float, float]:
    from django.contrib.gis.db.models import Extent

    return layer.features.aggregate(e=Extent("geom"))["e"]


def test_an_osm_file_needs_its_layer(layer):
    assert "points, lines" in refused(layer, OSM)


@pytest.mark.parametrize("fmt", ["gpkg", "zip", "kml"])
def test_files_written_by_ogr2ogr_in_utm_land_where_they_belong(layer, tmp_path, fmt):
    """GeoPackage and zipped Shapefile in EPSG:25832 (a German town's GIS), KML (always WGS84): the known
    parking lands within 1 m of its OSM position after the round trip, its attributes kept."""
    if fmt == "gpkg":
        source = tmp_path / "parking.gpkg"
        ogr2ogr("-f", "GPKG", str(source), str(PARKING), "-t_srs", "EPSG:25832", "-nln", "parking")
    elif fmt == "zip":
        folder = tmp_path / "shp"
        ogr2ogr("-f", "ESRI Shapefile", str(folder), str(PARKING), "-t_srs", "EPSG:25832", "-nln", "parking")
        assert (folder / "parking.prj").exists()
        source = tmp_path / "parking.zip"
        with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in folder.iterdir():
                archive.write(part, f"Fahrradparken/{part.name}")
    else:
        source = tmp_path / "parking.kml"
        ogr2ogr("-f", "KML", str(source), str(PARKING))
    report = imported(layer, source)
    assert report.taken == {"Point": 3072}
    feature = known_parking(layer)
    # A Shapefile's field names have at most 10 characters (bicycle_parking is bicycle_pa there); the plain
    # KML reader (LIBKML would follow <NetworkLink>s) reads only a placemark's name and description.
    if fmt != "kml":
        assert "stands" in feature.properties.values()
    metres = ContextFeature.objects.filter(pk=feature.pk).values_list("geom", flat=True)[0]
    assert _metres_between(metres, KNOWN_AT) < 1.0


def _metres_between(a, b) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_GeomFromEWKB(%s)::geography, ST_GeomFromEWKB(%s)::geography)",
            [bytes(a.ewkb), bytes(b.ewkb)],
        )
        return cursor.fetchone()[0]


def test_a_csv_with_lon_lat_columns_and_its_crs(layer, tmp_path):
    source = tmp_path / "parking.csv"
    ogr2ogr("-f", "CSV", str(source), str(PARKING), "-lco", "GEOMETRY=AS_XY")
    with source.open() as f:
        header = next(csv.reader(f))
    assert header[:2] == ["X", "Y"]
    renamed = tmp_path / "stellplaetze.csv"
    renamed.write_text(source.read_text().replace("X,Y,", "lon,lat,", 1))
    assert "CSV file does not say its coordinate system" in refused(layer, renamed)
    report = imported(layer, renamed, srs="EPSG:4326")
    assert report.taken == {"Point": 3072}
    feature = known_parking(layer)
    assert feature.geom.distance(KNOWN_AT) < 1e-7
    assert "lon" not in feature.properties


# Bad input: each refused with its message, and the layer's features stay as they were.


@pytest.fixture
def kept(layer):
    """The layer with the 28 districts imported; the test checks they are still there after a refusal."""
    imported(layer, DISTRICTS)
    ids = set(layer.features.values_list("id", flat=True))
    yield layer
    assert set(layer.features.values_list("id", flat=True)) == ids
    layer.refresh_from_db()
    assert layer.source_name == "districts.geojson"


def test_a_file_that_is_not_geodata(kept, tmp_path):
    source = tmp_path / "notes.geojson"
    source.write_text("Dear planners, here are my ideas …")
    assert "cannot be read as GeoJSON" in refused(kept, source)
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    assert "not a file we can read as a layer" in refused(kept, other)


def test_a_zip_bomb(kept, tmp_path):
    source = tmp_path / "bomb.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.shp", b"\0" * (3 * 1024 * 1024))
    assert source.stat().st_size < 10_000
    from django.test import override_settings

    with override_settings(CONTEXT_LAYER_MAX_BYTES=1024 * 1024):
        assert "too large when unpacked" in refused(kept, source)


def test_a_file_over_the_size_limit(kept, settings):
    settings.CONTEXT_LAYER_MAX_BYTES = 500 * 1024
    assert PARKING.stat().st_size > 500 * 1024
    assert "larger than 500.0" in refused(kept, PARKING)


def test_more_features_than_the_limit(kept, settings):
    settings.CONTEXT_LAYER_MAX_FEATURES = 1000
    assert "more than 1,000 features" in refused(kept, PARKING)


def test_a_shapefile_without_prj_and_metres_without_a_crs(kept, tmp_path):
    folder = tmp_path / "shp"
    ogr2ogr("-f", "ESRI Shapefile", str(folder), str(PARKING), "-t_srs", "EPSG:25832", "-nln", "parking")
    (folder / "parking.prj").unlink()
    source = tmp_path / "parking.zip"
    with zipfile.ZipFile(source, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    assert "no .prj file" in refused(kept, source)
    # GeoJSON says nothing of its CRS and means WGS84: metres in it are refused, not imported far away.
    metres = tmp_path / "metres.geojson"
    ogr2ogr("-f", "GeoJSON", str(metres), str(PARKING), "-t_srs", "EPSG:25832", "-lco", "WRITE_NAME=NO")
    text = json.loads(metres.read_text())
    text.pop("crs", None)
    metres.write_text(json.dumps(text))
    assert "not longitude and latitude" in refused(kept, metres)


def test_a_wrong_filter_or_layer_name(layer, tmp_path):
    imported(layer, PARKING)
    where = "highway = = 'x'"
    assert f"“{where}” cannot be applied" in refused(layer, OSM, source_layer="lines", where=where)
    source = tmp_path / "districts.gpkg"
    ogr2ogr("-f", "GPKG", str(source), str(DISTRICTS), "-nln", "stadtteile")
    assert "no layer “bezirke”" in refused(layer, source, source_layer="bezirke")
    assert layer.features.count() == 3072
    assert imported(layer, source, source_layer="stadtteile").taken_total == 28


def test_an_unknown_crs(kept, tmp_path):
    source = tmp_path / "p.csv"
    source.write_text("lon,lat,name\n8.4,49.0,a\n")
    assert "EPSG:999999" in refused(kept, source, srs="EPSG:999999")


def test_a_districts_layer_refuses_points(kept, tmp_path):
    kept.role = "districts"
    kept.save()
    source = geojson_file(
        tmp_path / "mixed.geojson",
        [
            ({"type": "Polygon", "coordinates": [[[8.4, 49], [8.41, 49], [8.41, 49.01], [8.4, 49]]]}, {}),
            ({"type": "Point", "coordinates": [8.4, 49]}, {}),
        ],
    )
    assert "areas only" in refused(kept, source)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[8.40, 49.00], [8.41, 49.01], [8.41, 49.00], [8.40, 49.01], [8.40, 49.00]]],
}
# A polygon that is only a line (all its vertices on one line): ST_MakeValid makes it a line, not an area.
FLAT = {"type": "Polygon", "coordinates": [[[8.40, 49.00], [8.41, 49.00], [8.42, 49.00], [8.40, 49.00]]]}
EMPTY = {"type": "MultiPolygon", "coordinates": []}


def test_broken_mixed_and_missing_geometries_are_repaired_split_or_dropped_and_counted(layer, tmp_path):
    source = geojson_file(
        tmp_path / "broken.geojson",
        [
            (BOWTIE, {"name": "bowtie"}),
            (FLAT, {"name": "flat"}),
            (EMPTY, {"name": "empty"}),
            (None, {"name": "nothing"}),
            ({"type": "Point", "coordinates": [8.4, 49.0]}, {"name": "point"}),
            ({"type": "LineString", "coordinates": [[8.4, 49.0], [8.5, 49.1]]}, {"name": "line"}),
            (
                {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "Point", "coordinates": [8.45, 49.05]},
                        {"type": "LineString", "coordinates": [[8.4, 49.0], [8.45, 49.05]]},
                    ],
                },
                {"name": "collection"},
            ),
        ],
    )
    report = imported(layer, source)
    assert report.read == 7
    assert report.repaired == 1
    assert report.dropped == {"empty": 1, "no-geometry": 1, "unrepairable": 1}
    assert (report.collections_split, report.collection_parts) == (1, 2)
    assert report.taken == {"MultiPolygon": 1, "Point": 2, "LineString": 2}
    bowtie = layer.features.get(properties__name="bowtie")
    assert bowtie.geom.valid
    assert (bowtie.geom.geom_type, len(bowtie.geom)) == ("MultiPolygon", 2)
    assert layer.features.filter(properties__name="collection").count() == 2
    assert "1 repaired" in report.summary()
    assert "1 dropped (invalid geometry that cannot be repaired)" in report.summary()


def test_html_and_formulas_are_stored_unchanged_as_text(layer, tmp_path):
    hostile = {"name": "<script>alert(1)</script>", "note": "=cmd()", "capacity": 12, "ratio": 0.5}
    source = geojson_file(
        tmp_path / "hostile.geojson", [({"type": "Point", "coordinates": [8.4, 49.0]}, hostile)]
    )
    imported(layer, source)
    assert layer.features.get().properties == hostile


def test_a_refusal_in_german(kept, tmp_path):
    source = tmp_path / "p.csv"
    source.write_text("lon,lat\n8.4,49.0\n")
    with translation.override("de"):
        assert "Koordinatensystem" in refused(kept, source)


def test_a_second_import_replaces_the_features(layer):
    imported(layer, DISTRICTS)
    imported(layer, PARKING)
    assert layer.features.count() == 3072
    assert ContextFeature.objects.count() == 3072


# The command.


def test_the_command_creates_a_facilities_layer_and_prints_the_report(capsys):
    project = ProjectFactory(slug="karlsruhe")
    category = CategoryFactory(project=project, key="sharing-point")
    call_command(
        "import_layer", "karlsruhe", str(PARKING), "--name", "Fahrradparken", "--name-en", "Bicycle parking",
        "--role", "facilities", "--category", "sharing-point", "--colour", "#1b7f3b",
        "--attribution", "© OpenStreetMap contributors", "--licence", "ODbL 1.0",
    )  # fmt: skip
    layer = ContextLayer.objects.get(project=project)
    assert (layer.name_de, layer.name_en, layer.category, layer.colour) == (
        "Fahrradparken",
        "Bicycle parking",
        category,
        "#1b7f3b",
    )
    assert layer.features.count() == 3072
    assert "3,072 of 3,072 features" in capsys.readouterr().out
    # Again without --replace: refused, and nothing changed; with it the layer is replaced.
    with pytest.raises(CommandError, match="--replace"):
        call_command(
            "import_layer", "karlsruhe", str(DISTRICTS), "--name", "Fahrradparken", "--role", "reference"
        )
    call_command(
        "import_layer",
        "karlsruhe",
        str(DISTRICTS),
        "--name",
        "Fahrradparken",
        "--role",
        "districts",
        "--replace",
    )
    layer.refresh_from_db()
    assert (layer.role, layer.category, layer.features.count()) == ("districts", None, 28)


def test_the_command_exits_1_with_the_message_on_a_refusal(tmp_path):
    ProjectFactory(slug="karlsruhe")
    source = tmp_path / "p.csv"
    source.write_text("lon,lat\n8.4,49.0\n")
    with pytest.raises(CommandError, match="CSV file does not say its coordinate system") as caught:
        call_command("import_layer", "karlsruhe", str(source), "--name", "x", "--role", "reference")
    assert caught.value.returncode == 1  # manage.py exits with it, the message on stderr
    assert not ContextLayer.objects.exists()


def test_the_command_refuses_a_facilities_layer_without_category():
    ProjectFactory(slug="karlsruhe")
    with pytest.raises(CommandError, match="category"):
        call_command("import_layer", "karlsruhe", str(PARKING), "--name", "x", "--role", "facilities")
    assert not ContextLayer.objects.exists()


# The admin.


@pytest.fixture
def admin_client(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


ADD_URL = "/admin/geo/contextlayer/add/"


def add_form(project, **values) -> dict:
    data = {
        "project": project.pk,
        "name_de": "Bezirke",
        "name_en": "Districts",
        "role": "districts",
        "position": 0,
        "colour": "#1b7f3b",
        "line_pattern": "solid",
        "icon": "",
        "attribution": "© OpenStreetMap contributors",
        "licence": "ODbL 1.0",
    }
    data.update(values)
    return data


def test_the_admin_imports_an_uploaded_file_on_save_and_shows_the_report(admin_client):
    project = ProjectFactory(slug="karlsruhe")
    with DISTRICTS.open("rb") as upload:
        response = admin_client.post(
            ADD_URL, add_form(project, source_file=upload), HTTP_ACCEPT_LANGUAGE="en", follow=True
        )
    assert response.redirect_chain[-1][0] == "/admin/geo/contextlayer/"
    layer = ContextLayer.objects.get()
    assert (layer.name_de, layer.name_en, layer.role) == ("Bezirke", "Districts", "districts")
    assert layer.features.count() == 28
    assert layer.import_report["by"] == layer.import_report["by"].strip()
    assert layer.import_report["by"]  # the administrator who imported
    shown = [str(m) for m in response.context["messages"]]
    assert any("28 of 28 features taken from districts.geojson" in m for m in shown)
    # The change form shows the last import.
    page = admin_client.get(f"/admin/geo/contextlayer/{layer.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "28 of 28 features taken" in page.content.decode()


def test_a_refused_upload_is_a_form_error_in_german_and_nothing_is_saved(admin_client, tmp_path):
    project = ProjectFactory(slug="karlsruhe")
    source = tmp_path / "punkte.csv"
    source.write_text("lon,lat,name\n8.4,49.0,a\n")
    with source.open("rb") as upload:
        response = admin_client.post(
            ADD_URL, add_form(project, role="reference", source_file=upload), HTTP_ACCEPT_LANGUAGE="de"
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["source_file"]
    assert "Koordinatensystem" in errors[0]
    assert not ContextLayer.objects.exists()
    assert not ContextFeature.objects.exists()


def test_a_facilities_layer_needs_its_category_in_the_admin(admin_client):
    project = ProjectFactory(slug="karlsruhe")
    with PARKING.open("rb") as upload:
        response = admin_client.post(
            ADD_URL, add_form(project, role="facilities", source_file=upload), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert not ContextLayer.objects.exists()
    assert not ContextFeature.objects.exists()


def test_a_facilities_layer_takes_a_category_of_its_own_project_only():
    project, other = ProjectFactory(slug="karlsruhe"), ProjectFactory(slug="elsewhere")
    layer = ContextLayer(
        project=project, name_de="x", role="facilities", category=CategoryFactory(project=other)
    )
    with pytest.raises(ValidationError, match="one of the layer's project"):
        layer.full_clean()
    layer.category = CategoryFactory(project=project)
    layer.full_clean()
    layer.role = "reference"
    with pytest.raises(ValidationError, match="Only a layer of existing facilities"):
        layer.full_clean()
