"""GeoPackage, Shapefile, KML and XLSX, written by GDAL's `ogr2ogr` reading our rows straight from PostgreSQL.

ogr2ogr cannot bind parameters, so each layer's query is rendered by psycopg's client-side binding
(`ClientCursor.mogrify`): the same quoting psycopg uses for every COPY, applied to values the filter form
has already checked. ogr2ogr connects with its own session in read-only mode; the password travels in the
environment, never on the command line. Every layer is declared EPSG:4326 (what we store): GDAL cannot
tell the system of an empty query result on its own.

ogr2ogr reports no progress when it reads a query ("fast feature count is not available"), so large
layers are written in parts of EXPORT_CHUNK_ROWS suggestions (id slices, appended one after the other) and
the progress counts the rows of the parts done.

A GeoPackage also carries the published photos of its suggestions with their thumbnails, in a `photos` table
written batch by batch (geo/exports/photos.py); every format links them (geo/fields.py photo_1 … photo_3).

A GeoPackage carries each data layer's QGIS style in a `layer_styles` table (geo/exports/styles.py), written
by ogr2ogr as one more table, so QGIS opens the layers styled; a Shapefile zip carries a `.qml` beside each
layer, which QGIS loads with it. Everything is written into the caller's directory: a failure leaves nothing
the caller does not delete.
"""

import logging
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg
from django.conf import settings

from config.db_reads import heavy_reads
from participation.models import Category, Project

from ..models import ExportFormat
from ..network.models import StreetNetwork
from ..sql import SQL
from .filters import ExportFilter
from .photos import photo_batches, photo_rows
from .provenance import Provenance
from .styles import GEOPACKAGE_FIELDS, SHAPEFILE_FIELDS, layer_style

logger = logging.getLogger(__name__)

LAYER_NAMES = {"point": "suggestions_points", "line": "suggestions_lines", "polygon": "suggestions_areas"}
GEOMETRY_TYPES = {"point": "POINT", "line": "LINESTRING", "polygon": "POLYGON"}
EXTENSIONS = {
    ExportFormat.GPKG: "gpkg",
    ExportFormat.SHAPEFILE: "zip",
    ExportFormat.KML: "kml",
    ExportFormat.XLSX: "xlsx",
}
CONTENT_TYPES = {
    ExportFormat.GPKG: "application/geopackage+sqlite3",
    ExportFormat.SHAPEFILE: "application/zip",
    ExportFormat.KML: "application/vnd.google-earth.kml+xml",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DRIVERS = {
    ExportFormat.GPKG: "GPKG",
    ExportFormat.SHAPEFILE: "ESRI Shapefile",
    ExportFormat.KML: "LIBKML",
    ExportFormat.XLSX: "XLSX",
}
# A worksheet has 1,048,576 rows, one of them the header.
XLSX_MAX_ROWS = 1_048_575
SHAPEFILE_NOTE = (
    "Shapefile limits: field names have at most 10 characters and texts are cut at 254 bytes; "
    "the GeoPackage export holds the full texts and the comments.\n"
)

# The name GDAL's GeoPackage driver gives the geometry column (export_gdal_layer.sql selects `geom`).
GEOMETRY_COLUMN = "geom"
# ogr2ogr takes a longer query from a file (`-sql @file`): a single argument is at most 128 KiB on Linux,
# and the styles of a project with many categories come near that.
SQL_ARGUMENT_MAX = 64 * 1024

PHOTOS_DESCRIPTION = (
    "Published photos of the exported suggestions: suggestion_id, position (the n of photo_n), alt_text, "
    "url of the full photo and its thumbnail (JPEG, 320 px)"
)
SEGMENTS_DESCRIPTION = (
    "Demand per street segment: published suggested paths along each segment and their supports, "
    "whatever the export's filter"
)

Progress = Callable[[float], None]


class ExportFailed(Exception):
    """ogr2ogr failed or ran out of time; the message is for the log, not for the planner."""


@dataclass(slots=True)
class _Run:
    """One ogr2ogr call: one layer of the output, or one part of it."""

    layer: str
    target: Path
    sql: str
    rows: int
    append: bool = False  # add to the layer an earlier part created
    options: list[str] = field(default_factory=list)
    # The session's zone, in which GDAL receives timestamps: UTC (a GeoPackage keeps DateTime in UTC, and
    # other offsets are "non-conformant" to its readers); KML's <when> gets the site's zone and offset.
    time_zone: str = "UTC"
    # A table written in batches made as it goes (the photos): each a query; the first creates the layer.
    batches: Callable[[], Iterator[str]] | None = None


def export_counts(*, project_id: int, export_filter: ExportFilter) -> dict[str, int]:
    """Suggestions in the export per geometry kind."""
    with heavy_reads().cursor() as cursor:
        cursor.execute(
            SQL.compose("export_counts", rows="export_rows"), export_filter.sql_params(project_id=project_id)
        )
        return dict(cursor.fetchall())


def export_kinds(*, project: Project, export_filter: ExportFilter, counts: dict[str, int]) -> list[str]:
    """The geometry kinds the export's categories have, each with its layer even when empty, and any kind
    the rows have (a category's kind changed after it had suggestions)."""
    categories = Category.objects.filter(project=project)
    if export_filter.category_ids:
        categories = categories.filter(pk__in=export_filter.category_ids)
    kinds = set(categories.values_list("geometry_kind", flat=True)) | set(counts)
    return [kind for kind in LAYER_NAMES if kind in kinds]


def gdal_export(
    *,
    project: Project,
    export_filter: ExportFilter,
    export_format: str,
    provenance: Provenance,
    directory: Path,
    on_progress: Progress = lambda fraction: None,
    counts: dict[str, int] | None = None,
) -> Path:
    """Write the export into `directory` and return the file to hand out (a .gpkg, .kml or .zip).

    `counts` (export_counts) when the caller has them already."""
    if counts is None:
        counts = export_counts(project_id=project.pk, export_filter=export_filter)
    kinds = export_kinds(project=project, export_filter=export_filter, counts=counts)
    stem = provenance.file_stem()
    driver = DRIVERS[ExportFormat(export_format)]
    if export_format == ExportFormat.GPKG:
        target = directory / f"{stem}.gpkg"
        description = f"{provenance.project_title}: {provenance.licence}"
        runs = [
            run
            for kind in kinds
            for run in _layer_runs(
                "export_gdal_layer", project, export_filter, kind, counts, target,
                ["-nlt", GEOMETRY_TYPES[kind], "-lco", f"DESCRIPTION={description}"],
            )
        ]  # fmt: skip
        runs += _geopackage_tables(project, export_filter, provenance, target)
        runs.append(_styles_run(project, export_filter, provenance, kinds, target))
        # Dataset metadata too, for tools that show it (QGIS's layer properties, gdalinfo).
        runs[0].options += [a for k, v in provenance.as_pairs() for a in ("-mo", f"{k.upper()}={v}")]
        _run_all(runs, driver=driver, on_progress=on_progress)
        return target
    if export_format == ExportFormat.KML:
        # One run: LIBKML cannot append to a file it wrote. KML is for small selections in Google Earth.
        target = directory / f"{stem}.kml"
        run = _Run(
            layer="suggestions",
            target=target,
            sql=_render("export_kml", export_filter.sql_params(project_id=project.pk)),
            rows=sum(counts.values()),
            options=["-nlt", "GEOMETRY", "-dsco", f"NAME={provenance.project_title}",
                     "-dsco", f"DESCRIPTION={provenance.as_text()}",
                     # created_at is written as the placemark's <TimeStamp> (export_kml.sql).
                     "--config", "LIBKML_TIMESTAMP_FIELD", "created_at"],
            time_zone=settings.TIME_ZONE,
        )  # fmt: skip
        _run_all([run], driver=driver, on_progress=on_progress)
        return target
    if export_format == ExportFormat.XLSX:
        # The CSV export's columns (formula-safe texts, lon/lat, WKT) with date-time cells, written by GDAL.
        target = directory / f"{stem}.xlsx"
        run = _Run(
            layer="suggestions",
            target=target,
            sql=_render("export_xlsx", export_filter.sql_params(project_id=project.pk)),
            rows=sum(counts.values()),
        )
        _run_all([run], driver=driver, on_progress=on_progress)
        return target
    if export_format == ExportFormat.SHAPEFILE:
        folder = directory / stem
        folder.mkdir()
        runs = [
            run
            for kind in kinds
            for run in _layer_runs(
                "export_shapefile", project, export_filter, kind, counts, folder / f"{LAYER_NAMES[kind]}.shp",
                ["-nlt", GEOMETRY_TYPES[kind], "-lco", "ENCODING=UTF-8"],
            )
        ]  # fmt: skip
        _run_all(runs, driver=driver, on_progress=on_progress)
        for kind in kinds:
            # QGIS loads <layer>.qml with <layer>.shp by itself.
            style = layer_style(
                project=project, layer=LAYER_NAMES[kind], kind=kind,
                category_ids=export_filter.category_ids, fields=SHAPEFILE_FIELDS,
            )  # fmt: skip
            (folder / f"{LAYER_NAMES[kind]}.qml").write_bytes(style.qml)
        (folder / "PROVENANCE.txt").write_text(provenance.as_text() + SHAPEFILE_NOTE, encoding="utf-8")
        target = directory / f"{stem}.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
        shutil.rmtree(folder)
        return target
    raise ValueError(f"Not a GDAL export format: {export_format!r}")


def _layer_runs(
    outer: str,
    project: Project,
    export_filter: ExportFilter,
    kind: str,
    counts: dict[str, int],
    target: Path,
    options: list[str],
) -> list[_Run]:
    """One layer as parts of at most EXPORT_CHUNK_ROWS suggestions; the first part creates it."""
    rows = counts.get(kind, 0)
    bounds: list[int] = []
    if rows > settings.EXPORT_CHUNK_ROWS:
        with heavy_reads().cursor() as cursor:
            params = export_filter.sql_params(project_id=project.pk, kind=kind)
            cursor.execute(
                SQL.compose("export_chunks", rows="export_rows"),
                {**params, "chunk_rows": settings.EXPORT_CHUNK_ROWS},
            )
            bounds = [row[0] for row in cursor.fetchall()]
        if len(bounds) * settings.EXPORT_CHUNK_ROWS == rows:
            bounds.pop()  # the last part ends at the last row: no empty part after it
    slices = list(zip([None, *bounds], [*bounds, None], strict=True))
    return [
        _Run(
            layer=LAYER_NAMES[kind],
            target=target,
            sql=_render(
                outer,
                export_filter.sql_params(project_id=project.pk, kind=kind, id_after=after, id_until=until),
            ),
            rows=min(settings.EXPORT_CHUNK_ROWS, max(rows - index * settings.EXPORT_CHUNK_ROWS, 0)),
            append=index > 0,
            options=list(options) if index == 0 else [],
        )
        for index, (after, until) in enumerate(slices)
    ]


def _geopackage_tables(
    project: Project, export_filter: ExportFilter, provenance: Provenance, target: Path
) -> list[_Run]:
    pairs = provenance.as_pairs()
    tables = [
        _Run(
            layer="comments",
            target=target,
            sql=_render("export_comments", export_filter.sql_params(project_id=project.pk)),
            rows=0,
            options=["-lco", "DESCRIPTION=Published comments on the exported suggestions"],
        ),
        _Run(
            layer="export_info",
            target=target,
            sql=_mogrify(
                SQL.load("export_info"), {"keys": [k for k, _ in pairs], "values": [v for _, v in pairs]}
            ),
            rows=0,
            options=["-lco", "DESCRIPTION=Where this export comes from"],
        ),
    ]
    tables.append(
        _Run(
            layer="photos",
            target=target,
            sql="",
            rows=0,
            options=["-lco", f"DESCRIPTION={PHOTOS_DESCRIPTION}"],
            batches=lambda: _photo_batch_queries(project, export_filter),
        )
    )
    if StreetNetwork.objects.filter(project=project).exists():
        tables.append(
            _Run(
                layer="street_segments",
                target=target,
                sql=_mogrify(SQL.load("export_segments"), {"project_id": project.pk}),
                rows=0,
                options=["-nlt", "LINESTRING", "-lco", f"DESCRIPTION={SEGMENTS_DESCRIPTION}"],
            )
        )
    return tables


def _photo_batch_queries(project: Project, export_filter: ExportFilter) -> Iterator[str]:
    with heavy_reads().cursor() as cursor:
        rows = photo_rows(project_id=project.pk, export_filter=export_filter, cursor=cursor)
        for batch in photo_batches(rows):
            yield _mogrify(SQL.load("export_photo_batch"), batch)


def _styles_run(
    project: Project, export_filter: ExportFilter, provenance: Provenance, kinds: list[str], target: Path
) -> _Run:
    """The GeoPackage's `layer_styles`: one default style per data layer, as QGIS reads it."""
    styles = [
        layer_style(
            project=project, layer=LAYER_NAMES[kind], kind=kind,
            category_ids=export_filter.category_ids, fields=GEOPACKAGE_FIELDS,
        )
        for kind in kinds
    ]  # fmt: skip
    params = {
        "geometry_column": GEOMETRY_COLUMN,
        "update_time": provenance.exported_at,
        "tables": [LAYER_NAMES[kind] for kind in kinds],
        "qml": [style.qml.decode() for style in styles],
        "sld": [style.sld.decode() for style in styles],
        "descriptions": [style.title for style in styles],
    }
    return _Run(
        layer="layer_styles",
        target=target,
        sql=_mogrify(SQL.load("export_styles"), params),
        rows=0,
        # QGIS's own table has its key in `id`.
        options=["-lco", "FID=id", "-lco", "DESCRIPTION=QGIS styles of the suggestion layers"],
    )


def _render(outer: str, params: dict[str, object]) -> str:
    return _mogrify(SQL.compose(outer, rows="export_rows"), params)


def _mogrify(sql: str, params: object) -> str:
    db = heavy_reads()
    db.ensure_connection()
    return psycopg.ClientCursor(db.connection).mogrify(sql, params)


def _run_all(runs: list[_Run], *, driver: str, on_progress: Progress) -> None:
    # Each run counts by its rows, and at least one, so that empty layers and tables move the bar too.
    weights = [max(run.rows, 1) for run in runs]
    total = sum(weights)
    done = 0
    deadline = time.monotonic() + settings.EXPORT_TIMEOUT_SECONDS
    created: set[Path] = set()
    for run, weight in zip(runs, weights, strict=True):
        if run.batches is None:
            _ogr2ogr(run, driver=driver, update=run.target in created, deadline=deadline)
        else:
            for index, sql in enumerate(run.batches()):
                part = replace(run, sql=sql, append=index > 0, options=run.options if index == 0 else [])
                _ogr2ogr(part, driver=driver, update=run.target in created, deadline=deadline)
        created.add(run.target)
        done += weight
        on_progress(done / total)


def _ogr2ogr(run: _Run, *, driver: str, update: bool, deadline: float) -> None:
    if len(run.sql.encode()) <= SQL_ARGUMENT_MAX:
        _ogr2ogr_call(run, run.sql, driver=driver, update=update, deadline=deadline)
        return
    with tempfile.TemporaryDirectory(prefix="ogr2ogr-sql-") as scratch:
        query = Path(scratch) / "query"
        query.write_text(run.sql, encoding="utf-8")
        _ogr2ogr_call(run, f"@{query}", driver=driver, update=update, deadline=deadline)


def _ogr2ogr_call(run: _Run, sql: str, *, driver: str, update: bool, deadline: float) -> None:
    mode = ["-append"] if run.append else ["-update"] if update else []
    command = [
        "ogr2ogr", "-f", driver, *mode, str(run.target), _pg_source(),
        "-sql", sql, "-nln", run.layer, "-a_srs", "EPSG:4326", *run.options,
    ]  # fmt: skip
    try:
        # A fixed program with an argument list, no shell: the SQL is one argument, whatever it holds.
        result = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            env=_pg_environment(time_zone=run.time_zone),
            cwd=run.target.parent,
            timeout=max(deadline - time.monotonic(), 1),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportFailed(f"ogr2ogr ran longer than {settings.EXPORT_TIMEOUT_SECONDS} s") from None
    stderr = result.stderr.decode(errors="replace").strip()
    if result.returncode != 0:
        raise ExportFailed(f"ogr2ogr exited with {result.returncode} on {run.layer}: {stderr[-2000:]}")
    if stderr:
        logger.info("ogr2ogr (%s, %s): %s", driver, run.layer, stderr[-2000:])


def _pg_source() -> str:
    db = heavy_reads().settings_dict
    parts = {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER")}
    return "PG:" + " ".join(f"{key}='{_conninfo_quote(str(value))}'" for key, value in parts.items() if value)


def _conninfo_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _pg_environment(*, time_zone: str) -> dict[str, str]:
    environment = dict(os.environ)
    password = heavy_reads().settings_dict.get("PASSWORD")
    if password:
        environment["PGPASSWORD"] = str(password)
    # ogr2ogr reads and never writes; the setting makes PostgreSQL hold it to that.
    # Zone names are [A-Za-z0-9_+/-]: nothing in them needs quoting in PGOPTIONS.
    environment["PGOPTIONS"] = f"-c default_transaction_read_only=on -c jit=off -c TimeZone={time_zone}"
    environment["PGAPPNAME"] = "participation-export"
    return environment
