"""The context-layer import scenario of `make bench` (issue 23): a GeoPackage of 100,000 points imported with
`geo.layers.imports.layer_import` into a throwaway layer, against the floor `ogr2ogr -f PostgreSQL PG:…
file.gpkg` into a fresh table of the same database. Target: at most 2 × the floor.

The GeoPackage is written once by ogr2ogr itself from points PostGIS generates (a fixed grid over the demo's
area with a deterministic jitter and a few attributes, as a layer of bicycle parkings has), and kept in
.local/bench/. The two sides take turns, three runs each, and the best run of each counts. The first of our
runs imports into the empty layer, the others replace its features, as an administrator's re-import does.
The layer and the floor's table are removed afterwards.
"""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from benchmarks.core import BenchContext, ResultRow

POINTS = {"full": 100_000, "smoke": 2_000}
RUNS = 3
TARGET = 2.0
CACHE = Path(__file__).resolve().parent.parent / ".local" / "bench"
FLOOR_TABLE = "bench_layer_import_floor"
# What PostGIS generates and ogr2ogr writes into the GeoPackage: points 25 m apart over Karlsruhe's centre,
# moved by up to 10 m by a hash of their number, with a name, a capacity and whether they are covered.
POINTS_SQL = """
SELECT
    i AS ref,
    'Abstellanlage ' || i AS name,
    5 + (i * 7919) % 40 AS capacity,
    CASE WHEN i % 3 = 0 THEN 'yes' ELSE 'no' END AS covered,
    ST_SetSRID(ST_MakePoint(
        8.33 + (i % 400) * 0.00034 + ((hashint4(i) % 1000) / 1000.0) * 0.00014,
        48.98 + (i / 400) * 0.000225 + ((hashint4(i + 1) % 1000) / 1000.0) * 0.00009
    ), 4326) AS geom
FROM generate_series(1, {count}) AS i
"""
# The import's statements by their file, to say where the time went (the COPY, streamed while ogr2ogr
# converts, is the rest).
PHASES = {
    "context_layer_take_valid": "insert",
    "context_layer_replace": "insert",
    "context_layer_index": "indexes",
    "context_layer_swap": "swap",
}


def pg_conninfo(dsn: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    return " ".join(f"{k}={info[k]}" for k in ("host", "port", "dbname", "user", "password") if k in info)


def geopackage(ctx: BenchContext, count: int) -> Path:
    """The GeoPackage of `count` points, written once by ogr2ogr from PostGIS and kept."""
    path = CACHE / f"layer-import-{count}.gpkg"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.gpkg")
    partial.unlink(missing_ok=True)
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GPKG",
            str(partial),
            f"PG:{pg_conninfo(ctx.dsn)}",
            "-sql",
            POINTS_SQL.format(count=int(count)),
            "-nln",
            "parking",
            "-nlt",
            "POINT",
        ],
        check=True,
        capture_output=True,
    )
    partial.rename(path)
    return path


def floor_run(ctx: BenchContext, source: Path) -> float:
    """ogr2ogr into a fresh table (its defaults: COPY, then one GiST index), dropped afterwards."""
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(FLOOR_TABLE)))
    began = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", f"PG:{pg_conninfo(ctx.dsn)}", str(source), "-nln", FLOOR_TABLE],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - began
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(FLOOR_TABLE)))
    return seconds


def our_run(layer, source: Path) -> tuple[float, dict[str, float], object]:
    """One layer_import, its wall time and the time of its statements by phase."""
    from django.db import connection

    from geo.layers.imports import layer_import
    from geo.sql import SQL

    names = {SQL.load(name): phase for name, phase in PHASES.items()}
    phases: dict[str, float] = {}

    def timed(execute: Callable, statement: str, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            phase = names.get(statement)
            if phase:
                phases[phase] = phases.get(phase, 0.0) + time.perf_counter() - began

    began = time.perf_counter()
    with connection.execute_wrapper(timed):
        report = layer_import(layer=layer, source=source, actor="make bench", source_name=source.name)
    seconds = time.perf_counter() - began
    phases["conversion + COPY (streamed)"] = seconds - sum(phases.values())
    return seconds, phases, report


def run(ctx: BenchContext) -> list[ResultRow]:
    from django.db import connection

    from geo.layers.models import ContextLayer
    from participation.models import Project

    count = POINTS[ctx.scale]
    source = geopackage(ctx, count)
    project = Project.objects.get(slug=ctx.demo_project_slug)
    layer = ContextLayer.objects.create(
        project=project, name=f"bench import {time.time_ns()}", role="reference", public=False
    )
    floors: list[float] = []
    ours: list[tuple[float, dict[str, float], object]] = []
    try:
        for _run in range(RUNS):
            floors.append(floor_run(ctx, source))
            ours.append(our_run(layer, source))
        stored = layer.features.count()
    finally:
        # The layer's partition first (geo/sql/context_layer_partitions.sql names it), then the layer.
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(f"geo_context_feature_l{layer.pk}"))
            )
        layer.delete()
    seconds, phases, report = min(ours, key=lambda run: run[0])
    floor = min(floors)
    ratio = seconds / floor if floor > 0 else None
    exact = report.taken_total == count and report.read == count and stored == count
    phase_note = ", ".join(f"{name} {value:.2f} s" for name, value in phases.items())
    return [
        ResultRow(
            scenario=f"context-layer import: {count:,}-point GeoPackage vs ogr2ogr",
            metric="import s (best of 3)",
            ours=seconds,
            anchors={"ogr2ogr -f PostgreSQL s": floor},
            ratio=ratio,
            bytes=source.stat().st_size,
            target=f"<= {TARGET:g} x ogr2ogr",
            passed=bool(exact and ratio is not None and ratio <= TARGET),
            notes=(
                f"runs ours {', '.join(f'{s:.2f}' for s, _p, _r in ours)} s, ogr2ogr "
                f"{', '.join(f'{s:.2f}' for s in floors)} s (interleaved); best run: {phase_note}; "
                f"{report.taken_total:,} of {report.read:,} features taken, {stored:,} stored"
                + ("" if exact else " — NOT ALL FEATURES ARRIVED")
            ),
        )
    ]
