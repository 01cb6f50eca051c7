"""A moderator moves a suggestion to where it belongs, under the same geometry rules as a new one."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from geo.core.geometry import geometry_from_geojson

from ..errors import SuggestionNotFound
from ..models import ModerationAction, ModerationEvent, Suggestion
from ..rules import check_can_moderate
from ..texts import clean_text
from .moderation import REASON_MAX


@transaction.atomic
def suggestion_move(
    *, actor: AbstractBaseUser, suggestion_id: int, geometry: object, reason: str = ""
) -> ModerationEvent:
    """A moderator corrects where a suggestion lies (same rules as a new one: kind, area, validity)."""
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("project", "category")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise SuggestionNotFound()
    check_can_moderate(actor, suggestion.project)
    geom = geometry_from_geojson(
        geometry, kind=suggestion.category.geometry_kind, area=suggestion.project.area
    )
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    Suggestion.objects.filter(pk=suggestion.pk).update(geom=geom)
    return ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        actor=actor,
        action=ModerationAction.MOVE,
        from_state=suggestion.moderation_state,
        to_state=suggestion.moderation_state,
        reason=reason,
    )
