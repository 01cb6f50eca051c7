"""A project's area from an uploaded boundary file: real files written by GDAL's ogr2ogr in every accepted
format, in WGS84 and in UTM 32N (EPSG:25832, what German towns' GIS use), and the files that must be refused
with a message that says what to do."""

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from geo.core.boundary import BoundaryRefused, boundary_from_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; the German ones have their own test."""
    with translation.override("en"):
        yield


# Two separate squares around Karlsruhe (a town and an exclave), about 57 km² each.
CENTRE = Polygon.from_bbox((8.35, 48.98, 8.45, 49.05))
EXCLAVE = Polygon.from_bbox((8.60, 48.98, 8.70, 49.05))


def source(tmp_path: Path, geometries: list[dict], name: str = "source.geojson") -> Path:
    """The geometries as the starting point GDAL reads (the files under test are what ogr2ogr writes)."""
    path = tmp_path / name
    features = [
        {"type": "Feature", "properties": {"name": f"f{n}"}, "geometry": g} for n, g in enumerate(geometries)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)  # noqa: S607


def written(tmp_path: Path, fmt: str, srs: str, geometries: list[dict]) -> SimpleUploadedFile:
    """The geometries written by ogr2ogr as an upload in `fmt`, reprojected to `srs`."""
    src = source(tmp_path, geometries)
    if fmt == "geojson":
        target = tmp_path / "boundary.geojson"
        ogr2ogr("-f", "GeoJSON", str(target), str(src), "-t_srs", srs, "-nln", "boundary")
    elif fmt == "gpkg":
        target = tmp_path / "boundary.gpkg"
        ogr2ogr("-f", "GPKG", str(target), str(src), "-t_srs", srs, "-nln", "boundary")
    elif fmt == "kml":  # KML is WGS84 by definition: the source is written in `srs` first, then converted
        other = tmp_path / "other.gpkg"
        ogr2ogr("-f", "GPKG", str(other), str(src), "-t_srs", srs)
        target = tmp_path / "boundary.kml"
        ogr2ogr("-f", "KML", str(target), str(other))
    else:
        folder = tmp_path / "shp"
        ogr2ogr("-f", "ESRI Shapefile", str(folder), str(src), "-t_srs", srs, "-nln", "grenze")
        target = tmp_path / "grenze.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for part in sorted(folder.iterdir()):
                archive.write(part, f"Stadtgrenze/{part.name}")
    return SimpleUploadedFile(target.name, target.read_bytes())


def geojson(polygon: Polygon) -> dict:
    return json.loads(polygon.geojson)


@pytest.mark.parametrize("srs", ["EPSG:4326", "EPSG:25832"])
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "zip", "kml"])
def test_every_format_in_any_crs_becomes_one_multipolygon_in_wgs84(tmp_path, fmt, srs):
    upload = written(tmp_path, fmt, srs, [geojson(CENTRE), geojson(EXCLAVE)])

    boundary = boundary_from_upload(upload)

    assert isinstance(boundary.area, MultiPolygon)
    assert boundary.area.srid == 4326
    assert boundary.area.valid
    assert (boundary.features, boundary.parts) == (2, 2)
    # Back in longitude/latitude where it was drawn (UTM and back: well under a metre).
    expected = MultiPolygon(CENTRE, EXCLAVE, srid=4326)
    assert boundary.area.sym_difference(expected).area < 1e-9
    assert boundary.area.extent == pytest.approx((8.35, 48.98, 8.70, 49.05), abs=1e-6)
    assert 110e6 < boundary.square_metres < 120e6


def test_overlapping_polygons_are_joined_into_one(tmp_path):
    overlapping = Polygon.from_bbox((8.40, 49.00, 8.50, 49.06))

    boundary = boundary_from_upload(
        written(tmp_path, "gpkg", "EPSG:25832", [geojson(CENTRE), geojson(overlapping)])
    )

    assert boundary.parts == 1
    assert boundary.area.extent == pytest.approx((8.35, 48.98, 8.50, 49.06), abs=1e-6)


def refused(upload) -> str:
    with pytest.raises(BoundaryRefused) as error:
        boundary_from_upload(upload)
    return error.value.message


def test_points_are_not_an_area(tmp_path):
    point = {"type": "Point", "coordinates": [8.4, 49.0]}

    message = refused(written(tmp_path, "gpkg", "EPSG:25832", [geojson(CENTRE), point]))

    assert message.startswith("Feature 2 is a point, not an area.")


def test_lines_are_not_an_area(tmp_path):
    line = {"type": "LineString", "coordinates": [[8.4, 49.0], [8.5, 49.1]]}

    assert "is a line, not an area" in refused(written(tmp_path, "geojson", "EPSG:4326", [line]))


def test_an_invalid_polygon_is_refused_and_not_repaired(tmp_path):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[8.35, 48.98], [8.45, 49.05], [8.45, 48.98], [8.35, 49.05], [8.35, 48.98]]],
    }

    message = refused(written(tmp_path, "zip", "EPSG:25832", [bow_tie]))

    assert message.startswith("Feature 1 is not a valid polygon (Self-intersection")
    assert "Nothing is repaired automatically" in message


def test_an_empty_file_has_no_area(tmp_path):
    src = source(tmp_path, [geojson(CENTRE)])
    target = tmp_path / "leer.gpkg"
    ogr2ogr("-f", "GPKG", str(target), str(src), "-where", "name = 'nothing'")

    assert (
        refused(SimpleUploadedFile("leer.gpkg", target.read_bytes()))
        == "The file contains no area (no polygons)."
    )


@pytest.mark.parametrize("name", ["grenze.shp", "grenze.txt", "grenze", "grenze.kmz"])
def test_a_wrong_extension_is_refused(name):
    assert "is not a boundary file we can read" in refused(SimpleUploadedFile(name, b"whatever"))


def test_a_file_is_read_only_by_the_driver_of_its_extension(tmp_path):
    kml = written(tmp_path, "kml", "EPSG:4326", [geojson(CENTRE)])

    message = refused(SimpleUploadedFile("boundary.geojson", kml.read()))  # KML inside, .geojson outside

    assert message.startswith("The file cannot be read as GeoJSON.")


@pytest.mark.parametrize("name", ["kaputt.gpkg", "kaputt.geojson", "kaputt.kml", "kaputt.zip"])
def test_an_unreadable_file_is_refused(name):
    assert refused(SimpleUploadedFile(name, b"\x00\x01 not a file of this kind")).startswith("The ")


def test_a_zip_without_prj_is_refused(tmp_path):
    shapefile = written(tmp_path, "zip", "EPSG:25832", [geojson(CENTRE)])
    without = tmp_path / "ohne-prj.zip"
    with zipfile.ZipFile(shapefile) as full, zipfile.ZipFile(without, "w") as archive:
        for entry in full.namelist():
            if not entry.endswith(".prj"):
                archive.writestr(entry, full.read(entry))

    message = refused(SimpleUploadedFile("ohne-prj.zip", without.read_bytes()))

    assert message.startswith("The zip file has no .prj file beside the .shp")


def test_a_zip_without_shp_is_refused(tmp_path):
    archive_path = tmp_path / "text.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("liesmich.txt", "Stadtgrenze folgt")

    assert refused(SimpleUploadedFile("text.zip", archive_path.read_bytes())) == (
        "The zip file contains no Shapefile (.shp)."
    )


@pytest.mark.parametrize("damage", ["crc", "deflate"])
def test_a_zip_whose_parts_are_damaged_is_refused_not_a_server_error(tmp_path, damage):
    """The directory of the zip is fine, its data is not: found while unpacking, said as damaged."""
    shapefile = written(tmp_path, "zip", "EPSG:25832", [geojson(CENTRE)])
    broken = tmp_path / "kaputt.zip"
    compression = zipfile.ZIP_STORED if damage == "crc" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(shapefile) as full, zipfile.ZipFile(broken, "w", compression) as archive:
        for entry in full.namelist():
            archive.writestr(entry, full.read(entry))
    data = bytearray(broken.read_bytes())
    with zipfile.ZipFile(broken) as archive:
        shp = next(e for e in archive.infolist() if e.filename.endswith(".shp"))
    # The member's data starts after its local header (30 bytes, the name, the extra field).
    start = shp.header_offset + 30 + len(shp.filename.encode()) + len(shp.extra)
    for offset in range(start + 8, start + 40):
        data[offset] ^= 0xFF
    broken.write_bytes(bytes(data))

    message = refused(SimpleUploadedFile("kaputt.zip", bytes(data)))

    assert message == "The .zip file cannot be opened: it is damaged or not a zip file."


@pytest.mark.parametrize(
    ("bbox", "said"),
    [((8.40, 49.00, 8.4001, 49.0001), "0.00 km²"), ((-170.0, -80.0, 170.0, 80.0), "km²")],
)
def test_an_area_of_an_unreasonable_size_is_refused(tmp_path, bbox, said):
    message = refused(written(tmp_path, "geojson", "EPSG:4326", [geojson(Polygon.from_bbox(bbox))]))

    assert message.startswith("The area measures ")
    assert said in message
    assert "Is the coordinate system of the file right?" in message


@pytest.fixture(scope="module")
def too_many_vertices(tmp_path_factory) -> bytes:
    """A GeoPackage with a circle-like ring of 240,000 vertices (written once: GDAL takes seconds for it)."""
    ring = CENTRE.buffer(0.01, quadsegs=60_000)
    return written(tmp_path_factory.mktemp("vertices"), "gpkg", "EPSG:4326", [geojson(ring)]).read()


VERTICES = pytest.mark.xdist_group("boundary-vertices")  # one worker writes the file for both tests


@VERTICES
def test_too_many_vertices_are_refused(too_many_vertices):
    assert "vertices; at most 200,000 are accepted" in refused(
        SimpleUploadedFile("boundary.gpkg", too_many_vertices)
    )


@VERTICES
def test_the_refusals_are_german_for_german_users(too_many_vertices):
    with translation.override("de"):
        wrong = refused(SimpleUploadedFile("grenze.txt", b"x"))
        too_many = refused(SimpleUploadedFile("boundary.gpkg", too_many_vertices))

    assert wrong.startswith("„grenze.txt“ ist keine Grenzdatei, die wir lesen können.")
    assert "höchstens 200.000 sind möglich" in too_many


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_projected_coordinates_without_a_coordinate_system_are_refused(tmp_path, fmt):
    """A Shapefile in UTM without its .prj, saved by GDAL as GeoPackage or GeoJSON: its metres would be
    read as degrees."""
    folder = tmp_path / "shp"
    ogr2ogr(
        "-f", "ESRI Shapefile", str(folder), str(source(tmp_path, [geojson(CENTRE)])), "-t_srs", "EPSG:25832"
    )
    for prj in folder.glob("*.prj"):
        prj.unlink()
    target = tmp_path / f"ohne-crs.{fmt}"
    ogr2ogr("-f", "GPKG" if fmt == "gpkg" else "GeoJSON", str(target), str(next(folder.glob("*.shp"))))

    message = refused(SimpleUploadedFile(target.name, target.read_bytes()))

    assert message.startswith("The coordinates are not longitude and latitude")
