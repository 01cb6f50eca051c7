"""Importing a context layer's features from a file GDAL reads, in any coordinate system.

The file is untrusted: it only reaches GDAL in geo.core.ogr's fenced `ogr2ogr` (a separate process with only
the file's own driver, no network, limited in time, memory and output), which writes GeoJSON Sequence in
EPSG:4326 to its output, a pipe. PostgreSQL does the rest in one transaction: the lines are COPYed, as they
come, into a temporary staging table (each geometry parsed as its line arrives), `context_layer_replace.sql`
builds the layer's features in a new table of their own, repairing what ST_MakeValid can repair without
changing a geometry's dimension, dropping what is missing, empty or unrepairable, and splitting geometry
collections; then the new table gets its indexes, each built in one pass, and replaces the layer's partition
of geo_context_feature (`context_layer_partitions.sql`). Any refusal rolls all of it back: a bad file changes
nothing, and until the commit every reader sees the old features. GeoJSONSeq + COPY keeps the fenced process
away from the database and its credentials. Speed: docs/context-layers.md, "Speed".

Attributes are stored as the source has them (text and numbers): HTML or spreadsheet formulas stay text,
escaped wherever they are shown and guarded in spreadsheets (config/spreadsheet_safety.py).
"""

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from geo.analysis.services import analysis_request, district_alerts_follow
from geo.core.ogr import OutputTooLarge, ZipRefused, shapefile_from_zip, stream_fenced_ogr2ogr
from geo.places.services import places_build
from geo.sql import SQL
from geo.tiles.services import layer_tile_cache_forget

from .models import ContextLayer, LayerRole

# What a file may be, by its extension: the one GDAL driver that may read it.
DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".kml": "KML",  # the plain KML reader: LIBKML would follow <NetworkLink>s
    ".zip": "ESRI Shapefile",
    ".csv": "CSV",
    ".osm": "OSM",
    ".pbf": "OSM",
}
OUTPUT_DRIVER = "GeoJSONSeq"
OSM_LAYERS = ("points", "lines", "multilinestrings", "multipolygons", "other_relations")
# Column names the CSV driver takes as coordinates (case-insensitive), the first match wins.
CSV_X_NAMES = "lon,lng,long,longitude,x,easting,rechtswert"
CSV_Y_NAMES = "lat,latitude,y,northing,hochwert"
ZIP_ENTRIES_MAX = 100
OGR_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
COPY_CHUNK_BYTES = 256 * 1024
# The swap of a layer's partition waits this long for the feature table at a time, and gives up after
# SWAP_LOCK_PATIENCE of tries (a reader that holds the table that long is a runaway query).
LOCK_WAIT = "50ms"
SWAP_LOCK_PATIENCE = timedelta(seconds=60)
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"  # a reader that waited for us while we waited for it: try again
CHECK_VIOLATION = "23514"


class LayerRefused(Exception):
    """The source cannot become the layer's features; the message says why and what to do (in the user's
    language). Nothing was changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(slots=True)
class ImportReport:
    """What an import did: features read, taken per geometry type, repaired, dropped with their reasons."""

    read: int
    taken: dict[str, int]
    repaired: int
    dropped: dict[str, int]
    collections_split: int
    collection_parts: int
    source: str
    at: str
    by: str
    warnings: list[str] = field(default_factory=list)

    @property
    def taken_total(self) -> int:
        return sum(self.taken.values())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """One sentence for the admin's message and the command's output, in the user's language."""
        parts = [
            _("%(taken)s of %(read)s features taken from %(source)s")
            % {"taken": _grouped(self.taken_total), "read": _grouped(self.read), "source": self.source}
        ]
        if self.taken:
            kinds = sorted(self.taken.items())
            parts.append(", ".join(f"{kind}: {_grouped(count)}" for kind, count in kinds))
        if self.repaired:
            parts.append(_("%(count)s repaired") % {"count": _grouped(self.repaired)})
        for reason, count in sorted(self.dropped.items()):
            parts.append(
                _("%(count)s dropped (%(reason)s)")
                % {"count": _grouped(count), "reason": DROP_REASONS.get(reason, reason)}
            )
        if self.collections_split:
            parts.append(
                _("%(collections)s geometry collections split into %(parts)s features")
                % {"collections": _grouped(self.collections_split), "parts": _grouped(self.collection_parts)}
            )
        return "; ".join(str(p) for p in parts) + "." + "".join(f" {warning}" for warning in self.warnings)


DROP_REASONS = {
    "no-geometry": gettext_lazy("no geometry"),
    "empty": gettext_lazy("empty geometry"),
    "unrepairable": gettext_lazy("invalid geometry that cannot be repaired"),
}


def layer_import(
    *,
    layer: ContextLayer,
    source: Path,
    actor: Any,
    source_layer: str | None = None,
    where: str | None = None,
    srs: str | None = None,
    source_name: str | None = None,
) -> ImportReport:
    """Replace `layer`'s features with those of the file `source`, in one transaction, and keep the report
    on the layer. LayerRefused (nothing changed) says what is wrong with the file.

    `source_layer` picks one layer of the file (an OSM file's `lines`, a GeoPackage's table), `where` filters
    its features (OGR SQL, e.g. `highway='cycleway'`), and `srs` gives the coordinate system when the file
    does not say it (a CSV always needs one). `source_name` is the file's name as the user knows it."""
    name = source_name or source.name
    suffix = PurePosixPath(name.lower()).suffix
    driver = DRIVERS.get(suffix)
    if driver is None:
        raise LayerRefused(
            _(
                "“%(name)s” is not a file we can read as a layer. Please use GeoJSON (.geojson), a "
                "GeoPackage (.gpkg), a zipped Shapefile (.zip), KML (.kml), CSV with coordinate columns "
                "(.csv) or "
                "OpenStreetMap data (.osm, .pbf)."
            )
            % {"name": name}
        )
    max_bytes = settings.CONTEXT_LAYER_MAX_BYTES
    if source.stat().st_size > max_bytes:
        raise LayerRefused(
            _("The file is larger than %(size)s. Please cut it to the area and the features you need.")
            % {"size": filesizeformat(max_bytes)}
        )
    if driver == "CSV" and not srs:
        raise LayerRefused(
            _(
                "A CSV file does not say its coordinate system. Please give it (e.g. EPSG:4326 for longitude "
                "and latitude, EPSG:25832 for UTM zone 32)."
            )
        )
    if driver == "OSM" and source_layer not in OSM_LAYERS:
        raise LayerRefused(
            _("Please choose the layer of the OpenStreetMap file to import: %(layers)s.")
            % {"layers": ", ".join(OSM_LAYERS)}
        )
    work = Path(tempfile.mkdtemp(prefix="context-layer-"))
    try:
        path = source
        if driver == "ESRI Shapefile":
            path = _shapefile(source, work / "shapefile", srs_given=bool(srs))

        def convert(sink: Callable[[bytes], None]) -> None:
            _convert(path, driver, sink, cwd=work, source_layer=source_layer, where=where, srs=srs)

        report = _replace(
            layer,
            convert,
            source=name,
            actor=actor,
            source_layer=source_layer or "",
            where=where or "",
            srs=srs or "",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if layer.role != LayerRole.REFERENCE:
        # The suggestions are measured against facilities and districts: the worker measures them again.
        analysis_request(project_id=layer.project_id)
    if layer.role == LayerRole.DISTRICTS:
        # The place search finds districts by their names (geo.places).
        places_build(project_id=layer.project_id)
    return report


def _shapefile(source: Path, target: Path, *, srs_given: bool) -> Path:
    try:
        return shapefile_from_zip(
            source,
            target,
            unzipped_max_bytes=settings.CONTEXT_LAYER_MAX_BYTES,
            entries_max=ZIP_ENTRIES_MAX,
            require_prj=not srs_given,
        )
    except ZipRefused as refused:
        messages = {
            "damaged": _("The .zip file cannot be opened: it is damaged or not a zip file."),
            "too-large": _(
                "The zip file is too large when unpacked. Please zip only the Shapefile of the layer."
            ),
            "no-shapefile": _("The zip file contains no Shapefile (.shp)."),
            "several-shapefiles": _(
                "The zip file contains several Shapefiles. Please zip only the one of the layer."
            ),
            "no-prj": _(
                "The zip file has no .prj file beside the .shp: without it the coordinate system is "
                "unknown. Please zip the Shapefile with all its parts (.shp, .shx, .dbf, .prj), or give "
                "the coordinate system."
            ),
            "incomplete": _(
                "The Shapefile in the zip is incomplete (missing: %(parts)s). Please zip all its parts."
            )
            % {"parts": ", ".join(refused.missing)},
        }
        raise LayerRefused(messages[refused.reason]) from None


def _convert(
    source: Path,
    driver: str,
    sink: Callable[[bytes], None],
    *,
    cwd: Path,
    source_layer: str | None,
    where: str | None,
    srs: str | None,
) -> None:
    """The fenced ogr2ogr: the source's features as GeoJSON Sequence in EPSG:4326, 2D, 7 decimals (1 cm),
    handed to `sink` as they come."""
    max_features = settings.CONTEXT_LAYER_MAX_FEATURES
    arguments = [
        "-f",
        OUTPUT_DRIVER,
        "/vsistdout/",
        str(source),
        *([source_layer] if source_layer else []),
        "-t_srs",
        "EPSG:4326",
        "-dim",
        "XY",
        "-lco",
        "COORDINATE_PRECISION=7",
        "-nln",
        "features",
        "-limit",
        str(max_features + 1),
    ]
    if srs:
        arguments += ["-s_srs", srs]
    if where:
        arguments += ["-where", where]
    if driver == "OSM":
        # The OSM driver's own node index assumes increasing node ids; real extracts (the 2009 Karlsruhe
        # one) do not have them.
        arguments += ["--config", "OSM_USE_CUSTOM_INDEXING", "NO"]
    if driver == "CSV":
        arguments += [
            "-oo",
            f"X_POSSIBLE_NAMES={CSV_X_NAMES}",
            "-oo",
            f"Y_POSSIBLE_NAMES={CSV_Y_NAMES}",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
            "-oo",
            "AUTODETECT_TYPE=YES",
        ]
    seconds = settings.CONTEXT_LAYER_TIMEOUT_SECONDS
    # GeoJSON text takes more room than the binary formats: room for 8 times the largest source.
    output_max = 8 * settings.CONTEXT_LAYER_MAX_BYTES
    try:
        run = stream_fenced_ogr2ogr(
            arguments,
            drivers=(driver, OUTPUT_DRIVER),
            seconds=seconds,
            memory_bytes=OGR_MEMORY_BYTES,
            output_max_bytes=output_max,
            cwd=cwd,
            sink=sink,
            chunk_bytes=COPY_CHUNK_BYTES,
        )
    except OutputTooLarge:
        raise LayerRefused(
            _(
                "The file's features take more than %(size)s when read. Please cut it to the area and the "
                "features you need."
            )
            % {"size": filesizeformat(output_max)}
        ) from None
    except subprocess.TimeoutExpired:
        raise LayerRefused(
            _("Reading the file took longer than %(seconds)s seconds. Please cut it to what you need.")
            % {"seconds": _grouped(seconds)}
        ) from None
    if run.returncode != 0:
        stderr = run.stderr
        if "no coordinate system" in stderr or "source layer has no coordinate system" in stderr:
            raise LayerRefused(
                _(
                    "The file does not say its coordinate system. Please save it again with one (e.g. in "
                    "QGIS), or give the coordinate system."
                )
            )
        if source_layer and ("Couldn't fetch requested layer" in stderr or "not found" in stderr):
            raise LayerRefused(_("The file has no layer “%(layer)s”.") % {"layer": source_layer})
        if where and ("SQL" in stderr or "where" in stderr.lower()):
            raise LayerRefused(_("The filter “%(where)s” cannot be applied to the file.") % {"where": where})
        if "Failed to create coordinate transformation" in stderr or "Failed to process SRS" in stderr:
            raise LayerRefused(
                _("The coordinate system “%(srs)s” is unknown. Please give it as e.g. EPSG:25832.")
                % {"srs": srs or ""}
            )
        raise LayerRefused(
            _(
                "The file cannot be read as %(format)s. Please check that it is a complete, valid file of "
                "this format."
            )
            % {"format": driver}
        )


def _replace(
    layer: ContextLayer,
    convert: Callable[[Callable[[bytes], None]], None],
    *,
    source: str,
    actor: Any,
    source_layer: str,
    where: str,
    srs: str,
) -> ImportReport:
    """Stage ogr2ogr's lines as `convert` hands them over and replace the layer's features with them, in
    one transaction."""
    max_features = settings.CONTEXT_LAYER_MAX_FEATURES
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # One import of a layer at a time: a second one waits here, then replaces the first one's result.
            # Only the layer's row (no ordering, so no join: FOR UPDATE would lock the project's row too, and
            # imports of other layers of the project would wait for this one).
            list(
                ContextLayer.objects.select_for_update(of=("self",))
                .filter(pk=layer.pk)
                .order_by()
                .values_list("pk", flat=True)
            )
            cursor.execute(SQL.load("context_layer_work_mem"))
            # Its cached tiles go with its features, in this transaction (a refusal keeps both).
            layer_tile_cache_forget(layer_id=layer.pk)
            cursor.execute(SQL.load("context_layer_staging"))
            lines = 0
            try:
                with cursor.copy(SQL.load("context_layer_staging_copy")) as copy:

                    def stage(chunk: bytes) -> None:
                        nonlocal lines
                        lines += chunk.count(b"\n")
                        if lines > max_features:
                            raise LayerRefused(
                                _(
                                    "The file has more than %(count)s features. Please cut it to what you "
                                    "need."
                                )
                                % {"count": _grouped(max_features)}
                            )
                        copy.write(chunk)

                    convert(stage)
            except psycopg.DatabaseError:
                # PostGIS could not parse a geometry GDAL wrote (e.g. a ring of two points).
                raise LayerRefused(_geometry_unreadable()) from None
            cursor.execute(SQL.load("context_layer_reach"))
            _check_reach(*cursor.fetchone())
            # The layer's new partition, filled from the staged features (context_layer_partitions.sql).
            cursor.execute(SQL.load("context_layer_build"), {"layer": layer.pk})
            taken = _take_valid(cursor, layer)
            try:
                rest = taken is not None
                cursor.execute(SQL.load("context_layer_replace"), {"layer": layer.pk, "rest": rest})
            except DatabaseError:
                # A geometry PostGIS parsed but cannot work with.
                raise LayerRefused(_geometry_unreadable()) from None
            columns = [c.name for c in cursor.description]
            figures = dict(zip(columns, cursor.fetchone(), strict=True))
            figures["taken"] = _json(figures["taken"])
            for kind, count in (taken or {}).items():
                figures["taken"][kind] = figures["taken"].get(kind, 0) + count
            report = ImportReport(
                read=figures["read"],
                taken=figures["taken"],
                repaired=figures["repaired"],
                dropped=_json(figures["dropped"]),
                collections_split=figures["collections_split"],
                collection_parts=figures["collection_parts"],
                source=source,
                at=timezone.now().isoformat(timespec="seconds"),
                by=str(actor) if actor is not None else "",
            )
            _check(layer, report)
            cursor.execute(SQL.load("context_layer_staging_drop"))
            cursor.execute(SQL.load("context_layer_index"), {"layer": layer.pk})
            # Before the layer's row is written: the attach needs geo_context_layer free of other writers for
            # a moment, and two imports that had each written their layer would wait for each other.
            _swap(cursor, layer)
            if layer.role == LayerRole.DISTRICTS:
                # Alerts for a district take its new polygon (or are marked, if it is gone) with the import,
                # never a moment after it: participation's copy and the layer change together.
                _tell_district_alerts(layer, report)
            layer.source_kind = "file"
            layer.source_name = source[:255]
            layer.source_layer = source_layer
            layer.source_where = where
            layer.source_srs = srs
            layer.import_report = report.as_dict()
            layer.save()
    finally:
        # A refusal rolled the transaction back, and the temporary table with it; inside a caller's
        # transaction (a savepoint) the table may outlive it, so it is dropped here too.
        if not connection.needs_rollback and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(SQL.load("context_layer_staging_drop"))
    return report


def _tell_district_alerts(layer: ContextLayer, report: ImportReport) -> None:
    followed = district_alerts_follow(project_id=layer.project_id)
    if followed is not None and followed.missing:
        report.warnings.append(
            ngettext(
                "%(count)s alert for a district whose district is no longer in the layer keeps its last "
                "boundary; its owner sees this on their page of follows.",
                "%(count)s alerts for districts that are no longer in the layer keep their last boundary; "
                "their owners see this on their pages of follows.",
                followed.missing,
            )
            % {"count": _grouped(followed.missing)}
        )


def _take_valid(cursor: Any, layer: ContextLayer) -> dict[str, int] | None:
    """The features that need no repair, split or drop, taken in one pass (context_layer_take_valid.sql):
    their counts per geometry type, or None when a geometry among them is invalid (nothing taken then)."""
    try:
        with transaction.atomic():  # a savepoint: an invalid geometry takes back what the pass inserted
            cursor.execute(SQL.load("context_layer_take_valid"), {"layer": layer.pk})
            return _json(cursor.fetchone()[0])
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) == CHECK_VIOLATION:
            return None
        raise


def _swap(cursor: Any, layer: ContextLayer) -> None:
    """Put the new partition in the old one's place. That needs the feature table to itself for a moment:
    each try waits at most LOCK_WAIT for the readers of the moment (a map read that comes meanwhile
    waits behind it no longer than that), then gives way and tries again, for SWAP_LOCK_PATIENCE in all."""
    deadline = time.monotonic() + SWAP_LOCK_PATIENCE.total_seconds()
    pause = 0.01
    while True:
        try:
            with transaction.atomic():  # a savepoint: a try that timed out leaves nothing behind
                cursor.execute(SQL.load("context_layer_swap"), {"layer": layer.pk, "lock_wait": LOCK_WAIT})
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
                raise
            if time.monotonic() > deadline:
                raise LayerRefused(
                    _(
                        "The context layers are being read by a long query right now, so the new features "
                        "cannot be put in place. Nothing was changed. Please try again in a few minutes."
                    )
                ) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _geometry_unreadable() -> str:
    return _("A geometry of the file cannot be read. Please check the file, e.g. in QGIS.")


def _check_reach(reach_x: float | None, reach_y: float | None) -> None:
    """Coordinates beyond ±180°/±90° are not longitude/latitude: refused before anything is built."""
    if reach_x is not None and (reach_x > 180 or reach_y > 90):
        raise LayerRefused(
            _(
                "The coordinates are not longitude and latitude (they reach %(x)s, %(y)s): the file does "
                "not say its coordinate system, or says a wrong one. Please save it with its coordinate "
                "system (e.g. EPSG:25832, in QGIS), or give the coordinate system."
            )
            % {"x": _grouped(reach_x), "y": _grouped(reach_y)}
        )


def _check(layer: ContextLayer, report: ImportReport) -> None:
    """Refusals that need the staged features: raised inside the transaction, so they take it all back."""
    if not report.taken_total:
        raise LayerRefused(
            _("The file contains no feature with a usable geometry (%(read)s read). Nothing was imported.")
            % {"read": _grouped(report.read)}
        )
    if layer.role == LayerRole.DISTRICTS:
        others = {kind: n for kind, n in report.taken.items() if kind not in ("Polygon", "MultiPolygon")}
        if others:
            raise LayerRefused(
                _(
                    "A layer of districts must consist of areas only, but the file also has %(others)s. "
                    "Please choose the layer or filter that holds only the areas."
                )
                % {"others": ", ".join(f"{_grouped(n)} {kind}" for kind, n in sorted(others.items()))}
            )


def _json(value: Any) -> Any:
    """A jsonb value of a raw query: Django's connection hands jsonb over as text."""
    return json.loads(value) if isinstance(value, str) else value


def _grouped(value: float, decimals: int = 0) -> str:
    """A number as the reader's language writes it (200,000 / 200.000)."""
    return number_format(value, decimals, use_l10n=True, force_grouping=True)
