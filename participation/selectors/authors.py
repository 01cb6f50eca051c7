"""Reads for a person about their own suggestions: "My suggestions", across every project they took part in.

A person has few suggestions (tens, rarely hundreds), so the page is a plain paginated list; the count and
one page are two queries, whatever the number of projects, merges or decisions involved.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery

from .. import rules
from ..models import ModerationAction, ModerationEvent, ModerationState, Suggestion
from ..participants import Actor

OWN_PAGE = 20


@dataclass(frozen=True, slots=True)
class OwnSuggestion:
    suggestion: Suggestion
    # The moderators' reason for the last rejection (rejected suggestions only; the author reads it).
    reason: str
    # The author's page of it exists (hidden ones and non-public projects have none to link).
    readable: bool
    # A merge target is named with its title and linked only while anyone may read it: it was published
    # when merged, but may since be hidden, or back in review after its own author corrected it.
    target_readable: bool
    can_edit: bool
    can_withdraw: bool


def suggestion_list_own(*, user: Actor) -> QuerySet[Suggestion]:
    """Everything `user` submitted, in every state and project, newest first."""
    last_rejection = (
        ModerationEvent.objects.filter(
            suggestion_id=OuterRef("pk"),
            comment__isnull=True,
            photo__isnull=True,
            action=ModerationAction.REJECT,
        )
        .order_by("-created_at", "-id")
        .values("reason")[:1]
    )
    return (
        Suggestion.objects.filter(author_id=user.pk)
        .select_related("project", "category", "merged_into")
        .only(
            "id",
            "title",
            "moderation_state",
            "planning_status",
            "official_answer",
            "answered_at",
            "support_count",
            "comment_count",
            "created_at",
            "updated_at",
            "author_id",
            "merged_into__id",
            "merged_into__title",
            "merged_into__moderation_state",
            "project__slug",
            "project__title",
            "project__title_de",
            "project__title_en",
            "project__is_public",
            "project__phase_start",
            "project__phase_end",
            "category__label",
            "category__label_de",
            "category__label_en",
            "category__colour",
            "category__geometry_kind",
        )
        .annotate(rejection_reason=Subquery(last_rejection))
        .order_by("-created_at", "-id")
    )


def suggestion_list_own_page(*, user: Actor, number: str | int | None) -> Page:
    """One page of `suggestion_list_own` as `OwnSuggestion` rows; a page number out of range gives the last
    page (an old link after withdrawals still shows something)."""
    page = Paginator(suggestion_list_own(user=user), OWN_PAGE).get_page(number)
    page.object_list = [
        OwnSuggestion(
            suggestion=s,
            reason=(s.rejection_reason or "") if s.moderation_state == ModerationState.REJECTED else "",
            readable=s.project.is_public and s.moderation_state != ModerationState.HIDDEN,
            target_readable=(
                s.merged_into is not None
                and s.project.is_public
                and s.merged_into.moderation_state == ModerationState.PUBLISHED
            ),
            can_edit=rules.can_edit_own(user, s),
            can_withdraw=rules.can_withdraw_own(user, s),
        )
        for s in page.object_list
    ]
    return page
