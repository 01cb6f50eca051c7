"""What a link preview's picture shows (participation/previews.py draws it): the project's area, one published
suggestion and its published neighbours, already projected and scaled to the picture's pixels by PostGIS
(sql/preview_frame.sql). Nothing unpublished ever reaches a preview: the query answers only for a published
suggestion of a public project, and the neighbours are published ones too."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from ..errors import ProjectNotFound, SuggestionNotFound
from ..models import ModerationState, Project, Suggestion
from ..sql import SQL

# The size link previews expect (Open Graph's 1.91:1), and the strip at its foot that names the project.
PREVIEW_WIDTH = 1200
PREVIEW_HEIGHT = 630
PREVIEW_BAND = 96
# Room around the area inside the map part, in pixels.
PREVIEW_MARGIN = 36
# Other published suggestions, smaller, in their categories' colours: the nearest ones, enough to show a busy
# place, bounded.
PREVIEW_NEIGHBOURS = 400


@dataclass(frozen=True, slots=True)
class Preview:
    """One picture's content. Geometries are GeoJSON geometry objects in pixels of the map part
    (PREVIEW_WIDTH x PREVIEW_HEIGHT - PREVIEW_BAND, y downwards); each neighbour is
    {"geometry": …, "colour": its category's "#rrggbb"}, the farthest first."""

    project_title: str
    area: dict[str, Any]
    suggestion: dict[str, Any] | None
    neighbours: list[dict[str, Any]]
    colour: str
    kind_label: str
    status_label: str
    language: str
    # Where the area's outline comes from (e.g. OpenStreetMap): printed on the picture, as on every map.
    attribution: str = ""

    @property
    def etag(self) -> str:
        """Changes with anything drawn: geometry, status, colour, texts, language, the neighbours."""
        text = json.dumps(
            [
                self.project_title,
                self.area,
                self.suggestion,
                self.neighbours,
                self.colour,
                self.kind_label,
                self.status_label,
                self.language,
                self.attribution,
            ],
            sort_keys=True,
        )
        return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _frame(*, project: Project, suggestion_id: int | None) -> tuple[Any, Any, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.load("preview_frame"),
            {
                "project": project.pk,
                "suggestion": suggestion_id,
                "width": float(PREVIEW_WIDTH),
                "height": float(PREVIEW_HEIGHT - PREVIEW_BAND),
                "margin": float(PREVIEW_MARGIN),
                "neighbours": PREVIEW_NEIGHBOURS,
            },
        )
        return cursor.fetchone()


def suggestion_preview_get(*, project: Project, suggestion_id: int) -> Preview:
    """The preview of a published suggestion of this (public) project; anything else is not found, for
    everyone alike (the picture is cached publicly: it never depends on who asks)."""
    suggestion = (
        Suggestion.objects.select_related("category")
        .filter(
            pk=suggestion_id,
            project=project,
            project__is_public=True,
            moderation_state=ModerationState.PUBLISHED,
        )
        .only("planning_status", "category__label", "category__colour")
        .first()
    )
    row = _frame(project=project, suggestion_id=suggestion_id) if suggestion else None
    if suggestion is None or row is None or row[1] is None:
        raise SuggestionNotFound()
    area, shape, neighbours = row
    return Preview(
        project_title=project.title,
        area=json.loads(area),
        suggestion=json.loads(shape),
        neighbours=[json.loads(near) if isinstance(near, str) else near for near in neighbours],
        colour=suggestion.category.colour,
        kind_label=suggestion.category.label,
        status_label=str(suggestion.get_planning_status_display()),
        language=get_language() or "",
        attribution=project.area_attribution,
    )


def project_preview_get(*, project: Project) -> Preview:
    """The project's own picture (its map page's preview): its area and its published suggestions."""
    row = _frame(project=project, suggestion_id=None)
    if row is None:
        raise ProjectNotFound()
    area, _shape, neighbours = row
    return Preview(
        project_title=project.title,
        area=json.loads(area),
        suggestion=None,
        neighbours=[json.loads(near) if isinstance(near, str) else near for near in neighbours],
        colour="",
        kind_label="",
        status_label="",
        language=get_language() or "",
        attribution=project.area_attribution,
    )


def suggestion_preview_version(*, suggestion: Suggestion) -> str:
    """A short key for the picture's address in a page's tags: a new key when the suggestion's shape or
    status changes, so link previews that cache by address fetch the new picture."""
    text = f"{suggestion.geom.ewkt}|{suggestion.planning_status}|{suggestion.category_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]
