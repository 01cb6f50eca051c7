"""Importing a street network (geo.network.imports): the real 2009 inner-city extract of Karlsruhe (XML and
PBF), a tiny OSM town written here whose bridge crosses a street without a shared node, a town's own network
as GeoPackage, zipped Shapefile and GeoJSON, and the bad files that must be refused with a message while the
old network stays as it was."""

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from geo.network.imports import NetworkRefused, network_import
from geo.network.models import NetworkEdge, NetworkVertex, StreetNetwork
from geo.network.signals import network_replaced
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
OSM = KARLSRUHE / "inner-city-2009.osm"
PBF = KARLSRUHE / "inner-city-2009.osm.pbf"  # the same extract as PBF (osmium cat), see SOURCES.md

# The tiny town: Uferstraße runs east through node 2, where Querstraße crosses it with a shared node; the
# Hochbrücke crosses Uferstraße between nodes 2 and 3 without one (a bridge). Node ids do not increase.
NODES = {
    91: (8.40, 49.00),
    2: (8.41, 49.00),
    33: (8.42, 49.00),
    4: (8.41, 48.99),
    5: (8.41, 49.01),
    6: (8.415, 48.99),
    7: (8.415, 49.01),
    8: (8.43, 49.00),
    9: (8.44, 49.00),
    10: (8.45, 49.00),
    11: (8.46, 49.00),
}
# way id: (nodes, tags)
TOWN_WAYS = {
    101: ([91, 2, 33], {"highway": "residential", "name": "Uferstraße"}),
    102: ([4, 2, 5], {"highway": "residential", "name": "Querstraße"}),
    103: ([6, 7], {"highway": "secondary", "name": "Hochbrücke", "bridge": "yes", "layer": "1"}),
}
BRIDGE_CROSSING = (8.415, 49.00)


def osm_file(path: Path, ways: dict[int, tuple[list[int], dict[str, str]]]) -> Path:
    """OSM XML of NODES and `ways`, as an editor writes it."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    lines += [f'  <node id="{n}" version="1" lat="{lat}" lon="{lon}"/>' for n, (lon, lat) in NODES.items()]
    for way, (nodes, tags) in ways.items():
        lines.append(f'  <way id="{way}" version="1">')
        lines += [f'    <nd ref="{n}"/>' for n in nodes]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def geojson_file(path: Path, features: list[tuple[dict, dict]]) -> Path:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": g, "properties": p} for g, p in features],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)  # noqa: S607


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def project():
    return ProjectFactory(slug="karlsruhe")


@pytest.fixture
def town(project, tmp_path):
    network_import(project, osm_file(tmp_path / "town.osm", TOWN_WAYS), name="Town")
    return StreetNetwork.objects.get(project=project)


def edges(network: StreetNetwork, **filters) -> list[NetworkEdge]:
    return list(NetworkEdge.objects.filter(network=network, **filters).order_by("id"))


def vertex_at(network: StreetNetwork, lon: float, lat: float) -> NetworkVertex | None:
    return NetworkVertex.objects.filter(network=network, geom__equals=f"SRID=4326;POINT({lon} {lat})").first()


def refused(project, source: Path, **options) -> str:
    with pytest.raises(NetworkRefused) as caught:
        network_import(project, source, **options)
    return caught.value.message


def largest_component_share(network: StreetNetwork) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT max(n)::float8 / sum(n) FROM (
                SELECT count(*) AS n FROM pgr_connectedComponents(
                    'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost'
                    ' FROM geo_network_edge WHERE network_id = ' || %s
                ) GROUP BY component
            ) AS c
            """,
            [network.pk],
        )
        return cursor.fetchone()[0]


# The tiny town: where ways are split and where they are not.


def test_ways_are_split_at_shared_nodes_and_ends_only(town):
    ufer = edges(town, name="Uferstraße")
    quer = edges(town, name="Querstraße")
    bridge = edges(town, name="Hochbrücke")

    assert (len(ufer), len(quer), len(bridge)) == (2, 2, 1)
    crossing = vertex_at(town, 8.41, 49.00)
    assert crossing is not None
    assert {ufer[0].target, ufer[1].source} == {crossing.pk}
    assert {quer[0].target, quer[1].source} == {crossing.pk}
    assert NetworkVertex.objects.filter(network=town).count() == 7  # 6 ends and the shared node


def test_a_bridge_crossing_without_a_shared_node_is_not_joined(town):
    bridge = edges(town, name="Hochbrücke")[0]

    assert vertex_at(town, *BRIDGE_CROSSING) is None
    ufer_vertices = {v for e in edges(town, name="Uferstraße") for v in (e.source, e.target)}
    assert {bridge.source, bridge.target}.isdisjoint(ufer_vertices)
    # Uferstraße's edge from node 2 to node 33 runs on under the bridge in one piece.
    assert [tuple(c) for c in edges(town, name="Uferstraße")[1].geom.coords] == [(8.41, 49.0), (8.42, 49.0)]


def test_edges_carry_the_way_geodesic_length_and_costs_in_metres(town):
    edge = edges(town, name="Uferstraße")[0]

    assert edge.osm_way_id == 101
    assert edge.highway == "residential"
    assert edge.bicycle is True
    # 0.01° of longitude at 49° N on the WGS 84 spheroid.
    assert edge.length_m == pytest.approx(731.0, abs=1.0)
    assert edge.cost == edge.reverse_cost == edge.length_m
    assert edge.geom_3857 is not None


def test_the_report_counts_ways_edges_vertices_and_kilometres(town):
    report = town.import_report

    assert (report["read"], report["taken"], report["edges"], report["vertices"]) == (3, 3, 5, 7)
    assert report["km_bicycle"] == pytest.approx(report["km"])
    assert report["largest_component"] == 5  # the bridge's two ends are apart
    assert (town.generation, town.name, town.source_name) == (1, "Town", "town.osm")
    assert town.imported_at is not None


# What a bicycle may do, by the way's tags.

RULES = [
    # tags, bicycle, (forward open, backward open)
    ({"highway": "residential"}, True, (True, True)),
    ({"highway": "residential", "oneway": "yes"}, True, (True, False)),
    ({"highway": "residential", "oneway": "-1"}, True, (False, True)),
    ({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, True, (True, True)),
    ({"highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"}, True, (True, True)),
    ({"highway": "residential", "oneway": "yes", "cycleway:left": "opposite_track"}, True, (True, True)),
    ({"highway": "tertiary", "junction": "roundabout"}, True, (True, False)),
    ({"highway": "cycleway"}, True, (True, True)),
    ({"highway": "path"}, True, (True, True)),
    ({"highway": "footway"}, False, (False, False)),
    ({"highway": "footway", "bicycle": "yes"}, True, (True, True)),
    ({"highway": "pedestrian", "bicycle": "designated"}, True, (True, True)),
    ({"highway": "pedestrian"}, False, (False, False)),
    ({"highway": "steps"}, False, (False, False)),
    ({"highway": "motorway"}, False, (False, False)),
    ({"highway": "motorway", "bicycle": "yes"}, False, (False, False)),
    ({"highway": "trunk"}, False, (False, False)),
    ({"highway": "residential", "bicycle": "no"}, False, (False, False)),
    ({"highway": "service", "access": "no"}, False, (False, False)),
    ({"highway": "service", "access": "no", "bicycle": "yes"}, True, (True, True)),
]


@pytest.mark.parametrize(("tags", "bicycle", "directions"), RULES)
def test_what_a_bicycle_may_do_follows_the_tags(project, tmp_path, tags, bicycle, directions):
    network_import(project, osm_file(tmp_path / "one.osm", {7: ([8, 9], {"name": "Weg", **tags})}))

    edge = NetworkEdge.objects.get()
    assert edge.bicycle is bicycle
    assert (edge.cost > 0, edge.reverse_cost > 0) == directions
    assert -1 in (edge.cost, edge.reverse_cost) or directions == (True, True)


def test_ways_a_street_network_has_not_are_skipped_and_counted(project, tmp_path):
    ways = {
        7: ([8, 9], {"highway": "residential", "name": "Weg"}),
        8: ([9, 10], {"highway": "proposed"}),
        9: ([10, 11], {"highway": "platform"}),
        10: ([8, 10], {"railway": "rail"}),  # no highway tag: GDAL does not even hand it over
    }
    report = network_import(project, osm_file(tmp_path / "mixed.osm", ways))

    assert (report["read"], report["taken"], report["edges"]) == (3, 1, 1)
    assert report["skipped"] == {"not-built": 1, "other-kind": 1}
    assert report["skipped_kinds"] == {"proposed": 1, "platform": 1}


# The real extract.


@pytest.mark.parametrize("source", [OSM, PBF], ids=["xml", "pbf"])
def test_the_inner_city_extract_gives_a_connected_network_with_its_street_names(project, source):
    report = network_import(project, source)
    network = StreetNetwork.objects.get(project=project)

    assert report["edges"] > 3000
    assert report["vertices"] == NetworkVertex.objects.filter(network=network).count()
    assert report["edges"] == NetworkEdge.objects.filter(network=network).count()
    assert largest_component_share(network) > 0.9
    assert report["largest_component"] / report["vertices"] > 0.9
    kaiser = edges(network, name="Kaiserstraße")
    assert len(kaiser) > 10
    assert {e.osm_way_id for e in kaiser} >= {22970213}
    assert report["km_bicycle"] > 50
    # The small parts the extract cut off are marked, for routing to place taps elsewhere; its streets not.
    stranded = NetworkEdge.objects.filter(network=network, stranded=True)
    assert 0 < report["stranded"] == stranded.count() < 0.05 * report["edges"]
    assert not stranded.filter(name="Kaiserstraße").exists()
    assert not stranded.filter(bicycle=False).exists()


def test_xml_and_pbf_give_the_same_network(project):
    from_xml = network_import(project, OSM)
    from_pbf = network_import(project, PBF)

    keys = ("read", "taken", "edges", "vertices", "largest_component", "skipped", "stranded")
    assert {k: from_xml[k] for k in keys} == {k: from_pbf[k] for k in keys}


# Replacing the network.


def test_a_second_import_replaces_the_network_and_signals_after_the_commit(
    town, project, django_capture_on_commit_callbacks
):
    old_edges = set(NetworkEdge.objects.values_list("id", flat=True))
    received = []

    def receiver(sender, network, **kwargs):
        received.append((sender, network.pk, network.generation))

    network_replaced.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            network_import(project, OSM, attribution="© OpenStreetMap contributors", licence="CC BY-SA 2.0")
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        network_replaced.disconnect(receiver)

    town.refresh_from_db()
    assert received == [(StreetNetwork, town.pk, 2)]
    assert town.generation == 2
    assert town.name == "Town"  # kept: no new name given
    assert (town.attribution, town.licence) == ("© OpenStreetMap contributors", "CC BY-SA 2.0")
    assert not NetworkEdge.objects.filter(id__in=old_edges).exists()
    assert not NetworkEdge.objects.filter(name="Uferstraße").exists()
    assert NetworkEdge.objects.filter(network=town).count() == town.import_report["edges"]
    assert StreetNetwork.objects.count() == 1


def test_two_imports_in_one_transaction(project, tmp_path):
    """The admin imports inside its own transaction: the second import finds no leftovers of the first."""
    with transaction.atomic():
        network_import(project, osm_file(tmp_path / "town.osm", TOWN_WAYS))
        network_import(project, osm_file(tmp_path / "town.osm", TOWN_WAYS))
    assert NetworkEdge.objects.count() == 5


# A town's own network.


def town_lines(path: Path, name_key: str = "name") -> Path:
    """The tiny town as lines with attributes, as a town's GIS would export them."""
    features = []
    for nodes, tags in TOWN_WAYS.values():
        geometry = {"type": "LineString", "coordinates": [list(NODES[n]) for n in nodes]}
        features.append((geometry, {name_key: tags["name"], "highway": tags["highway"], "oneway": "no"}))
    features.append(
        (
            {"type": "LineString", "coordinates": [list(NODES[8]), list(NODES[9])]},
            {name_key: "Einbahn", "oneway": "ja"},
        )
    )
    return geojson_file(path, features)


@pytest.mark.parametrize("fmt", ["gpkg", "zip", "shp", "geojson"])
def test_a_towns_own_network_in_utm_is_noded_where_lines_share_a_position(project, tmp_path, fmt):
    source = town_lines(tmp_path / "lines.geojson", name_key="NAME" if fmt in ("zip", "shp") else "name")
    if fmt == "gpkg":
        ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:25832", str(tmp_path / "netz.gpkg"), str(source))
        source = tmp_path / "netz.gpkg"
    elif fmt in ("zip", "shp"):
        folder = tmp_path / "shp"
        folder.mkdir()
        ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:25832", str(folder / "netz.shp"), str(source))
        source = folder / "netz.shp"  # the command's way: its parts beside it
        if fmt == "zip":  # the admin's way: one file
            source = tmp_path / "netz.zip"
            with zipfile.ZipFile(source, "w") as archive:
                for part in folder.iterdir():
                    archive.write(part, part.name)

    report = network_import(project, source)
    network = StreetNetwork.objects.get(project=project)

    assert (report["read"], report["edges"], report["vertices"]) == (4, 6, 9)
    assert len(edges(network, name="Uferstraße")) == 2
    assert edges(network, name="Hochbrücke")[0].highway == "secondary"
    one_way = edges(network, name="Einbahn")[0]
    assert (one_way.cost > 0, one_way.reverse_cost, one_way.highway, one_way.osm_way_id) == (
        True,
        -1,
        "",
        None,
    )
    # Back from UTM the shared position may differ from 8.41, 49.0 in the 7th decimal: one vertex there.
    near = NetworkVertex.objects.filter(
        network=network, geom__dwithin=("SRID=4326;POINT(8.41 49.0)", 0.000001)
    )
    assert near.count() == 1


# Bad input: a clear message, the old network unchanged, nothing half-written.


def garbage(tmp_path: Path) -> Path:
    path = tmp_path / "extract.osm"
    path.write_bytes(bytes(range(256)) * 40)
    return path


def garbage_pbf(tmp_path: Path) -> Path:
    path = tmp_path / "extract.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0d\n\tOSMHeader" + bytes(range(256)) * 40)
    return path


def cut_off(tmp_path: Path) -> Path:
    """An extract whose download broke off: GDAL reads the start, reports the error and exits with 0."""
    whole = osm_file(tmp_path / "whole.osm", TOWN_WAYS).read_text(encoding="utf-8")
    path = tmp_path / "cut.osm"
    path.write_text(whole[: len(whole) * 2 // 3], encoding="utf-8")
    return path


def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.osm"
    path.write_bytes(b"")
    return path


def points(tmp_path: Path) -> Path:
    point = {"type": "Point", "coordinates": [8.4, 49.0]}
    return geojson_file(tmp_path / "points.geojson", [(point, {"name": "a"}), (point, {"name": "b"})])


def no_highways(tmp_path: Path) -> Path:
    ways = {1: ([8, 9], {"railway": "tram"}), 2: ([9, 10], {"waterway": "river", "name": "Alb"})}
    return osm_file(tmp_path / "rails.osm", ways)


def only_platforms(tmp_path: Path) -> Path:
    return osm_file(tmp_path / "platforms.osm", {1: ([8, 9], {"highway": "platform", "name": "Gleis 1"})})


def gpkg_of_points(tmp_path: Path) -> Path:
    ogr2ogr("-f", "GPKG", str(tmp_path / "points.gpkg"), str(points(tmp_path)))
    return tmp_path / "points.gpkg"


def wrong_type(tmp_path: Path) -> Path:
    path = tmp_path / "network.docx"
    path.write_bytes(b"PK\x03\x04")
    return path


def metres(tmp_path: Path) -> Path:
    line = {"type": "LineString", "coordinates": [[456000, 5428000], [457000, 5428000]]}
    return geojson_file(tmp_path / "metres.geojson", [(line, {"name": "a"})])


BAD = [
    (garbage, "cannot be read as OpenStreetMap", "kann nicht als OpenStreetMap"),
    (garbage_pbf, "cannot be read as OpenStreetMap", "kann nicht als OpenStreetMap"),
    (cut_off, "cannot be read as OpenStreetMap", "kann nicht als OpenStreetMap"),
    (empty, "is empty", "ist leer"),
    (points, "holds no lines", "enthält keine Linien"),
    (no_highways, "no ways with a highway tag", "keine Wege mit einem highway-Tag"),
    (only_platforms, "is a street or path for bicycles", "ist eine Straße oder ein Weg für Rad"),
    (gpkg_of_points, "holds no lines", "enthält keine Linien"),
    (wrong_type, "not a file we can read as a street network", "nicht als Straßennetz lesen"),
    (metres, "not longitude and latitude", "keine geografische Länge und Breite"),
]


@pytest.mark.parametrize(("make", "english_text", "german_text"), BAD, ids=[b[0].__name__ for b in BAD])
def test_a_file_that_is_not_a_network_is_refused_and_the_old_one_stays(
    town, project, tmp_path, make, english_text, german_text
):
    before = list(NetworkEdge.objects.order_by("id").values_list("id", "source", "target", "name"))
    source = make(tmp_path)

    assert english_text in refused(project, source)
    with translation.override("de"):
        assert german_text in refused(project, source)

    town.refresh_from_db()
    assert list(NetworkEdge.objects.order_by("id").values_list("id", "source", "target", "name")) == before
    assert NetworkVertex.objects.count() == 7
    assert (town.generation, town.source_name) == (1, "town.osm")


def test_a_refused_first_import_leaves_no_network(project, tmp_path):
    refused(project, no_highways(tmp_path))

    assert not StreetNetwork.objects.exists()
    assert not NetworkVertex.objects.exists()


# The command.


def test_the_command_imports_and_prints_the_report(project, capsys):
    call_command(
        "import_network", "karlsruhe", str(OSM), "--name", "Innenstadt", "--attribution",
        "© OpenStreetMap contributors", "--licence", "CC BY-SA 2.0",
    )  # fmt: skip
    network = StreetNetwork.objects.get(project=project)
    assert (network.name, network.licence, network.generation) == ("Innenstadt", "CC BY-SA 2.0", 1)
    out = capsys.readouterr().out
    assert f"{network.import_report['edges']:,} edges between" in out
    assert "km of them open to bicycles" in out


@pytest.mark.parametrize(
    ("language", "text"), [("en", "There is no project “nowhere”"), ("de", "Es gibt kein Projekt „nowhere“")]
)
def test_the_command_refuses_a_project_that_does_not_exist(town, language, text):
    with translation.override(language), pytest.raises(CommandError, match=text):
        call_command("import_network", "nowhere", str(OSM))
    assert NetworkEdge.objects.count() == 5


def test_the_command_exits_1_with_the_message_on_a_refusal(town, tmp_path):
    with pytest.raises(CommandError, match="holds no lines") as caught:
        call_command("import_network", "karlsruhe", str(points(tmp_path)))
    assert caught.value.returncode == 1
    assert NetworkEdge.objects.count() == 5


# The admin.


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


ADD_URL = "/admin/geo/streetnetwork/add/"


def test_the_admin_imports_an_upload_and_shows_the_report(admin_client, project, tmp_path):
    source = osm_file(tmp_path / "town.osm", TOWN_WAYS)
    with source.open("rb") as upload:
        response = admin_client.post(
            ADD_URL,
            {
                "project": project.pk,
                "name": "Stadt",
                "attribution": "© OSM",
                "licence": "ODbL",
                "source_file": upload,
            },
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    assert response.redirect_chain[-1][0] == "/admin/geo/streetnetwork/"
    network = StreetNetwork.objects.get()
    assert (network.name, network.generation, network.source_name) == ("Stadt", 1, "town.osm")
    assert network.import_report["by"]
    assert NetworkEdge.objects.filter(network=network).count() == 5
    shown = [str(m) for m in response.context["messages"]]
    assert any("5 edges between 7 vertices from 3 of 3 ways of town.osm" in m for m in shown)
    page = admin_client.get(f"/admin/geo/streetnetwork/{network.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "5 edges between 7 vertices" in page.content.decode()


def test_a_refused_upload_is_a_form_error_in_german_and_the_network_stays(
    admin_client, town, project, tmp_path
):
    with points(tmp_path).open("rb") as upload:
        response = admin_client.post(
            f"/admin/geo/streetnetwork/{town.pk}/change/",
            {"name": "Neu", "attribution": "", "licence": "", "source_file": upload},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["source_file"]
    assert "enthält keine Linien" in errors[0]
    town.refresh_from_db()
    assert (town.name, town.generation) == ("Town", 1)
    assert NetworkEdge.objects.count() == 5
