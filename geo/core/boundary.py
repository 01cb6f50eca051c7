"""A project's area from a boundary file an administrator uploads: GeoJSON, GeoPackage, a zipped Shapefile or
KML, in any coordinate system.

The file is untrusted input: it only reaches GDAL in the fenced `ogr2ogr` of geo.core.ogr (a separate
process that may only read the file's own format, without network, limited in time and memory), which stops
after `FEATURES_MAX` features per layer. It writes GeoJSON in WGS84 longitude/latitude into a private
temporary directory; GEOS parses that output. Coordinates beyond ±180°/±90° mean metres read as degrees (a
file without its coordinate system): refused, and said so.

Every polygon must be valid as it is: nothing is repaired silently. A refusal names the feature and says how
to repair it. The polygons are joined into one MultiPolygon (several separate parts, e.g. a town and its
exclave, are fine) and checked for size and number of vertices.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .ogr import ZipRefused, run_fenced_ogr2ogr, shapefile_from_zip

# What a file may be, by its extension: the one GDAL driver that may read it.
DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".kml": "KML",  # the plain KML reader: LIBKML would follow <NetworkLink>s
    ".zip": "ESRI Shapefile",
}
OUTPUT_DRIVER = "GeoJSON"
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# A zipped Shapefile unpacked: its parts together, and how many entries a zip may list at all.
UNZIPPED_MAX_BYTES = 100 * 1024 * 1024
ZIP_ENTRIES_MAX = 100
FEATURES_MAX = 10_000
VERTICES_MAX = 200_000
# ogr2ogr's GeoJSON of the boundary: a vertex takes about 25 bytes at 7 decimals, so anything far above
# VERTICES_MAX worth is refused before Python reads it (and prlimit stops the writer there).
OUTPUT_MAX_BYTES = 64 * 1024 * 1024
# From a village (1 ha) to a large region (50,000 km², a little more than Lower Saxony).
AREA_MIN_M2 = 10_000
AREA_MAX_M2 = 50_000 * 1_000_000
OGR_SECONDS = 60
OGR_MEMORY_BYTES = 2 * 1024 * 1024 * 1024


class BoundaryRefused(Exception):
    """The upload is not one valid polygon area; the message says why and what to do (in the user's
    language)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Boundary:
    area: MultiPolygon  # EPSG:4326
    features: int  # polygon features read from the file
    parts: int  # separate polygons after joining
    vertices: int
    square_metres: float


def boundary_from_upload(upload: UploadedFile) -> Boundary:
    """Read, reproject, check and join an uploaded boundary file; BoundaryRefused says what is wrong."""
    suffix = PurePosixPath((upload.name or "").lower()).suffix
    if suffix not in DRIVERS:
        raise BoundaryRefused(
            _(
                "“%(name)s” is not a boundary file we can read. Please upload GeoJSON (.geojson), "
                "a GeoPackage (.gpkg), a zipped Shapefile (.zip) or KML (.kml)."
            )
            % {"name": upload.name}
        )
    if upload.size is not None and upload.size > UPLOAD_MAX_BYTES:
        raise BoundaryRefused(
            _("The file is larger than %(size)s MB. Please simplify the boundary and upload it again.")
            % {"size": UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    work = Path(tempfile.mkdtemp(prefix="boundary-"))
    try:
        source = work / f"upload{suffix}"
        with source.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if suffix == ".zip":
            source = _shapefile_from_zip(source, work / "shapefile")
        geometries = _read_with_ogr2ogr(source, DRIVERS[suffix], work / "boundary.geojson")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _checked(geometries)


_ZIP_MESSAGES = {
    "damaged": _lazy("The .zip file cannot be opened: it is damaged or not a zip file."),
    "too-large": _lazy(
        "The zip file is too large when unpacked. Please zip only the Shapefile of the boundary."
    ),
    "no-shapefile": _lazy("The zip file contains no Shapefile (.shp)."),
    "several-shapefiles": _lazy(
        "The zip file contains several Shapefiles. Please zip only the one with the boundary."
    ),
    "no-prj": _lazy(
        "The zip file has no .prj file beside the .shp: without it the coordinate system is "
        "unknown. Please zip the Shapefile with all its parts (.shp, .shx, .dbf, .prj)."
    ),
    "incomplete": _lazy(
        "The Shapefile in the zip is incomplete (missing: %(parts)s). Please zip all its parts."
    ),
}


def _shapefile_from_zip(path: Path, target: Path) -> Path:
    """The one Shapefile in the zip, unpacked into `target` (geo.core.ogr checks it against zip bombs)."""
    try:
        return shapefile_from_zip(
            path, target, unzipped_max_bytes=UNZIPPED_MAX_BYTES, entries_max=ZIP_ENTRIES_MAX
        )
    except ZipRefused as refused:
        message = str(_ZIP_MESSAGES[refused.reason])
        if refused.reason == "incomplete":
            message = message % {"parts": ", ".join(refused.missing)}
        raise BoundaryRefused(message) from None


def _read_with_ogr2ogr(source: Path, driver: str, output: Path) -> list[tuple[int, dict]]:
    """Every feature's geometry as GeoJSON in EPSG:4326, numbered from 1 in file order; null geometries left
    out. Every layer of the file goes into one output layer."""
    command = [
        "-f",
        OUTPUT_DRIVER,
        str(output),
        str(source),
        "-t_srs",
        "EPSG:4326",
        # Not RFC7946=YES: its writer cuts what lies outside ±180°/±90° away, and metres read as degrees
        # (a file without its coordinate system) would come out empty instead of being named.
        "-lco",
        "COORDINATE_PRECISION=7",
        "-dim",
        "XY",
        "-nln",
        "boundary",
        "-select",
        "",  # the attributes are not needed (and cannot trip the conversion)
        "-limit",
        str(FEATURES_MAX + 1),
    ]
    try:
        run = run_fenced_ogr2ogr(
            command,
            drivers=(driver, OUTPUT_DRIVER),
            seconds=OGR_SECONDS,
            memory_bytes=OGR_MEMORY_BYTES,
            output_max_bytes=OUTPUT_MAX_BYTES,
            cwd=output.parent,
        )
    except subprocess.TimeoutExpired:
        raise BoundaryRefused(
            _("Reading the file took too long. Please simplify the boundary and upload it again.")
        ) from None
    # First: a writer stopped at the file size limit fails too, and that is a too detailed boundary.
    if output.exists() and output.stat().st_size >= OUTPUT_MAX_BYTES:
        raise BoundaryRefused(_("The boundary is too detailed. Please simplify it and upload it again."))
    if run.returncode != 0 or not output.exists():
        if "no coordinate system" in run.stderr or "source layer has no coordinate system" in run.stderr:
            raise BoundaryRefused(
                _(
                    "The file does not say its coordinate system. Please save it again with one "
                    "(e.g. in QGIS)."
                )
            )
        raise BoundaryRefused(
            _(
                "The file cannot be read as %(format)s. Please check that it is a complete, valid file of "
                "this format."
            )
            % {"format": driver}
        )
    collection = json.loads(output.read_text(encoding="utf-8"))
    features = collection.get("features") or []
    if len(features) > FEATURES_MAX:
        raise BoundaryRefused(
            _("The file has more than %(count)s features. Please upload only the boundary.")
            % {"count": _grouped(FEATURES_MAX)}
        )
    return [(n, f["geometry"]) for n, f in enumerate(features, start=1) if f.get("geometry")]


def _checked(geometries: list[tuple[int, dict]]) -> Boundary:
    polygons: list[Polygon] = []
    features = 0
    for number, geometry in geometries:
        try:
            geom = GEOSGeometry(json.dumps(geometry), srid=4326)
        except (GEOSException, ValueError):
            raise BoundaryRefused(_("Feature %(number)s cannot be read.") % {"number": number}) from None
        if geom.empty:
            continue
        xmin, ymin, xmax, ymax = geom.extent
        if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
            raise BoundaryRefused(
                _(
                    "The coordinates are not longitude and latitude (they reach %(x)s, %(y)s): the file does "
                    "not say its coordinate system, or says a wrong one. Please save it with its coordinate "
                    "system (e.g. EPSG:25832, in QGIS) and upload it again."
                )
                % {"x": _grouped(max(abs(xmin), abs(xmax))), "y": _grouped(max(abs(ymin), abs(ymax)))}
            )
        parts = list(geom) if geom.geom_type in ("MultiPolygon", "GeometryCollection") else [geom]
        for part in parts:
            if part.geom_type != "Polygon":
                raise BoundaryRefused(_not_an_area(number, part.geom_type))
            if not part.valid:
                raise BoundaryRefused(
                    _(
                        "Feature %(number)s is not a valid polygon (%(reason)s). Nothing is repaired "
                        "automatically: please repair it, e.g. in QGIS with “Fix geometries”, and upload "
                        "it again."
                    )
                    % {"number": number, "reason": part.valid_reason}
                )
            polygons.append(part)
        features += 1
    if not polygons:
        raise BoundaryRefused(_("The file contains no area (no polygons)."))
    joined = MultiPolygon(polygons, srid=4326).unary_union
    area = joined if isinstance(joined, MultiPolygon) else MultiPolygon(joined, srid=4326)
    area.srid = 4326
    if area.num_coords > VERTICES_MAX:
        raise BoundaryRefused(
            _(
                "The boundary has %(count)s vertices; at most %(max)s are accepted. Please simplify it "
                "(e.g. in QGIS with “Simplify”) and upload it again."
            )
            % {"count": _grouped(area.num_coords), "max": _grouped(VERTICES_MAX)}
        )
    square_metres = _geodesic_area(area)
    if not AREA_MIN_M2 <= square_metres <= AREA_MAX_M2:
        raise BoundaryRefused(
            _(
                "The area measures %(size)s km²; a project area must measure between %(low)s and "
                "%(high)s km². Is the coordinate system of the file right?"
            )
            % {
                "size": _grouped(square_metres / 1e6, 2),
                "low": _grouped(AREA_MIN_M2 / 1e6, 2),
                "high": _grouped(AREA_MAX_M2 / 1e6),
            }
        )
    return Boundary(
        area=area,
        features=features,
        parts=len(area),
        vertices=area.num_coords,
        square_metres=square_metres,
    )


def _grouped(value: float, decimals: int = 0) -> str:
    """A number as the reader's language writes it (200,000 / 200.000; 0.01 / 0,01)."""
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def _not_an_area(number: int, kind: str) -> str:
    if "Point" in kind:
        message = _(
            "Feature %(number)s is a point, not an area. The project area must consist of polygons only: "
            "please remove points and lines from the file."
        )
    else:
        message = _(
            "Feature %(number)s is a line, not an area. The project area must consist of polygons only: "
            "please remove points and lines from the file."
        )
    return message % {"number": number}


def _geodesic_area(area: MultiPolygon) -> float:
    """Square metres on the ellipsoid (PostGIS geography): right in every town, unlike one planar
    projection for all."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKB(%s)::geography)", [bytes(area.ewkb)])
        return float(cursor.fetchone()[0])
