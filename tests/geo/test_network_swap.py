"""Replacing a street network on a live site: readers on other connections (routing, tiles) see the old
network until the import commits, then the new one, and never wait for it; a session that holds the
network's tables makes the import wait in short tries and go on when it lets go, or give up with a message
and change nothing."""

import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import translation

from geo.network import imports
from geo.network.imports import NetworkRefused, network_import
from geo.network.models import StreetNetwork
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
OSM = KARLSRUHE / "inner-city-2009.osm"
PBF = KARLSRUHE / "inner-city-2009.osm.pbf"
# Longer than reading the extract takes: the import comes to the tables while they are held.
HOLD_SECONDS = 2.5


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def other_connection() -> psycopg.Connection:
    """A second session, as a routing request has: it sees only what is committed, waits 200 ms at most."""
    db = connection.settings_dict
    conn = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    conn.autocommit = True
    conn.execute("SET lock_timeout = '200ms'")
    return conn


def edge_count(conn: psycopg.Connection, network_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM geo_network_edge WHERE network_id = %s", [network_id]
    ).fetchone()[0]


def test_readers_see_the_old_network_until_the_commit_without_waiting(monkeypatch):
    project = ProjectFactory(slug="karlsruhe")
    first = network_import(project, OSM)
    network = StreetNetwork.objects.get(project=project)
    seen = []
    real_lock = imports._lock

    def lock_then_read(cursor):
        real_lock(cursor)  # the new network is built, the tables are taken: the replacement comes next
        with other_connection() as reader:
            seen.append(edge_count(reader, network.pk))
            seen.append(reader.execute("SELECT count(*) FROM geo_network_vertex").fetchone()[0])

    monkeypatch.setattr(imports, "_lock", lock_then_read)
    network_import(project, PBF)

    assert seen == [first["edges"], first["vertices"]]
    with other_connection() as reader:
        assert edge_count(reader, network.pk) == first["edges"]
        generation = reader.execute(
            "SELECT generation FROM geo_street_network WHERE id = %s", [network.pk]
        ).fetchone()[0]
    assert generation == 2


def test_a_session_holding_the_tables_makes_the_import_wait_then_go_on():
    project = ProjectFactory(slug="karlsruhe")
    held = threading.Event()

    def hold_for_a_moment():
        with other_connection() as holder, holder.transaction():
            holder.execute("LOCK TABLE geo_network_edge IN SHARE MODE")
            held.set()
            time.sleep(HOLD_SECONDS)

    holder = threading.Thread(target=hold_for_a_moment)
    holder.start()
    held.wait(5)
    began = time.monotonic()
    report = network_import(project, OSM)
    holder.join()

    # The import read the file meanwhile, then tried in 50 ms steps until the holder let go.
    assert time.monotonic() - began >= HOLD_SECONDS - 0.1
    assert report["edges"] > 3000
    assert StreetNetwork.objects.get(project=project).generation == 1


def test_an_import_gives_up_with_a_message_when_the_tables_stay_taken(monkeypatch):
    project = ProjectFactory(slug="karlsruhe")
    network_import(project, OSM)
    before = StreetNetwork.objects.get(project=project)
    monkeypatch.setattr(imports, "LOCK_PATIENCE", timedelta(seconds=0.3))

    with other_connection() as holder, holder.transaction():
        holder.execute("LOCK TABLE geo_network_edge IN SHARE MODE")
        with pytest.raises(NetworkRefused, match="Nothing was changed"):
            network_import(project, PBF)

    after = StreetNetwork.objects.get(project=project)
    assert (after.generation, after.source_name) == (before.generation, before.source_name)
    with other_connection() as reader:
        assert edge_count(reader, before.pk) == before.import_report["edges"]
