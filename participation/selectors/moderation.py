"""Reads for moderators: the queue, an item's history, what else its author contributed.

The queue holds suggestions and comments, and photos: a photo added to a published item waits as its own
item (kind "photo", named by its random key, never its id); the photos sent with a waiting item, and the
published photos of a reported one, show within that item, where they can be removed or blurred.

Moderators see public names, never e-mail or addresses: an anonymous author's other contributions are found
through the keyed hash of the address (as long as it is kept), and only counted.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import rules
from ..models import (
    Comment,
    ModerationAction,
    ModerationEvent,
    ModerationState,
    Photo,
    Profile,
    Project,
    ProjectRole,
    Report,
    ReportReason,
    StaffRole,
    Suggestion,
    SuggestionVersion,
)
from ..participants import Actor

QUEUE_PAGE = 50


@dataclass
class AuthorSummary:
    name: str
    account: bool
    # Moderation state -> number, over the author's suggestions and comments in this project.
    suggestions: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)


@dataclass
class QueueItem:
    kind: Literal["suggestion", "comment", "photo"]
    pk: int
    suggestion: Suggestion
    comment: Comment | None
    state: str
    why: Literal["new", "reported"]
    waiting_since: datetime
    last_event: int | None
    history: list[ModerationEvent]
    reports: list[tuple[str, int]]  # (reason label, number of open reports)
    report_texts: list[str]
    author: AuthorSummary
    # A photo item's photo; a suggestion's or comment's photos that can be removed or blurred here.
    photo: Photo | None = None
    photos: list[Photo] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.photo is not None:
            return f"photo-{self.photo.key}"
        return f"{self.kind}-{self.pk}"

    @property
    def geometry(self) -> str:
        return self.suggestion.geom.json


def actor_name_get(user_id: int | None) -> str:
    """How a decision's author is named to staff: their public name, else their user name."""
    if user_id is None:
        return _("automatically (reports)")
    profile = Profile.objects.filter(user_id=user_id).values_list("display_name", flat=True).first()
    if profile:
        return profile
    username = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
    return username or _("a deleted account")


def queue_item_counts(*, project: Project) -> dict[str, int]:
    return {
        "photos": _waiting_photos(project).count(),
        "suggestions": Suggestion.objects.filter(
            project=project, moderation_state=ModerationState.PENDING
        ).count(),
        "comments": Comment.objects.filter(
            suggestion__project=project, moderation_state=ModerationState.PENDING
        ).count(),
        "reports": _reported_suggestions(project).count() + _reported_comments(project).count(),
    }


def queue_item_list(*, project: Project, limit: int = QUEUE_PAGE) -> list[QueueItem]:
    """What waits for a decision, oldest first: new suggestions and comments (pre-moderation), and
    published or automatically hidden items with open reports. At most `limit` items: the oldest `limit` of
    each source, merged, are the oldest `limit` of all."""
    events = Prefetch("events", queryset=ModerationEvent.objects.order_by("id"), to_attr="history")
    # The photos an item shows: those sent with a waiting one, the published ones of a reported one.
    shown_photos = Prefetch(
        "photos",
        queryset=Photo.objects.filter(
            moderation_state__in=[ModerationState.PENDING, ModerationState.PUBLISHED]
        )
        .prefetch_related(
            Prefetch("events", queryset=ModerationEvent.objects.order_by("id"), to_attr="history")
        )
        .order_by("position"),
        to_attr="shown_photos",
    )
    # Earlier versions an author's correction replaced: the item links them (counted, not loaded whole).
    versions = Prefetch("versions", queryset=SuggestionVersion.objects.only("id", "suggestion_id"))
    pending = list(
        Suggestion.objects.filter(project=project, moderation_state=ModerationState.PENDING)
        .select_related("category", "project")
        .prefetch_related(events, versions, shown_photos)
        .order_by("created_at", "id")[:limit]
    )
    reported = list(
        _reported_suggestions(project)
        .select_related("category", "project")
        .prefetch_related(events, versions, shown_photos)
        .order_by("first_report", "id")[:limit]
    )
    comment_events = Prefetch(
        "events",
        queryset=ModerationEvent.objects.filter(comment__isnull=False).order_by("id"),
        to_attr="history",
    )
    pending_comments = list(
        Comment.objects.filter(suggestion__project=project, moderation_state=ModerationState.PENDING)
        .select_related("suggestion__category", "suggestion__project")
        .prefetch_related(comment_events, shown_photos)
        .order_by("created_at", "id")[:limit]
    )
    reported_comments = list(
        _reported_comments(project)
        .select_related("suggestion__category", "suggestion__project")
        .prefetch_related(comment_events, shown_photos)
        .order_by("first_report", "id")[:limit]
    )
    photos = list(
        _waiting_photos(project)
        .select_related("suggestion__category", "suggestion__project", "comment")
        .prefetch_related(
            Prefetch("events", queryset=ModerationEvent.objects.order_by("id"), to_attr="history")
        )
        .order_by("created_at", "id")[:limit]
    )
    reports = _open_reports(
        suggestion_ids=[s.pk for s in reported], comment_ids=[c.pk for c in reported_comments]
    )
    authors = _author_summaries(
        project,
        [*pending, *reported, *(p.suggestion for p in photos if p.comment is None)],
        [*pending_comments, *reported_comments, *(p.comment for p in photos if p.comment is not None)],
    )

    items = [_suggestion_item(s, "new", s.created_at, reports, authors) for s in pending] + [
        _suggestion_item(s, "reported", s.first_report, reports, authors) for s in reported
    ]
    items += [_comment_item(c, "new", c.created_at, reports, authors) for c in pending_comments]
    items += [_comment_item(c, "reported", c.first_report, reports, authors) for c in reported_comments]
    items += [_photo_item(p, authors) for p in photos]
    items.sort(key=lambda item: (item.waiting_since, item.kind, item.pk))
    return items[:limit]


PHOTO_EVENT_LABELS = {
    ModerationAction.APPROVE: gettext_lazy("Photo approved"),
    ModerationAction.REJECT: gettext_lazy("Photo removed"),
    ModerationAction.BLUR: gettext_lazy("Photo: regions blurred"),
}


def event_label(event: ModerationEvent) -> str:
    """How a history names a decision: a photo's decisions say that they are about a photo."""
    if event.photo_id is not None:
        return str(PHOTO_EVENT_LABELS.get(event.action, event.get_action_display()))
    return event.get_action_display()


def own_decisions(events: list[ModerationEvent]) -> list[ModerationEvent]:
    """An item's own decisions among its events: not those about one of its photos."""
    return [e for e in events if e.photo_id is None]


def photo_list_for_moderators(*, suggestion: Suggestion) -> list[Photo]:
    """The photos of a suggestion and of its comments that are waiting or public, with their decisions
    (`history`): a moderator may remove or blur any of them, reported or not."""
    return list(
        Photo.objects.filter(
            suggestion=suggestion, moderation_state__in=[ModerationState.PENDING, ModerationState.PUBLISHED]
        )
        .prefetch_related(
            Prefetch("events", queryset=ModerationEvent.objects.order_by("id"), to_attr="history")
        )
        .order_by(F("comment_id").asc(nulls_first=True), "position")
    )


def moderation_event_list(*, suggestion: Suggestion) -> list[ModerationEvent]:
    """Every decision about the suggestion, its comments, their photos and the suggestions merged into it,
    oldest first (`event_label` tells a photo's decisions apart)."""
    return list(
        ModerationEvent.objects.filter(
            Q(suggestion=suggestion) | Q(suggestion__merged_into=suggestion)
        ).order_by("created_at", "id")
    )


# ------------------------------------------------------------------------------------------ helpers


def _waiting_photos(project: Project) -> QuerySet[Photo]:
    """Photos added to a published suggestion or comment, waiting for their own decision (those sent with a
    waiting item are decided with it)."""
    return Photo.objects.filter(
        Q(comment__isnull=True) | Q(comment__moderation_state=ModerationState.PUBLISHED),
        suggestion__project=project,
        suggestion__moderation_state=ModerationState.PUBLISHED,
        moderation_state=ModerationState.PENDING,
    )


def _reported_suggestions(project: Project) -> QuerySet[Suggestion]:
    """Published or hidden suggestions with at least one open report on themselves, annotated with the
    oldest one (`first_report`). EXISTS, not a join: a join on reports with `resolved_at IS NULL` would also
    match a suggestion without any report (its NULL-extended row)."""
    open_reports = Report.objects.filter(
        suggestion=OuterRef("pk"), comment__isnull=True, resolved_at__isnull=True
    ).order_by("created_at")
    return Suggestion.objects.filter(
        Exists(open_reports),
        project=project,
        moderation_state__in=[ModerationState.PUBLISHED, ModerationState.HIDDEN],
    ).annotate(first_report=Subquery(open_reports.values("created_at")[:1]))


def _reported_comments(project: Project) -> QuerySet[Comment]:
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True).order_by(
        "created_at"
    )
    return Comment.objects.filter(
        Exists(open_reports),
        suggestion__project=project,
        moderation_state__in=[ModerationState.PUBLISHED, ModerationState.HIDDEN],
    ).annotate(first_report=Subquery(open_reports.values("created_at")[:1]))


def _open_reports(
    *, suggestion_ids: list[int], comment_ids: list[int]
) -> dict[tuple[str, int], list[Report]]:
    found: dict[tuple[str, int], list[Report]] = defaultdict(list)
    reports = Report.objects.filter(resolved_at__isnull=True).filter(
        Q(suggestion_id__in=suggestion_ids, comment__isnull=True) | Q(comment_id__in=comment_ids)
    )
    for report in reports.order_by("created_at"):
        key = ("comment", report.comment_id) if report.comment_id else ("suggestion", report.suggestion_id)
        found[key].append(report)
    return found


def _report_summary(reports: list[Report]) -> tuple[list[tuple[str, int]], list[str]]:
    labels = dict(ReportReason.choices)
    counted = Counter(r.reason for r in reports)
    return (
        [(str(labels.get(reason, reason)), n) for reason, n in counted.most_common()],
        [r.text for r in reports if r.text],
    )


def _item_photos(item: Suggestion | Comment, why: str) -> list[Photo]:
    """A waiting item shows the photos sent with it; a reported one its published photos."""
    wanted = ModerationState.PENDING if why == "new" else ModerationState.PUBLISHED
    return [p for p in item.shown_photos if p.moderation_state == wanted]


def _suggestion_item(s: Suggestion, why: str, since: datetime, reports: dict, authors: dict) -> QueueItem:
    summary, texts = _report_summary(reports.get(("suggestion", s.pk), []))
    own = own_decisions(s.history)
    return QueueItem(
        kind="suggestion",
        pk=s.pk,
        suggestion=s,
        comment=None,
        state=s.moderation_state,
        why=why,
        waiting_since=since,
        last_event=own[-1].pk if own else 0,
        history=[e for e in s.history if e.comment_id is None],
        reports=summary,
        report_texts=texts,
        author=authors[("suggestion", s.pk)],
        photos=[p for p in _item_photos(s, why) if p.comment_id is None],
    )


def _comment_item(c: Comment, why: str, since: datetime, reports: dict, authors: dict) -> QueueItem:
    summary, texts = _report_summary(reports.get(("comment", c.pk), []))
    own = own_decisions(c.history)
    return QueueItem(
        kind="comment",
        pk=c.pk,
        suggestion=c.suggestion,
        comment=c,
        state=c.moderation_state,
        why=why,
        waiting_since=since,
        last_event=own[-1].pk if own else 0,
        history=c.history,
        reports=summary,
        report_texts=texts,
        author=authors[("comment", c.pk)],
        photos=_item_photos(c, why),
    )


def _photo_item(p: Photo, authors: dict) -> QueueItem:
    """A photo added to a published item: its author is the item's."""
    return QueueItem(
        kind="photo",
        pk=p.pk,
        suggestion=p.suggestion,
        comment=p.comment,
        state=p.moderation_state,
        why="new",
        waiting_since=p.created_at,
        last_event=p.history[-1].pk if p.history else 0,
        history=p.history,
        reports=[],
        report_texts=[],
        author=authors[("comment", p.comment_id) if p.comment_id else ("suggestion", p.suggestion_id)],
        photo=p,
    )


def _author_summaries(
    project: Project, suggestions: list[Suggestion], comments: list[Comment]
) -> dict[tuple[str, int], AuthorSummary]:
    """Per item, its author's public name and their contributions in this project by state: accounts by
    account, anonymous people by the kept address hash (else only the item itself). Four queries in all."""
    items = [("suggestion", s) for s in suggestions] + [("comment", c) for c in comments]
    user_ids = {i.author_id for _kind, i in items if i.author_id}
    sources = {i.source_address for _kind, i in items if not i.author_id and i.source_address}
    by_user_s = _counts(Suggestion.objects.filter(project=project, author_id__in=user_ids), "author_id")
    by_user_c = _counts(
        Comment.objects.filter(suggestion__project=project, author_id__in=user_ids), "author_id"
    )
    by_source_s = _counts(
        Suggestion.objects.filter(project=project, author__isnull=True, source_address__in=sources),
        "source_address",
    )
    by_source_c = _counts(
        Comment.objects.filter(suggestion__project=project, author__isnull=True, source_address__in=sources),
        "source_address",
    )
    summaries = {}
    for kind, item in items:
        name = item.display_name or _("A participant")
        if item.author_id:
            summary = AuthorSummary(
                name, True, by_user_s.get(item.author_id, {}), by_user_c.get(item.author_id, {})
            )
        elif item.source_address:
            summary = AuthorSummary(
                name,
                False,
                by_source_s.get(item.source_address, {}),
                by_source_c.get(item.source_address, {}),
            )
        else:
            own = {item.moderation_state: 1}
            summary = AuthorSummary(
                name, False, own if kind == "suggestion" else {}, own if kind == "comment" else {}
            )
        summaries[(kind, item.pk)] = summary
    return summaries


def _counts(queryset, key: str) -> dict[object, dict[str, int]]:
    found: dict[object, dict[str, int]] = defaultdict(dict)
    for row in queryset.values(key, "moderation_state").annotate(n=Count("id")).order_by():
        found[row[key]][row["moderation_state"]] = row["n"]
    return found


@dataclass(frozen=True, slots=True)
class StaffProject:
    project: Project
    moderates: bool
    plans: bool


def project_list_for_staff(*, user: Actor) -> list[StaffProject]:
    """The projects in which `user` moderates or plans (every project for site administrators): the
    account page links their staff pages, which no public page does."""
    if not (user.is_authenticated and user.is_active):
        return []
    if rules.is_site_admin(user):
        return [StaffProject(p, True, True) for p in Project.objects.order_by("title")]
    roles: dict[int, set[str]] = {}
    for project_id, role in ProjectRole.objects.filter(user_id=user.pk).values_list("project_id", "role"):
        roles.setdefault(project_id, set()).add(role)
    projects = Project.objects.filter(pk__in=roles).order_by("title")
    return [
        StaffProject(p, StaffRole.MODERATOR in roles[p.pk], StaffRole.PLANNER in roles[p.pk])
        for p in projects
    ]
