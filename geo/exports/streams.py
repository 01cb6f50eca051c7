"""GeoJSON and CSV exports, written by PostgreSQL and streamed to the client as they come.

`COPY (…) TO STDOUT (FORMAT binary)` runs in a read-only transaction on the connection for heavy reads
(config/db_reads.py); psycopg hands over one row at a time, each the finished line of one suggestion (from
the pieces PostgreSQL stores with every suggestion, geo/sql/export_fragments.sql), and the lines go out in
chunks of about 64 KB. No whole result is ever held in memory, and the first bytes leave as soon as the
database sends its first rows.

Writing the features is the database's work, on one core per connection. A large export is therefore cut in
two id ranges: the request's connection streams the first range while a second connection writes the second
into a temporary file, which is sent once the first range is out. The second connection imports the
first one's snapshot (`pg_export_snapshot()`), so the two ranges together hold exactly the rows of one moment,
as a single query would.
"""

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql as pgsql

from config.db_reads import heavy_reads

from ..fields import PHOTO_FIELD_NAMES
from ..sql import SQL
from .filters import ExportFilter
from .provenance import Provenance

CHUNK_BYTES = 64 * 1024
# Excel and LibreOffice take a CSV for UTF-8 only when it starts with a byte order mark.
UTF8_BOM = "\ufeff".encode()
# The CSV's header line: the column names of geo/sql/export_table.sql, whose cells export_csv.sql writes.
CSV_HEADER = (
    b"id,category,category_label,title,text,moderation_state,planning_status,official_answer,"
    b"support_count,comment_count,created_at,updated_at,answered_at,line_drawing,geometry_type,lon,lat,wkt\n"
)
# A planner's CSV adds the coverage analysis's columns (geo/fields.py ANALYSIS_FIELDS), written by
# export_csv_analysis.sql; the open-data CSV has none of them.
CSV_ANALYSIS_HEADER = (
    CSV_HEADER[:-1] + b",nearest_facility,facility_distance_m,district,network_share_percent\n"
)
# ... and then where the suggestion is in words (geo/fields.py PLACE_FIELDS), export_place_csv.sql.
CSV_PLACE_HEADER = CSV_ANALYSIS_HEADER[:-1] + b",place\n"
# Every CSV ends with the photo links (geo/fields.py PHOTO_FIELD_NAMES), after the stored pieces' cells and
# the planners' (export_csv.sql, export_csv_analysis.sql).
CSV_PHOTO_CELLS = ("," + ",".join(PHOTO_FIELD_NAMES)).encode()
# Binary COPY: an 11-byte signature, 32-bit flags and the length of a header extension come first; every
# row is a 16-bit field count and a 32-bit length before its one value; a count of -1 ends the data.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
COPY_HEADER_BYTES = 19
COPY_ROW_PREFIX = 6
# Below this many ids between the project's first and last published suggestion one connection is quicker
# than starting a second one.
SPLIT_MIN_IDS = 50_000
# How long the first range waits for the second connection to take over the snapshot.
SNAPSHOT_IMPORT_SECONDS = 30


def copy_out(sql: str, params: dict[str, Any], *, rest_sql: str | None = None) -> Iterator[bytes]:
    """The output of a `COPY … TO STDOUT` statement, in chunks, read in a read-only transaction.

    With `rest_sql` (the statement for the second range) and `params` of
    export_rows.sql, a large export is read as two id ranges by two connections at once.
    The transaction is rolled back at the end, not committed: it wrote nothing, and inside an outer
    transaction (tests) the read-only setting must not outlive this block.
    """
    db = heavy_reads()
    # Inside an outer transaction the isolation level is already set, and a second connection would not
    # see that transaction's rows: then one connection reads everything.
    may_split = rest_sql is not None and not db.in_atomic_block
    with transaction.atomic(using=db.alias):
        with db.cursor() as cursor:
            if not may_split:
                cursor.execute("SET TRANSACTION READ ONLY")
                yield from _copy_chunks(cursor.cursor, sql, params)
            else:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute(SQL.load("export_split"), {"project_id": params["project_id"]})
                snapshot, first_id, last_id = cursor.fetchone()
                if first_id is None or last_id - first_id < SPLIT_MIN_IDS:
                    yield from _copy_chunks(cursor.cursor, sql, params)
                else:
                    middle = (first_id + last_id) // 2
                    yield from _copy_two_ranges(db, cursor.cursor, snapshot, sql, rest_sql, params, middle)
        transaction.set_rollback(True, using=db.alias)


def _copy_chunks(cursor, sql: str, params: dict[str, Any]) -> Iterator[bytes]:
    """The values of a one-column `COPY … TO STDOUT (FORMAT binary)`, run together, in chunks.

    libpq hands over exactly one row per message (PQgetCopyData), the file header with the first one. A row
    is its value behind a fixed prefix, so no byte of the value is looked at; the values are never NULL
    (the stored pieces are NOT NULL), and the trailer's two bytes leave nothing behind the prefix.
    """
    buffer = bytearray()
    # psycopg binds the parameters on the client for COPY; they are values, never SQL text.
    with cursor.copy(sql, params) as copy:
        rows = iter(copy)
        for data in rows:
            buffer += _after_copy_header(memoryview(data))[COPY_ROW_PREFIX:]
            break
        for data in rows:
            buffer += data[COPY_ROW_PREFIX:]
            if len(buffer) >= CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def _after_copy_header(data: memoryview) -> memoryview:
    if data[: len(COPY_SIGNATURE)] != COPY_SIGNATURE:
        raise ValueError("An export's COPY must be in binary format.")
    extension = int.from_bytes(data[15:COPY_HEADER_BYTES], "big")
    return data[COPY_HEADER_BYTES + extension :]


def _copy_two_ranges(
    db: BaseDatabaseWrapper,
    cursor,
    snapshot: str,
    sql: str,
    rest_sql: str,
    params: dict[str, Any],
    middle: int,
) -> Iterator[bytes]:
    if params.get("id_after") is not None or params.get("id_until") is not None:
        raise ValueError("A streamed export is cut into ranges here; it takes no id range of its own.")
    with tempfile.TemporaryFile(prefix="export-") as file:
        spool = _Spool(file.fileno())
        worker = threading.Thread(
            target=spool.fill,
            args=(db, snapshot, rest_sql, {**params, "id_after": middle}),
            name="export-second-range",
            daemon=True,
        )
        worker.start()
        try:
            yield from _copy_chunks(cursor, sql, {**params, "id_until": middle})
            # The snapshot lives as long as this transaction: it stays open until the other connection has it.
            spool.imported.wait(SNAPSHOT_IMPORT_SECONDS)
            yield from spool.drain()
        finally:
            spool.stop.set()
            worker.join()


class _Spool:
    """A temporary file one thread writes a COPY into while another reads it from the start."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.changed = threading.Condition()
        self.written = 0
        self.done = False
        self.error: BaseException | None = None
        self.imported = threading.Event()
        self.stop = threading.Event()

    def fill(self, db: BaseDatabaseWrapper, snapshot: str, sql: str, params: dict[str, Any]) -> None:
        other = db.copy()  # the same settings and role; a new connection, owned by this thread
        try:
            with other.cursor() as wrapper:
                cursor = wrapper.cursor
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute(pgsql.SQL("SET TRANSACTION SNAPSHOT {}").format(pgsql.Literal(snapshot)))
                self.imported.set()
                for chunk in _copy_chunks(cursor, sql, params):
                    if self.stop.is_set():
                        raise _Stopped()  # leaving the COPY with an exception cancels it in the server
                    os.pwrite(self.fd, chunk, self.written)
                    with self.changed:
                        self.written += len(chunk)
                        self.changed.notify()
                cursor.execute("ROLLBACK")
        except _Stopped:
            pass
        except BaseException as error:  # handed to the reading thread, which raises it
            self.error = error
        finally:
            self.imported.set()
            other.close()
            with self.changed:
                self.done = True
                self.changed.notify()

    def drain(self) -> Iterator[bytes]:
        position = 0
        while True:
            with self.changed:
                while self.written == position and not self.done:
                    self.changed.wait()
                if self.error is not None:
                    raise self.error
                available = self.written - position
                if not available and self.done:
                    return
            while available:
                chunk = os.pread(self.fd, min(available, 4 * CHUNK_BYTES), position)
                position += len(chunk)
                available -= len(chunk)
                yield chunk


class _Stopped(Exception):
    """The reader went away (the client closed the download): the second range is cancelled."""


def _planner_sql(outer: str, place: str, *, analysis: bool, nearest_street: bool) -> str:
    """The streamed export's statement: the open-data one, or a planner's with the coverage analysis and,
    with `nearest_street`, the place column (read from geo_suggestion_place, which is kept exact)."""
    if not analysis:
        if nearest_street:
            raise ValueError("The place column is part of a planner's export (analysis=True).")
        return SQL.compose(outer, rows="export_rows")
    return SQL.compose(
        f"{outer}_analysis",
        rows="export_rows",
        place=f"export_place_{place}" if nearest_street else "export_place_none",
    )


def geojson_stream(
    *,
    project_id: int,
    export_filter: ExportFilter,
    provenance: Provenance,
    analysis: bool = False,
    nearest_street: bool = False,
) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection; the provenance is its `export` member, written before the features.
    With `analysis` (planners' exports) each Feature also has the coverage analysis's properties, and with
    `nearest_street` also `place`, its nearest address or street and its district ("Kaiserstraße 12,
    Innenstadt-West"); planners' exports always ask for both."""
    sql = _planner_sql("export_geojson", "geojson", analysis=analysis, nearest_street=nearest_street)
    head = {"type": "FeatureCollection", "export": provenance.as_dict()}
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "features": [\n'
    chunks = copy_out(sql, export_filter.sql_params(project_id=project_id), rest_sql=sql)
    # Every feature line starts with a comma; the first one must not.
    for first in chunks:
        yield first[1:]
        break
    yield from chunks
    yield b"]}\n"


def csv_stream(
    *, project_id: int, export_filter: ExportFilter, analysis: bool = False, nearest_street: bool = False
) -> Iterator[bytes]:
    """The lines COPY … (FORMAT csv, HEADER) writes for export_table.sql (RFC 4180 quoting); with `analysis`
    (planners' exports) followed by the coverage analysis's columns and, with `nearest_street`, `place`; then
    the photo links."""
    sql = _planner_sql("export_csv", "csv", analysis=analysis, nearest_street=nearest_street)
    headers = {False: CSV_HEADER, True: CSV_PLACE_HEADER if nearest_street else CSV_ANALYSIS_HEADER}
    yield UTF8_BOM + headers[analysis][:-1] + CSV_PHOTO_CELLS + b"\n"
    yield from copy_out(sql, export_filter.sql_params(project_id=project_id), rest_sql=sql)
