"""Routes for bicycles along a project's street network, and the streets a keyboard user routes along.

`route_find` snaps each tapped point to the nearest edge open to bicycles (geo/sql/network_route_snap.sql)
and lets pgRouting find the shortest route through them in order (geo/sql/network_route.sql): first among
the edges near the straight line through the points (a narrow corridor: pgRouting builds its graph from
every edge it is given, so fewer edges are a faster answer), then, when that holds no route or only a long
detour, among the edges in the points' box grown wide, and last over the whole network. The line it returns
passes the same gate as a drawn one (geo.core.geometry), so a routed path can always be stored as a
suggestion.

`street_search` and `street_crossings` serve the form "along <street> from <crossing street> to <crossing
street>": the route from the crossing of the first two to the crossing of the first and the third, along the
first street where it can (`route_find(..., along=street)`).
"""

import json
import re
from dataclasses import dataclass
from itertools import pairwise
from math import cos, hypot, radians
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection

from geo.core.geometry import MAX_LINE_LENGTH_M, MAX_VERTICES, geometry_from_geojson
from participation.models import Project

from ..sql import SQL
from .errors import (
    NetworkMissing,
    PointOutsideArea,
    PointOutsideNetwork,
    RouteCrossesItself,
    RouteNotFound,
    RouteTooLong,
    SamePlace,
    SearchTextInvalid,
    StreetNotFound,
    TooFewPoints,
    TooManyPoints,
)
from .models import StreetNetwork

# Start, at most eight via points, end: enough to steer a route through a city, few enough to answer fast.
MAX_POINTS = 10
# A tap farther than this from every bicycle edge is outside the network (a field, or beyond the extract).
SNAP_M = 150
# A bit of an edge shorter than this (a tap at a crossing lies on the crossing street's edge) is not a street
# the route runs along, nor an edge it follows.
MIN_PIECE_M = 1.0
# KNN candidates measured on the ellipsoid (network_route_snap.sql).
SNAP_CANDIDATES = 4
# How far inside its edge a point on a crossing is placed, as a fraction of the edge (network_route_snap.sql).
SNAP_INSET = 1e-7
# The narrow corridor along the line through the points: this many metres either side, or a share of the
# line's length if that is more; never less than the snap distance, so every snapped edge is in it. On the
# benchmark's city (99 routes of 3-8 km) 200 m and 2.5 % give routes 0.04 % longer in all than 300 m and 5 %,
# from a third fewer edges; a detour the corridor forces is caught below.
LINE_CORRIDOR_MIN_M = 200
LINE_CORRIDOR_SHARE = 0.025
# A route in the narrow corridor longer than this many times the line through the points (plus the snap
# distance at either end) may be a detour the corridor forced (the bridge lies outside): the wide one decides.
LINE_CORRIDOR_DETOUR = 1.6
# The wide corridor around the points' box: this many metres, or a share of the box's diagonal if that is
# more (a detour around a river needs room).
CORRIDOR_MIN_M = 600
CORRIDOR_SHARE = 0.5
# "Along <street>": other streets count this many times their length, so the route keeps to the street
# wherever it continues and leaves it only where it must (a one-way stretch, a gap).
ALONG_DETOUR = 4.0
# Simplification steps in degrees (about 0.1 m to 11 m) for routes with more vertices than a suggestion
# may have; the smallest that is enough is taken.
TOLERANCES = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4]
# Street names: what the search takes and how many it answers.
SEARCH_MAX = 100
SEARCH_LIMIT = 10
STREET_MAX = 200


@dataclass(frozen=True)
class Route:
    """A routed line (GeoJSON LineString in WGS84) with its length, its street names in order (a name
    again only after another one), the network edges it follows, in order, and where on the streets the
    given points lie (lon, lat)."""

    geometry: dict[str, Any]
    length_m: float
    streets: list[str]
    edges: list[int]
    points: list[tuple[float, float]]


def network_for_routing(*, project: Project) -> StreetNetwork:
    """The project's street network, or NetworkMissing (free drawing is what remains)."""
    network = StreetNetwork.objects.filter(project=project).only("id", "imported_at").first()
    # A network row whose import never finished holds no edges yet.
    if network is None or network.imported_at is None:
        raise NetworkMissing()
    return network


def _snap(
    project_id: int, points: list[tuple[float, float]]
) -> tuple[int, list[tuple[int, float]], list[tuple[float, float]]]:
    """The project's network, each point's edge and fraction along it, and its position on the street; or
    NetworkMissing, or PointOutsideNetwork."""
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.load("network_route_snap"),
            {
                "project": project_id,
                "lons": [lon for lon, _lat in points],
                "lats": [lat for _lon, lat in points],
                "candidates": SNAP_CANDIDATES,
                "snap_m": SNAP_M,
                "inset": SNAP_INSET,
            },
        )
        rows = cursor.fetchall()
    if not rows:
        raise NetworkMissing()
    snapped, positions = [], []
    for index, (_seq, _network_id, edge_id, fraction, distance_m, lon, lat) in enumerate(rows):
        if edge_id is None or distance_m > SNAP_M:
            raise PointOutsideNetwork(index, len(points), SNAP_M)
        snapped.append((edge_id, fraction))
        positions.append((lon, lat))
    return rows[0][1], snapped, positions


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Degrees to metres near the points: 111.32 km per degree of latitude, less per degree of longitude.
    coslat = cos(radians((a[1] + b[1]) / 2))
    return hypot((a[0] - b[0]) * 111_320 * coslat, (a[1] - b[1]) * 111_320)


def _line_m(points: list[tuple[float, float]]) -> float:
    return sum(_metres(a, b) for a, b in pairwise(points))


def _corridor_m(points: list[tuple[float, float]]) -> float:
    lons, lats = [lon for lon, _ in points], [lat for _, lat in points]
    diagonal = _metres((min(lons), min(lats)), (max(lons), max(lats)))
    return max(CORRIDOR_MIN_M, SNAP_M, CORRIDOR_SHARE * diagonal)


@dataclass(frozen=True)
class _Corridor:
    metres: float | None  # None: the whole network
    line: bool = False


def _corridors(points: list[tuple[float, float]]) -> list[_Corridor]:
    narrow = max(LINE_CORRIDOR_MIN_M, SNAP_M, LINE_CORRIDOR_SHARE * _line_m(points))
    return [_Corridor(narrow, line=True), _Corridor(_corridor_m(points)), _Corridor(None)]


def _route_row(
    *,
    project: Project,
    network_id: int,
    points: list[tuple[float, float]],
    snapped: list[tuple[int, float]],
    corridor: _Corridor,
    along: str | None,
    inside_area: bool,
) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.load("network_route"),
            {
                "network": network_id,
                "project": project.pk,
                "edge_ids": [edge for edge, _ in snapped],
                "fractions": [fraction for _, fraction in snapped],
                "lons": [lon for lon, _ in points],
                "lats": [lat for _, lat in points],
                "corridor_m": corridor.metres,
                "corridor_line": corridor.line,
                "along": along,
                "detour": ALONG_DETOUR,
                "area_project": project.pk if inside_area else None,
                "min_piece_m": MIN_PIECE_M,
                "max_vertices": MAX_VERTICES,
                "tolerances": TOLERANCES,
            },
        )
        columns = [column.name for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _first_route(
    *,
    project: Project,
    network_id: int,
    points: list[tuple[float, float]],
    snapped: list[tuple[int, float]],
    legs: int,
    along: str | None,
    inside_area: bool,
) -> dict[str, Any] | None:
    """The route through every leg in the first corridor that holds one: the edges near the line through the
    points, a wide box around them, the whole network. A long detour in the narrow corridor is only kept if
    the wide one finds nothing shorter."""
    detour_m = LINE_CORRIDOR_DETOUR * _line_m(points) + 2 * SNAP_M
    detour = None
    for corridor in _corridors(points):
        found = _route_row(
            project=project, network_id=network_id, points=points, snapped=snapped, corridor=corridor,
            along=along, inside_area=inside_area,
        )  # fmt: skip
        if found["legs"] < legs or found["geometry"] is None:
            continue
        if corridor.line and found["length_m"] > detour_m:
            detour = found
            continue
        return found if detour is None or found["length_m"] <= detour["length_m"] else detour
    return detour


def route_find(*, project: Project, points: list[tuple[float, float]], along: str | None = None) -> Route:
    """The shortest route for bicycles through `points` (lon, lat in WGS84: start, via points, end) along
    the project's street network, or a DomainError saying why there is none (geo.network.errors).

    `along`: a street name whose edges the route prefers ("along <street> from … to …").
    """
    if len(points) < 2:
        raise TooFewPoints()
    if len(points) > MAX_POINTS:
        raise TooManyPoints(MAX_POINTS)
    area = project.area.prepared
    for index, (lon, lat) in enumerate(points):
        if not area.covers(Point(lon, lat, srid=4326)):
            raise PointOutsideArea(index, len(points))
    network_id, snapped, positions = _snap(project.pk, points)
    # Legs between two points at the same place have no route to find (and pgRouting gives them no rows).
    legs = sum(1 for a, b in pairwise(snapped) if a != b)
    if legs == 0:
        raise SamePlace()
    # A shortest route that leaves the project area (an extract is a rectangle, the area is not) is sought
    # again among the edges that reach into the area.
    inside_area = False
    while True:
        row = _first_route(
            project=project, network_id=network_id, points=points, snapped=snapped, legs=legs, along=along,
            inside_area=inside_area,
        )  # fmt: skip
        if row is None or (row["inside_area"] is False and inside_area):
            raise RouteNotFound()
        if row["inside_area"] is not False:
            break
        inside_area = True
    if row["length_m"] > MAX_LINE_LENGTH_M:
        raise RouteTooLong(MAX_LINE_LENGTH_M // 1000, row["length_m"] / 1000)
    if not row["simple"]:
        raise RouteCrossesItself()
    geometry = json.loads(row["geometry"])
    # The gate every drawn line passes: a routed line is always one a suggestion can store.
    geometry_from_geojson(geometry, kind="line", area=project.area)
    return Route(
        geometry=geometry,
        length_m=round(row["length_m"], 1),
        streets=list(row["streets"]),
        edges=list(row["edges"]),
        points=positions,
    )


def _folded(text: str) -> str:
    """What the search compares: dots and repeated spaces away ("Kaiserstr." → "Kaiserstr")."""
    return re.sub(r"\s+", " ", text.replace(".", " ")).strip()


def _like_escaped(text: str) -> str:
    """LIKE's wildcards (and its escape character) as plain characters: "50%" finds "50%", not "500"."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def street_search(*, project: Project, q: str) -> list[str]:
    """Street names of the network's bicycle edges that match what was typed: names starting with it first,
    then names containing it, then similar ones (small typos); accents and ß folded (unaccent, pg_trgm)."""
    text = _folded(q)
    if not text or len(q) > SEARCH_MAX or "\x00" in q:  # PostgreSQL's text holds no NUL
        raise SearchTextInvalid(SEARCH_MAX)
    network = network_for_routing(project=project)
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.load("network_streets"),
            {"network": network.pk, "q": text, "like": _like_escaped(text), "limit": SEARCH_LIMIT},
        )
        return [name for (name,) in cursor.fetchall()]


def street_crossings(*, project: Project, street: str) -> list[dict[str, Any]]:
    """The streets that meet `street` at its vertices, each crossing with its vertex and position (a street
    may meet it more than once), ordered by name; StreetNotFound if no bicycle edge has that name."""
    if not street.strip() or len(street) > STREET_MAX or "\x00" in street:
        raise StreetNotFound()
    network = network_for_routing(project=project)
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("network_crossings"), {"network": network.pk, "street": street})
        rows = cursor.fetchall()
    if not rows:
        raise StreetNotFound()
    found, crossings = rows[0][0], rows[0][1]
    if not found:
        raise StreetNotFound()
    return crossings or []
