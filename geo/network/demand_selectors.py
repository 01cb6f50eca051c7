"""Reads of the demand per street segment for the planners' pages: the most demanded segments (the map's list
alternative) and the figures the map's legend needs. Everything comes from the tables the triggers keep
(geo/network/demand.py), so a page view costs two small queries, not a pass over the suggestions."""

from dataclasses import dataclass

from django.db import connection

from participation.models import Project

from ..sql import SQL
from .models import StreetNetwork

TOP_SEGMENTS = 30


@dataclass(frozen=True, slots=True)
class SegmentRow:
    id: int
    name: str
    highway: str
    length_m: float
    suggestions: int
    supports: int
    demand: int
    lon: float
    lat: float
    # A street of another name meeting it at its start and at its end, where there is one.
    from_name: str | None
    to_name: str | None


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    network: StreetNetwork | None
    segments: int  # with demand
    paths: int  # published paths matched to at least one segment
    breaks: list[int]  # demand at the quintiles of the segments with demand
    most: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north of the segments with demand


def segment_summary(*, project: Project) -> SegmentSummary:
    network = StreetNetwork.objects.filter(project=project).first()
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("segment_summary"), {"project_id": project.pk})
        segments, paths, breaks, most, *bounds = cursor.fetchone()
    return SegmentSummary(
        network=network,
        segments=segments,
        paths=paths,
        breaks=[int(b) for b in breaks],
        most=int(most),
        bounds=tuple(bounds) if bounds[0] is not None else None,
    )


def segment_top(*, project: Project, limit: int = TOP_SEGMENTS) -> list[SegmentRow]:
    """The segments with the most demand (published suggestions along them and their supports)."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("segment_top"), {"project_id": project.pk, "limit": limit})
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return [
        SegmentRow(
            id=row["id"],
            name=row["name"],
            highway=row["highway"],
            length_m=row["length_m"],
            suggestions=row["suggestions"],
            supports=int(row["supports"]),
            demand=int(row["demand"]),
            lon=row["lon"],
            lat=row["lat"],
            from_name=row["from_name"],
            to_name=row["to_name"],
        )
        for row in rows
    ]
