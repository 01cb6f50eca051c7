"""The GeoPackage's `photos` table: the published photos of the exported suggestions with their thumbnails.

One row per photo: `suggestion_id` (the `id` of the suggestion layers), `position` (1-3, the n of its
`photo_n` link), `alt_text` (its description), `url` (the full photo, as in `photo_n`) and `thumbnail`, the
small rendition's JPEG bytes (320 px on the long edge) as a BLOB, which QGIS's "Binary (BLOB)" form widget
shows and any SQLite client reads, offline. GDAL 3.6 cannot write a relationship into a GeoPackage (its
AddRelationship answers false there; GDAL 3.7 adds it, and QGIS reads such relations from 3.28 on): the
planner relates the table to a layer by `suggestion_id` = `id` in QGIS (docs/exports.md).

GDAL writes the table like every other one: ogr2ogr reads each batch from PostgreSQL, from a query that
carries the batch's values (geo/sql/export_photo_batch.sql), and appends it. The photos are listed a page of
suggestions at a time (export_photos.sql) and their thumbnails read from the photo storage (the filesystem or
S3, through Django's storage API) until a batch holds PHOTO_BATCH_BYTES: memory holds one batch, never every
thumbnail of an export.
"""

import logging
from collections.abc import Iterator

from participation.services import photo_file_name, photo_storage

from ..photo_links import photo_url_params
from ..sql import SQL
from .filters import ExportFilter

logger = logging.getLogger(__name__)

# Thumbnails per ogr2ogr call, by their bytes (a small rendition is 10-40 KB): ~100 photos a call.
PHOTO_BATCH_BYTES = 4 * 1024 * 1024
# Suggestions with photos per listing query.
PHOTO_PAGE_SUGGESTIONS = 500


PhotoRow = tuple[int, int, str, str]


def photo_rows(*, project_id: int, export_filter: ExportFilter, cursor) -> Iterator[PhotoRow]:
    """(suggestion id, position, alt text, key) of every published photo of the export's published
    suggestions, in their order, read a page of suggestions at a time on `cursor`."""
    after: int | None = None
    while True:
        params = export_filter.sql_params(project_id=project_id, id_after=after)
        cursor.execute(
            SQL.compose("export_photos", rows="export_rows"), {**params, "page_size": PHOTO_PAGE_SUGGESTIONS}
        )
        page = cursor.fetchall()
        if not page:
            return
        yield from page
        after = page[-1][0]


def photo_batches(rows: Iterator[PhotoRow]) -> Iterator[dict[str, list]]:
    """The parameters of export_photo_batch.sql, each batch at most PHOTO_BATCH_BYTES of thumbnails (or one
    photo), read from the photo storage as it goes; always at least one batch, empty when there are no photos,
    so that the table is written with its columns."""
    pieces = photo_url_params()
    storage = photo_storage()
    batch = _empty()
    size = 0
    yielded = False
    for suggestion_id, position, alt_text, key in rows:
        try:
            with storage.open(photo_file_name(key, "small"), "rb") as file:
                thumbnail: str | None = file.read().hex()
        except OSError as error:  # FileNotFoundError on disk; storages' errors on S3 are OSErrors too
            logger.warning("photo %s: no thumbnail for the export: %s", key, error)
            thumbnail = None
        batch["suggestion_ids"].append(suggestion_id)
        batch["positions"].append(position)
        batch["alt_texts"].append(alt_text)
        batch["urls"].append(pieces["photo_url"] + key + pieces["photo_full"])
        batch["thumbnails"].append(thumbnail)
        size += len(thumbnail or "") // 2
        if size >= PHOTO_BATCH_BYTES:
            yield batch
            batch, size, yielded = _empty(), 0, True
    if batch["suggestion_ids"] or not yielded:
        yield batch


def _empty() -> dict[str, list]:
    return {"suggestion_ids": [], "positions": [], "alt_texts": [], "urls": [], "thumbnails": []}
