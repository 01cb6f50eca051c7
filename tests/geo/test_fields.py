"""One field table for every channel (geo/fields.py), the exports' times in the site's zone, the CSV that
QGIS reads whole, and the KML's escaping: every channel read back with its real client.

GDAL is the library QGIS reads all of these with: `ogrinfo` on each export file, `OAPIF:` on the OGC API of
a live server, `MVT:` on a tile. The exports are written by ogr2ogr over its own database connection, so the
data is committed (`transaction=True`).
"""

import csv
import html
import io
import json
import re
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from django.contrib.gis.geos import LineString, Point
from django.urls import reverse

from geo.fields import (
    ANALYSIS_FIELDS,
    EXPORTS,
    FIELDS,
    OGCAPI,
    PLACE_FIELDS,
    STAFF_FIELDS,
    TABLE_GEOMETRY_COLUMNS,
    TILES,
    fields_in,
)
from participation.models import PlanningStatus, Suggestion
from tests.factories import SuggestionFactory
from tests.geo.system_python import GDAL_ENV
from tests.geo.test_exports import analysis_layers
from tests.geo.test_tiles import tile_of

pytestmark = pytest.mark.django_db(transaction=True)

FIELD_TABLE_DOC = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
OGR_TYPES = {
    "integer": {"Integer", "Integer64"},
    "real": {"Real"},
    "text": {"String"},
    "datetime": {"DateTime"},
}
# 11:00 in Berlin (+01:00); every channel gives times to the second.
WINTER = datetime(2026, 1, 15, 10, 0, 0, 250_000, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin (+02:00)
NASTY = '</name><script>alert(1)</script> & <![CDATA[ x ]]> "q"'
# The fields LIBKML adds to every KML layer it reads (KML's own placemark elements), not ours.
KML_OWN = {
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
}
KML_NAMES = {"title": "Name", "text": "description"}


@pytest.fixture
def mixed(point_category, line_category):
    """A point answered in summer, a line and a point with markup in every text; the point comes first. The
    project has existing facilities and districts, so a planner's export has analysis values."""
    analysis_layers(point_category.project, point_category, line_category)
    point = SuggestionFactory(
        category=point_category,
        title="Ladesäule am Schloss",
        text="Bitte bald.",
        geom=Point(8.40, 49.00, srid=4326),
        planning_status=PlanningStatus.PLANNED,
        official_answer="Kommt 2027.",
        created_at=WINTER,
    )
    line = SuggestionFactory(
        category=line_category,
        title="Radweg Kriegsstraße",
        text="Lücke schließen.",
        geom=LineString((8.40, 49.00), (8.41, 49.01), (8.42, 49.01), srid=4326),
        line_drawing="routed",  # so that the tile over it has the field (MVT leaves nulls out)
        created_at=SUMMER,
    )
    markup = SuggestionFactory(
        category=point_category,
        title=NASTY,
        text="<img src=x onerror=alert(2)>",
        official_answer="<b>fett</b> ]]> & <![CDATA[",
        geom=Point(8.45, 49.02, srid=4326),
        created_at=SUMMER,
    )
    Suggestion.objects.filter(pk=point.pk).update(updated_at=SUMMER, answered_at=SUMMER)
    Suggestion.objects.filter(pk__in=[line.pk, markup.pk]).update(updated_at=SUMMER)
    return {"point": point, "line": line, "markup": markup}


def export(client, project, fmt: str, *, open_data: bool = False) -> tuple[bytes, str]:
    """The export's bytes and the file name its Content-Disposition gives."""
    name = "api:project-open-data" if open_data else "api:project-export"
    url = reverse(name, kwargs={"slug": project.slug, "export_format": fmt})
    response = client.get(url) if open_data else client.post(url)
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    filename = re.search(r'filename="([^"]+)"', response["Content-Disposition"])[1]
    return content, filename


def ogr(*args: str) -> str:
    command = ("ogrinfo", "-ro", *args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=GDAL_ENV, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


def schema(output: str) -> dict[str, dict[str, str]]:
    """`ogrinfo -so -al` output → {layer: {field: OGR type}}."""
    layers: dict[str, dict[str, str]] = {}
    fields: dict[str, str] = {}
    for line in output.splitlines():
        if match := re.match(r"Layer name: (.*)$", line):
            fields = layers.setdefault(match[1], {})
        elif match := re.match(r"(\w+): (\w+) \(\d+\.\d+\)", line):
            fields[match[1]] = match[2]
    return layers


def features(output: str) -> list[dict[str, str]]:
    """`ogrinfo -al` output → [{field: value, "_geometry": WKT}] (values as ogrinfo prints them)."""
    found: list[dict[str, str]] = []
    for line in output.splitlines():
        if re.match(r"OGRFeature\(.*\):\d+$", line):
            found.append({})
        elif found and (match := re.match(r"  (\w+) \(\w+\) = (.*)$", line)):
            found[-1][match[1]] = match[2]
        elif found and (match := re.match(r"  ((?:POINT|LINESTRING|POLYGON).*)$", line)):
            found[-1]["_geometry"] = match[1]
    return found


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def expected(
    channel: str,
    *,
    names: dict[str, str] | None = None,
    datetime_as: str = "DateTime",
    analysis: bool = False,
) -> dict:
    """{name in the file: allowed OGR types} for the table's fields of a channel, and with `analysis` the
    coverage analysis's fields and the place of a planner's export."""
    names = names or {}
    fields = fields_in(channel) + (ANALYSIS_FIELDS + PLACE_FIELDS if analysis else ())
    return {
        names.get(f.name, f.name): {datetime_as} if f.type == "datetime" else OGR_TYPES[f.type]
        for f in fields
    }


def assert_fields(
    found: dict[str, str], wanted: dict[str, set[str]], *, ignore: set[str] = frozenset()
) -> None:
    assert set(found) - ignore == set(wanted), sorted(found)
    for name, types in wanted.items():
        assert found[name] in types, (name, found[name], types)


# ------------------------------------------------------------------------------------- 12: one field table
def test_the_table_is_well_formed():
    every = FIELDS + ANALYSIS_FIELDS + PLACE_FIELDS + STAFF_FIELDS
    names = [f.name for f in every]
    assert len(set(names)) == len(names)
    assert all(len(f.shapefile) <= 10 for f in every)
    assert len({f.shapefile for f in every}) == len(every)
    tile_fields = {f.name for f in fields_in(TILES)}
    assert tile_fields < {f.name for f in fields_in(OGCAPI)} < {f.name for f in fields_in(EXPORTS)}


def test_the_docs_show_the_table_with_every_name_type_and_shapefile_name():
    doc = FIELD_TABLE_DOC.read_text(encoding="utf-8")
    for field in FIELDS + ANALYSIS_FIELDS + PLACE_FIELDS:
        row = re.search(rf"^\| `{field.name}` \|(.*)$", doc, re.M)
        assert row, field.name
        cells = [c.strip() for c in row[1].split("|")]
        assert cells[0] == field.type, field.name
        assert cells[1] == f"`{field.shapefile}`", field.name


def test_geojson_csv_xlsx_gpkg_and_open_data_carry_the_tables_names_and_types(
    client_factory, planner, mixed, tmp_path
):
    client, project = client_factory(planner), mixed["point"].project
    geometry_columns = {
        name: {"String"} if kind == "text" else {"Real"} for name, kind in TABLE_GEOMETRY_COLUMNS
    }
    geometry_columns.pop("wkt")  # read as the geometry

    # CSV has no types and XLSX numbers no kind: GDAL guesses, and whole metres look like an integer.
    csv_analysis = expected(EXPORTS, analysis=True) | {"facility_distance_m": {"Integer", "Real"}}
    for open_data in (False, True):
        content, _ = export(client, project, "geojson", open_data=open_data)
        (layer,) = schema(ogr("-so", "-al", str(write(tmp_path, "s.geojson", content)))).values()
        assert_fields(layer, expected(EXPORTS, analysis=not open_data))

        content, _ = export(client, project, "csv", open_data=open_data)
        path = write(tmp_path, "s.csv", content)
        (layer,) = schema(
            ogr("-so", "-al", "-oo", "AUTODETECT_TYPE=YES", "-oo", "GEOM_POSSIBLE_NAMES=wkt",
                "-oo", "KEEP_GEOM_COLUMNS=NO", str(path))
        ).values()  # fmt: skip
        assert_fields(layer, (expected(EXPORTS) if open_data else csv_analysis) | geometry_columns)

    content, _ = export(client, project, "xlsx")
    (layer,) = schema(ogr("-so", "-al", str(write(tmp_path, "s.xlsx", content)))).values()
    assert_fields(layer, csv_analysis | geometry_columns | {"wkt": {"String"}})  # GDAL guesses here too

    content, _ = export(client, project, "gpkg")
    layers = schema(ogr("-so", "-al", str(write(tmp_path, "s.gpkg", content))))
    for name in ("suggestions_points", "suggestions_lines"):
        assert_fields(layers[name], expected(EXPORTS, analysis=True))


def test_the_shapefile_carries_the_tables_shapefile_names(client_factory, planner, mixed, tmp_path):
    content, _ = export(client_factory(planner), mixed["point"].project, "shp")
    path = write(tmp_path, "s.zip", content)
    layers = schema(ogr("-so", "-al", f"/vsizip/{path}"))

    # dBase has no time of day: times are ISO 8601 text (with the offset, as everywhere).
    wanted = expected(
        EXPORTS,
        names={f.name: f.shapefile for f in FIELDS + ANALYSIS_FIELDS + PLACE_FIELDS},
        datetime_as="String",
        analysis=True,
    )
    for name in ("suggestions_points", "suggestions_lines"):
        assert_fields(layers[name], wanted)


def test_kml_carries_the_tables_names_with_title_and_text_as_name_and_description(
    client_factory, planner, mixed, tmp_path
):
    content, _ = export(client_factory(planner), mixed["point"].project, "kml")
    path = write(tmp_path, "s.kml", content)

    (layer,) = schema(
        ogr("--config", "LIBKML_TIMESTAMP_FIELD", "created_at", "-so", "-al", str(path))
    ).values()

    wanted = expected(EXPORTS, names=KML_NAMES, analysis=True) | {"created_at": {"DateTime"}}
    wanted |= {f.name: {"String"} for f in FIELDS if f.name in ("updated_at", "answered_at")}
    assert_fields(layer, wanted, ignore=KML_OWN)


def test_the_ogc_api_carries_the_tables_public_names_and_types(live_server, mixed):
    output = ogr("-al", f"OAPIF:{live_server.url}/ogcapi", "test-project-points")

    (layer,) = schema(output).values()
    assert_fields(layer, expected(OGCAPI))
    point = next(f for f in features(output) if f["id"] == str(mixed["point"].pk))
    assert point["created_at"] == "2026/01/15 11:00:00+01"
    assert point["answered_at"] == "2026/07/01 12:00:00+02"


def test_the_openapi_schema_lists_the_tables_public_fields(client):
    document = client.get("/ogcapi/api?f=json").json()

    properties = document["components"]["schemas"]["suggestion"]["properties"]
    assert list(properties) == [f.name for f in fields_in(OGCAPI)]


def test_a_tile_carries_the_tables_tile_fields(client, mixed, tmp_path):
    tile = tile_of(8.40, 49.00, 14)
    response = client.get(f"/tiles/test-project/{tile[0]}/{tile[1]}/{tile[2]}.pbf")
    assert response.status_code == 200
    path = tmp_path / "tiles" / str(tile[0]) / str(tile[1]) / f"{tile[2]}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(response.content)

    layers = schema(ogr("-so", "-al", f"MVT:{path}"))

    assert_fields(layers["suggestions"], expected(TILES), ignore={"mvt_id"})  # GDAL's feature id


# ---------------------------------------------------------------------- issue 24: how a path was drawn
def test_a_routed_and_a_free_path_carry_their_drawing_in_the_geopackage_and_the_ogc_api(
    client, client_factory, planner, point_category, line_category, tmp_path
):
    routed = SuggestionFactory(
        category=line_category,
        geom=LineString((8.40, 49.00), (8.41, 49.01), srid=4326),
        line_drawing="routed",
    )
    free = SuggestionFactory(
        category=line_category,
        geom=LineString((8.42, 49.00), (8.43, 49.01), srid=4326),
        line_drawing="free",
    )
    point = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))

    content, _ = export(client_factory(planner), point_category.project, "gpkg")
    path = str(write(tmp_path, "s.gpkg", content))
    lines = {r["id"]: r for r in features(ogr("-al", path, "suggestions_lines"))}
    assert lines[str(routed.pk)]["line_drawing"] == "routed"
    assert lines[str(free.pk)]["line_drawing"] == "free"
    (point_row,) = features(ogr("-al", path, "suggestions_points"))
    assert point_row["id"] == str(point.pk)
    assert point_row["line_drawing"] == "(null)"  # ogrinfo's word for a null

    for suggestion, drawing in ((routed, "routed"), (free, "free")):
        response = client.get(f"/ogcapi/collections/test-project-lines/items/{suggestion.pk}?f=json")
        assert response.status_code == 200
        assert response.json()["properties"]["line_drawing"] == drawing
    response = client.get(f"/ogcapi/collections/test-project-points/items/{point.pk}?f=json")
    assert response.json()["properties"]["line_drawing"] is None
    # The item's page says it in words.
    page = client.get(
        f"/ogcapi/collections/test-project-lines/items/{free.pk}?f=html", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert "<dt>Gezeichnet</dt><dd>Frei gezeichnet</dd>" in page.content.decode()


def test_every_export_writes_the_drawing_of_a_path_and_null_for_a_point(
    client_factory, planner, mixed, tmp_path
):
    client, project = client_factory(planner), mixed["point"].project
    line, point = str(mixed["line"].pk), str(mixed["point"].pk)

    for open_data in (False, True):
        content, _ = export(client, project, "geojson", open_data=open_data)
        drawn = {str(f["id"]): f["properties"]["line_drawing"] for f in json.loads(content)["features"]}
        assert (drawn[line], drawn[point]) == ("routed", None)

        content, _ = export(client, project, "csv", open_data=open_data)
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
        assert (rows[line]["line_drawing"], rows[point]["line_drawing"]) == ("routed", "")

    content, _ = export(client, project, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    column = [c.value for c in sheet[1]].index("line_drawing")
    cells = {str(r[0]): r[column] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert (cells[line], cells[point]) == ("routed", None)

    content, _ = export(client, project, "shp")
    archive = write(tmp_path, "s.zip", content)
    (shp_line,) = features(ogr("-al", f"/vsizip/{archive}", "suggestions_lines"))
    assert shp_line["drawing"] == "routed"
    shp_points = features(ogr("-al", f"/vsizip/{archive}", "suggestions_points"))
    shp_point = next(r for r in shp_points if r["id"] == point)
    assert shp_point["drawing"] == "(null)"

    content, _ = export(client, project, "kml")
    placemark = _placemark(content, mixed["line"].pk)
    data = {d.get("name"): d.text for d in placemark.iter(f"{{{KML_NS['kml']}}}SimpleData")}
    assert data["line_drawing"] == "routed"


# ----------------------------------------------------------------------- 11: times in the site's time zone
def test_streamed_exports_write_times_with_the_offset_of_berlin(client_factory, planner, mixed, tmp_path):
    client, project = client_factory(planner), mixed["point"].project
    point = mixed["point"].pk

    content, filename = export(client, project, "geojson")
    collection = json.loads(content)
    (feature,) = [f for f in collection["features"] if f["id"] == point]
    assert feature["properties"]["created_at"] == "2026-01-15T11:00:00+01:00"
    assert feature["properties"]["updated_at"] == "2026-07-01T12:00:00+02:00"
    assert feature["properties"]["answered_at"] == "2026-07-01T12:00:00+02:00"
    exported = datetime.fromisoformat(collection["export"]["exported_at"])
    assert exported.utcoffset().total_seconds() in (3600, 7200)
    assert filename == f"test-project-suggestions-{exported:%Y%m%d-%H%M}.geojson"

    content, filename = export(client, project, "csv")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert rows[point]["created_at"] == "2026-01-15T11:00:00+01:00"
    assert rows[point]["answered_at"] == "2026-07-01T12:00:00+02:00"
    assert rows[mixed["line"].pk]["answered_at"] == ""
    assert re.fullmatch(r"test-project-suggestions-\d{8}-\d{4}\.csv", filename)

    # GDAL reads them as date-times at the same instant.
    (geojson_row,) = [
        f for f in features(ogr("-al", str(write(tmp_path, "s.geojson", json.dumps(collection).encode()))))
        if f["id"] == str(point)
    ]  # fmt: skip
    assert geojson_row["created_at"] == "2026/01/15 11:00:00+01"


def test_gdal_exports_use_real_date_times_and_the_local_offset(client_factory, planner, mixed, tmp_path):
    client, project = client_factory(planner), mixed["point"].project
    point = str(mixed["point"].pk)

    content, filename = export(client, project, "xlsx")
    assert re.fullmatch(r"test-project-suggestions-\d{8}-\d{4}\.xlsx", filename)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if str(r[0]) == point)
    values = dict(zip(header, row, strict=True))
    assert values["created_at"] == datetime(2026, 1, 15, 11, 0)  # a date cell, Berlin's wall clock
    assert values["answered_at"] == datetime(2026, 7, 1, 12, 0)

    content, _ = export(client, project, "gpkg")
    rows = features(ogr("-al", str(write(tmp_path, "s.gpkg", content)), "suggestions_points"))
    created = next(r for r in rows if r["id"] == point)["created_at"]
    parsed = datetime.strptime(created.replace("+00", "+0000").replace("+01", "+0100"), "%Y/%m/%d %H:%M:%S%z")
    assert parsed == WINTER.replace(microsecond=0)  # a GeoPackage DateTime of the same instant
    assert re.fullmatch(r"2026/01/15 10:00:00\+00", created)

    content, _ = export(client, project, "shp")
    rows = features(ogr("-al", f"/vsizip/{write(tmp_path, 's.zip', content)}", "suggestions_points"))
    shp = next(r for r in rows if r["id"] == point)
    assert shp["created"] == "2026-01-15T11:00:00+01:00"
    assert shp["answered"] == "2026-07-01T12:00:00+02:00"

    content, _ = export(client, project, "kml")
    placemark = _placemark(content, mixed["point"].pk)
    when = placemark.find("kml:TimeStamp/kml:when", KML_NS).text
    assert when == "2026-01-15T11:00:00+01:00"
    data = {d.get("name"): d.text for d in placemark.iter(f"{{{KML_NS['kml']}}}SimpleData")}
    assert data["answered_at"] == "2026-07-01T12:00:00+02:00"


KML_NS = {"kml": "http://www.opengis.net/kml/2.2"}


def _placemark(content: bytes, suggestion_id: int) -> ElementTree.Element:
    root = ElementTree.fromstring(content)  # noqa: S314 (our own export, parsed to check it)
    for placemark in root.iter(f"{{{KML_NS['kml']}}}Placemark"):
        data = {d.get("name"): d.text for d in placemark.iter(f"{{{KML_NS['kml']}}}SimpleData")}
        if data.get("id") == str(suggestion_id):
            return placemark
    raise AssertionError(f"no placemark {suggestion_id}")


# ------------------------------------------------------------------ 13: the CSV gives QGIS every suggestion
def test_the_csv_read_as_qgis_does_gives_every_point_and_line(client_factory, planner, mixed, tmp_path):
    content, _ = export(client_factory(planner), mixed["point"].project, "csv")
    path = str(write(tmp_path, "s.csv", content))
    everyone = {str(s.pk) for s in mixed.values()}

    # From the WKT column (GDAL, and QGIS's OGR provider when the file is dropped onto the map).
    by_wkt = features(ogr("-al", "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", path))
    assert {f["id"] for f in by_wkt} == everyone
    line = next(f for f in by_wkt if f["id"] == str(mixed["line"].pk))
    assert line["_geometry"].startswith("LINESTRING")
    assert line["geometry_type"] == "line"

    # From lon/lat (QGIS's delimited-text default when it finds lon/lat columns): every row has a point,
    # for the line one on the line itself.
    by_xy = features(ogr("-al", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", path))
    assert {f["id"] for f in by_xy} == everyone
    assert all(f.get("_geometry", "").startswith("POINT (") for f in by_xy)
    anchor = next(f for f in by_xy if f["id"] == str(mixed["line"].pk))
    x, y = map(float, re.findall(r"[\d.]+", anchor["_geometry"]))
    assert mixed["line"].geom.distance(Point(x, y, srid=4326)) < 1e-6


# ------------------------------------------------------------------------------------- 21: KML escaping
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag) -> None:
        self.tags.append("/" + tag)


def rendered_tags(text: str) -> list[str]:
    """The HTML elements a KML viewer's balloon would make of a text."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.tags


def test_kml_keeps_every_text_inert_for_xml_and_for_the_html_balloon(
    client_factory, planner, mixed, tmp_path
):
    content, _ = export(client_factory(planner), mixed["point"].project, "kml")
    markup = mixed["markup"]

    # An XML parser reads the document, and the name is one element holding the whole title.
    placemark = _placemark(content, markup.pk)
    assert [child.tag.split("}")[1] for child in placemark].count("name") == 1
    assert not list(ElementTree.fromstring(content).iter("script"))  # noqa: S314
    name = placemark.find("kml:name", KML_NS).text
    description = placemark.find("kml:description", KML_NS).text
    data = {d.get("name"): d.text for d in placemark.iter(f"{{{KML_NS['kml']}}}SimpleData")}
    # Viewers render these as HTML: no element comes out of them, and the text shows exactly as typed.
    for text, typed in (
        (name, NASTY),
        (description, markup.text),
        (data["official_answer"], markup.official_answer),
    ):
        assert rendered_tags(text) == [], text
        assert html.unescape(text) == typed

    # GDAL reads it back the same way.
    rows = features(ogr("-al", str(write(tmp_path, "s.kml", content))))
    row = next(r for r in rows if r["id"] == str(markup.pk))
    assert html.unescape(row["Name"]) == NASTY
    assert rendered_tags(row["Name"]) == []
    assert html.unescape(row["official_answer"]) == markup.official_answer
