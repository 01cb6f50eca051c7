"""What every benchmark scenario shares: the context it runs in, its result rows and the load client.

The load client is deliberately plain: Python threads, one keep-alive `http.client` connection each, a fixed
list of requests shared through a counter, and the latency of each request from the first byte written to
the last byte read. Our server and its anchors (tipg, the naive DRF-gis view) get the same client in the same
run, so the ratios compare like with like.
"""

import http.client
import itertools
import math
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class BenchContext:
    base_url: str  # gunicorn with config.settings.bench, e.g. http://127.0.0.1:8121
    dsn: str  # psycopg conninfo of the bench database (same role as the app)
    project_slug: str  # the 1.1 M project
    small_project_slug: str  # the ~11 k project
    demo_project_slug: str  # "karlsruhe-ebikes", the 60-suggestion demo
    planner_token: str  # DRF token of a planner/moderator of all three projects
    citizen_tokens: tuple[str, ...]  # DRF tokens of 50 verified citizen accounts
    scale: str  # "full" or "smoke"
    clients: int  # 8
    # Added by the read harness (never removed or renamed, see benchmarks/README in the report):
    tipg_url: str | None = None  # tipg on loopback, None when it could not be started
    seed: int = 0  # the seed of the data set, for scenarios that draw their own random inputs
    gunicorn_pids: tuple[int, ...] = ()  # the master's workers, for memory sampling


@dataclass
class ResultRow:
    scenario: str
    metric: str
    ours: float | None
    anchors: dict[str, float]
    ratio: float | None
    bytes: int | None
    target: str
    passed: bool
    notes: str = ""
    ours_p50: float | None = None  # added: the median beside a p95 in `ours`


# ------------------------------------------------------------------------------------------- statistics
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """Latencies in milliseconds of the successful requests, with their sizes and the wall time."""

    latencies_ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    wall_s: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def rate(self) -> float:
        return self.count / self.wall_s if self.wall_s > 0 else math.nan

    @property
    def max_bytes(self) -> int:
        return max(self.sizes, default=0)

    @property
    def mean_bytes(self) -> float:
        return statistics.fmean(self.sizes) if self.sizes else math.nan

    @property
    def failed(self) -> int:
        return self.errors + sum(n for status, n in self.statuses.items() if status >= 400)

    def status_note(self) -> str:
        parts = [f"{status}: {n}" for status, n in sorted(self.statuses.items())]
        if self.errors:
            parts.append(f"errors: {self.errors}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Request:
    path: str
    headers: tuple[tuple[str, str], ...] = ()


def run_load(
    base_url: str,
    requests: Sequence[Request],
    *,
    clients: int,
    timeout: float = 120.0,
    max_seconds: float | None = None,
) -> LoadResult:
    """Send every request once, `clients` at a time over keep-alive connections; never more than
    `max_seconds` of wall time (the remaining requests are then not sent)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    prefix = parts.path.rstrip("/")
    result = LoadResult()
    lock = threading.Lock()
    counter = itertools.count()
    start = time.perf_counter()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            while True:
                index = next(counter)
                if index >= len(requests):
                    return
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    return
                request = requests[index]
                began = time.perf_counter()
                try:
                    conn.request("GET", prefix + request.path, headers=dict(request.headers))
                    response = conn.getresponse()
                    size = 0
                    while chunk := response.read(65536):
                        size += len(chunk)
                    elapsed = (time.perf_counter() - began) * 1000
                    status = response.status
                    if response.will_close:
                        conn.close()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=timeout)
                    with lock:
                        result.errors += 1
                    continue
                with lock:
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if status < 400:
                        result.latencies_ms.append(elapsed)
                        result.sizes.append(size)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall_s = time.perf_counter() - start
    return result


def run_callables(
    jobs: Sequence[Callable[[], int]],
    *,
    clients: int,
    setup: Callable[[], object] | None = None,
    max_seconds: float | None = None,
) -> LoadResult:
    """Like run_load, for work that is not HTTP (the floor): each job returns the bytes it produced.
    `setup` runs once per thread (e.g. to open the thread's own database connection) and its result is
    passed on by the jobs through thread-local storage if they need it."""
    result = LoadResult()
    lock = threading.Lock()
    counter = itertools.count()
    start = time.perf_counter()

    def worker() -> None:
        if setup is not None:
            setup()
        while True:
            index = next(counter)
            if index >= len(jobs):
                return
            if max_seconds is not None and time.perf_counter() - start > max_seconds:
                return
            began = time.perf_counter()
            try:
                size = jobs[index]()
            except Exception:
                with lock:
                    result.errors += 1
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                result.latencies_ms.append(elapsed)
                result.sizes.append(size)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall_s = time.perf_counter() - start
    return result


def merge(results: Sequence[LoadResult]) -> LoadResult:
    """One result of several runs (rounds) of the same workload."""
    merged = LoadResult()
    for result in results:
        merged.latencies_ms.extend(result.latencies_ms)
        merged.sizes.extend(result.sizes)
        for status, n in result.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + n
        merged.errors += result.errors
        merged.wall_s += result.wall_s
    return merged


def interleaved(
    sides: dict[str, Callable[[Sequence[Any]], LoadResult]], work: Sequence[Any], *, rounds: int
) -> dict[str, LoadResult]:
    """Each side runs the same `work` in `rounds` slices, taking turns slice by slice, so that load from
    outside the benchmark (a shared machine) falls on every side alike rather than on whichever ran first."""
    size = max(1, math.ceil(len(work) / rounds))
    parts: dict[str, list[LoadResult]] = {name: [] for name in sides}
    for start in range(0, len(work), size):
        for name, side in sides.items():
            parts[name].append(side(work[start : start + size]))
    return {name: merge(results) for name, results in parts.items()}


def ratio(ours: float | None, anchor: float | None) -> float | None:
    if ours is None or anchor is None or not math.isfinite(ours) or not math.isfinite(anchor) or anchor <= 0:
        return None
    return ours / anchor


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def not_built(scenario: str, module: str) -> ResultRow:
    """A row for a scenario whose module is not on this branch: it fails, so nothing passes silently."""
    return ResultRow(
        scenario=scenario,
        metric="not built",
        ours=None,
        anchors={},
        ratio=None,
        bytes=None,
        target="module present",
        passed=False,
        notes=f"benchmarks/{module}.py is not on this branch",
    )
