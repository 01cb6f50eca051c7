"""`make bench`: a context layer's vector tiles, with the targets of the suggestion tiles (issue 23).

The layer is "Bench facilities" of the large project (100,000 points at full scale), which the benchmark's
seed makes; when the database has no such layer (an older seed), this module adds it itself, idempotently
(benchmarks/sql/layer_tile_seed.sql), and says so in the rows' notes.

Measured as the suggestion tiles are (read_scenarios.tile_scenario): tiles over the places where the layer's
features are, zooms 8-18; an untimed pass first, then the layer's tile cache emptied, then slice by slice the
tiles built (uncached), the same SQL straight in PostgreSQL (the floor: geo/sql/context_tile_mvt.sql with the
view's parameters, through psycopg from as many threads as clients), and the same tiles again (cached).
"""

import random
from collections.abc import Callable

import psycopg

from benchmarks.core import (
    BenchContext,
    LoadResult,
    Request,
    ResultRow,
    finite,
    interleaved,
    percentile,
    ratio,
    run_load,
)
from benchmarks.read_scenarios import KB, TILE_SLICE, TILE_ZOOMS, ThreadConnections, run_floor, tile_of

LAYER_NAME = "Bench facilities"
POINTS = {"full": 100_000, "smoke": 3_000}
TILES_PER_ZOOM = {"full": 40, "smoke": 2}
CACHED_PASSES = 3
SEED_INT = 4243


def layer_get(dsn: str, slug: str, scale: str) -> tuple[int, int, str]:
    """The layer's id, its number of features and a note: whether the seed made it or this module did."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        project_id = conn.execute("SELECT id FROM participation_project WHERE slug = %s", (slug,)).fetchone()[
            0
        ]
        find = (
            "SELECT id FROM geo_context_layer WHERE project_id = %s "
            "AND %s IN (name, coalesce(name_de, ''), coalesce(name_en, ''))"
        )
        row = conn.execute(find, (project_id, LAYER_NAME)).fetchone()
        note = f"layer {LAYER_NAME!r} of the benchmark's seed"
        if row is None:
            from benchmarks.sql import SQL

            params = {"project_id": project_id, "points": POINTS[scale], "seed_int": SEED_INT}
            conn.execute(SQL.load("layer_tile_seed"), params)
            conn.execute("ANALYZE geo_context_feature")
            row = conn.execute(find, (project_id, LAYER_NAME)).fetchone()
            note = f"layer {LAYER_NAME!r} seeded by this scenario (no benchmarks/sql/seed_layers.sql layer)"
        layer_id = row[0]
        # A layer seeded by plain SQL has no tile generation row, and without one no tile is cached.
        conn.execute(
            "INSERT INTO geo_context_tile_generation (layer_id, generation) VALUES (%s, 0) "
            "ON CONFLICT DO NOTHING",
            (layer_id,),
        )
        count = conn.execute(
            "SELECT count(*) FROM geo_context_feature WHERE layer_id = %s", (layer_id,)
        ).fetchone()[0]
    return layer_id, count, note


def tile_list(dsn: str, layer_id: int, per_zoom: int, seed: int) -> dict[int, list[tuple[int, int]]]:
    """Per zoom, `per_zoom` distinct tiles around features of the layer drawn with a seeded RNG."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM geo_context_feature WHERE layer_id = %s ORDER BY id",
            (layer_id,),
        ).fetchall()
    rng = random.Random(seed)
    places = rng.sample(rows, min(len(rows), 400))
    tiles = {}
    for zoom in TILE_ZOOMS:
        seen: list[tuple[int, int]] = []
        for lon, lat in places:
            tile = tile_of(lon, lat, zoom)
            if tile not in seen:
                seen.append(tile)
            if len(seen) >= per_zoom:
                break
        tiles[zoom] = seen
    return tiles


def floor_job(pool: ThreadConnections, layer_id: int, z: int, x: int, y: int) -> Callable[[], int]:
    """What the view runs to build one tile (context_tile_mvt.sql with its parameters), through psycopg."""
    from geo.core.grid import TileAddress
    from geo.sql import SQL
    from geo.tiles.selectors import layer_tile_params

    query = SQL.load("context_tile_mvt")
    params = layer_tile_params(layer_id=layer_id, tile=TileAddress(z, x, y))

    def job() -> int:
        return len(pool.conn.execute(query, params).fetchone()[2])

    return job


def run(ctx: BenchContext) -> list[ResultRow]:
    layer_id, features, seed_note = layer_get(ctx.dsn, ctx.project_slug, ctx.scale)
    tiles = tile_list(ctx.dsn, layer_id, TILES_PER_ZOOM[ctx.scale], ctx.seed + 23)
    path = f"/tiles/{ctx.project_slug}/layers/{layer_id}/{{z}}/{{x}}/{{y}}.pbf"
    groups = {"z8-13": [z for z in TILE_ZOOMS if z <= 13], "z14-18": [z for z in TILE_ZOOMS if z >= 14]}
    uncached: dict[str, LoadResult] = {}
    cached: dict[str, LoadResult] = {}
    floor: dict[str, LoadResult] = {}
    for name, zooms in groups.items():
        work = [(z, x, y) for z in zooms for x, y in tiles[z]]
        reqs = [Request(path.format(z=z, x=x, y=y)) for z, x, y in work]
        # One untimed pass (plans, buffers, connections), then the layer's cached tiles go.
        run_load(ctx.base_url, reqs, clients=ctx.clients)
        with psycopg.connect(ctx.dsn, autocommit=True) as conn:
            conn.execute("DELETE FROM geo_context_tile_cache WHERE layer_id = %s", (layer_id,))

        def ours(part, passes=1):
            return run_load(
                ctx.base_url,
                [Request(path.format(z=z, x=x, y=y)) for z, x, y in part] * passes,
                clients=ctx.clients,
            )

        def straight(part):
            return run_floor(ctx.dsn, lambda pool: [floor_job(pool, layer_id, *t) for t in part], ctx.clients)

        measured = interleaved(
            {"uncached": ours, "floor": straight, "cached": lambda part: ours(part, CACHED_PASSES)},
            work,
            rounds=max(1, len(work) // TILE_SLICE),
        )
        uncached[name], floor[name], cached[name] = (
            measured["uncached"],
            measured["floor"],
            measured["cached"],
        )

    notes_common = f"{features:,} features; {seed_note}"
    rows = []
    for name in groups:
        ours_r, floor_r = uncached[name], floor[name]
        allowed = max(1.5 * floor_r.p95, floor_r.p95 + 5)
        failed = f"; ours: {ours_r.status_note()}" if ours_r.failed else ""
        rows.append(
            ResultRow(
                scenario=f"context-layer tiles {name}",
                metric="p95 ms, 8 clients, uncached",
                ours=finite(ours_r.p95),
                ours_p50=finite(ours_r.p50),
                anchors={"floor p95": floor_r.p95},
                ratio=ratio(ours_r.p95, floor_r.p95),
                bytes=ours_r.max_bytes,
                target="p95 <= max(1.5 x floor, floor + 5 ms)",
                passed=not ours_r.failed and ours_r.count > 0 and ours_r.p95 <= allowed,
                notes=f"{ours_r.count} tiles; floor p50 {floor_r.p50:.1f} ms; {notes_common}{failed}",
            )
        )
    biggest = max(r.max_bytes for r in uncached.values())
    rows.append(
        ResultRow(
            scenario="context-layer tiles z8-18 size",
            metric="largest tile, bytes",
            ours=float(biggest),
            anchors={"floor largest tile bytes": float(max(r.max_bytes for r in floor.values()))},
            ratio=None,
            bytes=biggest,
            target="no tile over 500 KB",
            passed=0 < biggest <= 500 * KB,
            notes=notes_common,
        )
    )
    unc = [lat for r in uncached.values() for lat in r.latencies_ms]
    cac = [lat for r in cached.values() for lat in r.latencies_ms]
    unc_p95, cac_p95 = percentile(unc, 95), percentile(cac, 95)
    rows.append(
        ResultRow(
            scenario="context-layer tiles cached vs uncached",
            metric="p95 ms, 8 clients",
            ours=finite(cac_p95),
            ours_p50=finite(percentile(cac, 50)),
            anchors={"ours uncached p95": unc_p95},
            ratio=ratio(cac_p95, unc_p95),
            bytes=None,
            target="cached p95 <= 0.2 x uncached p95",
            passed=(r := ratio(cac_p95, unc_p95)) is not None and r <= 0.2,
            notes=f"the layer's tile cache emptied before the uncached pass; slices of {TILE_SLICE} tiles: "
            f"built, then {CACHED_PASSES} hits each",
        )
    )
    return rows
