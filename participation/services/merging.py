"""Merging a duplicate into a published suggestion of the same project: supports, comments and their reports
move, counters are recounted from the rows, the duplicate's page leads to the target."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import notifications
from ..errors import MergeInvalid, SuggestionNotFound
from ..models import Comment, ModerationAction, ModerationEvent, ModerationState, Report, Suggestion, Support
from ..rules import check_can_moderate
from ..texts import clean_text
from .follows import notices_merged
from .moderation import REASON_MAX, Decision, check_unchanged

S = ModerationState


@transaction.atomic
def suggestion_merge(
    *,
    actor: AbstractBaseUser,
    suggestion_id: int,
    target_id: int,
    seen_state: str,
    seen_event: int | None = None,
    reason: str = "",
) -> ModerationEvent:
    """Merge a duplicate into a published suggestion of the same project.

    Supports move unless the same person (account or browser) already supports the target, or would be
    supporting their own suggestion; comments and their reports move; the duplicate's own open reports are
    closed; counters of both are recounted from the rows. The duplicate's page leads to the target, and its
    author is told.
    """
    if suggestion_id == target_id:
        raise MergeInvalid()
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    # Both rows locked in id order: two merges of the same pair in opposite directions cannot deadlock.
    locked = {
        s.pk: s
        for s in Suggestion.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk__in=[suggestion_id, target_id])
        .order_by("pk")
    }
    duplicate, target = locked.get(suggestion_id), locked.get(target_id)
    if duplicate is None:
        raise SuggestionNotFound()
    check_can_moderate(actor, duplicate.project)
    check_unchanged(
        Decision("suggestion", suggestion_id, seen_state, seen_event),
        state=duplicate.moderation_state,
        events=duplicate.events.filter(photo__isnull=True),
    )
    if (
        target is None
        or target.project_id != duplicate.project_id
        or target.moderation_state != S.PUBLISHED
        or duplicate.moderation_state not in (S.PENDING, S.PUBLISHED, S.HIDDEN)
    ):
        raise MergeInvalid()

    moving = Support.objects.filter(suggestion=duplicate)
    same_person = Support.objects.filter(suggestion=target).filter(
        Q(user__isnull=False, user=OuterRef("user")) | (~Q(browser="") & Q(browser=OuterRef("browser")))
    )
    own = Q(user__isnull=False, user_id=target.author_id) if target.author_id else Q(pk__in=[])
    moving.exclude(own).exclude(Exists(same_person)).update(suggestion=target)
    Support.objects.filter(suggestion=duplicate).delete()  # what is left would count a person twice
    moved_comments = Comment.objects.filter(suggestion=duplicate)
    Report.objects.filter(comment__in=moved_comments).update(suggestion=target)
    moved_comments.update(suggestion=target)
    Report.objects.filter(suggestion=duplicate, comment__isnull=True, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    Suggestion.objects.filter(merged_into=duplicate).update(merged_into=target)
    Suggestion.objects.filter(pk=duplicate.pk).update(
        moderation_state=S.MERGED, merged_into=target, support_count=0, comment_count=0
    )
    _recount(target.pk)
    event = ModerationEvent.objects.create(
        project_id=duplicate.project_id,
        suggestion=duplicate,
        actor=actor,
        action=ModerationAction.MERGE,
        from_state=duplicate.moderation_state,
        to_state=S.MERGED,
        reason=reason,
    )
    notifications.queue_author_notification(event)
    notices_merged(event=event, duplicate=duplicate, target=target)
    return event


def _recount(suggestion_id: int) -> None:
    """Counters from the rows themselves, for a suggestion whose row this transaction has locked."""
    Suggestion.objects.filter(pk=suggestion_id).update(
        support_count=Support.objects.filter(suggestion_id=suggestion_id).count(),
        comment_count=Comment.objects.filter(
            suggestion_id=suggestion_id, moderation_state=S.PUBLISHED
        ).count(),
    )
