"""`make bench` end to end at BENCH_SCALE=smoke: seeds its own tiny database, serves it under gunicorn with
the benchmark settings, runs every scenario with its anchors and writes the results files.

Speed is never asserted here (that is what the benchmark itself is for): only that every scenario row is
there with numbers, so a broken scenario cannot hide until someone runs the full benchmark.
"""

import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# One smoke run for the module, in its fixed database (BENCH_DB): all on one xdist worker. Its collectstatic
# rewrites the checkout's staticfiles/, which the gunicorn of tests/test_run_server.py lists as it starts:
# both modules share the worker, or a file vanishes under that listing.
pytestmark = pytest.mark.xdist_group("staticfiles")
TIPG_INSTALLED = any((ROOT / ".local" / "bench-venv").glob(".installed-*"))

READ_SCENARIOS = [
    *[f"map viewport z{z}" for z in (11, 13, 15, 17)],
    *[f"map viewport z{z}: 1.1 M vs 11 k" for z in (11, 13, 15, 17)],
    "vector tiles z8-13 throughput",
    "vector tiles z14-18 throughput",
    "vector tiles z8-18 size",
    "vector tiles cached vs uncached",
    "OGC API items, 1,000 per page, first page",
    "OGC API items, deep vs first page",
    "GeoJSON export vs ogr2ogr",
    "GeoJSON export vs raw COPY",
    "GeoJSON export memory",
    "GeoJSON export first byte",
    "CSV export vs our GeoJSON export",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = {
        **os.environ,
        "BENCH_SCALE": "smoke",
        # Its own database: never the test database, never the real benchmark's.
        "BENCH_DB": "participation_bench_pytest",
        "BENCH_RESULTS": str(out),
        "BENCH_PORT": str(free_port()),
        "TIPG_PORT": str(free_port()),
        # tipg only when its virtualenv is installed already: the test never downloads anything.
        "BENCH_TIPG": "1" if TIPG_INSTALLED else "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out, run.stdout


def test_smoke_writes_both_results_files_with_the_machine(smoke_results):
    out, stdout = smoke_results
    data = json.loads((out / "results.json").read_text())
    markdown = (out / "results.md").read_text()

    for key in ("cpu", "cores", "ram", "postgresql", "postgis", "gdal", "python", "tipg", "date"):
        assert data["machine"][key]
    assert data["run"]["scale"] == "smoke"
    assert "| scenario |" in markdown
    assert "rows pass" in stdout
    for row in data["rows"]:
        assert row["scenario"] in markdown


def test_smoke_has_every_read_scenario_with_numbers(smoke_results):
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    for scenario in READ_SCENARIOS:
        assert scenario in rows, scenario
    assert any(name.startswith("OGC API items, 1,000 per page, ~") for name in rows)
    for name, row in rows.items():
        assert isinstance(row["passed"], bool)
        assert row["target"]
        if name.startswith("vector tiles") and "missing" in row["notes"]:
            continue  # the tile endpoint is not on this branch: the row fails and says so
        if row["metric"] == "not built":
            assert row["passed"] is False
            continue
        assert isinstance(row["ours"], int | float), name
        assert math.isfinite(row["ours"]), name
        for anchor, value in row["anchors"].items():
            assert isinstance(value, int | float), (name, anchor)
            assert math.isfinite(value), (name, anchor)


def test_smoke_measures_the_anchors_beside_ours(smoke_results):
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    assert {"floor p95", "naive DRF-gis p95"} <= set(rows["map viewport z15"]["anchors"])
    first_page = rows["OGC API items, 1,000 per page, first page"]
    assert {"floor p50", "naive DRF-gis p50"} <= set(first_page["anchors"])
    if TIPG_INSTALLED:
        assert "tipg p50" in first_page["anchors"]
    else:
        assert "tipg not running" in first_page["notes"]
    assert rows["GeoJSON export vs ogr2ogr"]["anchors"]["ogr2ogr -f GeoJSON s"] > 0
    assert rows["GeoJSON export vs raw COPY"]["anchors"]["raw COPY s"] > 0
    assert rows["GeoJSON export memory"]["ours"] > 0
    assert rows["GeoJSON export vs ogr2ogr"]["bytes"] > 0


def test_smoke_load_run_loses_nothing(smoke_results):
    """The load scenario (issue 10's full-size run in `make bench`) at smoke size: its verdict is about
    correctness, never speed, so it must pass here too."""
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    row = rows["load: suggestions posted while the map is read"]
    assert row["passed"] is True, row["notes"]
    assert row["ours"] > 0
    assert " 0 lost, 0 stored twice" in row["notes"]


def test_smoke_measures_photo_uploads_beside_the_bare_store(smoke_results):
    """Issue 26's rows: uploads of a new suggestion with a photo through the API beside the bare view that
    only stores the bytes, every answer a 201; the 12 MP photo's re-encoding time and memory."""
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    for size in ("12 MP", "3 MP"):
        row = rows[f"photo uploads, {size} (new suggestion with a photo)"]
        assert row["ours"] > 0
        assert row["anchors"]["bare: store the bytes"] > 0
        assert row["bytes"] > 1_000_000
        assert "non-201: API 0, bare 0" in row["notes"], row["notes"]
        assert "peak RSS" in row["notes"]
    assert rows["12 MP phone photo re-encoded"]["ours"] > 0
    assert rows["12 MP phone photo re-encoding memory"]["ours"] > 0


def test_smoke_imports_a_context_layer_beside_ogr2ogr(smoke_results):
    """Issue 23's import row: the generated GeoPackage imported through layer_import, every feature arrived,
    measured beside ogr2ogr's own import of the same file."""
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    row = rows["context-layer import: 2,000-point GeoPackage vs ogr2ogr"]
    assert row["ours"] > 0
    assert row["anchors"]["ogr2ogr -f PostgreSQL s"] > 0
    assert row["bytes"] > 0
    assert "2,000 of 2,000 features taken, 2,000 stored" in row["notes"]


def test_smoke_measures_context_layer_tiles_beside_their_floor(smoke_results):
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    for group in ("z8-13", "z14-18"):
        row = rows[f"context-layer tiles {group}"]
        assert row["anchors"]["floor p95"] > 0
        assert row["ours"] > 0
        assert "Bench facilities" in row["notes"]
    assert rows["context-layer tiles z8-18 size"]["bytes"] > 0
    assert rows["context-layer tiles cached vs uncached"]["anchors"]["ours uncached p95"] > 0


def test_smoke_measures_the_coverage_analysis_against_its_floors(smoke_results):
    """Issue 23's rows: the rebuild beside its measuring SELECT and the KNN alone, the map's reads while it
    runs, and the kept per-district figures, which must equal those computed from the suggestions."""
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    rebuild = next(row for name, row in rows.items() if name.startswith("coverage analysis rebuild, 3,000"))
    assert "300 facilities" in rebuild["scenario"]
    assert rebuild["anchors"]["floor: the rebuild's measuring SELECT s"] > 0
    assert rebuild["anchors"]["KNN alone s"] > 0
    during = rows["map reads while the coverage analysis rebuilds"]
    assert during["ours"] > 0
    assert during["anchors"]["idle p95"] > 0
    assert "during:" not in during["notes"]  # no map request failed while the rebuild ran
    served = rows["per-district figures, served vs computed from the suggestions"]
    assert "figures equal to the floor's" in served["notes"]
    assert rows["per-district figures rebuild"]["ours"] > 0


def test_smoke_seeds_the_street_network_and_its_addresses(smoke_results):
    """Issue 24's data: the large project's network in pgRouting's shape, with one-way edges (one cost
    negative), edges closed to bicycles (both negative), every edge named and between two of its vertices,
    and the addresses along its streets."""
    import psycopg

    from benchmarks.run import database_urls

    _django_url, dsn, _admin = database_urls("participation_bench_pytest")
    with psycopg.connect(dsn) as conn:
        edges, oneway, closed, unnamed, dangling, lengths_ok = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE (e.cost < 0) <> (e.reverse_cost < 0)), "
            "count(*) FILTER (WHERE NOT e.bicycle AND e.cost < 0 AND e.reverse_cost < 0), "
            "count(*) FILTER (WHERE e.name = ''), "
            "count(*) FILTER (WHERE NOT EXISTS (SELECT FROM geo_network_vertex AS v WHERE v.id = e.source "
            "  AND v.network_id = e.network_id AND ST_Equals(v.geom, ST_StartPoint(e.geom)))), "
            "bool_and(e.length_m BETWEEN 100 AND 1000 "
            "  AND (NOT e.bicycle OR greatest(e.cost, e.reverse_cost) = e.length_m)) "
            "FROM geo_network_edge AS e JOIN geo_street_network AS n ON n.id = e.network_id "
            "JOIN participation_project AS p ON p.id = n.project_id WHERE p.slug = 'bench-karlsruhe'"
        ).fetchone()
        addresses, streets = conn.execute(
            "SELECT count(*), count(DISTINCT street) FROM bench_address"
        ).fetchone()
        # Within the project's own network: another project's (the demo's) may share the table.
        (route,) = conn.execute(
            "SELECT (SELECT count(*) FROM pgr_dijkstra(format('SELECT id, source, target, cost, reverse_cost "
            "FROM geo_network_edge WHERE network_id = %s', n.id), "
            "(SELECT min(source) FROM geo_network_edge WHERE network_id = n.id), "
            "(SELECT max(target) FROM geo_network_edge WHERE network_id = n.id))) "
            "FROM geo_street_network AS n JOIN participation_project AS p ON p.id = n.project_id "
            "WHERE p.slug = 'bench-karlsruhe'"
        ).fetchone()
        # In the gazetteer as an address import puts them, and every suggestion labelled by the build.
        found, suggestions, with_street = conn.execute(
            "SELECT (SELECT count(*) FROM geo_place WHERE project_id = p.id AND kind = 'address'), "
            "(SELECT count(*) FROM participation_suggestion WHERE project_id = p.id), "
            "(SELECT count(*) FROM geo_suggestion_place WHERE project_id = p.id AND street <> '') "
            "FROM participation_project AS p WHERE p.slug = 'bench-karlsruhe'"
        ).fetchone()
    assert edges == 2_000
    assert 0.05 * edges < oneway < 0.2 * edges
    assert 0 < closed < 0.1 * edges
    assert unnamed == 0
    assert dangling == 0
    assert lengths_ok
    assert addresses == 5_000
    assert streets > 50
    assert route > 10  # across the grid, from one corner's crossing to the other's
    assert found == 5_000
    assert 0 < with_street <= suggestions


def test_smoke_has_the_street_network_rows(smoke_results):
    """Routing (with pgRouting alone beside it, built or not), place search and the nearest-street column:
    a row each, failing as "not built" while their API is missing."""
    out, _stdout = smoke_results
    rows = {row["scenario"]: row for row in json.loads((out / "results.json").read_text())["rows"]}

    route = rows["routing across the city, 2,000 edges"]
    for anchor in ("whole network", "500 m corridor", "1000 m corridor"):
        assert route["anchors"][f"pgr_dijkstra {anchor} p95"] > 0
    search = rows["place search, 5,000 addresses"]
    nearest = rows["nearest-street column in the planner's GeoJSON export (2,000-edge network)"]
    for row in (route, search, nearest):
        if row["metric"] == "not built":
            assert row["passed"] is False
            assert "not on this branch" in row["notes"] or "no `nearest_street`" in row["notes"]
        else:
            assert row["ours"] > 0
