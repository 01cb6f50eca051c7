"""Reads for the public Atom feeds: published suggestions of a project (all, one category, around a place)
and what happened to one published suggestion (its planning status, its published comments).

Everything here is public whoever asks: no actor is taken, so no author ever sees their own pending or
rejected items in a feed that a shared cache may keep. Each read is one bounded query (FEED_ENTRIES rows,
newest first) on an index: the project's published suggestions by `created_at` (index `suggestion_queue`),
a place by the GiST index on `geom_3857`, a suggestion's comments and events by their suggestion indexes.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import Point
from django.db.models import CharField, F, Q, QuerySet, TextField, Value
from django.utils.translation import gettext as _

from ..errors import FeedParameterInvalid
from ..models import (
    Category,
    Comment,
    ModerationAction,
    ModerationEvent,
    ModerationState,
    Project,
    Suggestion,
)

# Feed readers poll: the newest entries are what they need, and a bounded feed costs the same at any size.
FEED_ENTRIES = 50

# A place feed's radius in metres: a street corner up to a whole town; more is the project feed.
RADIUS_MIN_M = 10
RADIUS_MAX_M = 10_000
# Longer numbers than this are no coordinates anyone typed (and keep float() off megabyte strings).
NUMBER_MAX_CHARS = 32

_FIELDS = (
    "id",
    "project_id",
    "category_id",
    "title",
    "text",
    "display_name",
    "planning_status",
    "created_at",
    "updated_at",
)


def _published(project: Project) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(project=project, moderation_state=ModerationState.PUBLISHED).only(
        *_FIELDS
    )


def _newest(suggestions: QuerySet[Suggestion]) -> list[Suggestion]:
    # `created_at` alone (no id tie-break) so that the index `suggestion_queue` (project, state, created_at)
    # gives the rows in order: a backward index scan that stops after FEED_ENTRIES rows.
    return list(suggestions.order_by("-created_at")[:FEED_ENTRIES])


def feed_suggestions(
    *, project: Project, category: Category | None = None, among: QuerySet | None = None
) -> list[Suggestion]:
    """The newest published suggestions of a public project, of one of its categories if given; `among`
    (a query of suggestion ids, e.g. geo's districts) narrows them in the same query."""
    suggestions = _published(project)
    if category is not None:
        suggestions = suggestions.filter(category_id=category.pk)
    if among is not None:
        suggestions = suggestions.filter(pk__in=among)
    return _newest(suggestions)


@dataclass(frozen=True, slots=True)
class Place:
    lat: float
    lon: float
    radius_m: int


def _number(value: str | None, name: str) -> float:
    if value is None or value.strip() == "":
        raise FeedParameterInvalid(_("Please give %(name)s.") % {"name": name}, field=name)
    try:
        if len(value) > NUMBER_MAX_CHARS:
            raise ValueError(value)
        number = float(value)
    except ValueError:
        raise FeedParameterInvalid(_("%(name)s must be a number.") % {"name": name}, field=name) from None
    if not math.isfinite(number):
        raise FeedParameterInvalid(_("%(name)s must be a number.") % {"name": name}, field=name)
    return number


def feed_place_parse(*, project: Project, lat: str | None, lon: str | None, radius: str | None) -> Place:
    """A place feed's parameters, checked: WGS84 degrees inside the project's area, a radius in whole
    metres from RADIUS_MIN_M to RADIUS_MAX_M. Anything else is refused with a message, never guessed."""
    latitude = _number(lat, "lat")
    longitude = _number(lon, "lon")
    metres = _number(radius, "radius")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise FeedParameterInvalid(
            _("lat must lie between -90 and 90 and lon between -180 and 180 (WGS84 degrees)."), field="lat"
        )
    if not (RADIUS_MIN_M <= metres <= RADIUS_MAX_M):
        raise FeedParameterInvalid(
            _("radius must be between %(min)d and %(max)d metres.")
            % {"min": RADIUS_MIN_M, "max": RADIUS_MAX_M},
            field="radius",
        )
    # The area was read with the project: GEOS answers without a query.
    if not project.area.covers(Point(longitude, latitude, srid=4326)):
        raise FeedParameterInvalid(_("This place lies outside the project's area."), field="lat")
    return Place(lat=latitude, lon=longitude, radius_m=round(metres))


def feed_suggestions_near(*, project: Project, place: Place) -> list[Suggestion]:
    """The newest published suggestions that come within the place's radius (a line: any part of it).

    Measured in Web Mercator on the stored `geom_3857` and its GiST index, the radius scaled by the
    projection's factor at the place's latitude (1 / cos φ): exact at the centre, within 0.1 % across a
    10 km circle at Central European latitudes; the sphere's distance would need a geography cast per row.
    """
    centre = Point(place.lon, place.lat, srid=4326)
    centre.transform(3857)
    scaled = place.radius_m / math.cos(math.radians(place.lat))
    return _newest(_published(project).filter(geom_3857__dwithin=(centre, scaled)))


@dataclass(frozen=True, slots=True)
class SuggestionEvent:
    """One entry of a suggestion's feed: its planning status set (`status`) or a published comment."""

    kind: str  # "status" or "comment"
    pk: int
    created_at: datetime
    # The status set, or the comment's public name.
    label: str
    # The comment's text (status entries carry the suggestion's current answer, see below).
    text: str


def suggestion_feed_events(*, suggestion: Suggestion) -> list[SuggestionEvent]:
    """The newest planning-status changes and published comments of a published suggestion, in one query.

    Comments: published ones whose thread is shown (a reply under a comment hidden later is not). Status
    changes: the status only; earlier official answers are not repeated (a planner may have corrected one),
    the feed shows the current answer with the newest status entry.
    """
    statuses = (
        ModerationEvent.objects.filter(
            suggestion_id=suggestion.pk, comment__isnull=True, action=ModerationAction.STATUS
        )
        .annotate(
            kind=Value("status", output_field=CharField()),
            label=F("to_state"),
            body=Value("", output_field=TextField()),
        )
        .values_list("kind", "pk", "created_at", "label", "body")
    )
    comments = (
        Comment.objects.filter(suggestion_id=suggestion.pk, moderation_state=ModerationState.PUBLISHED)
        .filter(Q(parent__isnull=True) | Q(parent__moderation_state=ModerationState.PUBLISHED))
        .annotate(
            kind=Value("comment", output_field=CharField()),
            label=F("display_name"),
            body=F("text"),
        )
        .values_list("kind", "pk", "created_at", "label", "body")
    )
    rows = statuses.union(comments, all=True).order_by("-created_at")[:FEED_ENTRIES]
    return [SuggestionEvent(*row) for row in rows]
