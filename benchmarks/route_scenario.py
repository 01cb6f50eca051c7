"""`make bench`: routing a bike path across the city (issue 24).

The large project's street network is the synthetic city of benchmarks/network_seed.py (200,000 edges at
the full scale). Each request routes between two points 3-8 km apart (a tap near a crossing on each side of
the city, drawn with a seeded RNG, each pair used once, so no answer comes from a cache):
`GET /api/v1/projects/<slug>/route/?points=lon,lat;lon,lat`.

- ours: the route API at `clients` clients;
- floor: the statements the route view runs for the same pairs (captured in-process, benchmarks/replay.py),
  straight in PostgreSQL from as many threads, taking turns with ours slice by slice;
- beside them, pgRouting alone (benchmarks/sql/route_pgr.sql: the nearest crossings, pgr_dijkstra, the line)
  over the whole network and over the edges in a corridor around the two points, so the row says what the
  target leaves for the view whatever it does.

Until the route API is on this branch the row is "not built" (it fails) and still carries the pgRouting
figures.
"""

import math
import random
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import psycopg

from benchmarks import network_seed
from benchmarks.core import BenchContext, LoadResult, Request, ResultRow, finite, interleaved, ratio, run_load
from benchmarks.read_scenarios import ThreadConnections, project_info
from benchmarks.replay import capture, replay, url_exists, warm_floor
from benchmarks.sql import SQL

SLICE = 40
MIN_M, MAX_M = 3000.0, 8000.0
# A tap lands up to this far from a crossing.
TAP_M = 25.0
CORRIDOR_M = (500.0, 1000.0)
TARGET_FACTOR, TARGET_MS = 1.5, 100.0
# Run once on each floor connection before it is timed: the app's connections live on (CONN_MAX_AGE), so
# pgRouting's library is loaded in their backends already.
WARM = (
    "SELECT count(*) FROM pgr_dijkstra('SELECT 1::bigint AS id, 1::bigint AS source, 2::bigint AS target, "
    "1::float8 AS cost, 1::float8 AS reverse_cost', 1, 2)"
)


@dataclass(frozen=True)
class Sizes:
    routes: int  # distinct pairs, each requested once per side
    reference: int  # pairs for each pgRouting-alone figure


SIZES = {"full": Sizes(routes=320, reference=96), "smoke": Sizes(routes=16, reference=8)}

Pair = tuple[float, float, float, float]


def log(message: str) -> None:
    print(message, flush=True)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    coslat = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * 111320 * coslat, (a[1] - b[1]) * 111320)


def pgr_params(network_id: int, pair: Pair, corridor_m: float | None) -> dict:
    return {
        "network_id": network_id,
        "from_lon": pair[0],
        "from_lat": pair[1],
        "to_lon": pair[2],
        "to_lat": pair[3],
        "corridor_m": corridor_m,
    }


def tap(crossing: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    """Where a finger lands near a crossing: up to TAP_M metres off either way."""
    lon, lat = crossing
    return (
        round(lon + rng.uniform(-TAP_M, TAP_M) / (111320 * math.cos(math.radians(lat))), 6),
        round(lat + rng.uniform(-TAP_M, TAP_M) / 111320, 6),
    )


def route_pairs(dsn: str, network_id: int, count: int, seed: int) -> list[Pair]:
    """`count` pairs of taps 3-8 km apart, each near a crossing, with a bicycle route between them
    (checked with pgRouting in a 1 km corridor)."""
    rng = random.Random(seed)
    with psycopg.connect(dsn) as conn:
        crossings = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM geo_network_vertex WHERE network_id = %s ORDER BY id",
            (network_id,),
        ).fetchall()
        pairs: list[Pair] = []
        for _ in range(count * 20):
            if len(pairs) == count:
                break
            a, b = rng.sample(crossings, 2)
            if not MIN_M <= metres(a, b) <= MAX_M:
                continue
            pair = (*tap(a, rng), *tap(b, rng))
            edges = conn.execute(SQL.load("route_pgr"), pgr_params(network_id, pair, 1000.0)).fetchone()[0]
            if edges:
                pairs.append(pair)
    return pairs


def route_path(slug: str, pair: Pair) -> str:
    points = f"{pair[0]},{pair[1]};{pair[2]},{pair[3]}"
    return f"/api/v1/projects/{slug}/route/?points={quote(points, safe=',;.-')}"


def pgr_alone(
    dsn: str, network_id: int, pairs: list[Pair], corridor_m: float | None, clients: int
) -> LoadResult:
    """pgRouting alone (route_pgr.sql) for each pair, `clients` at a time."""
    query = SQL.load("route_pgr")

    def jobs_for(pool: ThreadConnections):
        def job_for(pair: Pair):
            def job() -> int:
                row = pool.conn.execute(query, pgr_params(network_id, pair, corridor_m)).fetchone()
                return len(row[2] or "")

            return job

        return [job_for(pair) for pair in pairs]

    return warm_floor(dsn, jobs_for, clients, WARM)


def run(ctx: BenchContext) -> list[ResultRow]:
    sizes = SIZES[ctx.scale]
    big = project_info(ctx.dsn, ctx.project_slug)
    seeded = network_seed.ensure(ctx.dsn, big.id, ctx.scale, log)
    pairs = route_pairs(ctx.dsn, seeded.network_id, sizes.routes, ctx.seed + 24)
    scenario = f"routing across the city, {seeded.edges:,} edges"
    target = f"p95 <= {TARGET_FACTOR:g} x floor and <= {TARGET_MS:g} ms, none failed"

    # pgRouting alone: the whole network, then corridors (an untimed pass first warms the cache).
    reference = pairs[: sizes.reference]
    pgr_alone(ctx.dsn, seeded.network_id, reference, None, ctx.clients)
    alone = {
        f"pgr_dijkstra {'whole network' if corridor is None else f'{corridor:g} m corridor'} p95": pgr_alone(
            ctx.dsn, seeded.network_id, reference, corridor, ctx.clients
        )
        for corridor in (None, *CORRIDOR_M)
    }
    anchors = {name: result.p95 for name, result in alone.items()}
    alone_note = ", ".join(f"{name[:-4]} p50 {result.p50:.0f} ms" for name, result in alone.items())
    log("  routing, pgRouting alone: " + ", ".join(f"{n} {v:.0f} ms" for n, v in anchors.items()))
    common_note = (
        f"{len(pairs)} pairs 3-8 km apart (distinct, so none cached); pgRouting alone over {len(reference)} "
        f"pairs at {ctx.clients} clients: {alone_note}"
    )

    path = route_path(ctx.project_slug, pairs[0])
    if not url_exists(path):
        return [
            ResultRow(
                scenario=scenario,
                metric="not built",
                ours=None,
                anchors=anchors,
                ratio=None,
                bytes=None,
                target=target,
                passed=False,
                notes=f"the route API ({path.split('?')[0]}) is not on this branch; {common_note}",
            )
        ]

    # The view's statements per pair (in-process, nothing cached), then ours and the floor taking turns.
    host = urlsplit(ctx.base_url).netloc
    captured = [capture(route_path(ctx.project_slug, pair), host) for pair in pairs]
    refused = [c.status for c in captured if c.status != 200]
    work = [i for i, c in enumerate(captured) if c.status == 200]

    def ours_side(part: list[int]) -> LoadResult:
        return run_load(
            ctx.base_url, [Request(route_path(ctx.project_slug, pairs[i])) for i in part], clients=ctx.clients
        )

    def floor_side(part: list[int]) -> LoadResult:
        return replay(ctx.dsn, [captured[i].statements for i in part], ctx.clients, WARM)

    results = interleaved({"ours": ours_side, "floor": floor_side}, work, rounds=max(1, len(work) // SLICE))
    ours, floor = results["ours"], results["floor"]
    statements = sum(len(captured[i].statements) for i in work) / max(1, len(work))
    r = ratio(ours.p95, floor.p95)
    passed = (
        bool(work)
        and not refused
        and not ours.failed
        and not floor.failed
        and r is not None
        and r <= TARGET_FACTOR
        and ours.p95 <= TARGET_MS
    )
    notes = [
        common_note,
        f"floor: the route view's {statements:.1f} statements per request replayed",
        f"ours p50 {ours.p50:.1f} ms, floor p50 {floor.p50:.1f} ms",
    ]
    if refused:
        notes.append(f"{len(refused)} pairs the API refused in-process (statuses {sorted(set(refused))})")
    if ours.failed:
        notes.append(f"ours: {ours.status_note()}")
    return [
        ResultRow(
            scenario=scenario,
            metric=f"p95 ms, {ctx.clients} clients",
            ours=finite(ours.p95),
            ours_p50=finite(ours.p50),
            anchors={"floor: the view's SQL p95": floor.p95, **anchors},
            ratio=r,
            bytes=ours.max_bytes,
            target=target,
            passed=passed,
            notes="; ".join(notes),
        )
    ]
