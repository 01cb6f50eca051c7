"""A person's own follows and alerts, for their pages (never shown to anyone else)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from ..models import Follow, ModerationState, PlaceAlert, Suggestion


def follow_get(*, user: AbstractBaseUser | AnonymousUser, suggestion: Suggestion) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user=user, suggestion=suggestion).first()


def follow_list_own(*, user: AbstractBaseUser) -> QuerySet[Follow]:
    """Followed suggestions that are public now: one hidden since drops out of the list (and its mails)."""
    return (
        Follow.objects.filter(user=user, suggestion__moderation_state=ModerationState.PUBLISHED)
        .select_related("suggestion__project")
        .order_by("-created_at", "-id")
    )


def alert_list_own(*, user: AbstractBaseUser) -> QuerySet[PlaceAlert]:
    # A district alert's copied polygon is not shown: never loaded for the list.
    return PlaceAlert.objects.filter(user=user).defer("area").select_related("project").order_by("id")


def alert_get_own(*, user: AbstractBaseUser, alert_id: int) -> PlaceAlert | None:
    return PlaceAlert.objects.filter(pk=alert_id, user=user).defer("area").select_related("project").first()
