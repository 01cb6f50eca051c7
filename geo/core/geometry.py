"""The single gate for every geometry a citizen submits (suggestions, duplicate checks, survey map answers).

Input is untrusted, already JSON-decoded GeoJSON. Its structure is checked here in plain Python, walking
only as deep as the expected type allows, so no recursion and no work in proportion to hostile input
happens before the limits are checked. Only validated, rounded float pairs reach GEOS; GDAL and the
GEOS WKT/EWKT readers never see user input. Nothing is repaired or reprojected: a geometry is accepted as
it is, or refused with a `geo.core.errors` error that tells the person what to change (DESIGN.md, "Geometry
rules").
"""

import itertools
import math
import struct
from collections.abc import Sequence

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point, Polygon

from .errors import (
    AreaExpected,
    AreaInvalid,
    CoordinatesNotTwoNumbers,
    CoordinatesOutOfRange,
    GeometryCoordinates,
    GeometryCRS,
    GeometryEmpty,
    GeometryNotGeoJSON,
    GeometryOutsideArea,
    GeometryWrongKind,
    LineCrossesItself,
    LineExpected,
    LineTooLong,
    LineTooShort,
    PointExpected,
    RingNotClosed,
    RingTooShort,
    TooManyVertices,
)

MAX_VERTICES = 500
MAX_LINE_LENGTH_M = 30_000

SRID = 4326
# RFC 7946 recommends at most 7 decimals: about 1 cm, far below what anyone can point at on a map.
DECIMALS = 7
# Mean Earth radius (IUGG), the usual choice for haversine.
EARTH_RADIUS_M = 6_371_008.8

# What GEOSisValidReason answers for a valid geometry.
GEOS_VALID = "Valid Geometry"
GEOJSON_GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
)
# participation.models.GeometryKind value -> the one GeoJSON type it takes, and the error naming it.
KIND_TYPES: dict[str, tuple[str, type[GeometryWrongKind]]] = {
    "point": ("Point", PointExpected),
    "line": ("LineString", LineExpected),
    "polygon": ("Polygon", AreaExpected),
}

Position = tuple[float, float]


def geometry_from_geojson(value: object, *, kind: str, area: MultiPolygon | None) -> GEOSGeometry:
    """Turn a decoded GeoJSON geometry into a GEOS geometry, or raise a `geo.core.errors` DomainError.

    kind is "point", "line" or "polygon" (participation.models.GeometryKind values). Returns a GEOS
    Point/LineString/Polygon with srid 4326, coordinates rounded to 7 decimals. area None = no area check.

    An unknown kind or an area in another SRID is a programming error and raises ValueError.
    """
    try:
        expected_type, wrong_kind = KIND_TYPES[kind]
    except KeyError:
        raise ValueError(f"Unknown geometry kind: {kind!r}") from None
    if area is not None and area.srid != SRID:
        raise ValueError(f"The area must be in SRID {SRID}, not {area.srid}.")

    coordinates = _coordinates(value, expected_type=expected_type, wrong_kind=wrong_kind)
    geom: GEOSGeometry
    if expected_type == "Point":
        geom = Point(*_position(coordinates), srid=SRID)
    elif expected_type == "LineString":
        geom = _line(coordinates)
    else:
        geom = _polygon(coordinates)

    # covers, not contains: a suggestion on the boundary of the area is still inside it. For a line this
    # also means every vertex and every segment between them, so a line leaving a concave area is refused.
    if area is not None and not area.covers(geom):
        raise GeometryOutsideArea
    return geom


def _coordinates(value: object, *, expected_type: str, wrong_kind: type[GeometryWrongKind]) -> Sequence:
    """The `coordinates` member of a GeoJSON geometry of the expected type, as a non-empty list."""
    if isinstance(value, str):
        # WKT, EWKT ("SRID=3857;POINT(…)") or JSON that was never decoded: only decoded GeoJSON in WGS84
        # is accepted, and such strings must never reach a GEOS or GDAL reader.
        raise GeometryCRS
    if not isinstance(value, dict):
        raise GeometryNotGeoJSON
    # RFC 7946 dropped `crs`; any value of it (even null) claims something other than plain WGS84.
    if "crs" in value:
        raise GeometryCRS
    geometry_type = value.get("type")
    # Feature and FeatureCollection are not geometries: the caller takes the geometry out of them.
    if not isinstance(geometry_type, str) or geometry_type not in GEOJSON_GEOMETRY_TYPES:
        raise GeometryNotGeoJSON
    if geometry_type != expected_type:
        raise wrong_kind
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list | tuple):
        raise GeometryNotGeoJSON
    if not coordinates:
        raise GeometryEmpty
    return coordinates


def _line(coordinates: Sequence) -> LineString:
    # len() before looking at any element: a list of millions of positions costs nothing to refuse.
    if len(coordinates) > MAX_VERTICES:
        raise TooManyVertices(MAX_VERTICES)
    positions = [_position(position) for position in coordinates]
    if len(set(positions)) < 2:
        raise LineTooShort
    line = _linestring(positions)
    if not line.simple:
        raise LineCrossesItself
    if _length_m(positions) > MAX_LINE_LENGTH_M:
        raise LineTooLong(MAX_LINE_LENGTH_M // 1000)
    return line


def _linestring(positions: list[Position]) -> LineString:
    # From WKB, one call into GEOS: LineString(positions) makes one per coordinate, 20 times slower for the
    # 200 positions of a routed line (checked at every drag of a point).
    flat = [value for position in positions for value in position]
    wkb = struct.pack(f"<BII{len(flat)}d", 1, 2, len(positions), *flat)
    return GEOSGeometry(memoryview(wkb), srid=SRID)


def _polygon(coordinates: Sequence) -> Polygon:
    # Every ring has at least three corners, so more rings than MAX_VERTICES is over the limit anyway.
    if len(coordinates) > MAX_VERTICES:
        raise TooManyVertices(MAX_VERTICES)
    vertices = 0
    for ring in coordinates:
        if not isinstance(ring, list | tuple):
            raise GeometryNotGeoJSON
        # The closing position repeats the first one: a person counts corners, not positions.
        vertices += max(len(ring) - 1, 0)
        if vertices > MAX_VERTICES:
            raise TooManyVertices(MAX_VERTICES)
    polygon = Polygon(*(_ring(ring) for ring in coordinates), srid=SRID)
    # Self-intersections, holes outside the shell, zero-area rings. valid_reason rather than valid: valid
    # logs a GEOS_NOTICE warning for every refused area, and a citizen's drawing mistake is no server
    # warning. The reason itself is English GEOS jargon with coordinates, so the person gets one plain
    # sentence instead.
    if polygon.valid_reason != GEOS_VALID:
        raise AreaInvalid
    return polygon


def _ring(ring: Sequence) -> tuple[Position, ...]:
    positions = tuple(_position(position) for position in ring)
    if len(set(positions)) < 3:
        raise RingTooShort
    # Compared after rounding: the ring GEOS gets, and the database stores, is closed exactly.
    if positions[0] != positions[-1]:
        raise RingNotClosed
    return positions


def _position(position: object) -> Position:
    """A GeoJSON position as (longitude, latitude), range-checked and rounded to DECIMALS."""
    if not isinstance(position, list | tuple):
        raise GeometryNotGeoJSON
    # A third or fourth number is a height or a measure: the map is 2D and would silently drop it.
    if len(position) != 2:
        raise CoordinatesNotTwoNumbers
    lon, lat = position
    if not (_is_number(lon) and _is_number(lat)):
        raise GeometryCoordinates
    # Compared before float(): an integer too large for a float (JSON allows any number of digits) is
    # simply out of range here instead of raising OverflowError.
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CoordinatesOutOfRange
    return round(float(lon), DECIMALS), round(float(lat), DECIMALS)


def _is_number(value: object) -> bool:
    # bool is a subclass of int: JSON `true` must not pass as 1.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    # json.loads turns NaN, Infinity and 1e999 into non-finite floats.
    return isinstance(value, float) and math.isfinite(value)


def _length_m(positions: Sequence[Position]) -> float:
    """Length along the Earth's surface in metres.

    Haversine on a sphere rather than PostGIS ST_Length(geography): it needs no database round trip inside
    validation, and its error against the spheroid (below 0.5 %) does not matter for a 30 km limit.
    """
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(positions):
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        d_phi = phi2 - phi1
        d_lambda = math.radians(lon2 - lon1)
        h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
    return total
