"""Importing a project's street network: an OpenStreetMap extract (XML or PBF) or a town's own network of
lines (GeoPackage, zipped Shapefile, GeoJSON), replacing the project's network as a whole.

The file is untrusted: it only reaches GDAL in geo.core.ogr's fenced `ogr2ogr`, which writes its lines as
GeoJSON Sequence in EPSG:4326 (7 decimals, 1 cm) to a pipe; the lines are COPYed as they come into the same
temporary staging table a context layer's import uses. An OSM extract is read through GDAL's OSM driver with
our own `osmconf.ini` (the `lines` layer with the tags that decide what a bicycle may do, no others), and only
its ways with a highway tag come out.

PostgreSQL does the rest, from SQL files by name (geo/sql/network_*.sql): the ways a bicycle or pedestrian
network has are kept (`network_ways`), split into edges at every position that two ways share (an OSM node of
both) and at their ends, never where lines merely cross (a bridge, a tunnel); vertices are deduplicated by
their coordinates; each edge gets its geodesic length, whether a bicycle may use it and its costs in metres
each way (a one-way street: -1 against it, unless bicycles are exempt). Then the network's old edges and
vertices are replaced by the new ones in the same transaction, its generation bumped and the report kept: a
refused file changes nothing, and routing never sees half a network. After the commit `network_replaced`
(geo.network.signals) tells what follows the network (matching, place search).

A town's own network: lines with a `name` column and optionally `highway` (OSM's kinds), `oneway`
(yes/no/-1), `oneway_bicycle`, `bicycle` (yes/no), `access`, `junction`; every line is a way, nodes are where
lines share a position. docs/street-network.md describes it for administrators.
"""

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.errors import DomainError
from geo.core.ogr import OutputTooLarge, ZipRefused, shapefile_from_zip, stream_fenced_ogr2ogr
from geo.sql import SQL
from participation.models import Project

from .models import StreetNetwork
from .signals import network_replaced

# What a file may be, by its extension: the one GDAL driver that may read it (a .shp only from the command,
# with its parts beside it; an upload is one file, so a Shapefile comes zipped).
DRIVERS = {
    ".osm": "OSM",
    ".pbf": "OSM",
    ".gpkg": "GPKG",
    ".zip": "ESRI Shapefile",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
}
FORMAT_NAMES = {
    "OSM": "OpenStreetMap",
    "GPKG": "GeoPackage",
    "ESRI Shapefile": "Shapefile",
    "GeoJSON": "GeoJSON",
}
OSM_CONFIG = Path(__file__).resolve().parent / "osmconf.ini"
OUTPUT_DRIVER = "GeoJSONSeq"
OGR_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
COPY_CHUNK_BYTES = 256 * 1024
ZIP_ENTRIES_MAX = 100
# Taking the network's tables waits 50 ms at a time (network_lock.sql), for this long in all.
LOCK_PATIENCE = timedelta(seconds=60)
# A part of the network with fewer crossings than this, cut off from its largest part, is where a tap goes
# only if no connected street is within reach (geo/sql/network_stranded.sql).
SMALL_PART_CROSSINGS = 1000
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"

SKIP_REASONS = {
    "no-geometry": gettext_lazy("no geometry"),
    "not-a-line": gettext_lazy("not a line"),
    "empty": gettext_lazy("empty or of no length"),
    "area": gettext_lazy("an area (area=yes)"),
    "not-built": gettext_lazy("not built (proposed, under construction, abandoned)"),
    "not-a-street": gettext_lazy("not a street (no highway tag)"),
    "other-kind": gettext_lazy("a kind of way no bicycle or pedestrian uses"),
}


class NetworkRefused(DomainError):
    """The file cannot become the project's street network; the message says why and what to do, in the
    user's language. Nothing was changed."""

    status_code = 400
    code = "network_refused"


def network_import(
    project: Project,
    path: Path,
    *,
    name: str = "",
    attribution: str = "",
    licence: str = "",
    actor: Any = None,
    source_name: str | None = None,
) -> dict[str, Any]:
    """Replace `project`'s street network with the one in the file `path`, in one transaction, and return the
    import's report (also kept as the network's `import_report`). NetworkRefused (nothing changed) says what
    is wrong with the file. `name`, `attribution` and `licence` replace the network's when given;
    `source_name` is the file's name as the user knows it (an upload's)."""
    started = time.monotonic()
    path = Path(path)
    shown_name = source_name or path.name
    driver = DRIVERS.get(PurePosixPath(shown_name.lower()).suffix)
    if driver is None:
        raise NetworkRefused(
            _(
                "“%(name)s” is not a file we can read as a street network. Please use an OpenStreetMap "
                "extract (.osm, .pbf) or a network of lines as GeoPackage (.gpkg), zipped Shapefile (.zip) "
                "or GeoJSON (.geojson)."
            )
            % {"name": shown_name}
        )
    size = path.stat().st_size
    if size == 0:
        raise NetworkRefused(_("The file “%(name)s” is empty.") % {"name": shown_name})
    max_bytes = settings.CONTEXT_LAYER_MAX_BYTES
    if size > max_bytes:
        raise NetworkRefused(
            _("The file is larger than %(size)s. Please cut the extract to the project's area.")
            % {"size": filesizeformat(max_bytes)}
        )
    work = Path(tempfile.mkdtemp(prefix="street-network-"))
    try:
        source = path
        if driver == "ESRI Shapefile" and path.suffix.lower() == ".zip":
            source = _shapefile(path, work / "shapefile")

        def convert(sink: Callable[[bytes], None]) -> None:
            _convert(source, driver, sink, cwd=work)

        report = _replace(
            project,
            convert,
            driver=driver,
            source=shown_name,
            name=name,
            attribution=attribution,
            licence=licence,
            actor=actor,
            started=started,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def report_summary(report: dict[str, Any]) -> str:
    """An import's report in a sentence or two of the user's language (the admin's message, the command)."""
    if not report:
        return "–"
    parts = [
        _("%(edges)s edges between %(vertices)s vertices from %(ways)s of %(read)s ways of %(source)s")
        % {
            "edges": _grouped(report["edges"]),
            "vertices": _grouped(report["vertices"]),
            "ways": _grouped(report["taken"]),
            "read": _grouped(report["read"]),
            "source": report["source"],
        },
        _("%(km)s km, %(bicycle)s km of them open to bicycles")
        % {"km": _grouped(report["km"], 1), "bicycle": _grouped(report["km_bicycle"], 1)},
        _("%(share)s %% of the vertices in one connected network")
        % {"share": _grouped(100 * report["largest_component"] / max(report["vertices"], 1))},
    ]
    if report.get("stranded"):
        parts.append(
            ngettext(
                "%(count)s edge in small parts cut off from the rest (taps go to connected streets first)",
                "%(count)s edges in small parts cut off from the rest (taps go to connected streets first)",
                report["stranded"],
            )
            % {"count": _grouped(report["stranded"])}
        )
    for reason, count in sorted(report["skipped"].items()):
        parts.append(
            ngettext("%(count)s way skipped (%(reason)s)", "%(count)s ways skipped (%(reason)s)", count)
            % {"count": _grouped(count), "reason": SKIP_REASONS.get(reason, reason)}
        )
    if report.get("skipped_kinds"):
        kinds = sorted(report["skipped_kinds"].items(), key=lambda item: (-item[1], item[0]))
        parts.append(
            _("skipped kinds: %(kinds)s")
            % {"kinds": ", ".join(f"highway={kind} ({_grouped(count)})" for kind, count in kinds)}
        )
    return "; ".join(str(part) for part in parts) + "."


def _shapefile(source: Path, target: Path) -> Path:
    try:
        return shapefile_from_zip(
            source, target, unzipped_max_bytes=settings.CONTEXT_LAYER_MAX_BYTES, entries_max=ZIP_ENTRIES_MAX
        )
    except ZipRefused as refused:
        messages = {
            "damaged": _("The .zip file cannot be opened: it is damaged or not a zip file."),
            "too-large": _(
                "The zip file is too large when unpacked. Please zip only the Shapefile of the network."
            ),
            "no-shapefile": _("The zip file contains no Shapefile (.shp)."),
            "several-shapefiles": _(
                "The zip file contains several Shapefiles. Please zip only the one of the network."
            ),
            "no-prj": _(
                "The zip file has no .prj file beside the .shp: without it the coordinate system is unknown. "
                "Please zip the Shapefile with all its parts (.shp, .shx, .dbf, .prj)."
            ),
            "incomplete": _(
                "The Shapefile in the zip is incomplete (missing: %(parts)s). Please zip all its parts."
            )
            % {"parts": ", ".join(refused.missing)},
        }
        raise NetworkRefused(messages[refused.reason]) from None


def _convert(source: Path, driver: str, sink: Callable[[bytes], None], *, cwd: Path) -> None:
    """The fenced ogr2ogr: the file's lines (an OSM extract's ways with a highway tag) as GeoJSON Sequence in
    EPSG:4326, 2D, 7 decimals, multi-lines split into lines, handed to `sink` as they come."""
    max_ways = settings.CONTEXT_LAYER_MAX_FEATURES
    arguments = [
        "-f",
        OUTPUT_DRIVER,
        "/vsistdout/",
        str(source),
        *(["lines"] if driver == "OSM" else []),
        "-t_srs",
        "EPSG:4326",
        "-dim",
        "XY",
        "-explodecollections",
        "-lco",
        "COORDINATE_PRECISION=7",
        "-nln",
        "ways",
        "-limit",
        str(max_ways + 1),
    ]
    if driver == "OSM":
        arguments += [
            "--config",
            "OSM_CONFIG_FILE",
            str(OSM_CONFIG),
            # GDAL's own node index assumes increasing node ids; real extracts (the 2009 Karlsruhe one) do
            # not have them.
            "--config",
            "OSM_USE_CUSTOM_INDEXING",
            "NO",
            "-where",
            "highway IS NOT NULL",
        ]
    seconds = settings.CONTEXT_LAYER_TIMEOUT_SECONDS
    # GeoJSON text takes more room than the binary formats (a PBF most): room for 8 times the largest file.
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
        raise NetworkRefused(
            _(
                "The file's lines take more than %(size)s when read. Please cut the extract to the "
                "project's area."
            )
            % {"size": filesizeformat(output_max)}
        ) from None
    except subprocess.TimeoutExpired:
        raise NetworkRefused(
            _(
                "Reading the file took longer than %(seconds)s seconds. Please cut the extract to the "
                "project's area."
            )
            % {"seconds": _grouped(seconds)}
        ) from None
    stderr = run.stderr
    # GDAL's OSM driver reports a damaged or cut-off file as an error but exits with 0, with what it read.
    if run.returncode != 0 or (driver == "OSM" and "ERROR" in stderr):
        if "no coordinate system" in stderr or "source layer has no coordinate system" in stderr:
            raise NetworkRefused(
                _(
                    "The file does not say its coordinate system. Please save it again with one (e.g. in "
                    "QGIS)."
                )
            )
        raise NetworkRefused(
            _(
                "The file cannot be read as %(format)s. Please check that it is a complete, valid file of "
                "this format."
            )
            % {"format": FORMAT_NAMES[driver]}
        )


def _replace(
    project: Project,
    convert: Callable[[Callable[[bytes], None]], None],
    *,
    driver: str,
    source: str,
    name: str,
    attribution: str,
    licence: str,
    actor: Any,
    started: float,
) -> dict[str, Any]:
    """Stage the lines `convert` hands over, build the network from them and put it in the old one's place,
    in one transaction."""
    max_ways = settings.CONTEXT_LAYER_MAX_FEATURES
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            network, _created = StreetNetwork.objects.get_or_create(project=project)
            # One import of a network at a time: a second one waits here, then replaces the first one's
            # result.
            network = StreetNetwork.objects.select_for_update().get(pk=network.pk)
            cursor.execute(SQL.load("context_layer_work_mem"))
            cursor.execute(SQL.load("context_layer_staging"))
            lines = 0
            try:
                with cursor.copy(SQL.load("context_layer_staging_copy")) as copy:

                    def stage(chunk: bytes) -> None:
                        nonlocal lines
                        lines += chunk.count(b"\n")
                        if lines > max_ways:
                            raise NetworkRefused(
                                _(
                                    "The file has more than %(count)s lines. Please cut it to the "
                                    "project's area."
                                )
                                % {"count": _grouped(max_ways)}
                            )
                        copy.write(chunk)

                    convert(stage)
            except psycopg.DatabaseError:
                # PostGIS could not parse a geometry GDAL wrote.
                raise NetworkRefused(
                    _("A geometry of the file cannot be read. Please check the file, e.g. in QGIS.")
                ) from None
            cursor.execute(SQL.load("context_layer_reach"))
            _check_reach(*cursor.fetchone())
            cursor.execute(SQL.load("network_ways"), {"osm": driver == "OSM"})
            cursor.execute(SQL.load("network_points"))
            cursor.execute(SQL.load("network_vertices"))
            cursor.execute(SQL.load("network_analyze"))
            cursor.execute(SQL.load("network_edges"))
            cursor.execute(SQL.load("network_figures"))
            columns = [c.name for c in cursor.description]
            figures = dict(zip(columns, cursor.fetchone(), strict=True))
            report = {
                "source": source,
                "format": FORMAT_NAMES[driver],
                "read": figures["read"],
                "taken": figures["taken"],
                "skipped": _json(figures["skipped"]),
                "skipped_kinds": _json(figures["skipped_kinds"]),
                "edges": figures["edges"],
                "vertices": figures["vertices"],
                "km": round(float(figures["km"]), 3),
                "km_bicycle": round(float(figures["km_bicycle"]), 3),
                "largest_component": figures["largest_component"],
                "at": timezone.now().isoformat(timespec="seconds"),
                "by": str(actor) if actor is not None else "",
            }
            _check(driver, report)
            _lock(cursor)
            cursor.execute(SQL.load("network_replace"), {"network": network.pk})
            report["stranded"] = network_stranded_mark(network.pk)
            report["seconds"] = round(time.monotonic() - started, 2)
            network.generation = F("generation") + 1
            network.imported_at = timezone.now()
            network.import_report = report
            network.source_name = source[:255]
            network.name = (name or network.name or PurePosixPath(source).stem)[:100]
            network.attribution = (attribution or network.attribution)[:300]
            network.licence = (licence or network.licence)[:200]
            network.save()
            network.refresh_from_db()
            transaction.on_commit(lambda: network_replaced.send(sender=StreetNetwork, network=network))
    finally:
        # A refusal rolled the transaction back, and the temporary tables with it; inside a caller's
        # transaction (a savepoint) they may outlive it, so they are dropped here too.
        if not connection.needs_rollback and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(SQL.load("network_staging_drop"))
                cursor.execute(SQL.load("context_layer_staging_drop"))
    return report


def network_stranded_mark(network_id: int) -> int:
    """Mark the edges of the network's small parts that the rest never reaches (network_stranded.sql), so
    routing places taps on the connected streets first; the count of edges marked."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("network_stranded"), {"network": network_id, "small": SMALL_PART_CROSSINGS})
        return cursor.fetchone()[0]


def _lock(cursor: Any) -> None:
    """Take the network's tables for the replacement: each try waits at most 50 ms (network_lock.sql), then
    gives way and tries again, for LOCK_PATIENCE in all."""
    deadline = time.monotonic() + LOCK_PATIENCE.total_seconds()
    pause = 0.01
    while True:
        try:
            with transaction.atomic():  # a savepoint: a try that timed out leaves nothing behind
                cursor.execute(SQL.load("network_lock"))
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
                raise
            if time.monotonic() > deadline:
                raise NetworkRefused(
                    _(
                        "The street network is being changed by something else right now, so the new one "
                        "cannot be put in place. Nothing was changed. Please try again in a few minutes."
                    )
                ) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _check_reach(reach_x: float | None, reach_y: float | None) -> None:
    """Coordinates beyond ±180°/±90° are not longitude/latitude: refused before anything is built."""
    if reach_x is not None and (reach_x > 180 or reach_y > 90):
        raise NetworkRefused(
            _(
                "The coordinates are not longitude and latitude (they reach %(x)s, %(y)s): the file does not "
                "say its coordinate system, or says a wrong one. Please save it with its coordinate system "
                "(e.g. EPSG:25832, in QGIS)."
            )
            % {"x": _grouped(reach_x), "y": _grouped(reach_y)}
        )


def _check(driver: str, report: dict[str, Any]) -> None:
    """Refusals that need the staged ways: raised inside the transaction, so they take it all back."""
    if report["edges"]:
        return
    if not report["read"]:
        if driver == "OSM":
            raise NetworkRefused(
                _(
                    "The OpenStreetMap file holds no ways with a highway tag: it has no streets or paths. "
                    "Nothing was imported."
                )
            )
        raise NetworkRefused(_("The file holds no features. Nothing was imported."))
    lines = report["read"] - report["skipped"].get("no-geometry", 0) - report["skipped"].get("not-a-line", 0)
    if not lines:
        raise NetworkRefused(
            _(
                "The file holds no lines (features read: %(read)s): a street network is made of lines, one "
                "per street or piece of street. Nothing was imported."
            )
            % {"read": _grouped(report["read"])}
        )
    raise NetworkRefused(
        _(
            "None of the file's ways (%(read)s) is a street or path for bicycles or pedestrians. Nothing "
            "was imported."
        )
        % {"read": _grouped(report["read"])}
    )


def _json(value: Any) -> Any:
    """A jsonb value of a raw query: Django's connection hands jsonb over as text."""
    return json.loads(value) if isinstance(value, str) else value


def _grouped(value: float, decimals: int = 0) -> str:
    """A number as the reader's language writes it (200,000 / 200.000)."""
    return number_format(value, decimals, use_l10n=True, force_grouping=True)
