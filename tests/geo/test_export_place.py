"""Where a suggestion is, in words, in every planner's export (issue 24): the `place` column, read from the
stored reverse label (geo_suggestion_place), empty where there is none, and absent from the open data.

GDAL formats are written by ogr2ogr over its own connection: these tests commit their data."""

import csv
import html
import io
import json

import openpyxl
import pytest
from django.contrib.gis.geos import LineString, Point, Polygon

from geo.exports import streams
from geo.exports.filters import ExportFilter
from geo.exports.provenance import Provenance
from geo.fields import PLACE_FIELDS
from geo.layers.models import ContextFeature, ContextLayer
from geo.places.imports import addresses_import
from geo.places.models import SuggestionPlace
from tests.factories import SuggestionFactory
from tests.geo.test_exports import body, export_url, open_data_url, read_layers

LABEL = "Kaiserstraße 12, Innenstadt-West"
# An address list may hold anything a spreadsheet would run or a KML balloon would render.
ODD_STREET = "=Gasse <b>"


@pytest.fixture
def placed(project, point_category, line_category, tmp_path):
    """A district and three addresses; a point 23 m from Kaiserstraße 12, a line along the odd street and a
    point far from every street and district (no label)."""
    districts = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts,
        geom=Polygon.from_bbox((8.39, 49.00, 8.41, 49.02)),
        properties={"name": "Innenstadt-West"},
    )
    addresses = tmp_path / "adressen.csv"
    addresses.write_text(
        "street,number,lon,lat\n"
        "Kaiserstraße,12,8.4000,49.0100\n"
        "Kaiserstraße,40,8.4050,49.0100\n"
        f'"{ODD_STREET}",1,8.3950,49.0150\n',
        encoding="utf-8",
    )
    addresses_import(project_id=project.pk, source=addresses)
    rows = {
        "near": SuggestionFactory(category=point_category, geom=Point(8.4003, 49.0101, srid=4326)),
        "line": SuggestionFactory(
            category=line_category,
            geom=LineString((8.3940, 49.0150), (8.3960, 49.0150), srid=4326),
        ),
        "far": SuggestionFactory(category=point_category, geom=Point(8.45, 49.03, srid=4326)),
    }
    labels = {key: SuggestionPlace.objects.get(suggestion=s).label for key, s in rows.items()}
    assert labels == {"near": LABEL, "line": f"{ODD_STREET} 1, Innenstadt-West", "far": ""}
    return rows


def places(rows: list[dict], name: str = "place") -> dict[int, object]:
    return {int(r["id"]): r[name] for r in rows}


@pytest.mark.django_db(transaction=True)
def test_every_planner_format_carries_the_place_and_an_empty_value_without_one(
    client_factory, planner, placed, tmp_path
):
    client, project = client_factory(planner), placed["near"].project
    near, line, far = placed["near"].pk, placed["line"].pk, placed["far"].pk
    odd = f"{ODD_STREET} 1, Innenstadt-West"
    expected = {near: LABEL, line: odd, far: None}

    collection = json.loads(body(client.post(export_url(project, "geojson"))))
    assert {f["id"]: f["properties"]["place"] for f in collection["features"]} == expected
    assert list(collection["features"][0]["properties"])[7] == "place"  # after the analysis's four
    (geojson,) = read_layers(body(client.post(export_url(project, "geojson"))), ".geojson", tmp_path).values()
    assert places(geojson) == expected

    # CSV: the last column before the photo links; an empty cell, never "None"; the odd street made inert for
    # spreadsheets.
    content = body(client.post(export_url(project, "csv"))).decode("utf-8-sig")
    assert content.splitlines()[0].endswith(",network_share_percent,place,photo_1,photo_2,photo_3")
    assert places(list(csv.DictReader(io.StringIO(content)))) == {near: LABEL, line: "'" + odd, far: ""}

    sheet = openpyxl.load_workbook(io.BytesIO(body(client.post(export_url(project, "xlsx"))))).active
    assert [c.value for c in sheet[1]][-4] == "place"  # then the photo links
    cells = {r[0]: r[-4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == {near: LABEL, line: "'" + odd, far: None}

    for fmt, suffix in (("gpkg", ".gpkg"), ("shp", ".zip")):
        layers = read_layers(body(client.post(export_url(project, fmt))), suffix, tmp_path)
        rows = [r for name, features in layers.items() if name.startswith("suggestions") for r in features]
        assert places(rows, PLACE_FIELDS[0].shapefile if fmt == "shp" else "place") == expected, fmt

    (placemarks,) = read_layers(body(client.post(export_url(project, "kml"))), ".kml", tmp_path).values()
    kml = places(placemarks)
    assert kml[line] == "=Gasse &lt;b&gt; 1, Innenstadt-West"  # HTML-escaped, as every text there
    assert html.unescape(kml[line]) == odd
    assert {near: kml[near], far: kml[far]} == {near: LABEL, far: None}


@pytest.mark.django_db(transaction=True)
def test_a_project_without_a_gazetteer_exports_the_place_empty(client_factory, planner, point_category):
    suggestion = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))
    client, project = client_factory(planner), suggestion.project

    collection = json.loads(body(client.post(export_url(project, "geojson"))))
    assert [f["properties"]["place"] for f in collection["features"]] == [None]
    content = body(client.post(export_url(project, "csv"))).decode("utf-8-sig")
    assert [r["place"] for r in csv.DictReader(io.StringIO(content))] == [""]


def test_the_open_data_export_has_no_place(client, placed):
    project = placed["near"].project
    collection = json.loads(body(client.get(open_data_url(project, "geojson"))))
    assert collection["features"]
    assert "place" not in collection["features"][0]["properties"]
    content = body(client.get(open_data_url(project, "csv")))
    assert content.decode("utf-8-sig").splitlines()[0].endswith(",wkt,photo_1,photo_2,photo_3")
    assert "Kaiserstraße".encode() not in content


def drain(project, **switches) -> bytes:
    export_filter = ExportFilter(states=("published",))
    provenance = Provenance.build(
        project=project, export_filter=export_filter, source_url="https://test.invalid/", open_data=False
    )
    return b"".join(
        streams.geojson_stream(
            project_id=project.pk, export_filter=export_filter, provenance=provenance, **switches
        )
    )


def test_the_stream_offers_the_place_as_a_switch_for_planners_only(placed):
    project = placed["near"].project

    with_place = json.loads(drain(project, analysis=True, nearest_street=True))
    without = json.loads(drain(project, analysis=True, nearest_street=False))

    assert {f["properties"]["place"] for f in with_place["features"]} == {
        LABEL,
        f"{ODD_STREET} 1, Innenstadt-West",
        None,
    }
    assert all("place" not in f["properties"] for f in without["features"])
    assert all("district" in f["properties"] for f in without["features"])  # the analysis stays
    with pytest.raises(ValueError, match="planner"):
        drain(project, analysis=False, nearest_street=True)
