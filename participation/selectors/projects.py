"""The start page's list of projects: every public project by phase, each with its area as a small map."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import Project
from ..sql import SQL

# Room around the area inside the small map, as a share of its larger side.
OUTLINE_MARGIN = 0.06


@dataclass(frozen=True, slots=True)
class Outline:
    """A project's area as an SVG path with the viewBox that frames it (drawn without base-map tiles)."""

    path: str
    view_box: str


@dataclass(slots=True)
class ProjectOverview:
    running: list[Project] = field(default_factory=list)
    upcoming: list[Project] = field(default_factory=list)
    finished: list[Project] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.running) + len(self.upcoming) + len(self.finished)


def project_outlines(*, ids: list[int]) -> dict[int, Outline]:
    """The areas of these projects as SVG paths, built in PostGIS (a town's boundary can have thousands of
    vertices; only the simplified path leaves the database)."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("project_outlines"), {"ids": ids})
        rows = cursor.fetchall()
    outlines = {}
    for pk, path, xmin, ymin, width, height in rows:
        margin = max(width, height) * OUTLINE_MARGIN or 1.0
        box = (xmin - margin, ymin - margin, width + 2 * margin, height + 2 * margin)
        outlines[pk] = Outline(path=path, view_box=" ".join(f"{value:.0f}" for value in box))
    return outlines


def project_overview_get(*, now: datetime | None = None) -> ProjectOverview:
    """Public projects only, sorted into running, upcoming and finished by their phase dates; each carries
    `outline`. Running ones by their end (closing soonest first), upcoming by their start, finished newest
    first. The site's default project (DEFAULT_PROJECT_SLUG) leads its group."""
    now = now or timezone.now()
    projects = list(Project.objects.filter(is_public=True))
    # One project is a redirect to its map, not a list: no small maps to draw.
    outlines = project_outlines(ids=[project.pk for project in projects]) if len(projects) > 1 else {}
    overview = ProjectOverview()
    for project in projects:
        project.outline = outlines.get(project.pk)
        if now < project.phase_start:
            overview.upcoming.append(project)
        elif now < project.phase_end:
            overview.running.append(project)
        else:
            overview.finished.append(project)

    def not_default(project: Project) -> bool:
        return project.slug != settings.DEFAULT_PROJECT_SLUG

    overview.running.sort(key=lambda p: (not_default(p), p.phase_end, p.slug))
    overview.upcoming.sort(key=lambda p: (not_default(p), p.phase_start, p.slug))
    overview.finished.sort(key=lambda p: (not_default(p), -p.phase_end.timestamp(), p.slug))
    return overview
