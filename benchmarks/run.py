"""`make bench`: seed (once), serve, measure every scenario with its anchors, write the results, stop.

    python -m benchmarks.run            (after `stack.sh prepare`, which `stack.sh bench` does first)

Environment (all optional):
    BENCH_SCALE      full (1.1 M suggestions, default) or smoke (3,000: the harness end to end in a minute)
    BENCH_DB         the benchmark database (default participation_bench, participation_bench_smoke)
    BENCH_PORT       gunicorn's port (8121); TIPG_PORT tipg's (8122); BENCH_TIPG=0 leaves tipg out
    BENCH_WORKERS    gunicorn workers (2), BENCH_THREADS threads per worker (4), BENCH_CLIENTS (8)
    BENCH_RESULTS    the directory for results.md and results.json (default benchmarks/)
    BENCH_ONLY       comma-separated scenario modules to run, e.g. layer_import_scenario (default: all;
                     read_scenarios names the read scenarios)
    DATABASE_URL     any database of the cluster (stack.sh sets it); the benchmark database sits beside it
    REDIS_URL        the Redis of the stack; gunicorn uses its database number 3 (flushed between passes)
"""

import contextlib
import hashlib
import importlib
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
TIPG_VENV = LOCAL / "bench-venv"
TIPG_REQUIREMENTS = Path(__file__).resolve().parent / "tipg-requirements.txt"


def log(message: str) -> None:
    print(message, flush=True)


# ------------------------------------------------------------------------------------------- settings
def database_urls(name: str) -> tuple[str, str, str]:
    """(Django's DATABASE_URL, psycopg's conninfo) of database `name`, and a conninfo of the maintenance
    database `postgres` for CREATE/DROP DATABASE; all from the stack's DATABASE_URL."""
    base = os.environ.get("DATABASE_URL") or "postgis://app:app@127.0.0.1:{}/participation".format(
        os.environ.get("PG_PORT", "5434")
    )
    parts = urlsplit(base)
    django_url = urlunsplit(parts._replace(path=f"/{name}"))
    pg = parts._replace(scheme="postgresql")
    return (
        django_url,
        urlunsplit(pg._replace(path=f"/{name}")),
        urlunsplit(pg._replace(path="/postgres")),
    )


def bench_redis_url() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:{}/0".format(
        os.environ.get("REDIS_PORT", "6380")
    )
    return urlunsplit(urlsplit(base)._replace(path="/3"))


# ------------------------------------------------------------------------------------------- servers
def wait_http(url: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def stop(proc: subprocess.Popen | None) -> None:
    """Stop a server this harness started (its own process group), politely first."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    logfile = (LOCAL / "log" / "bench-gunicorn.log").open("w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--keep-alive",
            "30",
            # Its default control socket is one path per user, shared with any other gunicorn there.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_http(f"http://127.0.0.1:{port}/healthz", 60, proc)
    return proc


def worker_pids(master: int) -> tuple[int, ...]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return ()
    return tuple(int(pid) for pid in text.split())


def ensure_tipg() -> Path | None:
    """tipg in its own virtualenv, installed once from PyPI with the pinned versions."""
    python = TIPG_VENV / "bin" / "python"
    stamp = TIPG_VENV / f".installed-{hashlib.sha256(TIPG_REQUIREMENTS.read_bytes()).hexdigest()[:16]}"
    if stamp.exists():
        return python
    log("Installing tipg into .local/bench-venv")
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
                str(TIPG_REQUIREMENTS),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        log(f"tipg could not be installed ({error}); its rows say so")
        return None
    for old in TIPG_VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return python


def start_tipg(python: Path, dsn: str, port: int) -> subprocess.Popen:
    # tipg reads ./.env: start it in an empty directory so nothing of ours configures it by accident.
    workdir = Path(tempfile.mkdtemp(prefix="bench-tipg-"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": dsn,
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.bench_published_suggestions"]',
        "TIPG_DB_FUNCTIONS": "[]",
        "TIPG_CATALOG_TTL": "0",
        "TIPG_SET_MVT_LAYERNAME": "true",
    }
    logfile = (LOCAL / "log" / "bench-tipg.log").open("w")
    proc = subprocess.Popen(
        [
            str(python.with_name("uvicorn")),
            "tipg.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            os.environ.get("BENCH_WORKERS", "2"),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=workdir,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_http(f"http://127.0.0.1:{port}/collections", 90, proc)
    return proc


# ------------------------------------------------------------------------------------------- machine
def machine(dsn: str) -> dict[str, str]:
    import psycopg

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    with psycopg.connect(dsn) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        postgis = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
    gdal = "unknown"
    if shutil.which("ogr2ogr"):
        gdal = subprocess.run(["ogr2ogr", "--version"], capture_output=True, text=True).stdout.strip()
    tipg = "not installed"
    python = TIPG_VENV / "bin" / "python"
    if python.exists():
        out = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('tipg'))"],
            capture_output=True,
            text=True,
        )
        tipg = out.stdout.strip() or tipg
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "postgresql": pg,
        "postgis": postgis,
        "gdal": gdal,
        "python": platform.python_version(),
        "tipg": tipg,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ------------------------------------------------------------------------------------------- results
def _num(value: float | None, digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def table(rows: list) -> str:
    lines = [
        "| scenario | metric | ours (p50 / main figure) | anchors | ratio | bytes | target | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ours = _num(row.ours)
        if row.ours_p50 is not None and row.ours_p50 != row.ours:
            ours = f"{_num(row.ours_p50)} / {ours}"
        anchors = "<br>".join(f"{name}: {_num(value)}" for name, value in row.anchors.items()) or "–"
        ratio = "–" if row.ratio is None else f"{row.ratio:.2f}"
        size = "–" if row.bytes is None else f"{row.bytes:,}"
        result = "pass" if row.passed else "**fail**"
        cells = [row.scenario, row.metric, ours, anchors, ratio, size, row.target, result]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _finite(value: object) -> object:
    """JSON has no NaN: a figure that could not be measured is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def write_results(directory: Path, rows: list, info: dict[str, str], meta: dict[str, object]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": info,
        "run": meta,
        "rows": [_finite(asdict(row)) for row in rows],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
    (directory / "results.json").write_text(text + "\n")
    notes = "\n".join(f"- **{row.scenario}**: {row.notes}" for row in rows if row.notes)
    passed = sum(row.passed for row in rows)
    text = f"""# Benchmark results (`make bench`)

Written by `benchmarks/run.py`; the targets are those of issue 9. Figures are milliseconds unless the metric
says otherwise; "ratio" is ours divided by the first anchor.

## Machine
| | |
| --- | --- |
| CPU | {info["cpu"]} |
| cores | {info["cores"]} |
| RAM | {info["ram"]} |
| PostgreSQL | {info["postgresql"]} |
| PostGIS | {info["postgis"]} |
| GDAL | {info["gdal"]} |
| Python | {info["python"]} |
| tipg | {info["tipg"]} |
| date | {info["date"]} |

## Run
scale `{meta["scale"]}`, {meta["suggestions"]:,} suggestions in the large project, {meta["clients"]} clients,
gunicorn gthread {meta["workers"]} workers x {meta["threads"]} threads, seeding {meta["seed_seconds"]:.0f} s
(0: reused), measuring {meta["measure_seconds"]:.0f} s. {passed} of {len(rows)} rows pass.

## Results
{table(rows)}

## Notes
{notes}
"""
    (directory / "results.md").write_text(text)


# ------------------------------------------------------------------------------------------- main
def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in ("full", "smoke"):
        log("BENCH_SCALE must be full or smoke")
        return 2
    db_name = os.environ.get("BENCH_DB") or (
        "participation_bench" if scale == "full" else "participation_bench_smoke"
    )
    port = int(os.environ.get("BENCH_PORT", "8121"))
    tipg_port = int(os.environ.get("TIPG_PORT", "8122"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    clients = int(os.environ.get("BENCH_CLIENTS", "8"))
    results_dir = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent)
    django_url, dsn, admin_dsn = database_urls(db_name)
    redis_url = bench_redis_url()
    (LOCAL / "log").mkdir(parents=True, exist_ok=True)

    os.environ["DATABASE_URL"] = django_url
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    sys.path.insert(0, str(ROOT))
    from benchmarks import seed as seeding

    started = time.perf_counter()
    must_seed = seeding.ensure_database(admin_dsn=admin_dsn, name=db_name, scale=scale)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    seed_seconds = 0.0
    if must_seed:
        log(f"Seeding {db_name} ({scale}); done once, re-runs reuse it")
        seed_seconds = seeding.seed(scale=scale, log=log)
        log(f"Seeded in {seed_seconds:.0f} s")
    else:
        log(f"Reusing the seeded database {db_name}")
        call_command("migrate", interactive=False, verbosity=0)
        began = time.perf_counter()
        vacuumed = seeding.settle(dsn)  # what earlier runs deleted
        log(f"  VACUUM (ANALYZE) of {len(vacuumed)} tables in {time.perf_counter() - began:.0f} s")
    seeded = seeding.load(scale=scale, seconds=seed_seconds)
    # Production serves hashed static files; the map page needs them.
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()

    from benchmarks.core import BenchContext, not_built

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    gunicorn = tipg = None
    rows = []
    try:
        gunicorn = start_gunicorn(env, port, workers, threads)
        log(f"gunicorn on 127.0.0.1:{port} ({workers} x {threads} gthread)")
        tipg_url = None
        if os.environ.get("BENCH_TIPG", "1") != "0":
            python = ensure_tipg()
            if python is not None:
                try:
                    tipg = start_tipg(python, dsn, tipg_port)
                    tipg_url = f"http://127.0.0.1:{tipg_port}"
                    log(f"tipg on 127.0.0.1:{tipg_port}")
                except RuntimeError as error:
                    log(f"tipg did not start ({error}); see .local/log/bench-tipg.log")
        ctx = BenchContext(
            base_url=f"http://127.0.0.1:{port}",
            dsn=dsn,
            project_slug=seeding.BIG,
            small_project_slug=seeding.SMALL,
            demo_project_slug=seeding.DEMO,
            planner_token=seeded.planner_token,
            citizen_tokens=seeded.citizen_tokens,
            scale=scale,
            clients=clients,
            tipg_url=tipg_url,
            seed=4242,
            gunicorn_pids=worker_pids(gunicorn.pid),
        )
        measure_started = time.perf_counter()
        only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
        from benchmarks import read_scenarios

        if not only or "read_scenarios" in only:
            # The map's features carry place labels: both projects have them before the map is measured,
            # whichever scenario seeded the network first.
            from benchmarks import network_seed

            big, small = (read_scenarios.project_info(dsn, slug) for slug in (seeding.BIG, seeding.SMALL))
            network_seed.ensure(dsn, big.id, scale, log)
            network_seed.ensure_gazetteer_copy(dsn, small.id, big.id, scale, log)
            log("Read scenarios")
            rows.extend(read_scenarios.run(ctx, log=log))
        for module, scenario in (
            ("layer_tile_scenario", "context-layer tiles"),
            ("write_scenarios", "writes"),
            ("load_scenario", "load while reading"),
            ("upload_scenario", "photo uploads"),
            ("photo_processing", "photo re-encoding"),
            ("page_scenario", "map page in chromium"),
            ("results_page_scenario", "results page"),
            ("layer_import_scenario", "context-layer import"),
            ("analysis_scenario", "coverage analysis"),
            ("route_scenario", "routing"),
            ("place_search_scenario", "place search"),
            ("nearest_street_scenario", "nearest street in the export"),
            ("ogc_filter_scenario", "OGC API filters"),
        ):
            if only and module not in only:
                continue
            if importlib.util.find_spec(f"benchmarks.{module}") is None:
                rows.append(not_built(scenario, module))
                continue
            log(f"{scenario}")
            began = time.perf_counter()
            rows.extend(importlib.import_module(f"benchmarks.{module}").run(ctx))
            log(f"  {scenario}: {time.perf_counter() - began:.0f} s")
        measure_seconds = time.perf_counter() - measure_started
    finally:
        stop(tipg)
        stop(gunicorn)
    info = machine(dsn)
    meta = {
        "scale": scale,
        "database": db_name,
        "suggestions": seeding.SCALES[scale][seeding.BIG].suggestions,
        "clients": clients,
        "workers": workers,
        "threads": threads,
        "seed_seconds": seed_seconds,
        "measure_seconds": measure_seconds,
        "total_seconds": time.perf_counter() - started,
    }
    write_results(results_dir, rows, info, meta)
    log(table(rows))
    log(
        f"{sum(r.passed for r in rows)} of {len(rows)} rows pass; "
        f"written to {results_dir}/results.md and results.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
