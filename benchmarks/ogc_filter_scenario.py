"""`make bench`: OGC API items filtered on the server with CQL2, as QGIS asks for them (issue 25).

A planner's QGIS layer with a filter on planning status and supports, 1,000 features per page, over the
1.1 M-suggestion project's points collection: `filter=planning_status = '<status>' AND support_count >= <n>`
for every planning status and three thresholds (15 distinct filters, each a few percent of the rows), each
request a first page.

- ours: `GET /ogcapi/collections/<slug>-points/items?limit=1000&filter=…` at `clients` clients;
- floor: the statements the items view runs for the same request (captured in-process,
  benchmarks/replay.py), straight in PostgreSQL from as many threads, taking turns with ours slice by slice;
- tipg: its items of `bench_published_suggestions` (points and lines) with the same CQL2 filter.

A second row asks for the same pages in EPSG:25832 (`crs=`, OGC API – Features Part 2), taking turns with
the CRS84 pages: the reprojection's cost per page. A third weighs `numberMatched` where it is given: the
items view's captured statements replayed with and without its bounded count (geo/sql/ogcapi_items_count.sql),
taking turns, for the filters whose page carries it (where the count gives up, numberMatched is left out but
the count was paid: the note says for how many).
"""

import json
from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit

from benchmarks.core import BenchContext, LoadResult, Request, ResultRow, finite, interleaved, ratio, run_load
from benchmarks.read_scenarios import TIPG_COLLECTION, _get, check_ok, project_info
from benchmarks.replay import capture, replay

LIMIT = 1000
STATUSES = ("received", "under_review", "planned", "implemented", "declined")
THRESHOLDS = (3, 5, 10)
UTM32 = "http://www.opengis.net/def/crs/EPSG/0/25832"
REQUESTS = {"full": 120, "smoke": 15}
SLICE = 15
FLOOR_FACTOR, TIPG_FACTOR, CRS_FACTOR, COUNT_FACTOR = 1.5, 0.5, 1.2, 1.25


def is_count(statement: str) -> bool:
    """The items view's bounded count (geo/sql/ogcapi_items_count.sql names its columns so)."""
    return "AS matched" in statement and "AS read" in statement


def filters() -> list[str]:
    return [
        f"planning_status = '{status}' AND support_count >= {n}" for status in STATUSES for n in THRESHOLDS
    ]


def items_path(slug: str, text: str, crs: str | None = None) -> str:
    query = {"limit": LIMIT, "filter": text, "filter-lang": "cql2-text"}
    if crs:
        query["crs"] = crs
    return f"/ogcapi/collections/{slug}-points/items?{urlencode(query)}"


def tipg_path(text: str) -> str:
    query = {"limit": LIMIT, "filter": text, "filter-lang": "cql2-text"}
    return f"/collections/{TIPG_COLLECTION}/items?{urlencode(query)}"


def geojson(path: str) -> Request:
    return Request(path, (("Accept", "application/geo+json"),))


def run(ctx: BenchContext) -> list[ResultRow]:
    big = project_info(ctx.dsn, ctx.project_slug)
    texts = filters()
    work = [texts[i % len(texts)] for i in range(REQUESTS[ctx.scale])]
    host = urlsplit(ctx.base_url).netloc
    captured = {text: capture(items_path(big.slug, text), host) for text in texts}
    refused = sorted({c.status for c in captured.values() if c.status != 200})
    crs_status = capture(items_path(big.slug, texts[0], UTM32), host).status

    def ours(part: Sequence[str]) -> LoadResult:
        return run_load(ctx.base_url, [geojson(items_path(big.slug, t)) for t in part], clients=ctx.clients)

    def floor(part: Sequence[str]) -> LoadResult:
        return replay(ctx.dsn, [captured[t].statements for t in part], ctx.clients)

    given = counted_filters(ctx.base_url, big.slug, texts)

    def counted(part: Sequence[str]) -> LoadResult:
        return replay(ctx.dsn, [captured[t].statements for t in part if t in given], ctx.clients)

    def uncounted(part: Sequence[str]) -> LoadResult:
        return replay(
            ctx.dsn,
            [[s for s in captured[t].statements if not is_count(s)] for t in part if t in given],
            ctx.clients,
        )

    def utm(part: Sequence[str]) -> LoadResult:
        return run_load(
            ctx.base_url, [geojson(items_path(big.slug, t, UTM32)) for t in part], clients=ctx.clients
        )

    sides = {"ours": ours, "floor": floor, "counted": counted, "uncounted": uncounted}
    if crs_status == 200:
        sides["utm"] = utm
    # Untimed first: each of the app's connections (kept CONN_MAX_AGE) pays PROJ's set-up for a CRS once,
    # 40-90 ms, as the floor's warmed connections have before (replay.WarmConnections).
    for side in (ours, utm) if crs_status == 200 else (ours,):
        side(texts + texts)
    measured = interleaved(sides, work, rounds=max(1, len(work) // SLICE))
    peer = (
        run_load(ctx.tipg_url, [geojson(tipg_path(t)) for t in work], clients=ctx.clients)
        if ctx.tipg_url
        else None
    )
    ours_r, floor_r = measured["ours"], measured["floor"]
    statements = sum(len(c.statements) for c in captured.values()) / len(captured)
    r_floor = ratio(ours_r.p95, floor_r.p95)
    r_tipg = ratio(ours_r.p50, peer.p50) if peer else None
    anchors = {"floor: the view's SQL p95": floor_r.p95}
    if peer:
        anchors["tipg p50"] = peer.p50
    notes = [
        f"{len(texts)} filters (every planning status x supports >= {', '.join(map(str, THRESHOLDS))}), "
        f"{len(work)} first pages",
        f"ours p50 {ours_r.p50:.1f} ms, floor p50 {floor_r.p50:.1f} ms",
        f"floor: the items view's {statements:.1f} statements per request replayed",
        f"tipg p95 {peer.p95:.1f} ms, same filter on its view of points and lines"
        if peer
        else "tipg not running",
        f"refused in-process: {refused}" if refused else "",
        check_ok(ours_r, "ours"),
        check_ok(peer, "tipg") if peer else "",
    ]
    rows = [
        ResultRow(
            scenario="OGC API items, CQL2 filter on status and supports, 1,000 per page",
            metric=f"p95 ms, {ctx.clients} clients",
            ours=finite(ours_r.p95),
            ours_p50=finite(ours_r.p50),
            anchors=anchors,
            ratio=r_floor,
            bytes=ours_r.max_bytes,
            target=f"p95 <= {FLOOR_FACTOR:g} x floor; p50 >= 2 x faster than tipg (ratio <= {TIPG_FACTOR:g})",
            passed=bool(
                not refused
                and not ours_r.failed
                and not floor_r.failed
                and r_floor is not None
                and r_floor <= FLOOR_FACTOR
                and r_tipg is not None
                and r_tipg <= TIPG_FACTOR
            ),
            notes="; ".join(n for n in notes if n)
            + (f"; ours/tipg p50 {r_tipg:.2f}" if r_tipg is not None else ""),
        )
    ]
    utm_r = measured.get("utm")
    r_crs = ratio(utm_r.p95, ours_r.p95) if utm_r else None
    rows.append(
        ResultRow(
            scenario="OGC API items in EPSG:25832 vs CRS84, filtered, 1,000 per page",
            metric=f"p95 ms, {ctx.clients} clients",
            ours=finite(utm_r.p95) if utm_r else None,
            ours_p50=finite(utm_r.p50) if utm_r else None,
            anchors={"ours CRS84 p95": ours_r.p95},
            ratio=r_crs,
            bytes=utm_r.max_bytes if utm_r else None,
            target=f"p95 <= {CRS_FACTOR:g} x the CRS84 page",
            passed=bool(utm_r and not utm_r.failed and r_crs is not None and r_crs <= CRS_FACTOR),
            notes=(
                f"the same {len(work)} pages with crs={UTM32}, taking turns with the CRS84 pages; "
                f"p50 {utm_r.p50:.1f} vs {ours_r.p50:.1f} ms"
                + (f"; {check_ok(utm_r, 'ours')}" if utm_r.failed else "")
                if utm_r
                else f"crs=EPSG:25832 is not served on this branch (status {crs_status})"
            ),
        )
    )
    rows.append(count_row(ctx, texts, given, captured, measured["counted"], measured["uncounted"]))
    return rows


def counted_filters(base_url: str, slug: str, texts: list[str]) -> set[str]:
    """The filters whose first page carries numberMatched."""
    given = set()
    for text in texts:
        status, _headers, body = _get(base_url, items_path(slug, text), {"Accept": "application/geo+json"})
        if status == 200 and "numberMatched" in json.loads(body):
            given.add(text)
    return given


def count_row(
    ctx: BenchContext,
    texts: list[str],
    given: set[str],
    captured: dict,
    counted: LoadResult,
    uncounted: LoadResult,
) -> ResultRow:
    """What numberMatched adds to a filtered page where it is given: the view's SQL with its count against
    without, over the filters whose page carries it."""
    tried = sum(any(is_count(s) for s in captured[t].statements) for t in texts)
    r = ratio(counted.p50, uncounted.p50)
    return ResultRow(
        scenario="OGC API items, numberMatched's cost on a filtered page, 1,000 per page",
        metric=f"p50 ms, {ctx.clients} clients",
        ours=finite(counted.p50),
        ours_p50=finite(counted.p50),
        anchors={"the page's SQL without the count p50": uncounted.p50},
        ratio=r,
        bytes=None,
        target=f"page with count p50 <= {COUNT_FACTOR:g} x without",
        passed=bool(
            given and not counted.failed and not uncounted.failed and r is not None and r <= COUNT_FACTOR
        ),
        notes=(
            f"numberMatched given for {len(given)} of {len(texts)} filters (measured on those), the bounded "
            f"count tried for {tried}; "
            f"p95 {counted.p95:.1f} vs {uncounted.p95:.1f} ms; the view's statements replayed in PostgreSQL "
            "with and without its count, taking turns"
        ),
    )
