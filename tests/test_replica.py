"""Heavy reads on a real streaming replica of the test cluster (DATABASE_REPLICA_URL, config/db_reads.py).

The module starts a replica of the private cluster with `pg_basebackup -R` on loopback
(`stack.sh replica-start`), adds the `replica` alias pointing at its copy of the test database, and proves
the routing by pausing the replica's replay: a suggestion published meanwhile exists only on the primary,
so whoever still sees it read from the primary. Tests commit (transaction=True): a test transaction would
be invisible to any replica. The replica is stopped and deleted at the end, also when a test fails.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path

import psycopg
import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from config import db_reads
from config.read_your_writes import COOKIE_NAME
from participation.models import Suggestion
from tests.factories import SuggestionFactory, TokenFactory, UserFactory
from tests.geo.test_tiles import read_tile, tile_of

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, db_reads.REPLICA_ALIAS]),
    pytest.mark.xdist_group("replica"),  # one replica for the module, on one xdist worker
]

STACK = Path(__file__).resolve().parent.parent / "config" / "scripts" / "stack.sh"
MAP = "/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom=17"
OGC_ITEMS = "/ogcapi/collections/test-project-points/items"
OPEN_DATA = "/api/v1/projects/test-project/open-data/"
EXPORT = "/api/v1/projects/test-project/exports/"
BEFORE = "replica-before-the-pause"
DURING = "replica-during-the-pause"
FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.41, 49.01]},
    "properties": {"category": "charging-station", "title": "replica-own-write", "text": "Bitte hier."},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Replica:
    """The replica server: start, stop, pause replay, wait until it has replayed the primary's WAL."""

    def __init__(self, directory: Path, port: int, primary: dict) -> None:
        self.directory, self.port, self.primary = directory, port, primary

    def _stack(self, command: str) -> None:
        environment = {
            **os.environ,
            "PG_PORT": str(self.primary["PORT"]),
            "REPLICA_PORT": str(self.port),
            "REPLICA_DIR": str(self.directory),
        }
        result = subprocess.run(  # our own script, fixed arguments
            ["/bin/bash", str(STACK), command], env=environment, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"stack.sh {command}: {result.stdout}{result.stderr}"

    def start(self) -> None:
        self._stack("replica-start")
        self.wait_until_streaming()

    def stop(self) -> None:
        self._stack("replica-stop")

    def remove(self) -> None:
        self._stack("replica-remove")

    def superuser(self) -> psycopg.Connection:
        # The cluster's superuser over the replica's own socket (local trust, copied from the primary).
        return psycopg.connect(
            host=str(self.directory / "run"),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )

    def wait_until_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.superuser() as conn:
                    row = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
                if row and row[0] == "streaming":
                    return
            except psycopg.OperationalError:
                pass
            assert time.monotonic() < deadline, "the replica did not start streaming"
            time.sleep(0.1)

    def catch_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (lsn,) = cursor.fetchone()
        deadline = time.monotonic() + timeout
        with self.superuser() as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                assert time.monotonic() < deadline, "the replica did not catch up"
                time.sleep(0.05)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Replay paused: what the primary commits meanwhile is not on the replica."""
        self.catch_up()
        with self.superuser() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            with self.superuser() as conn:
                conn.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def replica_server(django_db_setup, django_db_blocker) -> Iterator[Replica]:
    """The replica, and the `replica` alias on its copy of the test database as DATABASE_REPLICA_URL would
    set it (a test mirror of the default database: never created, never flushed)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if primary.get("HOST") not in ("127.0.0.1", "localhost"):
        pytest.skip("the replica test copies a primary on loopback (the private cluster of make test)")
    directory = Path(tempfile.mkdtemp(prefix="participation-replica-"))
    port = int(os.environ.get("TEST_REPLICA_PORT") or _free_port())
    replica = Replica(directory, port, primary)
    replica_settings = deepcopy(primary)
    replica_settings.update(HOST="127.0.0.1", PORT=str(port))
    replica_settings["TEST"]["MIRROR"] = DEFAULT_DB_ALIAS
    try:
        with django_db_blocker.unblock():
            replica.start()
        connections.settings[db_reads.REPLICA_ALIAS] = replica_settings
        yield replica
    finally:
        if db_reads.REPLICA_ALIAS in connections.settings:
            connections[db_reads.REPLICA_ALIAS].close()
            del connections[db_reads.REPLICA_ALIAS]
            del connections.settings[db_reads.REPLICA_ALIAS]
        try:
            replica.remove()
        finally:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def replica(replica_server, transactional_db, settings) -> Iterator[Replica]:
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = None
    db_reads.replica_health.reset()
    try:
        replica_server.start()  # a test that stopped it may have failed before starting it again
        yield replica_server
    finally:
        connections[db_reads.REPLICA_ALIAS].close()
        db_reads.replica_health.reset()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def map_titles(client: Client, **headers) -> set[str]:
    response = client.get(MAP, **headers)
    assert response.status_code == 200
    return {feature["properties"]["title"] for feature in json.loads(response.content)["features"]}


def gpkg_titles(content: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "export.gpkg"
    path.write_bytes(content)
    return {feature.get("title") for feature in DataSource(str(path))["suggestions_points"]}


@pytest.fixture
def published_before(point_category) -> Suggestion:
    return SuggestionFactory(category=point_category, title=BEFORE, geom=Point(8.40, 49.00, srid=4326))


def publish_during(point_category) -> Suggestion:
    return SuggestionFactory(category=point_category, title=DURING, geom=Point(8.42, 49.02, srid=4326))


# ------------------------------------------------------------------------------------------- routing


def test_map_ogc_api_and_exports_read_the_replica(
    replica, published_before, point_category, project, tmp_path
):
    planner = UserFactory(username="paula", planner_of=project)
    planner_client = Client()
    planner_client.force_login(planner)
    anyone = Client()

    with replica.paused():
        publish_during(point_category)

        assert map_titles(anyone) == {BEFORE}
        ogc = anyone.get(OGC_ITEMS)
        assert ogc.status_code == 200
        assert {f["properties"]["title"] for f in ogc.json()["features"]} == {BEFORE}
        geojson = body(anyone.get(OPEN_DATA + "geojson"))
        assert BEFORE.encode() in geojson
        assert DURING.encode() not in geojson
        csv = body(anyone.get(OPEN_DATA + "csv"))
        assert BEFORE.encode() in csv
        assert DURING.encode() not in csv
        # ogr2ogr connects on its own (PG: source): to the replica too.
        gpkg = planner_client.post(EXPORT + "gpkg")
        assert gpkg.status_code == 200
        assert gpkg_titles(body(gpkg), tmp_path) == {BEFORE}
        # Background tasks (export jobs in the worker) have no request and read the replica.
        assert db_reads.heavy_read_alias() == db_reads.REPLICA_ALIAS

    replica.catch_up()
    assert map_titles(anyone) == {BEFORE, DURING}


def test_an_export_job_in_the_worker_reads_the_replica(
    replica, published_before, point_category, planner, run_worker, settings, tmp_path
):
    settings.EXPORT_INLINE_MAX_FEATURES = 0  # every GDAL export goes to the worker
    settings.EXPORT_ROOT = tmp_path / "exports"
    client = Client()
    client.force_login(planner)
    queued = client.post(EXPORT + "gpkg")
    assert queued.status_code == 202

    with replica.paused():
        publish_during(point_category)
        assert run_worker() == 0

    status = client.get(queued["Location"]).json()
    assert status["state"] == "done"
    assert gpkg_titles(body(client.get(status["download_url"])), tmp_path) == {BEFORE}


def test_a_citizen_sees_their_own_suggestion_at_once_others_once_the_replica_has_it(
    replica, published_before, point_category, citizen
):
    author = Client()
    author.force_login(citizen)
    anyone = Client()

    with replica.paused():
        assert COOKIE_NAME not in author.get(MAP).cookies  # plain reads set nothing
        response = author.post("/api/v1/projects/test-project/suggestions/", FEATURE, "application/json")
        assert response.status_code == 201
        assert COOKIE_NAME in response.cookies
        # The write is on the primary (a replica refuses writes anyway) and not yet on the paused replica.
        assert Suggestion.objects.filter(title="replica-own-write").exists()

        assert map_titles(author) == {BEFORE, "replica-own-write"}
        assert map_titles(anyone) == {BEFORE}

    replica.catch_up()
    assert map_titles(anyone) == {BEFORE, "replica-own-write"}


def tile_titles(client: Client, tmp_path: Path) -> set[str]:
    tile = tile_of(8.41, 49.01, 10)  # holds BEFORE, DURING and FEATURE
    response = client.get("/tiles/test-project/{}/{}/{}.pbf".format(*tile))
    assert response.status_code == 200
    return {feature["title"] for feature in read_tile(response.content, tile, tmp_path)["suggestions"]}


def test_tiles_read_the_replica_and_every_writer_its_own_tiles(
    replica, published_before, point_category, citizen, tmp_path
):
    """Tiles take a shorter path than pages (geo/tiles/middleware.py); read-your-writes holds on both."""
    author = Client()
    author.force_login(citizen)
    own = {BEFORE, "replica-own-write"}

    with replica.paused():
        response = author.post("/api/v1/projects/test-project/suggestions/", FEATURE, "application/json")
        assert response.status_code == 201
        browser = Client()  # the window's cookie without a session: the short path
        browser.cookies[COOKIE_NAME] = response.cookies[COOKIE_NAME].value

        assert tile_titles(author, tmp_path) == own
        assert tile_titles(browser, tmp_path) == own
        assert tile_titles(Client(), tmp_path) == {BEFORE}

    replica.catch_up()
    assert tile_titles(Client(), tmp_path) == own


def test_a_refused_write_opens_no_window(replica, published_before, point_category, citizen):
    author = Client()
    author.force_login(citizen)

    with replica.paused():
        refused = author.post(
            "/api/v1/projects/test-project/suggestions/",
            {**FEATURE, "geometry": {"type": "Point", "coordinates": [1.0, 1.0]}},  # outside the area
            "application/json",
        )
        assert refused.status_code == 400
        assert COOKIE_NAME not in refused.cookies
        publish_during(point_category)

        assert map_titles(author) == {BEFORE}


def test_a_token_client_without_cookies_reads_its_own_writes(replica, published_before, citizen):
    token = TokenFactory(user=citizen)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    with replica.paused():
        response = api.post("/api/v1/projects/test-project/suggestions/", FEATURE, "application/json")
        assert response.status_code == 201
        api.cookies.clear()

        assert map_titles(api) == {BEFORE, "replica-own-write"}
        assert map_titles(Client()) == {BEFORE}


def test_a_forged_window_cookie_is_ignored(replica, published_before, point_category):
    client = Client()
    client.cookies[COOKIE_NAME] = str(time.time() + 3600)  # unsigned

    with replica.paused():
        publish_during(point_category)

        assert map_titles(client) == {BEFORE}


def test_the_window_closes(replica, published_before, point_category, citizen, settings):
    settings.READ_YOUR_WRITES_SECONDS = 1
    author = Client()
    author.force_login(citizen)

    with replica.paused():
        response = author.post("/api/v1/projects/test-project/suggestions/", FEATURE, "application/json")
        assert response.status_code == 201
        publish_during(point_category)
        assert DURING in map_titles(author)
        time.sleep(1.1)

        assert map_titles(author) == {BEFORE}


# ------------------------------------------------------------------------------------------- failures


def test_reads_fall_back_to_the_primary_while_the_replica_is_down_and_return_to_it(
    replica, published_before, point_category, settings
):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.5
    anyone = Client()
    assert map_titles(anyone) == {BEFORE}  # the connection to the replica is open now

    replica.stop()
    publish_during(point_category)

    # The dead connection is noticed, the replica marked down: the primary answers, no 5xx.
    assert map_titles(anyone) == {BEFORE, DURING}
    assert anyone.get(OGC_ITEMS).status_code == 200
    assert DURING.encode() in body(anyone.get(OPEN_DATA + "geojson"))
    health = anyone.get("/healthz")
    assert (health.status_code, health.json()["replica"]) == (200, "unreachable")

    replica.start()
    time.sleep(settings.DATABASE_REPLICA_RETRY_SECONDS)
    with replica.paused():
        SuggestionFactory(
            category=point_category, title="after-the-restart", geom=Point(8.43, 49.03, srid=4326)
        )

        assert map_titles(anyone) == {BEFORE, DURING}  # the replica again
    assert anyone.get("/healthz").json()["replica"] == "ok"


def test_a_replica_too_far_behind_is_skipped(replica, published_before, point_category, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0.3
    settings.DATABASE_REPLICA_LAG_CHECK_SECONDS = 0
    anyone = Client()

    with replica.paused():
        publish_during(point_category)
        time.sleep(0.5)

        assert map_titles(anyone) == {BEFORE, DURING}
        health = anyone.get("/healthz").json()
        assert health["replica"] == "behind"
        assert health["replica_lag_seconds"] > 0.3

    replica.catch_up()
    assert anyone.get("/healthz").json()["replica"] == "ok"
    assert db_reads.heavy_read_alias() == db_reads.REPLICA_ALIAS
