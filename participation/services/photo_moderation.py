"""Moderators' decisions on one photo of a suggestion or a comment, without deciding the item itself:
approve (publish) a photo added to a published item, remove one, blur regions of one.

Photos sent with an item waiting for review are published by approving the item (moderation.py,
`photos_publish_with`); a photo added later to a published item waits here for its own decision when the
project pre-moderates photos. Every decision is a `ModerationEvent` naming the photo (and its suggestion and
comment, so the item's history shows it), written in the transaction that changes the photo.

A photo is named by its random key, never by its id (which no page shows). Blurring gives it a new key: its
old addresses answer 404 from then on, so no cache that kept a published photo can show it unblurred; the
old files are deleted once the new ones are committed. Removing deletes the row and, after the commit, its
files: a removed photo is not kept (it shows a place and often people; its slot is free for a better one).
The audit row keeps its id. The photo's author is told of a removal or a blur by mail (queued with the
decision, sent by the worker), with the moderator's reason.

Locks: the photo's contribution (its comment, else its suggestion) first, then the photo, the order in
which an item's decision locks the item and then publishes its photos, so the two never wait for each other
in a cycle. A decision made on what the moderator saw: the same state and last event of the photo, else
`AlreadyDecided` naming who decided first; a key that no longer exists is `PhotoGone`.
"""

import math
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import images, notifications
from ..errors import DecisionNotPossible, PhotoGone, PhotoRegionsInvalid
from ..images import Region
from ..models import Comment, ModerationAction, ModerationEvent, ModerationState, Photo, Suggestion
from ..rules import check_can_moderate
from ..texts import clean_text
from .moderation import REASON_MAX, already_decided
from .photos import (
    photo_file_name,
    photo_files_delete_on_commit,
    photo_files_write,
    photo_storage,
    stored_files,
)

S = ModerationState
PhotoAction = Literal["approve", "remove"]
PHOTO_ACTIONS: tuple[PhotoAction, ...] = ("approve", "remove")
# The states a moderator decides on: what waits, and what is public. Rejected or hidden photos (none are
# made any more: removing deletes) are for nobody's eyes and are not offered.
DECIDABLE = (S.PENDING, S.PUBLISHED)
BLUR_REGIONS_MAX = 10
# A rounding margin for regions drawn up to the photo's edge in a browser (fractions of 1).
EDGE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class PhotoDecision:
    """What the moderator saw of the photo: its key, its state and its last decision's id (0: none)."""

    key: str
    seen_state: str
    seen_event: int | None = None


def photo_decide(
    *, actor: AbstractBaseUser, decision: PhotoDecision, action: PhotoAction, reason: str = ""
) -> ModerationEvent:
    """Approve a waiting photo of a published item, or remove a photo (waiting or published)."""
    if action not in PHOTO_ACTIONS:
        raise DecisionNotPossible()
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    photo = _photo_named(decision.key)
    check_can_moderate(actor, photo.suggestion.project)
    with transaction.atomic():
        photo = _photo_locked(photo)
        _check_unchanged(decision, photo)
        if action == "approve":
            return _approve(actor, photo, reason)
        event = _event(actor, photo, ModerationAction.REJECT, to_state=S.REJECTED, reason=reason)
        notifications.queue_photo_notification(event, photo)
        Photo.objects.filter(pk=photo.pk).delete()
        photo_files_delete_on_commit(photo.key)
        return event


def photo_blur(
    *, actor: AbstractBaseUser, decision: PhotoDecision, regions: object, reason: str = ""
) -> tuple[Photo, ModerationEvent]:
    """Blur regions of a photo (waiting or published; its state stays) and give it a new key. Returns the
    photo as it is now and the event. `regions` is what the client sent: a list of {x, y, w, h}."""
    checked = regions_check(regions)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    photo = _photo_named(decision.key)
    check_can_moderate(actor, photo.suggestion.project)
    _check_unchanged(decision, photo)  # before the costly part; checked again under the lock
    try:
        with photo_storage().open(photo_file_name(photo.key, "full"), "rb") as source:
            blurred = images.photo_blur(source, checked)
    except FileNotFoundError:
        raise PhotoGone() from None
    with stored_files() as written, transaction.atomic():
        photo = _photo_locked(photo)
        _check_unchanged(decision, photo)
        old_key = photo.key
        photo.key = photo_files_write(blurred, written=written)
        photo.width, photo.height = blurred.width, blurred.height
        Photo.objects.filter(pk=photo.pk).update(key=photo.key, width=photo.width, height=photo.height)
        event = _event(actor, photo, ModerationAction.BLUR, to_state=photo.moderation_state, reason=reason)
        notifications.queue_photo_notification(event, photo)
        photo_files_delete_on_commit(old_key)
    return photo, event


def regions_check(regions: object) -> list[Region]:
    """The regions to blur, each inside the photo and not empty, at most BLUR_REGIONS_MAX; else a 400."""
    if not isinstance(regions, list | tuple) or not regions:
        raise PhotoRegionsInvalid()
    if len(regions) > BLUR_REGIONS_MAX:
        raise PhotoRegionsInvalid(
            ngettext(
                "Please blur at most %(max)d region at once.",
                "Please blur at most %(max)d regions at once.",
                BLUR_REGIONS_MAX,
            )
            % {"max": BLUR_REGIONS_MAX}
        )
    checked = []
    for raw in regions:
        values = [raw.get(name) if isinstance(raw, dict) else None for name in ("x", "y", "w", "h")]
        if not all(_is_number(value) for value in values):
            raise PhotoRegionsInvalid(
                _("Each region to blur needs x, y, w and h as numbers from 0 to 1 (fractions of the photo).")
            )
        x, y, w, h = (float(value) for value in values)
        if w <= 0 or h <= 0:
            raise PhotoRegionsInvalid(_("A region to blur must have a width and a height."))
        if x < 0 or y < 0 or x + w > 1 + EDGE_TOLERANCE or y + h > 1 + EDGE_TOLERANCE:
            raise PhotoRegionsInvalid(_("A region to blur must lie within the photo."))
        checked.append(Region(x, y, min(w, 1 - x), min(h, 1 - y)))
    return checked


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _photo_named(key: str) -> Photo:
    photo = Photo.objects.select_related("suggestion__project").filter(key=key).first()
    if photo is None:
        raise PhotoGone()
    return photo


def _photo_locked(photo: Photo) -> Photo:
    """The photo again, locked after its contribution (see the module's note on locks), with its
    contribution's current state; PhotoGone if it was removed or got a new key meanwhile."""
    if photo.comment_id is not None:
        Comment.objects.select_for_update(no_key=True).filter(pk=photo.comment_id).values_list("pk").first()
    else:
        Suggestion.objects.select_for_update(no_key=True).filter(pk=photo.suggestion_id).values_list(
            "pk"
        ).first()
    locked = (
        Photo.objects.select_for_update(of=("self",))
        .select_related("suggestion", "comment")
        .filter(pk=photo.pk, key=photo.key)
        .first()
    )
    if locked is None:
        raise PhotoGone()
    return locked


def _check_unchanged(decision: PhotoDecision, photo: Photo) -> None:
    last = ModerationEvent.objects.filter(photo_id=photo.pk).order_by("-id").first()
    changed = photo.moderation_state != decision.seen_state
    if decision.seen_event is not None:
        changed = changed or (last.pk if last else 0) != decision.seen_event
    if changed:
        raise already_decided(last)
    if photo.moderation_state not in DECIDABLE:
        raise DecisionNotPossible()


def _approve(actor: AbstractBaseUser, photo: Photo, reason: str) -> ModerationEvent:
    if photo.moderation_state != S.PENDING:
        raise DecisionNotPossible(_("This photo is already published."))
    item = photo.comment if photo.comment_id is not None else photo.suggestion
    if item.moderation_state == S.PENDING:
        raise DecisionNotPossible(
            _("Approve the contribution itself: that publishes the photos sent with it.")
        )
    if item.moderation_state != S.PUBLISHED:
        raise DecisionNotPossible(_("This photo belongs to a contribution that is not published."))
    Photo.objects.filter(pk=photo.pk).update(moderation_state=S.PUBLISHED)
    return _event(actor, photo, ModerationAction.APPROVE, to_state=S.PUBLISHED, reason=reason)


def _event(
    actor: AbstractBaseUser, photo: Photo, action: str, *, to_state: str, reason: str
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        project_id=photo.suggestion.project_id,
        suggestion_id=photo.suggestion_id,
        comment_id=photo.comment_id,
        photo_id=photo.pk,
        actor=actor,
        action=action,
        from_state=photo.moderation_state,
        to_state=to_state,
        reason=reason,
    )
