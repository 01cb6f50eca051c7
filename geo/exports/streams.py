"""GeoJSON and CSV exports, written by PostgreSQL and streamed to the client as they come.

`COPY (…) TO STDOUT` runs in a read-only transaction on the connection for heavy reads
(config/db_reads.py); psycopg hands over the data in pieces which go out in chunks of about 64 KB. No whole
result is ever held in memory, and the first bytes leave as soon as the database sends its first rows.
"""

import json
from collections.abc import Iterator

from django.db import transaction

from config.db_reads import heavy_reads

from ..sql import compose_sql
from .filters import ExportFilter
from .provenance import Provenance

CHUNK_BYTES = 64 * 1024
# Excel and LibreOffice take a CSV for UTF-8 only when it starts with a byte order mark.
UTF8_BOM = "\ufeff".encode()


def copy_out(sql: str, params: dict[str, object]) -> Iterator[bytes]:
    """The output of a `COPY … TO STDOUT` statement, in chunks, read in a read-only transaction.

    The transaction is rolled back at the end, not committed: it wrote nothing, and inside an outer
    transaction (tests) the read-only setting must not outlive this block.
    """
    db = heavy_reads()
    with transaction.atomic(using=db.alias):
        with db.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            buffer = bytearray()
            # psycopg binds the parameters on the client for COPY; they are values, never SQL text.
            with cursor.cursor.copy(sql, params) as copy:
                for data in copy:
                    buffer += data
                    if len(buffer) >= CHUNK_BYTES:
                        yield bytes(buffer)
                        buffer.clear()
            if buffer:
                yield bytes(buffer)
        transaction.set_rollback(True, using=db.alias)


def geojson_stream(
    *, project_id: int, export_filter: ExportFilter, provenance: Provenance
) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection; the provenance is its `export` member, written before the features."""
    head = {"type": "FeatureCollection", "export": provenance.as_dict()}
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "features": [\n'
    chunks = copy_out(
        compose_sql("export_geojson", "export_rows"), export_filter.sql_params(project_id=project_id)
    )
    # Every feature line starts with a comma; the first one must not.
    for first in chunks:
        yield first[1:]
        break
    yield from chunks
    yield b"]}\n"


def csv_stream(*, project_id: int, export_filter: ExportFilter) -> Iterator[bytes]:
    yield UTF8_BOM
    # PostgreSQL writes the CSV (RFC 4180 quoting, a header line) around our own query file.
    sql = f"COPY ({compose_sql('export_table', 'export_rows')}) TO STDOUT (FORMAT csv, HEADER)"
    yield from copy_out(sql, export_filter.sql_params(project_id=project_id))
