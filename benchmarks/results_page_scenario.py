"""`make bench`: the public results page (issue 27), `/projects/<slug>/results/`, of the 1.1 M project.

The page is server-rendered HTML without script, so the page row is its HTTP answer (the whole body), read as
a citizen's browser reads it (German), at 2 clients (every request scans the project's published entries and
its 2 M supports: more clients than the machine's 2 cores only queue):

- ours: the page through gunicorn;
- floor: the statements the page runs, captured in-process (benchmarks/replay.py) and replayed straight in
  PostgreSQL from as many threads: its SQL without Django, the template or HTTP;
- peer: `bench/naive/<slug>/results` (benchmarks/naive_results.py), the same figures, newest decided and map
  shapes as a Django app computes them through the ORM, answered as JSON;
- and the page of the 11,000-suggestion project, for how it grows.

The page serves its figures from a copy the worker refreshes every few minutes (participation/
results_figures.py): "ours" is what citizens get, the floor runs all of the page's SQL, the figures query
included (captured without a cache). "cold" is the page whose copy was just dropped, so it runs the figures
query itself, as the first visitor after a restart does (one client, the copy dropped before each request).

The sides take turns slice by slice (core.interleaved). Speed is not asserted in tests.
"""

from urllib.parse import urlsplit

from benchmarks.core import BenchContext, LoadResult, Request, ResultRow, finite, interleaved, ratio, run_load
from benchmarks.replay import capture, replay
from participation import results_figures
from participation.models import Project

CLIENTS = 2
REQUESTS = {"full": 16, "smoke": 4}
SLICE = 4
GERMAN = (("Accept-Language", "de"),)
TARGET_FACTOR = 1.5


def results_path(slug: str) -> str:
    return f"/projects/{slug}/results/"


def run(ctx: BenchContext) -> list[ResultRow]:
    big, small = results_path(ctx.project_slug), results_path(ctx.small_project_slug)
    naive = f"/bench/naive/{ctx.project_slug}/results"
    captured = capture(big, urlsplit(ctx.base_url).netloc)
    work = list(range(REQUESTS[ctx.scale]))

    def http_side(path: str):
        def side(part: list[int]) -> LoadResult:
            return run_load(ctx.base_url, [Request(path, GERMAN) for _ in part], clients=CLIENTS)

        return side

    def floor_side(part: list[int]) -> LoadResult:
        return replay(ctx.dsn, [captured.statements for _ in part], CLIENTS)

    project_id = Project.objects.get(slug=ctx.project_slug).pk

    def cold_side(part: list[int]) -> LoadResult:
        merged = LoadResult()
        for _ in part:
            results_figures.forget(project_id)
            one = run_load(ctx.base_url, [Request(big, GERMAN)], clients=1)
            merged.latencies_ms += one.latencies_ms
            merged.sizes += one.sizes
            for status, n in one.statuses.items():
                merged.statuses[status] = merged.statuses.get(status, 0) + n
            merged.errors += one.errors
            merged.wall_s += one.wall_s
        return merged

    # One untimed request of each first: the workers' first page, the database's cold buffers.
    for path in (big, small, naive):
        run_load(ctx.base_url, [Request(path, GERMAN)], clients=1)
    results = interleaved(
        {
            "ours": http_side(big),
            "floor": floor_side,
            "peer": http_side(naive),
            "small": http_side(small),
            "cold": cold_side,
        },
        work,
        rounds=max(1, len(work) // SLICE),
    )
    ours, floor, peer, at_11k, cold = (results[name] for name in ("ours", "floor", "peer", "small", "cold"))
    r = ratio(ours.p95, floor.p95)
    failed = (
        ours.failed or floor.failed or peer.failed or at_11k.failed or cold.failed or captured.status != 200
    )
    notes = [
        f"{len(work)} requests per side at {CLIENTS} clients, in slices of {SLICE} taking turns",
        f"floor: the page's {len(captured.statements)} statements replayed",
        f"p50: ours {ours.p50:.0f} ms, floor {floor.p50:.0f} ms, peer {peer.p50:.0f} ms, "
        f"11 k {at_11k.p50:.0f} ms, cold {cold.p50:.0f} ms (1 client)",
        "ours serves the figures from the copy the worker keeps (at most 5 min old); the floor and the cold "
        "page run the figures query",
        f"page {ours.max_bytes:,} B of HTML, peer {peer.max_bytes:,} B of JSON",
    ]
    for name, side in (("ours", ours), ("floor", floor), ("peer", peer), ("11 k", at_11k), ("cold", cold)):
        if side.failed:
            notes.append(f"{name}: {side.status_note()}")
    return [
        ResultRow(
            scenario="results page (figures, over time, decided, SVG map)",
            metric=f"p95 ms, {CLIENTS} clients",
            ours=finite(ours.p95),
            ours_p50=finite(ours.p50),
            anchors={
                "floor: the page's SQL p95": floor.p95,
                "peer: Django ORM aggregates p95": peer.p95,
                "ours at 11 k p95": at_11k.p95,
                "ours, figures not kept (cold, 1 client) p95": cold.p95,
            },
            ratio=r,
            bytes=ours.max_bytes,
            target=f"p95 <= {TARGET_FACTOR:g} x floor; faster than the ORM peer",
            passed=not failed and r is not None and r <= TARGET_FACTOR and ours.p95 < peer.p95,
            notes="; ".join(notes),
        )
    ]
