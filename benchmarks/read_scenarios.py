"""The read scenarios of `make bench`: map viewports, vector tiles, OGC API pages and the exports.

Each scenario measures our server and its anchors in the same run with the same client (benchmarks/core.py):
the floor (the same SQL file through psycopg, 8 threads with their own connections), the naive DRF-gis view,
tipg, ogr2ogr and the raw COPY. Targets are those of issue 9, never loosened here.
"""

import http.client
import json
import math
import random
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings

from benchmarks.core import (
    BenchContext,
    LoadResult,
    Request,
    ResultRow,
    finite,
    interleaved,
    ratio,
    run_callables,
    run_load,
)

WORLD = 20037508.342789244
SCREEN = (1920, 1080)
MAP_ZOOMS = (11, 13, 15, 17)
TILE_ZOOMS = tuple(range(8, 19))
TIPG_COLLECTION = "public.bench_published_suggestions"
KB = 1000
# Our side and its floor take turns in slices of this many requests (see core.interleaved).
SLICE = 40
# Uncached tiles and then the same tiles cached are measured in slices of this many tiles, and the cached ones
# this often: a cache hit takes ~5 ms, and the p95 of one pass over ~240 hits (0.2 s) is a few slow requests.
TILE_SLICE = 40
CACHED_PASSES = 3
# The naive anchor takes seconds per request at low zoom: a few samples, within this wall time per case.
NAIVE_SECONDS = 40


@dataclass(frozen=True)
class Sizes:
    viewports: int  # distinct viewports per zoom
    map_requests: int  # requests per zoom and side
    naive_requests: int
    tiles_per_zoom: int
    ogc_requests: int
    export_repeats: int


SIZES = {
    "full": Sizes(
        viewports=64,
        # A stall of the machine (a checkpoint, a GC pause) slows the ~8 requests in flight: two stalls move
        # the p95 of 320 requests, it takes six to move that of 960.
        map_requests=960,
        naive_requests=8,
        tiles_per_zoom=40,
        ogc_requests=48,
        export_repeats=3,
    ),
    "smoke": Sizes(
        viewports=4, map_requests=16, naive_requests=1, tiles_per_zoom=2, ogc_requests=4, export_repeats=1
    ),
}


# ------------------------------------------------------------------------------------------- geometry
def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    x = lon * WORLD / 180
    y = math.log(math.tan((90 + lat) * math.pi / 360)) * WORLD / math.pi
    return x, y


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon = x / WORLD * 180
    lat = math.degrees(2 * math.atan(math.exp(y / WORLD * math.pi)) - math.pi / 2)
    return lon, lat


def viewport_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """The WGS84 bbox a 1920 x 1080 px screen shows around (lon, lat) at `zoom` (256-px tiles)."""
    metres_per_px = 2 * WORLD / (256 * 2**zoom)
    x, y = lonlat_to_mercator(lon, lat)
    half_w, half_h = SCREEN[0] / 2 * metres_per_px, SCREEN[1] / 2 * metres_per_px
    minlon, minlat = mercator_to_lonlat(x - half_w, y - half_h)
    maxlon, maxlat = mercator_to_lonlat(x + half_w, y + half_h)
    return round(minlon, 6), round(minlat, 6), round(maxlon, 6), round(maxlat, 6)


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    x, y = lonlat_to_mercator(lon, lat)
    n = 2**zoom
    return int((x + WORLD) / (2 * WORLD) * n), int((WORLD - y) / (2 * WORLD) * n)


# ------------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Project:
    id: int
    slug: str
    category_ids: tuple[int, ...]
    point_category_ids: tuple[int, ...]
    category_labels: str  # JSON, as geo/ogcapi/selectors.py builds it for the points collection


def project_info(dsn: str, slug: str) -> Project:
    with psycopg.connect(dsn) as conn:
        project_id = conn.execute("SELECT id FROM participation_project WHERE slug = %s", (slug,)).fetchone()[
            0
        ]
        rows = conn.execute(
            "SELECT id, key, label, geometry_kind FROM participation_category WHERE project_id = %s "
            "ORDER BY position, key",
            (project_id,),
        ).fetchall()
    points = [r for r in rows if r[3] == "point"]
    return Project(
        id=project_id,
        slug=slug,
        category_ids=tuple(r[0] for r in rows),
        point_category_ids=tuple(r[0] for r in points),
        category_labels=json.dumps({str(r[0]): {"key": r[1], "label": r[2]} for r in points}),
    )


def sample_places(dsn: str, project_id: int, count: int, seed: int) -> list[tuple[float, float]]:
    """`count` places where suggestions are, drawn with a seeded RNG: ids picked uniformly, so the places
    follow the data's own density (its hotspots)."""
    rng = random.Random(seed)
    with psycopg.connect(dsn) as conn:
        low, high = conn.execute(
            "SELECT min(id), max(id) FROM participation_suggestion WHERE project_id = %s", (project_id,)
        ).fetchone()
        ids = sorted({rng.randint(low, high) for _ in range(count * 2)})
        rows = conn.execute(
            "SELECT id, ST_X(geo_suggestion_anchor(geom)), ST_Y(geo_suggestion_anchor(geom)) "
            "FROM participation_suggestion WHERE id = ANY(%s) ORDER BY id",
            (ids,),
        ).fetchall()
    places = [(r[1], r[2]) for r in rows]
    rng.shuffle(places)
    return places[:count]


def repeat_to(items: list, count: int, seed: int) -> list:
    """`count` items cycling through `items` in a seeded order."""
    rng = random.Random(seed)
    out = []
    while len(out) < count and items:
        batch = list(items)
        rng.shuffle(batch)
        out.extend(batch)
    return out[:count]


# ------------------------------------------------------------------------------------------- floor
class ThreadConnections:
    """One psycopg connection per thread, as 8 app threads would each hold one."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.local = threading.local()
        self.all: list[psycopg.Connection] = []
        self.lock = threading.Lock()

    def setup(self) -> None:
        conn = psycopg.connect(self.dsn, autocommit=True)
        self.local.conn = conn
        with self.lock:
            self.all.append(conn)

    @property
    def conn(self) -> psycopg.Connection:
        return self.local.conn

    def close(self) -> None:
        for conn in self.all:
            conn.close()


def _sql(name: str) -> str:
    from geo.sql import SQL

    return SQL.load(name)


def floor_map_job(pool: ThreadConnections, project: Project, bbox, zoom: int) -> Callable[[], int]:
    """What geo.selectors.map_viewport runs for an unfiltered viewport, through psycopg: the cells, then
    the features when the cells hold few enough (or from zoom 17 on), the coarser grid when truncated."""
    from geo.selectors import (
        FEATURE_THRESHOLD,
        FEATURES_FROM_ZOOM,
        MAX_CLUSTER_CELLS,
        MAX_FEATURE_BYTES,
        MAX_FEATURES,
    )

    box = dict(zip(("minlon", "minlat", "maxlon", "maxlat"), bbox, strict=True))

    def job() -> int:
        conn = pool.conn
        if zoom < FEATURES_FROM_ZOOM:
            params = {
                **box,
                "project_id": project.id,
                "category_ids": None,
                "zoom": zoom,
                "max_cells": MAX_CLUSTER_CELLS,
                "max_bytes": MAX_FEATURE_BYTES,
            }
            total, _returned, truncated, text = conn.execute(_sql("map_clusters"), params).fetchone()
            if total > FEATURE_THRESHOLD:
                if truncated and zoom > 0:
                    params["zoom"] = zoom - 1
                    total, _returned, truncated, text = conn.execute(_sql("map_clusters"), params).fetchone()
                return len(text.encode())
        params = {
            **box,
            "project_id": project.id,
            "category_ids": None,
            "statuses": None,
            "max_features": MAX_FEATURES,
            "max_bytes": MAX_FEATURE_BYTES,
        }
        _returned, _truncated, text = conn.execute(_sql("map_features"), params).fetchone()
        return len(text.encode())

    return job


def floor_ogc_job(
    pool: ThreadConnections, project: Project, after: int, limit: int, crs: str | None = None
) -> Callable[[], int]:
    """The items page's one query through psycopg; `crs` the URI of the output CRS (geo/ogcapi/crs.py; CRS84
    without it), as `?crs=` asks for it."""
    from geo.ogcapi.crs import DEFAULT, geometry_params, parse_crs
    from geo.photo_links import photo_url_params

    params = {
        **geometry_params(DEFAULT if crs is None else parse_crs(crs, parameter="crs")),
        "bbox_srid": 4326,
        "bbox_step": 1000.0,
        "project_id": project.id,
        "category_ids": list(project.point_category_ids),
        "category_labels": project.category_labels,
        "after": after,
        "feature_id": None,
        "limit": limit,
        "has_bbox": False,
        "minlon": None,
        "minlat": None,
        "maxlon": None,
        "maxlat": None,
        "created_from": None,
        "created_before": None,
        "time_zone": settings.TIME_ZONE,
        **photo_url_params(),  # the photo links' pieces (issue 26)
    }

    from geo.ogcapi.selectors import items_query

    query = items_query()

    def job() -> int:
        row = pool.conn.execute(query, params).fetchone()
        return len(str(row[-1]).encode())

    return job


def run_floor(
    dsn: str, jobs_for: Callable[[ThreadConnections], list[Callable[[], int]]], clients: int
) -> LoadResult:
    pool = ThreadConnections(dsn)
    try:
        return run_callables(jobs_for(pool), clients=clients, setup=pool.setup)
    finally:
        pool.close()


# ------------------------------------------------------------------------------------------- helpers
def _get(
    base_url: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", parts.path.rstrip("/") + path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def fmt_ms(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.1f} ms"


def check_ok(result: LoadResult, what: str) -> str:
    """A note when some requests failed: a figure over failed requests is not a figure."""
    return "" if not result.failed else f"{what}: {result.status_note()}"


# ------------------------------------------------------------------------------------------- map
def map_scenario(ctx: BenchContext, sizes: Sizes, big: Project, small: Project) -> list[ResultRow]:
    rows = []
    places = sample_places(ctx.dsn, big.id, sizes.viewports * len(MAP_ZOOMS), ctx.seed)
    for index, zoom in enumerate(MAP_ZOOMS):
        chunk = places[index * sizes.viewports : (index + 1) * sizes.viewports]
        bboxes = repeat_to(
            [viewport_bbox(lon, lat, zoom) for lon, lat in chunk], sizes.map_requests, ctx.seed + zoom
        )

        def ours_side(slug: str, z: int = zoom) -> Callable[[list], LoadResult]:
            def side(boxes: list) -> LoadResult:
                reqs = [
                    Request(
                        f"/api/v1/projects/{slug}/map/?"
                        + urlencode({"bbox": ",".join(map(str, b)), "zoom": z})
                    )
                    for b in boxes
                ]
                return run_load(ctx.base_url, reqs, clients=ctx.clients)

            return side

        def floor_side(boxes: list, z: int = zoom) -> LoadResult:
            return run_floor(
                ctx.dsn, lambda pool: [floor_map_job(pool, big, b, z) for b in boxes], ctx.clients
            )

        measured = interleaved(
            {"ours": ours_side(big.slug), "small": ours_side(small.slug), "floor": floor_side},
            bboxes,
            rounds=max(1, len(bboxes) // SLICE),
        )
        ours, ours_small, floor = measured["ours"], measured["small"], measured["floor"]
        naive_reqs = [
            Request(
                f"/bench/naive/{big.slug}/suggestions?"
                + urlencode({"bbox": ",".join(map(str, b)), "limit": 5000})
            )
            for b in bboxes[: sizes.naive_requests]
        ]
        naive = run_load(ctx.base_url, naive_reqs, clients=min(ctx.clients, 4), max_seconds=NAIVE_SECONDS)
        allowed = max(1.5 * floor.p95, floor.p95 + 5)
        notes = "; ".join(
            n
            for n in (
                f"{ours.count} requests over {len(set(bboxes))} viewports of 1920x1080 px",
                f"floor p50 {fmt_ms(floor.p50)}",
                f"naive = DRF-gis first page of <= 5,000 features (n={naive.count})",
                check_ok(ours, "ours"),
                check_ok(ours_small, "ours at 11 k"),
            )
            if n
        )
        rows.append(
            ResultRow(
                scenario=f"map viewport z{zoom}",
                metric="p95 ms, 8 clients",
                ours=finite(ours.p95),
                ours_p50=finite(ours.p50),
                anchors={"floor p95": floor.p95, "naive DRF-gis p95": naive.p95},
                ratio=ratio(ours.p95, floor.p95),
                bytes=ours.max_bytes,
                target="p95 <= max(1.5 x floor, floor + 5 ms); <= 150 KB",
                passed=not ours.failed and ours.p95 <= allowed and ours.max_bytes <= 150 * KB,
                notes=notes,
            )
        )
        rows.append(
            ResultRow(
                scenario=f"map viewport z{zoom}: 1.1 M vs 11 k",
                metric="p95 ms, 8 clients",
                ours=finite(ours.p95),
                ours_p50=finite(ours.p50),
                anchors={"ours at 11 k p95": ours_small.p95},
                ratio=ratio(ours.p95, ours_small.p95),
                bytes=ours_small.max_bytes,
                target="p95 at 1.1 M <= 1.5 x p95 at 11 k",
                passed=not ours.failed
                and not ours_small.failed
                and (r := ratio(ours.p95, ours_small.p95)) is not None
                and r <= 1.5,
                notes=f"11 k p50 {fmt_ms(ours_small.p50)}; bytes = largest answer at 11 k",
            )
        )
    return rows


# ------------------------------------------------------------------------------------------- tiles
def tile_list(ctx: BenchContext, sizes: Sizes, big: Project) -> dict[int, list[tuple[int, int]]]:
    places = sample_places(ctx.dsn, big.id, 400, ctx.seed + 1)
    tiles = {}
    for zoom in TILE_ZOOMS:
        seen: list[tuple[int, int]] = []
        for lon, lat in places:
            tile = tile_of(lon, lat, zoom)
            if tile not in seen:
                seen.append(tile)
            if len(seen) >= sizes.tiles_per_zoom:
                break
        tiles[zoom] = seen
    return tiles


def forget_cached_tiles(dsn: str, project_id: int) -> str:
    """Empty the project's tile cache, which lives in PostgreSQL (geo_tile_cache), so that the next pass over
    the tiles is uncached even on a re-run."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT geo_tile_cache_forget_projects(ARRAY[%s]::bigint[])", (project_id,))
    return "both servers warmed up on the same tiles first; our tile cache emptied before the uncached pass"


def tile_scenario(ctx: BenchContext, sizes: Sizes, big: Project) -> list[ResultRow]:
    tiles = tile_list(ctx, sizes, big)
    groups = {"z8-13": [z for z in TILE_ZOOMS if z <= 13], "z14-18": [z for z in TILE_ZOOMS if z >= 14]}
    ours_path = "/tiles/{slug}/{z}/{x}/{y}.pbf"
    probe_zoom = 14
    px, py = tiles[probe_zoom][0]
    status, headers, _body = _get(ctx.base_url, ours_path.format(slug=big.slug, z=probe_zoom, x=px, y=py))
    missing = status == 404
    header_note = (
        f"ETag {'yes' if 'etag' in headers else 'no'}, Cache-Control {headers.get('cache-control', 'none')}"
        if not missing
        else "/tiles/<slug>/{z}/{x}/{y}.pbf answers 404 on this branch: missing"
    )
    flush_note = "tiles missing"
    rows = []
    total_tiles = sum(len(v) for v in tiles.values())
    ours_uncached: dict[str, LoadResult] = {}
    ours_cached: dict[str, LoadResult] = {}
    tipg: dict[str, LoadResult] = {}
    for name, zooms in groups.items():
        reqs = [Request(ours_path.format(slug=big.slug, z=z, x=x, y=y)) for z in zooms for x, y in tiles[z]]
        tipg_reqs = [
            Request(f"/collections/{TIPG_COLLECTION}/tiles/WebMercatorQuad/{z}/{x}/{y}")
            for z in zooms
            for x, y in tiles[z]
        ]
        # Both servers get one untimed pass first (fresh worker threads, connections, plans and PostgreSQL's
        # buffers are not what a running service has); then ours starts from an empty tile cache.
        if not missing:
            run_load(ctx.base_url, reqs, clients=ctx.clients)
        if ctx.tipg_url:
            run_load(ctx.tipg_url, tipg_reqs, clients=ctx.clients)
        if not missing:
            flush_note = forget_cached_tiles(ctx.dsn, big.id)
            # Slice by slice: the tiles built (uncached), then the same tiles again (cached), so that both
            # figures of the ratio are measured seconds apart, not a pass apart.
            measured = interleaved(
                {
                    "uncached": lambda part: run_load(ctx.base_url, part, clients=ctx.clients),
                    "cached": lambda part: run_load(ctx.base_url, part * CACHED_PASSES, clients=ctx.clients),
                },
                reqs,
                rounds=max(1, len(reqs) // TILE_SLICE),
            )
            ours_uncached[name], ours_cached[name] = measured["uncached"], measured["cached"]
        if ctx.tipg_url:
            tipg[name] = run_load(ctx.tipg_url, tipg_reqs, clients=ctx.clients)
    for name, factor in (("z8-13", 2.0), ("z14-18", 1.0)):
        ours = ours_uncached.get(name)
        peer = tipg.get(name)
        rows.append(
            ResultRow(
                scenario=f"vector tiles {name} throughput",
                metric="tiles/s, 8 clients, uncached",
                ours=finite(ours.rate) if ours else None,
                ours_p50=finite(ours.p50) if ours else None,
                anchors={"tipg tiles/s": peer.rate} if peer else {},
                ratio=ratio(ours.rate, peer.rate) if ours and peer else None,
                bytes=ours.max_bytes if ours else None,
                target=f"throughput >= {factor:g} x tipg",
                passed=bool(
                    ours and peer and not ours.failed and (r := ratio(ours.rate, peer.rate)) and r >= factor
                ),
                notes="; ".join(
                    n
                    for n in (
                        header_note if missing else "",
                        f"{sum(len(tiles[z]) for z in groups[name])} distinct tiles over the city",
                        f"tipg max {peer.max_bytes / KB:.0f} KB (tipg keeps <= 10,000 features per tile)"
                        if peer
                        else "tipg not running",
                        check_ok(ours, "ours") if ours else "",
                        check_ok(peer, "tipg") if peer else "",
                    )
                    if n
                ),
            )
        )
    biggest = max((r.max_bytes for r in ours_uncached.values()), default=None)
    rows.append(
        ResultRow(
            scenario="vector tiles z8-18 size",
            metric="largest tile, bytes",
            ours=float(biggest) if biggest is not None else None,
            anchors={"tipg largest tile bytes": float(max(r.max_bytes for r in tipg.values()))}
            if tipg
            else {},
            ratio=None,
            bytes=biggest,
            target="no tile over 500 KB",
            passed=biggest is not None and biggest <= 500 * KB,
            notes=header_note if missing else f"{total_tiles} distinct tiles",
        )
    )
    unc = [lat for r in ours_uncached.values() for lat in r.latencies_ms]
    cac = [lat for r in ours_cached.values() for lat in r.latencies_ms]
    from benchmarks.core import percentile

    unc_p95, cac_p95 = percentile(unc, 95), percentile(cac, 95)
    rows.append(
        ResultRow(
            scenario="vector tiles cached vs uncached",
            metric="p95 ms, 8 clients",
            ours=finite(cac_p95),
            ours_p50=finite(percentile(cac, 50)),
            anchors={"ours uncached p95": unc_p95},
            ratio=ratio(cac_p95, unc_p95),
            bytes=None,
            target="cached p95 <= 0.2 x uncached p95",
            passed=bool(not missing and (r := ratio(cac_p95, unc_p95)) is not None and r <= 0.2),
            notes=header_note
            + (
                ""
                if missing
                else f"; {flush_note}; slices of {TILE_SLICE} tiles: built, then {CACHED_PASSES} hits each"
            ),
        )
    )
    return rows


# ------------------------------------------------------------------------------------------- OGC API
def ogc_scenario(ctx: BenchContext, sizes: Sizes, big: Project) -> list[ResultRow]:
    limit = 1000
    with psycopg.connect(ctx.dsn) as conn:
        n_points = conn.execute(
            "SELECT count(*) FROM participation_suggestion WHERE project_id = %s AND moderation_state = "
            "'published' AND category_id = ANY(%s)",
            (big.id, list(big.point_category_ids)),
        ).fetchone()[0]
        depth = max(n_points - limit, 0)
        deep_after = conn.execute(
            "SELECT coalesce(max(id), 0) FROM (SELECT id FROM participation_suggestion WHERE project_id = %s "
            "AND moderation_state = 'published' AND category_id = ANY(%s) ORDER BY id LIMIT %s) AS s",
            (big.id, list(big.point_category_ids), depth),
        ).fetchone()[0]
        n_all = conn.execute("SELECT count(*) FROM bench_published_suggestions").fetchone()[0]
    tipg_deep = max(n_all - limit, 0)
    collection = f"/ogcapi/collections/{big.slug}-points/items"
    pages = {"first": 0, "deep": deep_after}
    sides: dict[str, Callable[[Sequence], LoadResult]] = {}
    for page, after in pages.items():
        path = f"{collection}?limit={limit}" + (f"&after={after}" if after else "")
        request = Request(path, (("Accept", "application/geo+json"),))
        sides[f"ours {page}"] = lambda n, r=request: run_load(ctx.base_url, [r] * len(n), clients=ctx.clients)
        sides[f"floor {page}"] = lambda n, a=after: run_floor(
            ctx.dsn, lambda pool: [floor_ogc_job(pool, big, a, limit)] * len(n), ctx.clients
        )
    # Both pages take turns with their floors, so that the deep-vs-first ratio compares pages read under the
    # same load rather than a minute apart.
    measured = interleaved(sides, range(sizes.ogc_requests), rounds=max(1, sizes.ogc_requests // 8))
    results: dict[str, dict[str, LoadResult]] = {}
    for page in pages:
        res = {"ours": measured[f"ours {page}"], "floor": measured[f"floor {page}"]}
        offset = 0 if page == "first" else tipg_deep
        if ctx.tipg_url:
            res["tipg"] = run_load(
                ctx.tipg_url,
                [Request(f"/collections/{TIPG_COLLECTION}/items?limit={limit}&offset={offset}")]
                * sizes.ogc_requests,
                clients=ctx.clients,
            )
        naive_offset = 0 if page == "first" else tipg_deep
        res["naive"] = run_load(
            ctx.base_url,
            [Request(f"/bench/naive/{big.slug}/suggestions?limit={limit}&offset={naive_offset}")]
            * max(2, sizes.ogc_requests // 4),
            clients=min(ctx.clients, 4),
            max_seconds=NAIVE_SECONDS,
        )
        results[page] = res
    rows = []
    for page, label in (("first", "first page"), ("deep", f"~{depth:,} deep")):
        res = results[page]
        ours, peer = res["ours"], res.get("tipg")
        anchors = {"floor p50": res["floor"].p50, "naive DRF-gis p50": res["naive"].p50}
        if peer:
            anchors["tipg p50"] = peer.p50
        rows.append(
            ResultRow(
                scenario=f"OGC API items, 1,000 per page, {label}",
                metric="p50 ms, 8 clients",
                ours=finite(ours.p50),
                ours_p50=finite(ours.p50),
                anchors=anchors,
                ratio=ratio(ours.p50, peer.p50) if peer else None,
                bytes=ours.max_bytes,
                target=">= 2 x faster than tipg's same page (ratio <= 0.5)",
                passed=bool(peer and not ours.failed and (r := ratio(ours.p50, peer.p50)) and r <= 0.5),
                notes="; ".join(
                    n
                    for n in (
                        f"ours p95 {fmt_ms(ours.p95)}",
                        f"keyset after={pages[page]}" if page == "deep" else "",
                        f"tipg offset={tipg_deep:,} (its view holds points and lines)"
                        if page == "deep" and peer
                        else "",
                        "tipg not running" if not peer else "",
                        "naive = DRF-gis limit/offset with count",
                        check_ok(ours, "ours"),
                        check_ok(peer, "tipg") if peer else "",
                    )
                    if n
                ),
            )
        )
    first, deep = results["first"]["ours"], results["deep"]["ours"]
    rows.append(
        ResultRow(
            scenario="OGC API items, deep vs first page",
            metric="p50 ms, 8 clients",
            ours=finite(deep.p50),
            ours_p50=finite(deep.p50),
            anchors={"ours first page p50": first.p50},
            ratio=ratio(deep.p50, first.p50),
            bytes=deep.max_bytes,
            target="deep p50 <= 1.5 x first-page p50",
            passed=not deep.failed and (r := ratio(deep.p50, first.p50)) is not None and r <= 1.5,
            notes=f"{depth:,} features deep",
        )
    )
    return rows


# ------------------------------------------------------------------------------------------- exports
@dataclass
class Transfer:
    seconds: float
    first_byte: float
    bytes: int
    peak_rss_mb: float | None = None
    status: int = 200


class RssSampler:
    """The largest resident set of any gunicorn worker while it runs (sampled from /proc every 20 ms)."""

    def __init__(self, pids: tuple[int, ...]) -> None:
        self.pids = pids
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                try:
                    with open(f"/proc/{pid}/status", encoding="ascii") as status:
                        for line in status:
                            if line.startswith("VmRSS:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                                break
                except OSError:
                    continue
            self._stop.wait(0.02)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def http_transfer(base_url: str, path: str, token: str, pids: tuple[int, ...]) -> Transfer:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    with RssSampler(pids) as sampler:
        began = time.perf_counter()
        # Exports start with POST (a GET cannot start one, see geo/api/exports.py).
        conn.request("POST", path, headers={"Authorization": f"Token {token}"})
        response = conn.getresponse()
        first = response.read(1)
        first_byte = time.perf_counter() - began
        size = len(first)
        while chunk := response.read(1 << 20):
            size += len(chunk)
        seconds = time.perf_counter() - began
        conn.close()
    return Transfer(seconds, first_byte, size, sampler.peak_kb / 1024, response.status)


def ogr2ogr_transfer(dsn: str) -> Transfer:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    pg = " ".join(f"{k}={info[k]}" for k in ("host", "port", "dbname", "user", "password") if k in info)
    began = time.perf_counter()
    proc = subprocess.Popen(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"PG:{pg}", "bench_export_rows", "-lco", "RFC7946=YES"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    first = proc.stdout.read(1)
    first_byte = time.perf_counter() - began
    size = len(first)
    while chunk := proc.stdout.read(1 << 20):
        size += len(chunk)
    proc.wait()
    return Transfer(
        time.perf_counter() - began, first_byte, size, status=200 if proc.returncode == 0 else 500
    )


def copy_transfer(dsn: str) -> Transfer:
    began = time.perf_counter()
    size, first_byte = 0, None
    with (
        psycopg.connect(dsn) as conn,
        conn.cursor() as cur,
        cur.copy("COPY (SELECT * FROM bench_export_rows) TO STDOUT") as copy,
    ):
        for block in copy:
            if first_byte is None:
                first_byte = time.perf_counter() - began
            size += len(block)
    return Transfer(time.perf_counter() - began, first_byte or 0.0, size)


def best(runs: list[Transfer]) -> Transfer:
    return min(runs, key=lambda t: t.seconds)


def export_scenario(ctx: BenchContext, sizes: Sizes) -> list[ResultRow]:
    query = "?state=published,pending,rejected"
    geojson_path = f"/api/v1/projects/{ctx.project_slug}/exports/geojson{query}"
    csv_path = f"/api/v1/projects/{ctx.project_slug}/exports/csv{query}"
    with psycopg.connect(ctx.dsn) as conn:
        features = conn.execute("SELECT count(*) FROM bench_export_rows").fetchone()[0]
    pids = ctx.gunicorn_pids
    # Ours in GeoJSON and CSV take turns, as do the raw COPY and ogr2ogr, so that each pair compared is
    # measured under the same load.
    geojson_runs, csv_runs, raw_runs, ogr_runs = [], [], [], []
    for _ in range(sizes.export_repeats):
        geojson_runs.append(http_transfer(ctx.base_url, geojson_path, ctx.planner_token, pids))
        csv_runs.append(http_transfer(ctx.base_url, csv_path, ctx.planner_token, pids))
        raw_runs.append(copy_transfer(ctx.dsn))
        ogr_runs.append(ogr2ogr_transfer(ctx.dsn))
    ours, csv, raw, ogr = best(geojson_runs), best(csv_runs), best(raw_runs), best(ogr_runs)
    peak = max((run.peak_rss_mb for run in geojson_runs if run.peak_rss_mb is not None), default=None)
    ok = ours.status == 200
    status_note = "" if ok else f"; ours answered {ours.status}"
    run_note = f"{features:,} features, best of {sizes.export_repeats}"
    return [
        ResultRow(
            scenario="GeoJSON export vs ogr2ogr",
            metric="seconds, 1 client",
            ours=ours.seconds,
            anchors={"ogr2ogr -f GeoJSON s": ogr.seconds},
            ratio=ratio(ours.seconds, ogr.seconds),
            bytes=ours.bytes,
            target="<= 0.5 x ogr2ogr",
            passed=ok and (r := ratio(ours.seconds, ogr.seconds)) is not None and r <= 0.5,
            notes=f"{run_note}; ogr2ogr {ogr.bytes:,} bytes (RFC7946=YES){status_note}",
        ),
        ResultRow(
            scenario="GeoJSON export vs raw COPY",
            metric="seconds, 1 client",
            ours=ours.seconds,
            anchors={"raw COPY s": raw.seconds},
            ratio=ratio(ours.seconds, raw.seconds),
            bytes=ours.bytes,
            target="<= 1.5 x raw COPY",
            passed=ok and (r := ratio(ours.seconds, raw.seconds)) is not None and r <= 1.5,
            notes=f"{run_note}; COPY text {raw.bytes:,} bytes{status_note}",
        ),
        ResultRow(
            scenario="GeoJSON export memory",
            metric="gunicorn worker peak RSS, MB",
            ours=peak,
            anchors={},
            ratio=None,
            bytes=ours.bytes,
            target="< 300 MB",
            passed=ok and peak is not None and 0 < peak < 300,
            notes=f"largest VmRSS of any worker, sampled every 20 ms{status_note}",
        ),
        ResultRow(
            scenario="GeoJSON export first byte",
            metric="seconds to first byte",
            ours=ours.first_byte,
            anchors={"ogr2ogr first byte s": ogr.first_byte, "raw COPY first byte s": raw.first_byte},
            ratio=None,
            bytes=ours.bytes,
            target="< 0.2 s",
            passed=ok and ours.first_byte < 0.2,
            notes=run_note + status_note,
        ),
        ResultRow(
            scenario="CSV export vs our GeoJSON export",
            metric="seconds, 1 client",
            ours=csv.seconds,
            anchors={"our GeoJSON s": ours.seconds},
            ratio=ratio(csv.seconds, ours.seconds),
            bytes=csv.bytes,
            target="<= 1 x our GeoJSON export",
            passed=ok
            and csv.status == 200
            and (r := ratio(csv.seconds, ours.seconds)) is not None
            and r <= 1.0,
            notes=f"{run_note}; first byte {csv.first_byte:.3f} s"
            + ("" if csv.status == 200 else f"; answered {csv.status}"),
        ),
    ]


# ------------------------------------------------------------------------------------------- entry
def run(ctx: BenchContext, *, log: Callable[[str], None] = print) -> list[ResultRow]:
    sizes = SIZES[ctx.scale]
    big = project_info(ctx.dsn, ctx.project_slug)
    small = project_info(ctx.dsn, ctx.small_project_slug)
    rows: list[ResultRow] = []
    for name, scenario in (
        ("map viewports", lambda: map_scenario(ctx, sizes, big, small)),
        ("vector tiles", lambda: tile_scenario(ctx, sizes, big)),
        ("OGC API items", lambda: ogc_scenario(ctx, sizes, big)),
        ("exports", lambda: export_scenario(ctx, sizes)),
    ):
        began = time.perf_counter()
        rows.extend(scenario())
        log(f"  {name}: {time.perf_counter() - began:.0f} s")
    return rows
