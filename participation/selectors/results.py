"""Reads for a project's public results page: what people suggested, supported and said, and what became
of it.

Everything here is public: published suggestions only, their supports and published comments (the counters
the services keep on each suggestion; over time the rows themselves, by the day they were given), and for
decided ones the official answer. Figures come from one GROUP BY GROUPING SETS query
(participation/sql/results_figures.sql) and the map is SVG drawn from PostGIS
(results_map.sql), so the page reads the same with a hundred or a million suggestions, needs no JavaScript
and prints. Python only fills in the zero rows and scales the bars.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from .. import results_figures
from ..errors import InvalidCursor
from ..models import Category, ModerationState, PlanningStatus, Project, Suggestion
from ..sql import SQL

# What a citizen calls "decided": the statuses the results list and map show, in this order.
DECIDED = (PlanningStatus.PLANNED, PlanningStatus.IMPLEMENTED, PlanningStatus.DECLINED)
# The newest this many of each decided status on the results page; the rest on that status's own pages.
NEWEST_PER_STATUS = 5
DECIDED_PAGE_SIZE = 50
# The map draws at most this many suggestions per status (newest first): a few thousand SVG shapes still
# render and print; beyond, the page says how many it leaves out and the lists have them all.
MAP_PER_STATUS = 500
# Lines and areas are simplified to this share of the area's larger side: on an A4 page (~18 cm) 1/2000 is
# below a tenth of a millimetre.
MAP_TOLERANCE_SHARE = 1 / 2000
# Weeks up to this many between the first and the last suggestion, months beyond (a bar per week of a
# two-year project would be a hundred rows).
WEEKS_MAX = 16


@dataclass(frozen=True, slots=True)
class Figures:
    suggestions: int = 0
    supports: int = 0
    comments: int = 0


@dataclass(frozen=True, slots=True)
class FigureRow:
    """A row of a figures table: what it counts, its figures and its bar's length (0-100, of the longest)."""

    key: str
    label: str
    figures: Figures
    bar: float
    colour: str = ""


@dataclass(frozen=True, slots=True)
class Bars:
    suggestions: float = 0.0
    supports: float = 0.0
    comments: float = 0.0


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """A week or month: the suggestions made, supports given and comments written in it, and each figure's bar
    (0-100, of the longest of its own measure: three small charts side by side, each with its own scale)."""

    start: date
    label: str
    figures: Figures
    bars: "Bars"

    @property
    def count(self) -> int:
        return self.figures.suggestions


@dataclass(frozen=True, slots=True)
class DecidedItem:
    id: int
    status: str
    title: str
    official_answer: str
    answered_at: datetime | None
    support_count: int
    comment_count: int
    created_at: datetime
    category: Category


@dataclass(slots=True)
class DecidedGroup:
    """One decided status on the results page: its number, its newest suggestions, how many the map shows."""

    status: str
    label: str
    count: int
    items: list[DecidedItem] = field(default_factory=list)
    on_map: int = 0
    url: str = ""  # the full address of its list, set by the page (printed after the link)
    map_url: str = ""  # the full map showing this status only, set by the page


@dataclass(frozen=True, slots=True)
class MapPoint:
    id: int
    status: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class MapPath:
    id: int
    status: str
    kind: str  # "line" or "polygon"
    path: str


@dataclass(frozen=True, slots=True)
class ResultsMap:
    """The area and the decided suggestions in Web Mercator metres (y downwards), framed by `view_box`.
    `unit` is one 600th of the frame's larger side: symbols and strokes are sized in it, so that they look
    the same on a phone, a desktop and paper."""

    view_box: str
    area_path: str
    unit: float
    points: list[MapPoint]
    paths: list[MapPath]

    @property
    def line_width(self) -> float:
        return round(self.unit * 3, 1)

    @property
    def area_width(self) -> float:
        return round(self.unit * 1.5, 1)

    @property
    def dashes(self) -> str:
        """Planned lines are dashed: the status reads without telling colours apart."""
        return f"{self.unit * 8:.0f} {self.unit * 4:.0f}"

    @property
    def dots(self) -> str:
        """Declined lines are dotted (round caps make the dots)."""
        return f"{self.unit * 0.1:.1f} {self.unit * 6:.0f}"


@dataclass(frozen=True, slots=True)
class Results:
    total: Figures
    by_category: list[FigureRow]
    by_status: list[FigureRow]
    periods: list[PeriodRow]
    period_kind: str  # "week" or "month"
    decided: list[DecidedGroup]
    map: ResultsMap | None
    # The figures are read from a copy at most a few minutes old (participation/results_figures.py).
    figures_at: datetime | None = None


def _bar(value: int, longest: int) -> float:
    return round(100.0 * value / longest, 1) if longest else 0.0


def _periods(counts: dict[date, Figures], kind: str) -> list[PeriodRow]:
    """Every week or month from the first with a suggestion, support or comment to the last, the empty ones
    with 0 (a gap is part of the story)."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    starts = []
    start = first
    while start <= last:  # periods, not rows: bounded by the project's length
        starts.append(start)
        if kind == "week":
            start += timedelta(days=7)
        else:
            start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    longest = Figures(
        suggestions=max(f.suggestions for f in counts.values()),
        supports=max(f.supports for f in counts.values()),
        comments=max(f.comments for f in counts.values()),
    )
    rows = []
    for start in starts:
        if kind == "week":
            year, number, _ = start.isocalendar()
            label = f"{year}-W{number:02d}"
        else:
            label = f"{start.year}-{start.month:02d}"
        figures = counts.get(start, Figures())
        bars = Bars(
            suggestions=_bar(figures.suggestions, longest.suggestions),
            supports=_bar(figures.supports, longest.supports),
            comments=_bar(figures.comments, longest.comments),
        )
        rows.append(PeriodRow(start=start, label=label, figures=figures, bars=bars))
    return rows


def _map(*, project: Project, statuses: list[str]) -> ResultsMap | None:
    params = {
        "project_id": project.pk,
        "statuses": statuses,
        "limit": MAP_PER_STATUS,
        "tolerance_share": MAP_TOLERANCE_SHARE,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("results_map"), params)
        rows = cursor.fetchall()
    if not rows or rows[0][0] != "area":
        return None
    _kind, _id, _status, area_path, xmin, ymin, width, height, _order = rows[0]
    size = max(width, height) or 1.0
    margin = size * 0.03
    box = (xmin - margin, ymin - margin, width + 2 * margin, height + 2 * margin)
    points, paths = [], []
    for kind, pk, status, path, x, y, _w, _h, _order in rows[1:]:
        if kind == "point":
            points.append(MapPoint(id=pk, status=status, x=round(x), y=round(y)))
        else:
            paths.append(MapPath(id=pk, status=status, kind=kind, path=path))
    # Declined ones underneath: where signs overlap, what is planned or done stays visible.
    points.sort(key=lambda point: point.status != PlanningStatus.DECLINED)
    paths.sort(key=lambda path: path.status != PlanningStatus.DECLINED)
    return ResultsMap(
        view_box=" ".join(f"{value:.0f}" for value in box),
        area_path=area_path,
        unit=round((size + 2 * margin) / 600.0, 1),
        points=points,
        paths=paths,
    )


def decided_list(
    *, project: Project, statuses: list[str], limit: int, after: int | None = None
) -> list[DecidedItem]:
    """The newest published suggestions of each status in `statuses` (up to `limit` each, older than the
    suggestion `after` when given), in the statuses' order, each newest first."""
    categories = {category.pk: category for category in project.categories.all()}
    params = {"project_id": project.pk, "statuses": statuses, "limit": limit, "after": after}
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("results_decided"), params)
        rows = cursor.fetchall()
    return [
        DecidedItem(
            id=pk,
            status=status,
            title=title,
            official_answer=answer,
            answered_at=answered_at,
            support_count=supports,
            comment_count=comments,
            created_at=created_at,
            category=categories[category_id],
        )
        for pk, status, title, answer, answered_at, supports, comments, created_at, category_id in rows
    ]


def project_results_get(*, project: Project) -> Results:
    """Everything the results page shows of `project`, in three queries (figures, newest decided, map)."""
    totals: dict[str, dict] = {"category": {}, "status": {}, "week": {}, "month": {}}
    total = Figures()
    figures_at, rows = results_figures.figures_rows(project.pk)
    for grouping, category_id, status, period, suggestions, supports, comments in rows:
        figures = Figures(suggestions=suggestions, supports=int(supports), comments=int(comments))
        if grouping == "category":
            totals["category"][category_id] = figures
        elif grouping == "status":
            totals["status"][status] = figures
        elif grouping in ("week", "month"):
            totals[grouping][period] = figures
        else:
            total = figures

    categories = list(project.categories.all())
    longest = max((f.suggestions for f in totals["category"].values()), default=0)
    by_category = [
        FigureRow(
            key=category.key,
            label=category.label,
            figures=(figures := totals["category"].get(category.pk, Figures())),
            bar=_bar(figures.suggestions, longest),
            colour=category.colour,
        )
        for category in categories
    ]
    longest = max((f.suggestions for f in totals["status"].values()), default=0)
    by_status = [
        FigureRow(
            key=value,
            label=str(label),
            figures=(figures := totals["status"].get(value, Figures())),
            bar=_bar(figures.suggestions, longest),
        )
        for value, label in PlanningStatus.choices
    ]
    weeks = totals["week"]
    period_kind = "week" if not weeks or (max(weeks) - min(weeks)).days <= 7 * (WEEKS_MAX - 1) else "month"
    periods = _periods(totals[period_kind], period_kind)

    statuses = [str(status) for status in DECIDED]
    newest = decided_list(project=project, statuses=statuses, limit=NEWEST_PER_STATUS)
    counts = {row.key: row.figures.suggestions for row in by_status}
    decided = [
        DecidedGroup(status=status, label=str(PlanningStatus(status).label), count=counts[status])
        for status in statuses
    ]
    groups = {group.status: group for group in decided}
    for item in newest:
        groups[item.status].items.append(item)
    results_map = _map(project=project, statuses=statuses)
    if results_map is not None:
        for shape in (*results_map.points, *results_map.paths):
            groups[shape.status].on_map += 1
    return Results(
        total=total,
        by_category=by_category,
        by_status=by_status,
        periods=periods,
        period_kind=period_kind,
        decided=decided,
        map=results_map,
        figures_at=figures_at,
    )


def decided_page_get(
    *, project: Project, status: str, after: str | None
) -> tuple[list[DecidedItem], int | None]:
    """One page of a decided status's published suggestions, newest first, after the suggestion `after` (the
    page link's keyset cursor); and the cursor of the next page, None on the last."""
    cursor_id = None
    if after not in (None, ""):
        if not after.isdigit() or len(after) > 18:
            raise InvalidCursor()
        cursor_id = int(after)
    items = decided_list(project=project, statuses=[status], limit=DECIDED_PAGE_SIZE + 1, after=cursor_id)
    next_after = items[DECIDED_PAGE_SIZE - 1].id if len(items) > DECIDED_PAGE_SIZE else None
    return items[:DECIDED_PAGE_SIZE], next_after


def decided_count(*, project: Project, status: str) -> int:
    """How many published suggestions of the project have this status (an index-only count)."""
    return Suggestion.objects.filter(
        project=project, moderation_state=ModerationState.PUBLISHED, planning_status=status
    ).count()


def project_phase_ended(*, project: Project) -> bool:
    return timezone.now() >= project.phase_end
