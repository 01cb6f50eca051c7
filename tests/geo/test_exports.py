"""Planners' exports and the open-data export: every format read back with GDAL.

Each test checks what a planner (or an open-data user) finds in the file: the right suggestions, geometry
types and attributes, and never a personal detail, a hidden row or a formula that a spreadsheet would run.
GDAL formats are written by ogr2ogr over its own database connection, so those tests commit their data
(`transaction=True`).
"""

import csv
import html
import io
import json
import math
import zipfile
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import LineString, Point, Polygon
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.spreadsheet_safety import spreadsheet_safe
from geo.analysis.models import SuggestionAnalysis
from geo.analysis.services import analysis_rebuild
from geo.fields import ANALYSIS_FIELDS
from geo.layers.models import ContextFeature, ContextLayer
from geo.models import ExportJob
from participation.models import ModerationState, PlanningStatus, Suggestion
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    ProjectFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)

SECRET_NAME = "Geheimer Name"
SECRET_MAIL = "geheim@example.org"
SECRET_HASH = "addr-hash-0123456789"
FORMULA = '=HYPERLINK("http://evil.example/","Klick")'
MARKUP = "Bitte <img src=x onerror=alert(1)> & mehr"


@pytest.fixture
def data(project, point_category, line_category):
    """Published points and lines, one of each hidden kind, and a suggestion of another project."""
    author = CitizenFactory(username="author", email=SECRET_MAIL, profile__display_name=SECRET_NAME)
    common = {"author": author, "display_name": SECRET_NAME, "source_address": SECRET_HASH}
    rows = {
        "point": SuggestionFactory(
            category=point_category,
            title="Ladesäule am Schloss",
            geom=Point(8.40, 49.00, srid=4326),
            planning_status=PlanningStatus.PLANNED,
            official_answer="Kommt 2027.",
            **common,
        ),
        "formula": SuggestionFactory(
            category=point_category,
            title=FORMULA,
            text="\t-2+3",
            geom=Point(8.45, 49.02, srid=4326),
            **common,
        ),
        "line": SuggestionFactory(
            category=line_category,
            title="Radweg <script>alert(1)</script>",
            text=MARKUP,
            geom=LineString((8.40, 49.00), (8.41, 49.01), (8.42, 49.01), srid=4326),
            **common,
        ),
        "pending": SuggestionFactory(
            category=point_category,
            title="Noch nicht geprüft",
            moderation_state=ModerationState.PENDING,
            **common,
        ),
        "rejected": SuggestionFactory(
            category=point_category, title="Abgelehnt", moderation_state=ModerationState.REJECTED, **common
        ),
        "hidden": SuggestionFactory(
            category=point_category, title="Versteckt", moderation_state=ModerationState.HIDDEN, **common
        ),
        "withdrawn": SuggestionFactory(
            category=point_category,
            title="Zurückgezogen",
            moderation_state=ModerationState.WITHDRAWN,
            **common,
        ),
    }
    other_project = ProjectFactory(slug="elsewhere")
    rows["other"] = SuggestionFactory(category=CategoryFactory(project=other_project), title="Anderswo")
    CommentFactory(suggestion=rows["point"], author=author, display_name=SECRET_NAME, text="Gute Idee!")
    CommentFactory(
        suggestion=rows["point"],
        display_name=SECRET_NAME,
        text="Spam",
        moderation_state=ModerationState.HIDDEN,
    )
    Suggestion.objects.filter(pk=rows["point"].pk).update(comment_count=1)
    return rows


def export_url(project, fmt, **query):
    url = reverse("api:project-export", kwargs={"slug": project.slug, "export_format": fmt})
    return url + ("?" + urlencode(query) if query else "")


def open_data_url(project, fmt, query=""):
    return reverse("api:project-open-data", kwargs={"slug": project.slug, "export_format": fmt}) + query


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_layers(content: bytes, suffix: str, tmp_path: Path) -> dict[str, list[dict]]:
    """Every layer of an export file as GDAL reads it: {layer: [{field: value, "_geom": type}]}."""
    path = tmp_path / f"export{suffix}"
    path.write_bytes(content)
    source = DataSource(f"/vsizip/{path}" if suffix == ".zip" else str(path))
    layers = {}
    for layer in source:
        features = []
        for feature in layer:
            row = {name: feature.get(name) for name in layer.fields}
            row["_geom"] = feature.geom.geom_type.name if layer.geom_type.name != "None" else None
            features.append(row)
        layers[layer.name] = features
    return layers


def assert_no_personal_data(content: bytes):
    for secret in (SECRET_NAME, SECRET_MAIL, SECRET_HASH, "author"):
        assert secret.encode() not in content, secret


PUBLIC_TITLES = {"Ladesäule am Schloss", FORMULA, "Radweg <script>alert(1)</script>"}


# ------------------------------------------------------------------------------------------------ GeoJSON


def test_geojson_export_holds_the_published_suggestions_with_their_counts_and_provenance(
    client_factory, planner, data, tmp_path
):
    response = client_factory(planner).post(export_url(data["point"].project, "geojson"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].startswith('attachment; filename="test-project-suggestions-')
    content = body(response)
    collection = json.loads(content)
    assert collection["export"]["project_slug"] == "test-project"
    assert collection["export"]["filters"] == {"state": "published"}
    assert "CC BY" in collection["export"]["licence"]
    titles = {f["properties"]["title"] for f in collection["features"]}
    assert titles == PUBLIC_TITLES  # the GeoJSON keeps texts as typed: it is no spreadsheet
    point = next(f for f in collection["features"] if f["id"] == data["point"].pk)
    assert point["geometry"] == {"type": "Point", "coordinates": [8.4, 49.0]}
    assert point["properties"]["planning_status"] == "planned"
    assert point["properties"]["comment_count"] == 1
    # In the site's zone with its offset (geo/fields.py), as every page shows times.
    created = datetime.fromisoformat(point["properties"]["created_at"])
    assert created.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert created == data["point"].created_at.replace(microsecond=0)
    assert_no_personal_data(content)

    layers = read_layers(content, ".geojson", tmp_path)
    (features,) = layers.values()
    assert len(features) == 3
    assert {f["_geom"] for f in features} == {"Point", "LineString"}


def test_geojson_export_follows_every_filter(client_factory, planner, data, point_category):
    client = client_factory(planner)

    def ids(**query):
        return {
            f["id"]
            for f in json.loads(body(client.post(export_url(point_category.project, "geojson", **query))))[
                "features"
            ]
        }

    assert ids(category="charging-station") == {data["point"].pk, data["formula"].pk}
    assert ids(state="pending,rejected") == {data["pending"].pk, data["rejected"].pk}
    assert ids(state="published", status="planned") == {data["point"].pk}
    assert ids(bbox="8.44,49.01,8.46,49.03") == {data["formula"].pk}
    area = json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[8.39, 48.99], [8.43, 48.99], [8.43, 49.015], [8.39, 49.015], [8.39, 48.99]]],
        }
    )
    assert ids(area=area) == {data["point"].pk, data["line"].pk}
    # The date filters speak the site's time zone (Europe/Berlin), not UTC: between 23:00 and 24:00 UTC the
    # days differ.
    today = timezone.localdate(data["point"].created_at).isoformat()
    assert ids(created_from=today, created_to=today) == {
        data["point"].pk,
        data["formula"].pk,
        data["line"].pk,
    }
    assert ids(created_to="2000-01-01") == set()
    # Hidden, withdrawn and merged suggestions cannot be asked for.
    assert client.post(export_url(point_category.project, "geojson", state="hidden")).status_code == 400


# ---------------------------------------------------------------------------------------------------- CSV


def test_csv_export_opens_in_spreadsheets_with_inert_formulas_and_coordinates(
    client_factory, planner, data, tmp_path
):
    response = client_factory(planner).post(export_url(data["point"].project, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Export-Project"] == "test-project"
    content = body(response)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3
    by_id = {int(r["id"]): r for r in rows}
    formula = by_id[data["formula"].pk]
    assert formula["title"] == "'" + FORMULA
    assert formula["text"] == "'\t-2+3"
    point = by_id[data["point"].pk]
    assert (point["lon"], point["lat"], point["wkt"]) == ("8.4000000", "49.0000000", "POINT(8.4 49)")
    assert (point["planning_status"], point["official_answer"], point["comment_count"]) == (
        "planned",
        "Kommt 2027.",
        "1",
    )
    line = by_id[data["line"].pk]
    # A line's lon/lat is a point on it, so that a layer read from lon/lat keeps every suggestion.
    assert data["line"].geom.distance(Point(float(line["lon"]), float(line["lat"]), srid=4326)) < 1e-6
    assert (point["geometry_type"], line["geometry_type"]) == ("point", "line")
    assert line["wkt"] == "LINESTRING(8.4 49,8.41 49.01,8.42 49.01)"
    assert_no_personal_data(content)

    # GDAL reads it too: the byte order mark does not end up in the first column's name.
    (features,) = read_layers(content, ".csv", tmp_path).values()
    assert len(features) == 3
    assert "id" in features[0]


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\t\r-1", "a=1", "1-2", " =1", "", "Radweg", "'=1"],
)
def test_the_database_and_python_neutralise_the_same_cells(db, value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pm_spreadsheet_safe(%s)", [value])
        assert cursor.fetchone()[0] == spreadsheet_safe(value)
    formula = value.lstrip("\t\r")[:1] in ("=", "+", "-", "@")
    assert spreadsheet_safe(value) == ("'" + value if formula else value)


# ------------------------------------------------------------------------------------------ GDAL formats


@pytest.mark.django_db(transaction=True)
def test_geopackage_has_a_layer_per_geometry_kind_the_comments_and_the_provenance(
    client_factory, planner, data, tmp_path
):
    response = client_factory(planner).post(export_url(data["point"].project, "gpkg"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    content = body(response)
    layers = read_layers(content, ".gpkg", tmp_path)
    assert set(layers) == {
        "suggestions_points",
        "suggestions_lines",
        "comments",
        "export_info",
        "layer_styles",
        "photos",  # empty here: test_export_photos.py
    }
    assert {f["title"] for f in layers["suggestions_points"]} == {"Ladesäule am Schloss", FORMULA}
    assert {f["_geom"] for f in layers["suggestions_points"]} == {"Point"}
    assert [f["_geom"] for f in layers["suggestions_lines"]] == ["LineString"]
    point = next(f for f in layers["suggestions_points"] if f["id"] == data["point"].pk)
    assert (point["support_count"], point["comment_count"], point["planning_status"]) == (0, 1, "planned")
    assert [c["text"] for c in layers["comments"]] == ["Gute Idee!"]
    assert set(layers["comments"][0]) == {"id", "suggestion_id", "parent_id", "text", "created_at", "_geom"}
    info = {row["key"]: row["value"] for row in layers["export_info"]}
    assert info["project_slug"] == "test-project"
    assert info["filter.state"] == "published"
    assert_no_personal_data(content)


@pytest.mark.django_db(transaction=True)
def test_shapefile_zip_has_one_shapefile_per_kind_with_prj_cpg_and_short_field_names(
    client_factory, planner, data, tmp_path
):
    response = client_factory(planner).post(
        export_url(data["point"].project, "shp", category="charging-station,bike-path")
    )

    assert response.status_code == 200
    content = body(response)
    names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    for layer in ("suggestions_points", "suggestions_lines"):
        assert {f"{layer}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
    assert "PROVENANCE.txt" in names
    layers = read_layers(content, ".zip", tmp_path)
    fields = set(layers["suggestions_points"][0]) - {"_geom"}
    assert all(len(name) <= 10 for name in fields)
    assert {"id", "title", "mod_state", "status", "supports", "comments", "created"} <= fields
    assert {f["title"] for f in layers["suggestions_points"]} == {"Ladesäule am Schloss", FORMULA}
    assert [f["_geom"] for f in layers["suggestions_lines"]] == ["LineString"]
    assert_no_personal_data(content)


@pytest.mark.django_db(transaction=True)
def test_kml_and_xlsx_exports(client_factory, planner, data, tmp_path):
    client = client_factory(planner)

    kml = body(client.post(export_url(data["point"].project, "kml")))
    (placemarks,) = read_layers(kml, ".kml", tmp_path).values()
    # Names are HTML-escaped like every text in KML (viewers render balloons as HTML).
    assert {html.unescape(p["Name"]) for p in placemarks} == PUBLIC_TITLES
    assert b"test-project" in kml  # the provenance is the document's description
    # KML viewers render descriptions as HTML: typed markup arrives as text. Names are plain text.
    assert b"<img" not in kml
    line = next(p for p in placemarks if p["id"] == data["line"].pk)
    assert line["description"] == "Bitte &lt;img src=x onerror=alert(1)&gt; &amp; mehr"
    assert_no_personal_data(kml)

    xlsx = body(client.post(export_url(data["point"].project, "xlsx")))
    (rows,) = read_layers(xlsx, ".xlsx", tmp_path).values()
    assert {r["title"] for r in rows} == {spreadsheet_safe(t) for t in PUBLIC_TITLES}
    assert next(r for r in rows if r["id"] == data["formula"].pk)["title"] == "'" + FORMULA
    assert_no_personal_data(xlsx)

    # No cell is a formula: a worksheet stores formulas as <f> elements.
    with zipfile.ZipFile(io.BytesIO(xlsx)) as workbook:
        sheets = [workbook.read(name) for name in workbook.namelist() if name.startswith("xl/worksheets/")]
    assert sheets
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


# ------------------------------------------------------------------------------------------- open data


def test_open_data_holds_published_suggestions_and_refuses_planner_filters(client, data, tmp_path):
    project = data["point"].project
    response = client.get(open_data_url(project, "geojson"))
    assert response.status_code == 200
    content = body(response)
    collection = json.loads(content)
    assert {f["properties"]["title"] for f in collection["features"]} == PUBLIC_TITLES
    assert collection["export"]["content"] == "published suggestions, public fields"
    assert_no_personal_data(content)

    rows = list(
        csv.DictReader(io.StringIO(body(client.get(open_data_url(project, "csv"))).decode("utf-8-sig")))
    )
    assert len(rows) == 3

    refused = client.get(open_data_url(project, "geojson", "?state=pending"))
    assert refused.status_code == 400
    assert "state" in refused.json()["message"]
    assert client.get(open_data_url(project, "gpkg")).status_code == 404


def test_open_data_of_a_project_that_is_not_public_is_not_found(client, data):
    project = data["point"].project
    type(project).objects.filter(pk=project.pk).update(is_public=False)
    assert client.get(open_data_url(project, "geojson")).status_code == 404


# ------------------------------------------------------------------------------------------------ access


def test_planner_exports_need_a_planner_of_the_project(client, client_factory, data, planner):
    project = data["point"].project
    url = export_url(project, "geojson")
    assert client.post(url).status_code == 401
    assert client_factory(CitizenFactory(username="citizen2")).post(url).status_code == 403
    other = ProjectFactory(slug="other-project")
    stranger = UserFactory(username="planner-elsewhere", planner_of=other)
    assert client_factory(stranger).post(url).status_code == 403
    token = TokenFactory(user=planner)
    # A token is never sent by a browser on its own: no CSRF token is needed with it.
    response = Client(enforce_csrf_checks=True).post(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_starting_an_export_with_get_is_refused_with_a_message(client_factory, planner, data):
    """A link or an image on another site must not start an export in a signed-in planner's browser."""
    response = client_factory(planner).get(
        export_url(data["point"].project, "gpkg"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 405
    assert "started with POST" in response.json()["message"]
    assert "GET" not in response["Allow"]
    assert "POST" in response["Allow"]
    assert not ExportJob.objects.exists()


def test_a_session_export_needs_the_csrf_token(planner, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    url = export_url(data["point"].project, "geojson")

    client.get(reverse("geo:export", kwargs={"slug": data["point"].project.slug}))  # sets the cookie
    # What a form on another site sends: the planner's cookies, no token.
    forged = client.post(url, "format=gpkg", "application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["message"]
    assert not ExportJob.objects.exists()

    token = client.cookies["csrftoken"].value
    accepted = client.post(url, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content
    body = client.post(url, {"category": "bike-path"}, "application/json", HTTP_X_CSRFTOKEN=token)
    assert body.status_code == 400
    assert "query parameters" in body.json()["message"] or "Abfrageparameter" in body.json()["message"]


def test_the_export_page_is_for_planners_and_shows_the_filters(client, client_factory, data, planner):
    url = reverse("geo:export", kwargs={"slug": data["point"].project.slug})
    assert client.get(url).status_code == 302
    assert client_factory(CitizenFactory(username="citizen3")).get(url).status_code == 403
    page = client_factory(planner).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for name in ("category", "state", "status", "created_from", "created_to", "bbox", "area", "format"):
        assert f'name="{name}"' in html
    assert "nearest existing facility" in html or "nächste bestehende Einrichtung" in html
    bad = client_factory(planner).post(url, {"format": "geojson", "created_from": "2026-13-01"})
    assert bad.status_code == 400
    assert "Enter a valid date" in bad.content.decode() or "gültiges Datum" in bad.content.decode()


# ------------------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "query",
    [
        "category=' OR 1=1--",
        "category=charging-station;DROP TABLE participation_suggestion",
        "state=published' OR '1'='1",
        "status=planned)) OR ((1=1",
        "created_from=2020-01-01' OR '1'='1",
        "created_to=now()",
        "bbox=1,2,3,4);DROP TABLE participation_suggestion;--",
        "bbox=NaN,49,8.5,49.1",
        "bbox=8.3,48.9,inf,49.1",
        "bbox=1e999,48.9,8.5,49.1",
        'area={"type":"Polygon","coordinates":[[[8.3,48.9],[8.5,48.9],[8.5,NaN],[8.3,48.9]]]}',
        "area=POLYGON((8.3 48.9, 8.5 48.9, 8.5 49.1, 8.3 48.9))",
        "area=SRID=3857;POINT(0 0)",
        'area={"type":"Polygon","coordinates":"1); DROP TABLE x;--"}',
        "catgory=charging-station",
        "category=charging-station&limit=10",
    ],
)
def test_hostile_filters_get_a_message_and_change_nothing(client_factory, planner, data, query):
    before = Suggestion.objects.count()
    response = client_factory(planner).post(export_url(data["point"].project, "geojson") + "?" + query)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["message"]
    assert Suggestion.objects.count() == before


@pytest.mark.parametrize("fmt", ["exe", "gpkg;rm -rf", "..%2F..%2Fetc%2Fpasswd", "GeoJSON"])
def test_unknown_formats_are_not_found(client_factory, planner, data, fmt):
    response = client_factory(planner).post(f"/api/v1/projects/{data['point'].project.slug}/exports/{fmt}")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_each_row_goes_to_the_layer_of_its_own_geometry(client_factory, planner, point_category, tmp_path):
    # A line filed under a point category (the category's kind changed after it had suggestions): GDAL
    # layers take one geometry type each, so the row follows its geometry, and the export still works.
    SuggestionFactory(category=point_category, title="Punkt")
    SuggestionFactory(
        category=point_category, title="Linie", geom=LineString((8.40, 49.00), (8.41, 49.01), srid=4326)
    )
    client = client_factory(planner)
    for fmt, suffix in (("gpkg", ".gpkg"), ("shp", ".zip")):
        layers = read_layers(body(client.post(export_url(point_category.project, fmt))), suffix, tmp_path)
        assert [f["title"] for f in layers["suggestions_points"]] == ["Punkt"]
        assert [f["title"] for f in layers["suggestions_lines"]] == ["Linie"]
    rows = csv.DictReader(
        io.StringIO(body(client.post(export_url(point_category.project, "csv"))).decode("utf-8-sig"))
    )
    assert {r["title"]: r["geometry_type"] for r in rows} == {"Punkt": "point", "Linie": "line"}


# ---------------------------------------------------------------------------------- the coverage analysis

FACILITY_NAME = 'Marktplatz, "Nord"'  # a comma and quotes: a quoted CSV cell
NEAR_POINT = Point(8.401, 49.0, srid=4326)  # about 73 m east of the data's point (8.40, 49.00)
FAR_CHARGER = Point(8.4512, 49.0213, srid=4326)  # about 170 m from the data's `formula` (8.45, 49.02)


def metres(a: Point, b: Point) -> float:
    """Great-circle distance on the mean earth radius: within a few tenths of a percent of PostGIS's."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def analysis_layers(project, point_category, line_category) -> None:
    """Existing chargers (one named, one known by its source id only), the cycle network along the first
    segment of the data's line, and one district that holds the point and the line but not `formula`."""
    chargers = ContextLayer.objects.create(
        project=project, name="Ladesäulen", role="facilities", category=point_category, public=False
    )
    ContextFeature.objects.create(layer=chargers, geom=NEAR_POINT, properties={"name": FACILITY_NAME})
    ContextFeature.objects.create(layer=chargers, geom=FAR_CHARGER, source_id="node/42")
    network = ContextLayer.objects.create(
        project=project, name="Radnetz", role="facilities", category=line_category
    )
    ContextFeature.objects.create(
        layer=network,
        geom=LineString((8.40, 49.00), (8.41, 49.01), srid=4326),
        properties={"name": "Kriegsstraße"},
    )
    districts = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts,
        geom=Polygon.from_bbox((8.39, 48.99, 8.43, 49.015)),
        properties={"name": "Innenstadt"},
    )
    analysis_rebuild(project_id=project.pk)


@pytest.fixture
def analysed(data, point_category, line_category):
    analysis_layers(data["point"].project, point_category, line_category)
    rows = {a.suggestion_id: a for a in SuggestionAnalysis.objects.all()}
    line_share = rows[data["line"].pk].network_share
    assert 0.5 < line_share < 0.8  # the first of the two segments, the longer one
    # As PostgreSQL rounds: the float as numeric (15 digits), half away from zero.
    percent = Decimal(f"{line_share * 100:.15g}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    far = rows[data["formula"].pk].facility_distance_m
    assert far == pytest.approx(metres(data["formula"].geom, FAR_CHARGER), rel=4e-3)
    return {**data, "line_percent": float(percent), "far_metres": float(round(far))}


def analysis_values(row: dict, names: dict[str, str] | None = None) -> tuple:
    """A row's four analysis values, by their names in the file."""
    names = names or {}
    return tuple(row[names.get(f.name, f.name)] for f in ANALYSIS_FIELDS)


@pytest.mark.django_db(transaction=True)
def test_every_planner_format_carries_nearest_facility_distance_district_and_network_share(
    client_factory, planner, analysed, tmp_path
):
    client, project = client_factory(planner), analysed["point"].project
    point, formula, line = analysed["point"].pk, analysed["formula"].pk, analysed["line"].pk
    distance = round(metres(analysed["point"].geom, NEAR_POINT))
    assert distance == 73
    percent, far = analysed["line_percent"], analysed["far_metres"]
    expected = {
        point: (f"Ladesäulen: {FACILITY_NAME}", 73.0, "Innenstadt", None),
        formula: ("Ladesäulen: node/42", far, None, None),  # no name: the source id; in no district
        line: ("Radnetz: Kriegsstraße", 0.0, "Innenstadt", percent),
    }

    collection = json.loads(body(client.post(export_url(project, "geojson"))))
    found = {f["id"]: analysis_values(f["properties"]) for f in collection["features"]}
    assert found == expected
    names = list(collection["features"][0]["properties"])
    assert names[3:7] == [f.name for f in ANALYSIS_FIELDS]  # after the category, before the title
    (geojson,) = read_layers(body(client.post(export_url(project, "geojson"))), ".geojson", tmp_path).values()
    assert {r["id"]: analysis_values(r) for r in geojson} == expected

    # CSV: text as written, with an empty cell for none; the header names them after wkt.
    content = body(client.post(export_url(project, "csv"))).decode("utf-8-sig")
    assert content.splitlines()[0].endswith(
        ",wkt,nearest_facility,facility_distance_m,district,network_share_percent,place,photo_1,photo_2,photo_3"
    )
    rows = {int(r["id"]): analysis_values(r) for r in csv.DictReader(io.StringIO(content))}
    assert rows == {
        point: (f"Ladesäulen: {FACILITY_NAME}", "73", "Innenstadt", ""),
        formula: ("Ladesäulen: node/42", f"{far:g}", "", ""),
        line: ("Radnetz: Kriegsstraße", "0", "Innenstadt", f"{percent:g}"),
    }

    # XLSX, read as a spreadsheet does: numbers as number cells.
    sheet = openpyxl.load_workbook(io.BytesIO(body(client.post(export_url(project, "xlsx"))))).active
    header = [c.value for c in sheet[1]]
    # then `place` (test_export_place.py) and the photo links (test_export_photos.py)
    assert header[-8:-4] == [f.name for f in ANALYSIS_FIELDS]
    cells = {r[0]: r[-8:-4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == expected
    assert isinstance(cells[point][1], int | float)  # a number cell, not text
    assert isinstance(cells[line][3], float)

    # GeoPackage: real numbers and texts, per geometry layer.
    layers = read_layers(body(client.post(export_url(project, "gpkg"))), ".gpkg", tmp_path)
    gpkg = {r["id"]: analysis_values(r) for name in ("suggestions_points", "suggestions_lines")
            for r in layers[name]}  # fmt: skip
    assert gpkg == expected

    # Shapefile: the dBase names of geo/fields.py.
    shp_names = {f.name: f.shapefile for f in ANALYSIS_FIELDS}
    layers = read_layers(body(client.post(export_url(project, "shp"))), ".zip", tmp_path)
    shp = {r["id"]: analysis_values(r, shp_names) for name in ("suggestions_points", "suggestions_lines")
           for r in layers[name]}  # fmt: skip
    assert shp == expected

    # KML: extended data, names HTML-escaped as every text there.
    (placemarks,) = read_layers(body(client.post(export_url(project, "kml"))), ".kml", tmp_path).values()
    kml = {p["id"]: analysis_values(p) for p in placemarks}
    assert html.unescape(kml[point][0]) == f"Ladesäulen: {FACILITY_NAME}"
    assert kml[point][0] == "Ladesäulen: Marktplatz, &quot;Nord&quot;"
    assert kml[point][1:] == expected[point][1:]
    assert kml[line] == expected[line]


@pytest.mark.django_db(transaction=True)
def test_the_analysis_types_are_real_numbers_and_texts_in_every_gdal_format(
    client_factory, planner, analysed, tmp_path
):
    client, project = client_factory(planner), analysed["point"].project
    wanted = {f.name: "OFTReal" if f.type == "real" else "OFTString" for f in ANALYSIS_FIELDS}

    # (A worksheet's cells are numbers without a kind: readers guess, see the openpyxl check above.)
    for fmt, suffix, names in (
        ("geojson", ".geojson", {}),
        ("gpkg", ".gpkg", {}),
        ("shp", ".zip", {f.name: f.shapefile for f in ANALYSIS_FIELDS}),
    ):
        path = tmp_path / f"types{suffix}"
        path.write_bytes(body(client.post(export_url(project, fmt))))
        source = DataSource(f"/vsizip/{path}" if suffix == ".zip" else str(path))
        for layer in source:
            if not layer.name.startswith("suggestions"):
                continue
            types = dict(zip(layer.fields, (t.__name__ for t in layer.field_types), strict=True))
            assert {names.get(n, n): types[names.get(n, n)] for n in wanted} == {
                names.get(n, n): t for n, t in wanted.items()
            }, (fmt, layer.name)


@pytest.mark.django_db(transaction=True)
def test_a_project_without_layers_exports_the_analysis_columns_empty(client_factory, planner, data, tmp_path):
    client, project = client_factory(planner), data["point"].project
    empty = (None, None, None, None)

    collection = json.loads(body(client.post(export_url(project, "geojson"))))
    assert {analysis_values(f["properties"]) for f in collection["features"]} == {empty}
    content = body(client.post(export_url(project, "csv"))).decode("utf-8-sig")
    assert {analysis_values(r) for r in csv.DictReader(io.StringIO(content))} == {("", "", "", "")}
    sheet = openpyxl.load_workbook(io.BytesIO(body(client.post(export_url(project, "xlsx"))))).active
    assert [c.value for c in sheet[1]][-8:-4] == [f.name for f in ANALYSIS_FIELDS]  # then place, photos
    assert {r[-8:-4] for r in sheet.iter_rows(min_row=2, values_only=True)} == {empty}
    shp_names = {f.name: f.shapefile for f in ANALYSIS_FIELDS}
    for fmt, suffix, names in (("gpkg", ".gpkg", {}), ("shp", ".zip", shp_names), ("kml", ".kml", {})):
        layers = read_layers(body(client.post(export_url(project, fmt))), suffix, tmp_path)
        rows = [r for name, features in layers.items() if name.startswith("suggestions") for r in features]
        assert len(rows) == 3, fmt
        # dBase has no NULL number: GDAL reads an empty numeric field as unset, as it does in the others.
        assert {analysis_values(r, names) for r in rows} == {empty}, fmt


def test_the_open_data_export_has_no_analysis_columns(client, analysed):
    project = analysed["point"].project
    collection = json.loads(body(client.get(open_data_url(project, "geojson"))))
    names = {f.name for f in ANALYSIS_FIELDS}
    assert collection["features"]
    assert not names & set(collection["features"][0]["properties"])
    header = body(client.get(open_data_url(project, "csv"))).decode("utf-8-sig").splitlines()[0]
    assert header.endswith(",wkt,photo_1,photo_2,photo_3")
    assert b"Lades\xc3\xa4ulen" not in body(client.get(open_data_url(project, "csv")))
