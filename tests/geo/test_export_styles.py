"""The exports' QGIS styles: the GeoPackage carries one default style per layer in `layer_styles` (QGIS opens
it styled), a Shapefile zip a .qml beside each layer, and the export page offers each layer's .qml and .sld.
Colours and labels are the categories' (geo/symbology.py, as the tiles' style.json); GDAL lists the table as
a non-spatial one and the data layers unchanged; QGIS 3.22 itself (headless, Debian's) reads every file and
draws the suggestions in their categories' colours."""

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import translation

from geo.exports import gdal
from geo.exports.styles import qml, sld
from geo.symbology import CategorySymbol
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory
from tests.geo.system_python import run_harness
from tests.geo.test_exports import body, export_url
from tests.geo.test_tiles_style import (
    BLUE,
    GREEN,
    LINE,
    ORANGE,
    RED,
    A,
    B,
    blend,
    category_of_each_kind,
    near,
)

pytestmark = pytest.mark.django_db

UNKNOWN = "#475569"
INSIDE_AREA = (8.4047, 49.0105)
LABELS = {"charging": "Laden & <Strom>", "parking": "Parken", "bike-path": "Radweg", "square": "Platz"}
QML = "application/xml"
SLD = "application/vnd.sld+xml"
SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"
# Where the rendered images are copied to look at (unset: nowhere).
SHOTS = os.environ.get("EXPORT_STYLE_SHOTS")


@pytest.fixture
def styled(project):
    """A category of each kind (one point category's label needs escaping) and a suggestion of each."""
    return {"project": project, "categories": category_of_each_kind(project, charging_de=LABELS["charging"])}


def style_url(project, layer: str, fmt: str) -> str:
    return reverse("geo:export-style", kwargs={"slug": project.slug, "layer": layer, "style_format": fmt})


def ogr(*args: str) -> str:
    result = subprocess.run(["ogrinfo", *args], capture_output=True, text=True, timeout=60, check=False)  # noqa: S607
    assert result.returncode == 0, result.stderr
    return result.stdout


def qgis(args: dict) -> dict:
    """tests/geo/qgis_styles.py in Debian's QGIS 3.22, headless."""
    return run_harness("qgis_styles.py", args)


def colours(report: dict) -> dict[str, str]:
    """A categorized renderer's classes: value -> colour; a rule renderer's: label -> colour."""
    return {entry.get("value", entry["label"]): entry["colour"] for entry in report["classes"]}


# ------------------------------------------------------------------------------------- the files themselves
SYMBOLS = [
    CategorySymbol(key="charging", label=LABELS["charging"], colour=RED, geometry_kind="point"),
    CategorySymbol(key="parking", label="Parken", colour=BLUE, geometry_kind="point"),
]


def test_the_qml_classifies_on_the_category_key_with_labels_colours_and_a_class_for_the_rest():
    with translation.override("en"):
        root = ET.fromstring(qml(symbols=SYMBOLS, kind="point"))  # noqa: S314 (our own file)

    assert root.tag == "qgis"
    renderer = root.find("renderer-v2")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "category")
    categories = [(c.get("value"), c.get("label"), c.get("symbol")) for c in renderer.iter("category")]
    assert categories == [
        ("charging", LABELS["charging"], "0"),
        ("parking", "Parken", "1"),
        ("", "Other categories", "2"),
    ]
    fills = {
        symbol.get("name"): next(o.get("value") for o in symbol.iter("Option") if o.get("name") == "color")
        for symbol in renderer.find("symbols")
    }
    assert fills == {"0": "214,39,40,255", "1": "31,119,180,255", "2": "71,85,105,255"}
    # The planning status draws the ring, as on the web map.
    expressions = [o.get("value") for o in renderer.iter("Option") if o.get("name") == "expression"]
    assert any(""""planning_status" = 'planned' THEN '21,128,61,255'""" in e for e in expressions)
    assert root.find("layerGeometryType").text == "0"


def test_the_sld_has_one_rule_per_category_and_one_for_the_rest():
    with translation.override("en"):
        sld_text = sld(symbols=SYMBOLS, kind="point", layer="suggestions_points", title="T")
    root = ET.fromstring(sld_text)  # noqa: S314 (our own file)

    assert root.get("version") == "1.1.0"
    assert root.find("{http://www.opengis.net/sld}NamedLayer").find(f"{SE}Name").text == "suggestions_points"
    rules = list(root.iter(f"{SE}Rule"))
    assert [rule.find(f"{SE}Description/{SE}Title").text for rule in rules] == [
        LABELS["charging"], "Parken", "Other categories",
    ]  # fmt: skip
    first = rules[0].find(f"{OGC}Filter/{OGC}PropertyIsEqualTo")
    assert (first.find(f"{OGC}PropertyName").text, first.find(f"{OGC}Literal").text) == (
        "category",
        "charging",
    )
    assert [p.text for p in rules[0].iter(f"{SE}SvgParameter") if p.get("name") == "fill"] == [RED]
    rest = [(u.find(f"{OGC}Literal").text) for u in rules[2].iter(f"{OGC}PropertyIsNotEqualTo")]
    assert rest == ["charging", "parking"]


# -------------------------------------------------------------------------------------------- GeoPackage
@pytest.mark.django_db(transaction=True)
def test_the_geopackage_carries_a_default_style_per_layer_in_qgis_layer_styles_table(
    client_factory, planner, styled, tmp_path
):
    response = client_factory(planner).post(export_url(styled["project"], "gpkg"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    path = tmp_path / "export.gpkg"
    path.write_bytes(body(response))

    listing = ogr("-ro", "-q", str(path))
    assert "layer_styles (None)" in listing  # GDAL: a table without geometry
    for line in (
        "suggestions_points (Point)",
        "suggestions_lines (Line String)",
        "suggestions_areas (Polygon)",
    ):
        assert line in listing
    contents = ogr(
        "-ro",
        "-q",
        str(path),
        "-sql",
        "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'",
    )
    assert "data_type (String) = attributes" in contents
    schema = ogr("-ro", "-so", str(path), "layer_styles")
    assert "FID Column = id" in schema
    for column in (
        "f_table_catalog: String (256.0)", "f_table_schema: String (256.0)", "f_table_name: String (256.0)",
        "f_geometry_column: String (256.0)", "styleName: String (30.0)", "styleQML: String (0.0)",
        "styleSLD: String (0.0)", "useAsDefault: Integer(Boolean) (0.0)", "description: String (0.0)",
        "owner: String (30.0)", "ui: String (30.0)", "update_time: DateTime (0.0)",
    ):  # fmt: skip
        assert column in schema, column
    rows = ogr(
        "-ro",
        "-q",
        str(path),
        "-sql",
        "SELECT f_table_name, f_geometry_column, useAsDefault FROM layer_styles",
    )
    for layer in ("suggestions_points", "suggestions_lines", "suggestions_areas"):
        assert f"f_table_name (String) = {layer}" in rows
    assert rows.count("f_geometry_column (String) = geom") == 3
    assert rows.count("useAsDefault (Integer(Boolean)) = 1") == 3
    # The data layers are as before: their features and fields.
    points = ogr("-ro", "-so", str(path), "suggestions_points")
    assert "Feature Count: 2" in points
    assert "planning_status: String" in points


@pytest.mark.django_db(transaction=True)
def test_qgis_opens_the_geopackage_styled_and_draws_each_suggestion_in_its_categorys_colour(
    client_factory, planner, styled, tmp_path
):
    """Debian's QGIS 3.22 opens the export's layers as a planner does (no style chosen): each is categorized
    on the key with the categories' colours and labels, and the rendered map has those colours where the
    suggestions are. Without layer_styles QGIS picks a single random colour per layer."""
    response = client_factory(planner).post(export_url(styled["project"], "gpkg"), HTTP_ACCEPT_LANGUAGE="de")
    path = tmp_path / "export.gpkg"
    path.write_bytes(body(response))
    line_middle = ((LINE[0][0] + LINE[1][0]) / 2, LINE[0][1])

    drawn = qgis(
        {
            "layers": [
                {"source": f"{path}|layername={layer}"}
                for layer in ("suggestions_points", "suggestions_lines", "suggestions_areas")
            ],
            "png": str(tmp_path / "gpkg.png"),
            "size": [800, 600],
            "probes": [A, B, line_middle, INSIDE_AREA],
        }
    )

    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "gpkg.png", Path(SHOTS) / "qgis-geopackage-styled.png")
    points, lines, areas = drawn["layers"]
    assert all(layer["valid"] and layer["renderer"] == "categorizedSymbol" for layer in drawn["layers"]), (
        drawn
    )
    assert colours(points) == {"charging": RED, "parking": BLUE, "": UNKNOWN}
    assert colours(lines) == {"bike-path": ORANGE, "": UNKNOWN}
    assert colours(areas) == {"square": GREEN, "": UNKNOWN}
    assert [c["label"] for c in points["classes"]] == [LABELS["charging"], "Parken", "Andere Kategorien"]
    assert lines["classes"][0]["layers"] == ["SimpleLine", "SimpleLine"]  # the status's casing under the line
    point_a, point_b, line, area = drawn["probes"]
    assert near(point_a, RED), drawn
    assert near(point_b, BLUE), drawn
    assert near(line, ORANGE), drawn
    assert near(area, blend(GREEN, 0.35), 16), drawn


@pytest.mark.django_db(transaction=True)
def test_a_filtered_export_styles_its_categories_and_many_categories_fit(
    client_factory, planner, project, tmp_path
):
    """Sixty categories make a query longer than one command-line argument may be: ogr2ogr reads it from a
    file. A category filter leaves the others out of the legend."""
    categories = [
        CategoryFactory(
            project=project, key=f"c{number:02}", colour=f"#{number:02x}3366", label_de=f"K{number}"
        )
        for number in range(60)
    ]
    SuggestionFactory(category=categories[7], geom=Point(*A, srid=4326))
    client = client_factory(planner)

    path = tmp_path / "all.gpkg"
    path.write_bytes(body(client.post(export_url(project, "gpkg"))))
    chosen = tmp_path / "chosen.gpkg"
    chosen.write_bytes(body(client.post(export_url(project, "gpkg", category="c07,c08"))))

    drawn = qgis({"layers": [{"source": f"{path}|layername=suggestions_points"},
                             {"source": f"{chosen}|layername=suggestions_points"}]})  # fmt: skip
    every, filtered = drawn["layers"]
    assert len(every["classes"]) == 61
    assert colours(every)["c59"] == "#3b3366"
    assert colours(filtered) == {"c07": "#073366", "c08": "#083366", "": UNKNOWN}


@pytest.mark.django_db(transaction=True)
def test_the_shapefile_zip_carries_a_qml_that_qgis_loads_with_each_layer(
    client_factory, planner, styled, tmp_path
):
    content = body(client_factory(planner).post(export_url(styled["project"], "shp")))
    folder = tmp_path / "shp"
    zipfile.ZipFile(io.BytesIO(content)).extractall(folder)

    assert {"suggestions_points.qml", "suggestions_lines.qml", "suggestions_areas.qml"} <= {
        p.name for p in folder.iterdir()
    }
    # dBase names: the status is `status` there.
    assert "&quot;status&quot; = " in (folder / "suggestions_points.qml").read_text()
    drawn = qgis({"layers": [{"source": str(folder / "suggestions_points.shp")}],
                  "png": str(tmp_path / "shp.png"), "probes": [A, B]})  # fmt: skip
    assert drawn["layers"][0]["renderer"] == "categorizedSymbol", drawn
    assert near(drawn["probes"][0], RED), drawn
    assert near(drawn["probes"][1], BLUE), drawn


# -------------------------------------------------------------------------------- the page's downloads
@pytest.mark.parametrize(("fmt", "content_type"), [("qml", QML), ("sld", SLD)])
def test_a_planner_downloads_each_layers_style(client_factory, planner, styled, fmt, content_type):
    project = styled["project"]
    response = client_factory(planner).get(
        style_url(project, "suggestions_lines", fmt), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="test-project-suggestions_lines.{fmt}"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    text = response.content.decode()
    assert ORANGE[1:] in text or "194,65,12,255" in text
    # A point category: not in the lines' style.
    assert RED not in text
    assert "214,39,40" not in text
    assert "Bike" in text  # the request's language


def test_the_export_page_links_a_style_per_layer_the_project_has(
    client_factory, planner, project, point_category
):
    page = client_factory(planner).get(reverse("geo:export", kwargs={"slug": project.slug}))

    html = page.content.decode()
    assert style_url(project, "suggestions_points", "qml") in html
    assert style_url(project, "suggestions_points", "sld") in html
    assert "suggestions_lines" not in html  # the project has no line category


def test_styles_are_for_the_projects_planners_only(client, client_factory, planner, styled):
    project = styled["project"]
    url = style_url(project, "suggestions_points", "qml")
    other = ProjectFactory(slug="other")
    CategoryFactory(project=other, key="secret-key", label_de="Geheim")
    stranger = UserFactory(username="stranger", planner_of=other)

    assert client.get(url).status_code == 302  # sign in first
    assert client_factory(UserFactory(username="citizen")).get(url).status_code == 403
    assert client_factory(stranger).get(url).status_code == 403
    assert client_factory(planner).get(style_url(other, "suggestions_points", "qml")).status_code in (
        403,
        404,
    )
    assert client_factory(stranger).get(style_url(other, "suggestions_points", "qml")).status_code == 200


@pytest.mark.parametrize(
    ("layer", "fmt"),
    [
        ("suggestions_points", "lyr"),
        ("comments", "qml"),
        ("suggestions_lines", "qml"),
        ("suggestions_points", "QML"),
    ],
)
def test_an_unknown_layer_or_format_is_a_404_that_names_the_styles(
    client_factory, planner, project, point_category, layer, fmt
):
    response = client_factory(planner).get(style_url(project, layer, fmt), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Diesen Stil gibt es nicht. Stile: suggestions_points.qml, suggestions_points.sld."
    )


@pytest.mark.django_db(transaction=True)
def test_qgis_loads_the_downloaded_qml_and_sld_with_the_same_classes_and_colours(
    client_factory, planner, styled, tmp_path
):
    """The files a planner downloads, loaded onto the GeoPackage's layers as QGIS's "Load Style" does: the
    QML gives the categorized renderer, the SLD QGIS's rules of the same categories, in the same colours."""
    client = client_factory(planner)
    project = styled["project"]
    gpkg = tmp_path / "export.gpkg"
    gpkg.write_bytes(body(client.post(export_url(project, "gpkg"))))
    layers = []
    for layer in ("suggestions_points", "suggestions_areas"):
        for fmt in ("qml", "sld"):
            style = tmp_path / f"{layer}.{fmt}"
            style.write_bytes(client.get(style_url(project, layer, fmt), HTTP_ACCEPT_LANGUAGE="de").content)
            layers.append({"source": f"{gpkg}|layername={layer}", "style": str(style)})

    drawn = qgis({"layers": layers})

    points_qml, points_sld, areas_qml, areas_sld = drawn["layers"]
    assert all(layer["loaded"] for layer in drawn["layers"]), drawn
    assert points_qml["renderer"] == "categorizedSymbol"
    assert colours(points_qml) == {"charging": RED, "parking": BLUE, "": UNKNOWN}
    assert points_sld["renderer"] == "RuleRenderer"
    assert colours(points_sld) == {LABELS["charging"]: RED, "Parken": BLUE, "Andere Kategorien": UNKNOWN}
    assert [rule["filter"] for rule in points_sld["classes"]] == [
        "category = 'charging'", "category = 'parking'", "category <> 'charging' AND category <> 'parking'",
    ]  # fmt: skip
    assert colours(areas_qml) == {"square": GREEN, "": UNKNOWN}
    assert colours(areas_sld) == {"Platz": GREEN, "Andere Kategorien": UNKNOWN}


@pytest.mark.django_db(transaction=True)
def test_when_the_styles_cannot_be_written_the_export_fails_whole_and_leaves_nothing(
    client_factory, planner, styled, tmp_path, monkeypatch
):
    """The styles are the last table: the data layers are written by then, and still nothing half-done is
    handed out or left on disk."""
    load = gdal.SQL.load
    monkeypatch.setattr(
        gdal.SQL, "load", lambda name: "SELECT no_such_column" if name == "export_styles" else load(name)
    )
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # where the export is staged

    response = client_factory(planner).post(export_url(styled["project"], "gpkg"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response.json() == {
        "code": "export_failed",
        "message": "The export could not be written. Please try again in a moment.",
    }
    assert list(tmp_path.iterdir()) == []
