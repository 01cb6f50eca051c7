"""Importing a project's addresses and named places: an OSM extract (XML or PBF) or a town's address list (CSV
with street, number and coordinate columns, or a GeoPackage), through the same fenced GDAL as the context
layers (geo.core.ogr): ogr2ogr writes GeoJSON Sequence in EPSG:4326 to a pipe, PostgreSQL COPYs it as it
comes into a temporary staging table, and `place_addresses_insert.sql` turns the staged features into the
gazetteer's rows in one statement. No Python loop over rows.

All in one transaction with the old addresses' removal: a refused file changes nothing. The streets named only
by addresses are made again after (geo.places.services.places_build), in the same transaction; the
suggestions' labels follow by the worker once it has committed.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from geo.core.ogr import OutputTooLarge, stream_fenced_ogr2ogr
from geo.sql import SQL

from .services import places_build_in_transaction

DRIVERS = {".osm": "OSM", ".pbf": "OSM", ".csv": "CSV", ".gpkg": "GPKG"}
OUTPUT_DRIVER = "GeoJSONSeq"
OSM_CONFIG = Path(__file__).resolve().parent / "osmconf.ini"
# The OSM layers that hold addresses and places, each read by its own ogr2ogr run into the same staging table;
# only their features with an address or a named place's tags (the same rule as place_addresses_insert.sql).
# GDAL names the columns of addr:street and addr:housenumber addr_street and addr_housenumber.
OSM_LAYERS = ("points", "multipolygons")
OSM_WHERE = (
    "(addr_street IS NOT NULL AND addr_housenumber IS NOT NULL) OR (name IS NOT NULL AND "
    "(place IS NOT NULL OR amenity IS NOT NULL OR shop IS NOT NULL OR tourism IS NOT NULL OR "
    "leisure IS NOT NULL OR historic IS NOT NULL))"
)
CSV_X_NAMES = "lon,lng,long,longitude,x,easting,rechtswert"
CSV_Y_NAMES = "lat,latitude,y,northing,hochwert"
OGR_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
COPY_CHUNK_BYTES = 256 * 1024


class AddressesRefused(Exception):
    """The file cannot become the project's addresses; the message says why (in the user's language). Nothing
    was changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(slots=True)
class AddressImportReport:
    read: int
    addresses: int
    places: int
    streets: int
    source: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """One sentence for the command's output, in the user's language."""
        return _(
            "%(addresses)s addresses and %(places)s named places taken from %(read)s features of %(source)s; "
            "the gazetteer now has %(streets)s streets."
        ) % {
            "addresses": _grouped(self.addresses),
            "places": _grouped(self.places),
            "read": _grouped(self.read),
            "source": self.source,
            "streets": _grouped(self.streets),
        }


def addresses_import(
    *, project_id: int, source: Path, source_name: str | None = None, srs: str | None = None
) -> AddressImportReport:
    """Replace the project's imported addresses and places with those of the file `source`, in one
    transaction. `srs` is the coordinate system of a CSV's x/y columns (EPSG:4326 when not given: lon/lat).
    AddressesRefused (nothing changed) says what is wrong with the file."""
    name = source_name or source.name
    driver = DRIVERS.get(PurePosixPath(name.lower()).suffix)
    if driver is None:
        raise AddressesRefused(
            _(
                "“%(name)s” is not a file we can read addresses from. Please use OpenStreetMap data (.osm, "
                ".pbf), a CSV file with the columns street, number and coordinates (.csv) or a GeoPackage "
                "(.gpkg)."
            )
            % {"name": name}
        )
    max_bytes = settings.CONTEXT_LAYER_MAX_BYTES
    if source.stat().st_size > max_bytes:
        raise AddressesRefused(
            _("The file is larger than %(size)s. Please cut it to the area you need.")
            % {"size": filesizeformat(max_bytes)}
        )
    work = Path(tempfile.mkdtemp(prefix="places-"))
    try:

        def convert(sink: Callable[[bytes], None]) -> None:
            for layer in OSM_LAYERS if driver == "OSM" else (None,):
                _convert(source, driver, sink, cwd=work, layer=layer, srs=srs)

        return _replace(project_id, convert, source=name, driver=driver)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _convert(
    source: Path, driver: str, sink: Callable[[bytes], None], *, cwd: Path, layer: str | None, srs: str | None
) -> None:
    """One fenced ogr2ogr run (of one `layer` of an OSM file): the features as GeoJSON Sequence in EPSG:4326,
    2D, handed to `sink`."""
    arguments = [
        "-f",
        OUTPUT_DRIVER,
        "/vsistdout/",
        str(source),
        *([layer] if layer else []),
        "-t_srs",
        "EPSG:4326",
        "-dim",
        "XY",
        "-lco",
        "COORDINATE_PRECISION=7",
        "-nln",
        "features",
        "-limit",
        str(settings.PLACE_ADDRESSES_MAX + 1),
    ]
    if driver == "OSM":
        arguments += ["-where", OSM_WHERE, "-oo", f"CONFIG_FILE={OSM_CONFIG}"]
        # The OSM driver's own node index assumes increasing node ids; real extracts do not always have them.
        arguments += ["--config", "OSM_USE_CUSTOM_INDEXING", "NO"]
    if driver == "CSV":
        # Every column stays text ("012" is a house number, not twelve); lon/lat unless told otherwise.
        arguments += [
            "-s_srs",
            srs or "EPSG:4326",
            "-oo",
            f"X_POSSIBLE_NAMES={CSV_X_NAMES}",
            "-oo",
            f"Y_POSSIBLE_NAMES={CSV_Y_NAMES}",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
        ]
    elif srs:
        arguments += ["-s_srs", srs]
    seconds = settings.CONTEXT_LAYER_TIMEOUT_SECONDS
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
        raise AddressesRefused(
            _("The file's features take more than %(size)s when read. Please cut it to the area you need.")
            % {"size": filesizeformat(output_max)}
        ) from None
    except subprocess.TimeoutExpired:
        raise AddressesRefused(
            _("Reading the file took longer than %(seconds)s seconds. Please cut it to the area you need.")
            % {"seconds": _grouped(seconds)}
        ) from None
    if run.returncode != 0:
        if "no coordinate system" in run.stderr or "Failed to process SRS" in run.stderr:
            raise AddressesRefused(_("The coordinate system is unknown. Please give it as e.g. EPSG:25832."))
        raise AddressesRefused(_unreadable(driver))


def _replace(
    project_id: int, convert: Callable[[Callable[[bytes], None]], None], *, source: str, driver: str
) -> AddressImportReport:
    limit = settings.PLACE_ADDRESSES_MAX
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SQL.load("place_build_lock"), {"project": project_id})
            cursor.execute(SQL.load("context_layer_work_mem"))
            cursor.execute(SQL.load("context_layer_staging"))
            lines = 0
            try:
                with cursor.copy(SQL.load("context_layer_staging_copy")) as copy:

                    def stage(chunk: bytes) -> None:
                        nonlocal lines
                        lines += chunk.count(b"\n")
                        if lines > limit:
                            raise AddressesRefused(
                                _(
                                    "The file has more than %(count)s features. Please cut it to the area "
                                    "you need."
                                )
                                % {"count": _grouped(limit)}
                            )
                        copy.write(chunk)

                    convert(stage)
            except psycopg.DatabaseError:
                raise AddressesRefused(
                    _("A geometry of the file cannot be read. Please check the file, e.g. in QGIS.")
                ) from None
            cursor.execute(SQL.load("context_layer_reach"))
            reach_x, reach_y = cursor.fetchone()
            if reach_x is not None and (reach_x > 180 or reach_y > 90):
                raise AddressesRefused(
                    _(
                        "The coordinates are not longitude and latitude: please give the file's coordinate "
                        "system (e.g. EPSG:25832)."
                    )
                )
            cursor.execute(SQL.load("place_addresses_forget"), {"project": project_id})
            cursor.execute(SQL.load("place_addresses_insert"), {"project": project_id})
            read, addresses, places = cursor.fetchone()
            if not read:
                # GDAL reads a broken or empty file of some formats (OSM XML) as one without features.
                raise AddressesRefused(_unreadable(driver))
            if not addresses and not places:
                raise AddressesRefused(
                    _(
                        "The file has no address (a street and a house number with a position) and no named "
                        "place among its %(read)s features. For a CSV file, please name the columns street, "
                        "number and lon, lat (or x, y)."
                    )
                    % {"read": _grouped(read)}
                )
            cursor.execute(SQL.load("context_layer_staging_drop"))
            figures = places_build_in_transaction(project_id=project_id)
    finally:
        if not connection.needs_rollback and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(SQL.load("context_layer_staging_drop"))
    return AddressImportReport(
        read=read,
        addresses=addresses,
        places=places,
        streets=figures["streets"],
        source=source,
        at=timezone.now().isoformat(timespec="seconds"),
    )


def _unreadable(driver: str) -> str:
    return _(
        "The file cannot be read as %(format)s. Please check that it is a complete, valid file of "
        "this format."
    ) % {"format": driver}


def _grouped(value: float) -> str:
    return number_format(value, 0, use_l10n=True, force_grouping=True)
