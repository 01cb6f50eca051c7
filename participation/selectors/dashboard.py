"""Reads for the planner dashboard: what the planning office sees of a project's demand at a glance.

Every figure counts published suggestions only: what is waiting for review, rejected, hidden, merged or
withdrawn is not (yet) demand the public can see, and the moderators' queue shows it elsewhere. Each count is
one GROUP BY query in the database; Python only fills in the zero rows (statuses and weeks without any).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from geo.core.grid import CLUSTER_MAX_ZOOM, cell_size

from ..models import Category, ModerationState, PlanningStatus, Project, Suggestion
from ..sql import SQL

PUBLISHED = Q(moderation_state=ModerationState.PUBLISHED)
TOP_SUPPORTED = 10
# A hotspot: at least HOTSPOT_MIN_POINTS suggestions in grid cells whose centres lie within HOTSPOT_EPS_M
# metres of each other (a few minutes' walk in a town, a block or two).
HOTSPOT_EPS_M = 250.0
HOTSPOT_MIN_POINTS = 5
HOTSPOT_MAX = 50


@dataclass(frozen=True, slots=True)
class StatusCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class CategoryCount:
    key: str
    label: str
    colour: str
    count: int


@dataclass(frozen=True, slots=True)
class WeekCount:
    week: date  # the Monday the ISO week starts on
    label: str  # ISO year and week, e.g. "2026-W07"
    count: int


@dataclass(frozen=True, slots=True)
class Hotspot:
    count: int
    lon: float
    lat: float
    radius_m: float
    top_category: str


def suggestion_list_published(*, project: Project) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(PUBLISHED, project=project)


def suggestion_counts_by_category(*, project: Project) -> list[CategoryCount]:
    """Every category of the project in its map order, the ones nobody used included (with 0)."""
    categories = (
        Category.objects.filter(project=project)
        .annotate(n=Count("suggestions", filter=Q(suggestions__moderation_state=ModerationState.PUBLISHED)))
        .order_by("position", "key")
    )
    return [CategoryCount(key=c.key, label=c.label, colour=c.colour, count=c.n) for c in categories]


def suggestion_counts_by_status(*, project: Project) -> list[StatusCount]:
    """Every planning status in its workflow order, with 0 where there is none."""
    rows = dict(
        suggestion_list_published(project=project)
        .order_by()
        .values_list("planning_status")
        .annotate(n=Count("id"))
        .values_list("planning_status", "n")
    )
    return [
        StatusCount(key=value, label=str(label), count=rows.get(value, 0))
        for value, label in PlanningStatus.choices
    ]


def suggestion_counts_by_week(*, project: Project) -> list[WeekCount]:
    """Suggestions per ISO week (by creation, in the site's time zone), from the first week with any to the
    last; the weeks in between without any are there with 0, so a chart's gaps are visible."""
    rows = dict(
        suggestion_list_published(project=project)
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values_list("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    if not rows:
        return []
    counts = {week.date(): n for week, n in rows.items()}
    first, last = min(counts), max(counts)
    weeks = []
    week = first
    while week <= last:  # weeks, not rows: at most the length of the project's phase
        year, number, _ = week.isocalendar()
        weeks.append(WeekCount(week=week, label=f"{year}-W{number:02d}", count=counts.get(week, 0)))
        week += timedelta(days=7)
    return weeks


def suggestion_list_top_supported(*, project: Project, limit: int = TOP_SUPPORTED) -> list[Suggestion]:
    """The most supported published suggestions; among equals the older one first (it gathered them first)."""
    return list(
        suggestion_list_published(project=project)
        .select_related("category")
        .order_by("-support_count", "created_at", "id")[:limit]
    )


def suggestion_hotspots(
    *,
    project: Project,
    eps_m: float = HOTSPOT_EPS_M,
    minpoints: int = HOTSPOT_MIN_POINTS,
    limit: int = HOTSPOT_MAX,
) -> list[Hotspot]:
    """Where published suggestions concentrate: DBSCAN clusters in PostGIS over the finest cluster cells
    (participation/sql/suggestion_hotspots.sql), largest first. One query, bounded by the area, not the
    suggestions."""
    params = {
        "project_id": project.pk,
        "zoom": CLUSTER_MAX_ZOOM,
        "cell_size": cell_size(CLUSTER_MAX_ZOOM),
        "eps_m": eps_m,
        "minpoints": minpoints,
        "latitude": project.map_center.y,
        "max_clusters": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("suggestion_hotspots"), params)
        return [
            Hotspot(count=count, lon=lon, lat=lat, radius_m=radius or 0.0, top_category=key)
            for count, lon, lat, radius, key in cursor.fetchall()
        ]
