"""Which photos a person may see: in a suggestion's detail, under its comments, and one photo's files.

A photo follows its contribution: nobody sees a photo of a suggestion or comment they may not see. Within
it, everyone sees published photos; authors also their own photos waiting for review; the project's
moderators every photo (the queue). Rejected and hidden photos are for the moderators only.
"""

from django.db.models import Q, QuerySet

from ..errors import DomainError, PhotoNotFound
from ..models import PHOTOS_PER_SUGGESTION, Comment, ModerationState, Photo, Suggestion
from ..participants import Actor
from ..rules import can_moderate
from .public import suggestion_get_visible


def _visible_to(actor: Actor, photos: QuerySet[Photo], *, moderates: bool) -> QuerySet[Photo]:
    if moderates:
        return photos
    shown = Q(moderation_state=ModerationState.PUBLISHED)
    if actor.is_authenticated:
        shown |= Q(author_id=actor.pk, moderation_state=ModerationState.PENDING)
    return photos.filter(shown)


def photo_list_visible(*, actor: Actor, suggestion: Suggestion) -> list[Photo]:
    """The suggestion's own photos (not its comments') that `actor` may see, in their order. The caller
    read the suggestion with `suggestion_get_visible` for the same actor."""
    photos = Photo.objects.filter(suggestion_id=suggestion.pk, comment__isnull=True)
    moderates = actor.is_authenticated and can_moderate(actor, suggestion.project)
    return list(_visible_to(actor, photos, moderates=moderates).order_by("position"))


def photo_list_shown(*, actor: Actor, suggestion: Suggestion) -> list[Photo]:
    """The suggestion's photos on its public page: published ones and `actor`'s own waiting for review.
    Moderators see the others in their queue, not here (the page is the public's view)."""
    photos = Photo.objects.filter(suggestion_id=suggestion.pk, comment__isnull=True)
    return list(_visible_to(actor, photos, moderates=False).order_by("position"))


def comment_photos_published(*, comments: list[Comment]) -> dict[int, list[Photo]]:
    """The published photos of these (published) comments and their replies, by comment id."""
    ids = [c.pk for c in comments] + [r.pk for c in comments for r in getattr(c, "thread_replies", [])]
    found: dict[int, list[Photo]] = {}
    if not ids:
        return found
    for photo in Photo.objects.filter(
        comment_id__in=ids, moderation_state=ModerationState.PUBLISHED
    ).order_by("comment_id", "position"):
        found.setdefault(photo.comment_id, []).append(photo)
    return found


def comment_photos_visible(*, actor: Actor, comments: list[Comment]) -> dict[int, list[Photo]]:
    """As comment_photos_published, and `actor`'s own photos waiting for review (marked so on the page)."""
    if not actor.is_authenticated:
        return comment_photos_published(comments=comments)
    ids = [c.pk for c in comments] + [r.pk for c in comments for r in getattr(c, "thread_replies", [])]
    found: dict[int, list[Photo]] = {}
    if not ids:
        return found
    shown = Q(moderation_state=ModerationState.PUBLISHED) | Q(
        author_id=actor.pk, moderation_state=ModerationState.PENDING
    )
    for photo in Photo.objects.filter(shown, comment_id__in=ids).order_by("comment_id", "position"):
        found.setdefault(photo.comment_id, []).append(photo)
    return found


def photo_room(*, suggestion: Suggestion) -> int:
    """How many more photos the suggestion takes (each photo counts, whatever its state: a place is freed
    only when a photo is deleted)."""
    taken = Photo.objects.filter(suggestion_id=suggestion.pk, comment__isnull=True).count()
    return max(0, PHOTOS_PER_SUGGESTION - taken)


def photo_alt_texts(*, keys: list[str]) -> dict[str, str]:
    """The descriptions of these published photos, by key: one query for a list's page of first photos
    (Suggestion.photo_keys names them; the alternative text is only on the photo's row)."""
    if not keys:
        return {}
    return dict(
        Photo.objects.filter(key__in=keys, moderation_state=ModerationState.PUBLISHED).values_list(
            "key", "alt_text"
        )
    )


def photo_get_visible(*, actor: Actor, key: str) -> tuple[Photo, bool]:
    """The photo named by `key` if `actor` may see it, and whether everyone may (its answer may then be
    cached publicly). Anything else, including a photo that exists but is not for this actor, is the same
    PhotoNotFound as a key that never existed."""
    photo = Photo.objects.select_related("suggestion__project", "comment").filter(key=key).first()
    if photo is None:
        raise PhotoNotFound()
    suggestion = photo.suggestion
    comment = photo.comment
    public = (
        photo.moderation_state == ModerationState.PUBLISHED
        and suggestion.moderation_state == ModerationState.PUBLISHED
        and suggestion.project.is_public
        and (comment is None or comment.moderation_state == ModerationState.PUBLISHED)
    )
    if actor.is_authenticated and can_moderate(actor, suggestion.project):
        return photo, public
    try:
        suggestion_get_visible(actor=actor, suggestion_id=suggestion.pk)
    except DomainError:
        raise PhotoNotFound() from None
    own = actor.is_authenticated and photo.author_id is not None and photo.author_id == actor.pk
    # A comment's photo needs the comment visible too: published, or the author's own one waiting.
    own_comment = own and comment is not None and comment.author_id == actor.pk
    if comment is not None and not (
        comment.moderation_state == ModerationState.PUBLISHED
        or (own_comment and comment.moderation_state == ModerationState.PENDING)
    ):
        raise PhotoNotFound()
    if photo.moderation_state == ModerationState.PUBLISHED or (
        own and photo.moderation_state == ModerationState.PENDING
    ):
        return photo, public
    raise PhotoNotFound()
