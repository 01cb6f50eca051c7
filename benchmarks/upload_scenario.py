"""Photo uploads of `make bench` (issue 26): uploads per second at `ctx.clients` clients through the real API
against a bare endpoint that only stores the bytes, on the same gunicorn.

Ours is the path a citizen takes most: a new suggestion sent with its photo (POST multipart to
`/api/v1/projects/<slug>/suggestions/`: the Feature in `feature`, one file in `photo`, its description in
`alt`), with a signed-in citizen's token and a fresh Idempotency-Key per suggestion, as the map's form sends
a suggestion.
(Adding a photo later, `/api/v1/suggestions/<id>/photos/`, is for signed-in authors only; anonymous
participants can attach photos only this way.) Every check runs (size bounds, phase, area, geometry, texts,
descriptions, rate limits, the idempotency fingerprint over the whole photo), the photo is decoded,
re-encoded into three JPEGs and stored with its row.

The bare endpoint (`benchmarks/bare_views.photo_store`) receives the same form into memory as ours does,
inserts the same suggestion row without any check and writes the upload's bytes to the same photo storage as
they came: no decoding, no re-encoding, no photo row.

Two photos, each its own row: the 12-megapixel phone photo of `photo_processing.py` (4032 x 3024, EXIF GPS
and orientation, camera-like noise: about 6.8 MB, the upper end of what phones send) and a 3-megapixel one
made the same way (2016 x 1512: a phone set to a smaller size, or a picture a messenger has resized before
it is shared). The sides take turns in slices (`core.interleaved`), each slice with every client busy; one
untimed upload per client and side first. Only 201s count; any other answer is an error and fails the row.
The 12 MP row is judged against the issue's bound (>= 0.3 x bare), the 3 MP row on errors only (JUDGED).
The bench settings lift the write limits (config/settings/bench.py), and signed-in citizens need no anti-spam
proof, so the figures are never refusals. The gunicorn workers' resident memory is sampled every 20 ms while
each side runs, and their CPU time per upload is noted beside the rates (on a shared machine the rates move
with whatever else runs; what an upload costs the server does not). Everything the run stored (rows, photo
files, the bare uploads, idempotency keys) is deleted again.
"""

import contextlib
import http.client
import json
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg

from benchmarks.core import BenchContext, LoadResult, ResultRow, interleaved, merge, percentile, ratio
from benchmarks.photo_processing import phone_photo
from benchmarks.read_scenarios import RssSampler
from benchmarks.write_scenarios import POINTS_SQL, PROJECT_SQL

TARGET = 0.3
# The bound is for the phone photo; the smaller one is measured beside it and judged on errors only
# (re-encoding costs about the same for both, since a 12 MP JPEG is decoded at half its size, while storing
# the bytes costs a quarter: its ratio says what the photo's bytes cost, not whether we met the bound).
JUDGED = "12 MP"
# Timed uploads per client and photo size; the sides take turns in ROUNDS slices.
UPLOADS_PER_CLIENT = {"full": {"12 MP": 12, "3 MP": 24}, "smoke": {"12 MP": 1, "3 MP": 1}}
ROUNDS = {"full": 3, "smoke": 1}
SIZES = {"12 MP": (4032, 3024), "3 MP": (2016, 1512)}
ALT = "Die Ecke an der Haltestelle, Blick nach Norden"
TEXT = "Hier ist Platz für vier Ladesäulen."
BOUNDARY = "----benchmark-upload-7d2f0c9a41e3"

TAGGED_SQL = """
SELECT id FROM participation_suggestion WHERE project_id = %(project)s AND title LIKE %(pattern)s
"""
DELETE_PHOTOS_SQL = "DELETE FROM participation_photo WHERE suggestion_id = ANY(%(ids)s) RETURNING key"
DELETE_SUGGESTIONS_SQL = "DELETE FROM participation_suggestion WHERE id = ANY(%(ids)s)"
DELETE_KEYS_SQL = "DELETE FROM participation_idempotencykey WHERE key LIKE %(pattern)s"


@dataclass(frozen=True)
class Upload:
    """One upload to send: its title (tagged with the run), where, and the client's token."""

    title: str
    point: tuple[float, float]
    token: str


def form(key: str, title: str, point: tuple[float, float], photo: bytes) -> bytes:
    """The multipart body a browser's FormData makes of the map's form with one photo."""
    feature = json.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": {"category": key, "title": title, "text": TEXT},
        }
    )
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="feature"\r\n\r\n{feature}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="IMG_2041.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = (
        f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n{ALT}\r\n--{BOUNDARY}--\r\n'
    ).encode()
    return head + photo + tail


@dataclass
class Side:
    """One side's measurements over all its slices."""

    load: LoadResult
    peak_rss_mb: float
    cpu_s: float  # the gunicorn workers' CPU time (user + system) over the timed slices
    first_error: str

    @property
    def cpu_ms_per_upload(self) -> float:
        return 1000 * self.cpu_s / self.load.count if self.load.count else math.nan


def _send(
    ctx: BenchContext,
    path: str,
    key: str,
    photo: bytes,
    uploads: list[Upload],
    *,
    idempotency: bool,
) -> tuple[LoadResult, float, float, str]:
    """`ctx.clients` threads, one keep-alive connection each, send `uploads` between them; the latency of
    each from the first byte sent to the last byte of the answer. Only 201s count as uploads."""
    parts = urlsplit(ctx.base_url)
    result = LoadResult()
    lock = threading.Lock()
    next_index = iter(range(len(uploads)))
    first_error = ""

    def client() -> None:
        nonlocal first_error
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        try:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                upload = uploads[index]
                body = form(key, upload.title, upload.point, photo)
                headers = {
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Authorization": f"Token {upload.token}",
                    "Accept-Language": "de",
                }
                if idempotency:
                    headers["Idempotency-Key"] = f"{upload.title}-key"
                began = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    answer = response.read()
                    status = response.status
                    if response.will_close:
                        conn.close()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
                    with lock:
                        result.errors += 1
                        first_error = first_error or f"{type(error).__name__}: {error}"
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if status == 201:
                        result.latencies_ms.append(elapsed)
                        result.sizes.append(len(answer))
                    elif not first_error:
                        first_error = f"{status}: {answer[:200].decode(errors='replace')}"
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(ctx.clients)]
    cpu_before = _workers_cpu_s(ctx.gunicorn_pids)
    with RssSampler(ctx.gunicorn_pids) as sampler:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.wall_s = time.perf_counter() - started
    cpu = _workers_cpu_s(ctx.gunicorn_pids) - cpu_before
    return result, sampler.peak_kb / 1024, cpu, first_error


def _workers_cpu_s(pids: tuple[int, ...]) -> float:
    """CPU seconds the workers have used (user + system, /proc/<pid>/stat): unlike the rate, what an upload
    costs the server does not change when something else on the machine takes a core."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


def _worker_rss_mb(pids: tuple[int, ...]) -> float:
    peak = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def _measure_size(
    ctx: BenchContext, key: str, points: list[tuple[float, float]], label: str, tag: str
) -> tuple[dict[str, Side], int]:
    width, height = SIZES[label]
    photo = phone_photo(width, height)
    per_client = UPLOADS_PER_CLIENT[ctx.scale][label]
    count = ctx.clients * per_client
    tokens = ctx.citizen_tokens
    paths = {
        "ours": f"/api/v1/projects/{ctx.project_slug}/suggestions/",
        "bare": f"/bench/photos/{ctx.project_slug}/?run={tag}",
    }
    work: dict[str, list[Upload]] = {}
    for offset, side in enumerate(paths):
        work[side] = [
            Upload(
                title=f"Benchmark {tag} {label} {side} {n}",
                point=points[(2 * n + offset) % len(points)],
                token=tokens[n % len(tokens)],
            )
            for n in range(count + ctx.clients)
        ]
    peaks: dict[str, float] = {}
    cpu: dict[str, float] = {}
    errors: dict[str, str] = {}

    def side_runner(side: str):
        def run_slice(slice_: list[int]) -> LoadResult:
            load, peak, seconds, error = _send(
                ctx,
                paths[side],
                key,
                photo,
                [work[side][ctx.clients + n] for n in slice_],
                idempotency=side == "ours",
            )
            peaks[side] = max(peaks.get(side, 0.0), peak)
            cpu[side] = cpu.get(side, 0.0) + seconds
            errors[side] = errors.get(side) or error
            return load

        return run_slice

    # One untimed upload per client and side: first use of the decoders, connections, caches.
    warmup = {
        side: _send(ctx, paths[side], key, photo, work[side][: ctx.clients], idempotency=side == "ours")[0]
        for side in paths
    }
    results = interleaved(
        {side: side_runner(side) for side in paths}, list(range(count)), rounds=ROUNDS[ctx.scale]
    )
    # The warm-up's answers are checked (anything but a 201 is an error), its time and latencies are not.
    sides = {
        side: Side(
            load=merge([results[side], _statuses_only(warmup[side])]),
            peak_rss_mb=peaks.get(side, 0.0),
            cpu_s=cpu.get(side, 0.0),
            first_error=errors.get(side, ""),
        )
        for side in paths
    }
    return sides, len(photo)


def _statuses_only(load: LoadResult) -> LoadResult:
    return LoadResult(statuses=dict(load.statuses), errors=load.errors)


def _non_201(load: LoadResult) -> int:
    return load.errors + sum(n for status, n in load.statuses.items() if status != 201)


def _row(
    ctx: BenchContext, label: str, sides: dict[str, Side], photo_bytes: int, idle_mb: float
) -> ResultRow:
    ours, bare = sides["ours"], sides["bare"]
    rate, bare_rate = ours.load.rate, bare.load.rate
    share = ratio(rate, bare_rate)
    errors = _non_201(ours.load) + _non_201(bare.load)
    width, height = SIZES[label]
    notes = (
        f"{ours.load.count} uploads through the API and {bare.load.count} to the bare view by {ctx.clients} "
        f"clients ({len(ctx.citizen_tokens)} citizen tokens), one {width} x {height} JPEG of "
        f"{photo_bytes:,} bytes each (EXIF GPS and orientation; `bytes`: the photo); latency p50/p95 "
        f"API {percentile(ours.load.latencies_ms, 50):.0f}/{percentile(ours.load.latencies_ms, 95):.0f} ms, "
        f"bare {percentile(bare.load.latencies_ms, 50):.0f}/{percentile(bare.load.latencies_ms, 95):.0f} ms; "
        f"answers {round(ours.load.mean_bytes):,} bytes (API), {round(bare.load.mean_bytes):,} (bare); "
        f"server CPU per upload (the workers' user + system time) {ours.cpu_ms_per_upload:.0f} ms (API), "
        f"{bare.cpu_ms_per_upload:.0f} ms (bare); gunicorn workers' peak RSS {ours.peak_rss_mb:.0f} MB "
        f"(API) and {bare.peak_rss_mb:.0f} MB (bare), {idle_mb:.0f} MB before; "
        f"non-201: API {_non_201(ours.load)}, bare {_non_201(bare.load)}"
    )
    if errors:
        notes += (
            f" ({ours.load.status_note()} / {bare.load.status_note()}; first: "
            f"{ours.first_error or bare.first_error})"
        )
    return ResultRow(
        scenario=f"photo uploads, {label} (new suggestion with a photo)",
        metric=f"uploads/s, {ctx.clients} clients",
        ours=round(rate, 2),
        anchors={"bare: store the bytes": round(bare_rate, 2)},
        ratio=round(share, 2) if share is not None else None,
        bytes=photo_bytes,
        target=f">= {TARGET} x bare; 0 errors" if label == JUDGED else "0 errors (ratio reported)",
        passed=errors == 0 and (label != JUDGED or (share is not None and share >= TARGET)),
        notes=notes,
    )


def run(ctx: BenchContext) -> list[ResultRow]:
    """One row per photo size; the run's rows, files and keys are deleted afterwards."""
    tag = uuid.uuid4().hex[:12]
    pattern = f"Benchmark {tag} %"
    rows = []
    with psycopg.connect(ctx.dsn, autocommit=True) as db:
        project_id, _category_id, key = db.execute(PROJECT_SQL, {"slug": ctx.project_slug}).fetchone()
        needed = 2 * ctx.clients * (1 + max(UPLOADS_PER_CLIENT[ctx.scale].values()))
        points = [
            tuple(row)
            for row in db.execute(POINTS_SQL, {"slug": ctx.project_slug, "n": needed, "seed": 20261207})
        ]
        idle_mb = _worker_rss_mb(ctx.gunicorn_pids)
        try:
            for label in SIZES:
                sides, photo_bytes = _measure_size(ctx, key, points, label, tag)
                rows.append(_row(ctx, label, sides, photo_bytes, idle_mb))
        finally:
            _clean(db, project_id, pattern, tag)
    return rows


def _clean(db: psycopg.Connection, project_id: int, pattern: str, tag: str) -> None:
    """Delete the run's suggestions with their photos and files, the bare uploads and the keys."""
    from participation.images import RENDITIONS
    from participation.services.photos import photo_file_name, photo_storage

    storage = photo_storage()
    ids = [row[0] for row in db.execute(TAGGED_SQL, {"project": project_id, "pattern": pattern})]
    with db.transaction():
        keys = [row[0] for row in db.execute(DELETE_PHOTOS_SQL, {"ids": ids})]
        db.execute(DELETE_SUGGESTIONS_SQL, {"ids": ids})
        db.execute(DELETE_KEYS_SQL, {"pattern": pattern})
    names = [photo_file_name(photo, rendition) for photo in keys for rendition in RENDITIONS]
    folder = f"bench-bare/{tag}"
    if storage.exists(folder):
        names += [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    for name in names:
        storage.delete(name)
    # The filesystem storage leaves the emptied folders behind.
    if hasattr(storage, "path"):
        folders = {os.path.dirname(name) for name in names}
        folders |= {os.path.dirname(folder) for folder in folders} - {""}
        for folder in sorted(folders, key=lambda path: -path.count("/")):  # the deepest first
            with contextlib.suppress(OSError):  # not empty: another photo lies there
                os.rmdir(storage.path(folder))
