"""Reads for participation pages and the API."""

import binascii
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db.models import JSONField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from geo.core.bbox import BBox

from ..errors import (
    InvalidCursor,
    NotSignedIn,
    ProjectNotFound,
    SuggestionGone,
    SuggestionMerged,
    SuggestionNotFound,
    SuggestionRejected,
    SuggestionWithdrawn,
    UnknownCategory,
)
from ..models import (
    Category,
    Comment,
    ModerationAction,
    ModerationEvent,
    ModerationState,
    Project,
    Suggestion,
    Support,
)
from ..participants import Actor, Participant
from ..sql import SQL


def project_list() -> QuerySet[Project]:
    return Project.objects.filter(is_public=True).order_by("-phase_start", "slug")


CATEGORY_FIELDS = [(field.attname, field.column) for field in Category._meta.concrete_fields]


def project_get(*, slug: str) -> Project:
    """A public project with its categories (in `position, key` order), in one round trip: every write
    and most reads need a category next, and categories are a handful of rows per project."""
    try:
        project = Project.objects.annotate(
            # The project's categories, read by the project's own query (hand-written: the ORM's JSON
            # expressions cost more to build per request than the whole query takes in the database).
            # Our own file, without parameters: nothing from the request reaches this SQL.
            category_rows=RawSQL(SQL.load("project_categories"), (), output_field=JSONField()),  # noqa: S611
        ).get(slug=slug, is_public=True)
    except Project.DoesNotExist:
        raise ProjectNotFound() from None
    names = [attname for attname, _column in CATEGORY_FIELDS]
    categories = [
        Category.from_db("default", names, [row[column] for _attname, column in CATEGORY_FIELDS])
        for row in project.category_rows
    ]
    for category in categories:
        category.project = project
    # As prefetch_related("categories") leaves them: project.categories.all() reads this list.
    project._prefetched_objects_cache = {"categories": _as_queryset(project, categories)}
    del project.category_rows
    return project


def _as_queryset(project: Project, rows: list[Category]) -> QuerySet[Category]:
    queryset = project.categories.all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _categories(project: Project) -> list[Category]:
    """The project's categories in `position, key` order, from project_get's read when it made one."""
    if "categories" in getattr(project, "_prefetched_objects_cache", {}):
        return list(project.categories.all())
    return list(project.categories.order_by("position", "key"))


def category_list(*, project: Project) -> list[Category]:
    return _categories(project)


def category_ids_for_keys(*, project: Project, keys: list[str] | None) -> list[int] | None:
    """The ids of the project's categories named by `keys`; an unknown key is an error, not no result.
    No keys (a filter not given) is None: every category."""
    if keys is None:
        return None
    found = dict(project.categories.filter(key__in=keys).values_list("key", "id"))
    unknown = sorted(set(keys) - found.keys())
    if unknown:
        raise _unknown_category(project=project, keys=unknown)
    return [found[k] for k in keys]


def category_get(*, project: Project, key: str) -> Category:
    """One of the project's categories by key; an unknown key is the same error as in filters."""
    category = next((c for c in _categories(project) if c.key == key), None)
    if category is None:
        raise _unknown_category(project=project, keys=[key])
    return category


def _unknown_category(*, project: Project, keys: list[str]) -> UnknownCategory:
    known = ", ".join(category_list_keys(project=project))
    return UnknownCategory(
        _("Unknown category “%(unknown)s”. This project's categories are: %(known)s.")
        % {"unknown": ", ".join(keys), "known": known}
    )


def category_list_keys(*, project: Project) -> list[str]:
    return [category.key for category in _categories(project)]


# How many merges a page follows to the suggestion that finally holds the discussion. A merge target is
# published when merged into, but may itself be merged later: a chain, never a cycle (merging needs a
# published target), and in practice one or two steps long.
MERGE_HOPS = 10


def suggestion_get_visible(*, actor: Actor, suggestion_id: int) -> Suggestion:
    """A suggestion as `actor` may see it.

    Hidden ones are gone (410, with a reason). Merged ones are gone too, naming the suggestion they went
    into (pages redirect there). Rejected and withdrawn ones are gone for everyone except their author, who
    still reads them (a rejected one with the moderators' reason, see `suggestion_rejection_reason`). Pending
    ones exist only for their author: to everyone else a pending suggestion is indistinguishable from one
    that never existed.
    """
    suggestion = (
        Suggestion.objects.select_related("project", "category")
        .filter(pk=suggestion_id, project__is_public=True)
        .first()
    )
    if suggestion is None:
        raise SuggestionNotFound()
    state = suggestion.moderation_state
    own = actor.is_authenticated and suggestion.author_id is not None and suggestion.author_id == actor.pk
    if state == ModerationState.HIDDEN:
        raise SuggestionGone()
    if state == ModerationState.MERGED:
        raise SuggestionMerged(merged_into=_merge_target(suggestion))
    if state == ModerationState.REJECTED and not own:
        raise SuggestionRejected()
    if state == ModerationState.WITHDRAWN and not own:
        raise SuggestionWithdrawn()
    if state == ModerationState.PENDING and not own:
        raise SuggestionNotFound()
    return suggestion


def _merge_target(suggestion: Suggestion) -> int:
    """The id at the end of the merge chain starting at this merged suggestion."""
    target_id = suggestion.merged_into_id
    for _hop in range(MERGE_HOPS):
        row = (
            Suggestion.objects.filter(pk=target_id).values_list("moderation_state", "merged_into_id").first()
        )
        if row is None or row[0] != ModerationState.MERGED or row[1] is None:
            break
        target_id = row[1]
    return target_id


def suggestion_merged_here(*, suggestion: Suggestion) -> list[int]:
    """The numbers of the suggestions merged into this one (their pages redirect here), oldest first.
    Numbers only: a merged one may have been hidden or never approved, so its title is not for everyone.
    A merge re-points earlier merges to the new target, so one level holds every one of them."""
    return list(
        Suggestion.objects.filter(merged_into_id=suggestion.pk, moderation_state=ModerationState.MERGED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def suggestion_rejection_reason(*, suggestion: Suggestion) -> str:
    """The reason the moderators gave when they last rejected this suggestion (for its author's eyes)."""
    return (
        ModerationEvent.objects.filter(
            suggestion_id=suggestion.pk,
            comment__isnull=True,
            photo__isnull=True,
            action=ModerationAction.REJECT,
        )
        .order_by("-created_at", "-id")
        .values_list("reason", flat=True)
        .first()
        or ""
    )


def support_list(actor: Participant) -> QuerySet[Support]:
    """The supports of this account, or of this anonymous browser (none for a browser without a key)."""
    if actor.signed_in:
        return Support.objects.filter(user_id=actor.pk)
    if not actor.browser:
        return Support.objects.none()
    return Support.objects.filter(user__isnull=True, browser=actor.browser)


def suggestion_supported_by(*, actor: Participant, suggestion: Suggestion) -> bool:
    # support_count is raised in the same transaction that adds a support (merges recount it from the
    # rows), so a suggestion counting none has none: a new one, or most, need no query.
    if suggestion.support_count == 0:
        return False
    return support_list(actor).filter(suggestion=suggestion).exists()


def comment_list(*, suggestion: Suggestion) -> list[Comment]:
    """Published top-level comments, oldest first, each with `.thread_replies` (published, oldest first)."""
    replies = Prefetch(
        "replies",
        queryset=Comment.objects.filter(moderation_state=ModerationState.PUBLISHED).order_by(
            "created_at", "id"
        ),
        to_attr="thread_replies",
    )
    return list(
        Comment.objects.filter(
            suggestion=suggestion, parent__isnull=True, moderation_state=ModerationState.PUBLISHED
        )
        .order_by("created_at", "id")
        .prefetch_related(replies)
    )


def suggestion_list(
    *,
    actor: Actor,
    project: Project,
    bbox: BBox | None = None,
    category_keys: list[str] | None = None,
    statuses: list[str] | None = None,
    mine: bool = False,
) -> QuerySet[Suggestion]:
    """Published suggestions for lists, or with `mine` the actor's own ones: those waiting for review too,
    and rejected ones, so that their author can read the moderators' reason.

    Unordered: `suggestion_list_page` orders and pages it.
    """
    suggestions = Suggestion.objects.filter(project=project)
    if mine:
        if not actor.is_authenticated:
            raise NotSignedIn()
        suggestions = suggestions.filter(
            author_id=actor.pk,
            moderation_state__in=[
                ModerationState.PUBLISHED,
                ModerationState.PENDING,
                ModerationState.REJECTED,
            ],
        )
    else:
        suggestions = suggestions.filter(moderation_state=ModerationState.PUBLISHED)
    if bbox is not None:
        envelope = Polygon.from_bbox((bbox.minlon, bbox.minlat, bbox.maxlon, bbox.maxlat))
        envelope.srid = 4326
        suggestions = suggestions.filter(geom__intersects=envelope)
    if category_keys:
        suggestions = suggestions.filter(
            category_id__in=category_ids_for_keys(project=project, keys=category_keys)
        )
    if statuses:
        suggestions = suggestions.filter(planning_status__in=statuses)
    return suggestions.select_related("category").only(
        "id",
        "title",
        "display_name",
        "author",  # its id only: whether the name was given without an account
        "moderation_state",
        "planning_status",
        "support_count",
        "comment_count",
        "created_at",
        "photo_keys",  # the first names the entry's thumbnail
        "category__key",
    )


LIST_ORDERS = {"newest": "created_at", "supported": "support_count"}


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list[Suggestion]
    next_cursor: str | None


def suggestion_list_page(
    *, suggestions: QuerySet[Suggestion], sort: str, cursor: str | None, size: int
) -> ListPage:
    """One page in `sort` order (ties broken by id), keyset-paged: the cursor is the last row's
    (value, id), so every page is an index range scan, never an OFFSET, and no row repeats or goes missing.
    """
    field = LIST_ORDERS[sort]
    if cursor:
        value, last_id = _decode_cursor(cursor, field)
        suggestions = suggestions.filter(
            Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": last_id})
        )
    rows = list(suggestions.order_by(f"-{field}", "-id")[: size + 1])
    items = rows[:size]
    if len(rows) <= size:
        return ListPage(items=items, next_cursor=None)
    last = items[-1]
    value = getattr(last, field)
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, last.pk])
    return ListPage(items=items, next_cursor=urlsafe_b64encode(raw.encode()).decode())


CURSOR_OFFSET_MAX = timedelta(hours=16)


def _decode_cursor(cursor: str, field: str) -> tuple[Any, int]:
    try:
        value, last_id = json.loads(urlsafe_b64decode(cursor.encode()))
        if field == "created_at":
            # Ours are UTC. Python accepts offsets up to 23:59, PostgreSQL only below 16 hours: a forged
            # cursor beyond that is refused here, and any other is taken in UTC, as the database compares.
            value = datetime.fromisoformat(value)
            offset = value.utcoffset()
            if offset is None or abs(offset) >= CURSOR_OFFSET_MAX:
                raise ValueError(cursor)
            value = value.astimezone(UTC)
        if not isinstance(last_id, int) or isinstance(value, bool):
            raise ValueError(cursor)
        if field == "support_count" and not isinstance(value, int):
            raise ValueError(cursor)
    except (ValueError, TypeError, OverflowError, binascii.Error):
        raise InvalidCursor() from None
    return value, last_id
