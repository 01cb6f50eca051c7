"""The large benchmark project's street network and addresses (issue 24), seeded once and reused.

A synthetic city of 200,000 edges over the project area (benchmarks/sql/seed_network.sql: a jittered grid of
named streets, some one-way, some closed to bicycles) as the project's StreetNetwork, and 500,000 addresses
along its streets (benchmarks/sql/seed_addresses.sql), both drawn by PostgreSQL in one transaction with a
fixed seed; then, as after an import, the project's paths are matched to the edges (geo_network_rematch,
when the branch has it). The table `bench_network_seed` holds the parameters per project: a re-run with the
same ones reuses them, other ones (a changed NETWORK_SEED_VERSION or scale) seed them again. The routing,
place-search and nearest-street scenarios call `ensure` first, so any of them can run alone (BENCH_ONLY).

The addresses are drawn into bench_address (street, housenumber, lon, lat) and go from there into the
gazetteer as an address import puts them (geo_place, source 'addresses'); then the gazetteer is built as after
a network import (geo.places.services: streets from the edges' names, districts, every suggestion's label in
words), by the same SQL files.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import psycopg

from benchmarks.sql import SQL

# The gazetteer's build after a network import (geo.places.services.places_build_in_transaction), in order.
PLACE_BUILD = [
    "place_build_lock",
    "place_build_forget",
    "place_build_insert",
    "place_build_derived",
    "place_labels_rebuild",
]

# Bump when a generator changes: a network seeded by another version is replaced.
NETWORK_SEED_VERSION = 4
NETWORK_SEED = 0.2424  # setseed() takes -1..1


@dataclass(frozen=True)
class NetworkSize:
    edges: int
    addresses: int


SIZES = {
    "full": NetworkSize(edges=200_000, addresses=500_000),
    "smoke": NetworkSize(edges=2_000, addresses=5_000),
}


@dataclass(frozen=True)
class SeededNetwork:
    network_id: int
    edges: int
    addresses: int
    seconds: float  # 0 when it was reused


def marker(scale: str) -> dict:
    return {"version": NETWORK_SEED_VERSION, "seed": NETWORK_SEED, **asdict(SIZES[scale])}


def ensure(dsn: str, project_id: int, scale: str, log: Callable[[str], None] = print) -> SeededNetwork:
    """The project's network and addresses as `scale` wants them: reused when seeded with these parameters,
    else (re)drawn, committed and vacuumed."""
    size = SIZES[scale]
    wanted = marker(scale)
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_network_seed "
            "(project_id bigint PRIMARY KEY, params jsonb NOT NULL, seconds double precision NOT NULL)"
        )
        row = conn.execute(
            "SELECT s.params, n.id FROM bench_network_seed AS s "
            "JOIN geo_street_network AS n ON n.project_id = s.project_id WHERE s.project_id = %s",
            (project_id,),
        ).fetchone()
        if row is not None and row[0] == wanted:
            return SeededNetwork(network_id=row[1], edges=size.edges, addresses=size.addresses, seconds=0.0)
        log(f"  seeding the street network ({size.edges:,} edges) and {size.addresses:,} addresses")
        began = time.perf_counter()
        params = {"project_id": project_id, "seed": NETWORK_SEED, **asdict(size)}
        # A client-side cursor: the files hold several statements, with parameters.
        with psycopg.ClientCursor(conn) as cursor:
            cursor.execute(SQL.load("seed_network"), params)
            cursor.execute(SQL.load("seed_addresses"), params)
        network_id, edges, addresses = conn.execute(
            "SELECT n.id, (SELECT count(*) FROM geo_network_edge WHERE network_id = n.id), "
            "(SELECT count(*) FROM bench_address WHERE project_id = n.project_id) "
            "FROM geo_street_network AS n WHERE n.project_id = %s",
            (project_id,),
        ).fetchone()
        if (edges, addresses) != (size.edges, size.addresses):
            raise RuntimeError(f"drew {edges} edges and {addresses} addresses, wanted {size}")
        # As an import: the small parts cut off from the rest marked for routing's snapping.
        from geo.network.imports import SMALL_PART_CROSSINGS
        from geo.sql import SQL as GEO_SQL

        conn.execute(GEO_SQL.load("network_stranded"), {"network": network_id, "small": SMALL_PART_CROSSINGS})
        # As after an import: the project's paths matched to the new edges, its demand per segment counted.
        matched = time.perf_counter()
        conn.execute("SELECT geo_network_rematch(%s)", (project_id,))
        log(f"  paths matched to the network in {time.perf_counter() - matched:.0f} s")
        # As an address import, then the build that follows a network import: the place search's rows and
        # the 1.1 M suggestions' labels (the nearest-street export column).
        placed = time.perf_counter()
        conn.execute(
            "DELETE FROM geo_place WHERE project_id = %(project)s AND source = 'addresses'",
            {"project": project_id},
        )
        conn.execute(
            "INSERT INTO geo_place "
            "(project_id, kind, source, name, street, housenumber, postcode, label, geom) "
            "SELECT project_id, 'address', 'addresses', '', street, housenumber, '', "
            "street || ' ' || housenumber, ST_SetSRID(ST_MakePoint(lon, lat), 4326) "
            "FROM bench_address WHERE project_id = %(project)s",
            {"project": project_id},
        )
        for name in PLACE_BUILD:
            conn.execute(GEO_SQL.load(name), {"project": project_id})
        log(f"  gazetteer and place labels built in {time.perf_counter() - placed:.0f} s")
        seconds = time.perf_counter() - began
        conn.execute(
            "INSERT INTO bench_network_seed (project_id, params, seconds) VALUES (%s, %s, %s) "
            "ON CONFLICT (project_id) DO UPDATE SET params = EXCLUDED.params, seconds = EXCLUDED.seconds",
            (project_id, json.dumps(wanted), seconds),
        )
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "VACUUM (ANALYZE) geo_street_network, geo_network_vertex, geo_network_edge, bench_address"
        )
        conn.execute(
            "VACUUM (ANALYZE) geo_suggestion_edge, geo_segment_demand, geo_place, geo_suggestion_place"
        )
    seconds = time.perf_counter() - began
    log(f"  seeded in {seconds:.0f} s")
    return SeededNetwork(network_id=network_id, edges=edges, addresses=addresses, seconds=seconds)


def ensure_gazetteer_copy(
    dsn: str, project_id: int, source_project_id: int, scale: str, log: Callable[[str], None] = print
) -> None:
    """The 11 k project's gazetteer: the big project's places (the same synthetic town) and the labels they
    give its suggestions. The map's features carry a suggestion's place label, so without it the viewport's
    "1.1 M vs 11 k" rows would compare the big project's labelled answers with unlabelled ones."""
    wanted = {**marker(scale), "gazetteer_of": source_project_id}
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT params FROM bench_network_seed WHERE project_id = %s", (project_id,)
        ).fetchone()
        if row is not None and row[0] == wanted:
            return
        log("  the 11 k project's gazetteer (the big project's places) and its place labels")
        began = time.perf_counter()
        conn.execute("DELETE FROM geo_place WHERE project_id = %s", (project_id,))
        conn.execute(
            "INSERT INTO geo_place "
            "(project_id, kind, source, name, street, housenumber, postcode, label, geom, extent) "
            "SELECT %s, kind, source, name, street, housenumber, postcode, label, geom, extent "
            "FROM geo_place WHERE project_id = %s",
            (project_id, source_project_id),
        )
        from geo.sql import SQL as GEO_SQL

        conn.execute(GEO_SQL.load("place_labels_rebuild"), {"project": project_id})
        conn.execute(
            "INSERT INTO bench_network_seed (project_id, params, seconds) VALUES (%s, %s, %s) "
            "ON CONFLICT (project_id) DO UPDATE SET params = EXCLUDED.params, seconds = EXCLUDED.seconds",
            (project_id, json.dumps(wanted), time.perf_counter() - began),
        )
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) geo_place, geo_suggestion_place")
    log(f"  done in {time.perf_counter() - began:.0f} s")
