"""Real servers for tests that need them: gunicorn on loopback with production settings, a throwaway
PostgreSQL + PostGIS cluster that a test may restart, and a proxy with a slow upload. All listen on
127.0.0.1 only and are always stopped by the context managers here, whatever the test does."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tests.load import request

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


T = TypeVar("T")


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def at_once(count: int, send: Callable[[int], T], missing: T | None = None) -> list[T | None]:
    """`count` threads that send their request at the same moment (a barrier), each on its own connection;
    a thread that did not finish within two minutes leaves `missing` in its place."""
    barrier = threading.Barrier(count)
    results: list[T | None] = [missing] * count

    def run(n: int) -> None:
        barrier.wait()
        results[n] = send(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def database_url(settings_dict: Mapping[str, object], **changes: object) -> str:
    """A DATABASE_URL for a child process, from a Django connection's settings (e.g. the test database)."""
    values = {**settings_dict, **changes}
    return "postgis://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**values)


def production_environment(*, database: str, **extra: str) -> dict[str, str]:
    """Production settings as docker-compose runs them, on plain HTTP on loopback (no TLS proxy in front)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LIMIT_", "PYTEST", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="integrity-test-secret-key-" + "x" * 40,
        DJANGO_READ_DOT_ENV="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_NUM_PROXIES="0",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        SITE_URL="https://participation.test",
        DATABASE_URL=database,
        # Its own keys in the shared Redis: limits that earlier runs counted (same account ids) do not count.
        CACHE_KEY_PREFIX=f"server-{uuid.uuid4().hex[:12]}",
        MAP_TILE_URL="",
    )
    env.update(extra)
    return env


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def gunicorn(
    *,
    port: int,
    env: Mapping[str, str],
    workers: int = 2,
    threads: int = 8,
    log_dir: Path,
    config: Path | None = None,
) -> Iterator[Gunicorn]:
    """gunicorn as the Dockerfile starts it (gthread), on 127.0.0.1:`port`, until the block ends. With
    `config`, exactly as `make run` starts it: that config file and the address, nothing else."""
    if port_open(port):
        raise RuntimeError(f"port {port} is in use")
    log = log_dir / f"gunicorn-{port}.log"
    if config is not None:
        command = [sys.executable, "-m", "gunicorn", "--config", str(config), "--bind", f"127.0.0.1:{port}"]
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--worker-class=gthread",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=30",
            "--graceful-timeout=5",
            # gunicorn 27 otherwise opens a control socket at one fixed path in the home directory, shared
            # with (and removed from under) every other gunicorn on the machine.
            "--no-control-socket",
        ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    server = Gunicorn(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        deadline = time.monotonic() + 30
        while request(server.url, "GET", "/healthz", timeout=2).status != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{server.log_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Cluster:
    """A throwaway PostgreSQL 15 + PostGIS cluster in a temporary directory, on 127.0.0.1:`port`."""

    def __init__(self, *, port: int) -> None:
        self.port = port
        # As root, the cluster belongs to the postgres user (initdb refuses root), in a directory it owns.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = Path(tempfile.mkdtemp(prefix="pm-throwaway-pg-", dir="/var/tmp"))
        self.data = self.dir / "data"
        self.socket_dir = self.dir / "run"
        self.log = self.dir / "postgres.log"

    def _run(self, *command: str | Path, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_user, *map(str, command)], timeout=timeout, capture_output=True, cwd="/", check=False
        )
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def create(self) -> None:
        self.socket_dir.mkdir()
        if self.as_user:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(
            PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
        )  # fmt: skip
        self.start()
        # As config/scripts/stack.sh prepares the private cluster: PostGIS and pgRouting in template1, the
        # app's role.
        self.psql(
            "CREATE EXTENSION IF NOT EXISTS postgis",
            "CREATE EXTENSION IF NOT EXISTS pgrouting",
            "CREATE ROLE app LOGIN CREATEDB PASSWORD 'app'",
            "ALTER ROLE app SET jit = off",
            "ALTER ROLE app SET max_parallel_workers_per_gather = 0",
            "CREATE DATABASE participation OWNER app",
            database="template1",
        )

    def psql(self, *statements: str, database: str = "participation") -> None:
        """Each statement on its own (CREATE DATABASE cannot run inside a transaction)."""
        commands = [part for statement in statements for part in ("-c", statement)]
        self._run(
            "psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", self.socket_dir, "-p", str(self.port),
            "-U", "postgres", "-d", database, *commands,
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.socket_dir} "
            "-c jit=off -c fsync=off -c max_connections=60"
        )
        self._run(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "-o", options, "start"
        )  # fmt: skip

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def running(self) -> bool:
        result = subprocess.run(
            [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            cwd="/",
            check=False,
        )
        return result.returncode == 0

    @property
    def url(self) -> str:
        return f"postgis://app:app@127.0.0.1:{self.port}/participation"

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            stop = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
            subprocess.run([*self.as_user, *stop], capture_output=True, cwd="/", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def throwaway_cluster(*, port: int) -> Iterator[Cluster]:
    if port_open(port):
        raise RuntimeError(f"port {port} is in use")
    cluster = Cluster(port=port)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


@contextmanager
def slow_upload_proxy(target: str, *, bytes_per_second: int) -> Iterator[str]:
    """A proxy on 127.0.0.1 to the server at `target` (a URL) that passes what the browser sends at
    `bytes_per_second` and the answers at full speed: a phone's slow upload for real (DevTools' throttling
    only delays the browser's progress events; the bytes reach the server at once). Closing either side
    closes both, as a dropped connection does. Yields the proxy's URL."""
    import socket
    from urllib.parse import urlsplit

    upstream = urlsplit(target)
    listener = socket.create_server(("127.0.0.1", 0))
    # A small window (accepted sockets inherit it): the browser's bytes wait in the browser, not in this
    # machine's buffers, so its progress is the link's, as on a phone.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sockets: list[socket.socket] = [listener]
    chunk = max(1, bytes_per_second // 20)

    def pump(source: socket.socket, sink: socket.socket, throttled: bool) -> None:
        try:
            while data := source.recv(chunk if throttled else 65536):
                sink.sendall(data)
                if throttled:
                    time.sleep(len(data) / bytes_per_second)
        except OSError:
            pass
        for side in (source, sink):
            with suppress(OSError):
                side.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed: the block ended
            server = socket.create_connection((upstream.hostname, upstream.port))
            sockets.extend((client, server))
            threading.Thread(target=pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, False), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        for side in sockets:
            side.close()
