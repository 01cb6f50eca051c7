"""What authors may do with their own suggestion: correct it while it waits for review, or withdraw it."""

from django.db import transaction

from geo.geometry import geometry_from_geojson

from ..errors import NotAllowed, NotEditable, NotSignedIn, SuggestionNotFound
from ..models import ModerationAction, ModerationEvent, ModerationState, Suggestion
from ..participants import Participant
from ..rules import can_withdraw_own, check_can_write, is_author
from ..texts import clean_text
from .contributions import TEXT_MAX, TITLE_MAX, _active_category


def _own(actor: Participant, suggestion_id: int) -> Suggestion:
    if not actor.signed_in:
        raise NotSignedIn()
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("project", "category")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None or not is_author(actor.user, suggestion):
        # Someone else's suggestion: as far as this person can tell, there is nothing to change here.
        raise SuggestionNotFound()
    return suggestion


@transaction.atomic
def suggestion_edit(
    *,
    actor: Participant,
    suggestion_id: int,
    title: str,
    text: str,
    category_key: str | None = None,
    geometry: object | None = None,
) -> Suggestion:
    """The author corrects a suggestion that no moderator has reviewed yet (same rules as a new one)."""
    suggestion = _own(actor, suggestion_id)
    check_can_write(actor, suggestion.project)
    if suggestion.moderation_state != ModerationState.PENDING:
        raise NotEditable()
    category = suggestion.category
    if category_key is not None and category_key != category.key:
        category = _active_category(project=suggestion.project, key=category_key)
    geom = suggestion.geom
    if geometry is not None or category.geometry_kind != suggestion.category.geometry_kind:
        geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=suggestion.project.area)
    suggestion.title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, single_line=True)
    suggestion.text = clean_text(text, field="text", max_length=TEXT_MAX)
    suggestion.category = category
    suggestion.geom = geom
    suggestion.save(update_fields=["title", "text", "category", "geom", "updated_at"])
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        actor=actor.user,
        action=ModerationAction.EDIT,
        from_state=ModerationState.PENDING,
        to_state=ModerationState.PENDING,
    )
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor: Participant, suggestion_id: int) -> Suggestion:
    """The author takes the suggestion back: it leaves the map and the queue; supports and comments stay
    stored (counted, not shown), so nothing others wrote is lost."""
    suggestion = _own(actor, suggestion_id)
    if not can_withdraw_own(actor.user, suggestion):
        raise NotAllowed()
    Suggestion.objects.filter(pk=suggestion.pk).update(moderation_state=ModerationState.WITHDRAWN)
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        actor=actor.user,
        action=ModerationAction.WITHDRAW,
        from_state=suggestion.moderation_state,
        to_state=ModerationState.WITHDRAWN,
    )
    suggestion.moderation_state = ModerationState.WITHDRAWN
    return suggestion
