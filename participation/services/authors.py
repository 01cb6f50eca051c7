"""What authors may do with their own suggestion: correct it during the phase, or withdraw it."""

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from geo.core.geometry import geometry_from_geojson

from ..errors import NotAllowed, NotEditable, NotSignedIn, PlaceLocked, SuggestionNotFound
from ..models import (
    ModerationAction,
    ModerationEvent,
    ModerationMode,
    ModerationState,
    Suggestion,
    SuggestionVersion,
)
from ..participants import Participant
from ..rules import can_withdraw_own, check_can_write, is_author
from ..texts import clean_text
from .contributions import TEXT_MAX, TITLE_MAX, _active_category, line_drawing_for


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


# What an author may still correct; rejected, hidden, merged and withdrawn ones are the moderators' decision
# (or the author's own last word).
CORRECTABLE = (ModerationState.PENDING, ModerationState.PUBLISHED)


@transaction.atomic
def suggestion_edit(
    *,
    actor: Participant,
    suggestion_id: int,
    title: str,
    text: str,
    category_key: str | None = None,
    geometry: object | None = None,
    line_drawing: str = "",
) -> Suggestion:
    """The author corrects their suggestion, waiting for review or published, during the phase (the same
    rules as a new one). The place (and the category, which decides its kind) moves only while nobody
    supports the suggestion: a support was given to that place. Checked under the row lock, which
    `support_add` also takes, so a support arriving meanwhile is either counted here or given to the new
    place.

    Where it goes: in pre-moderation ("nothing public before approval") a corrected published suggestion
    goes back to review, off the map until a moderator approves the new wording; in post-moderation it
    stays public. Either way the replaced version is kept (`SuggestionVersion`) with the EDIT event, so
    moderators compare the two. A correction that changes nothing writes nothing. A path that moves records
    how it was drawn again (`line_drawing`: "routed" when the correction page routed it along the streets,
    free when not said); a path that stays where it is keeps what it was.
    """
    suggestion = _own(actor, suggestion_id)
    check_can_write(actor, suggestion.project)
    if suggestion.moderation_state not in CORRECTABLE:
        raise NotEditable()
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, single_line=True)
    text = clean_text(text, field="text", max_length=TEXT_MAX)
    category = suggestion.category
    if category_key is not None and category_key != category.key:
        category = _active_category(project=suggestion.project, key=category_key)
    geom = suggestion.geom
    if geometry is not None or category.geometry_kind != suggestion.category.geometry_kind:
        geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=suggestion.project.area)
    moves = category.pk != suggestion.category_id or not _same_place(geom, suggestion.geom)
    if moves and suggestion.support_count > 0:
        raise PlaceLocked()
    drawing = line_drawing_for(kind=category.geometry_kind, value=line_drawing) if moves else None
    if not moves and (title, text) == (suggestion.title, suggestion.text):
        return suggestion

    was = suggestion.moderation_state
    now = was
    if was == ModerationState.PUBLISHED and suggestion.project.moderation_mode == ModerationMode.PRE:
        now = ModerationState.PENDING
    previous = SuggestionVersion(
        suggestion=suggestion,
        title=suggestion.title,
        text=suggestion.text,
        geom=suggestion.geom,
        category_id=suggestion.category_id,
        moderation_state=was,
    )
    suggestion.title, suggestion.text = title, text
    suggestion.category, suggestion.geom = category, geom
    suggestion.moderation_state = now
    if drawing is not None:
        suggestion.line_drawing = drawing
    # One UPDATE: the cluster and tile-cache triggers see the move (and a return to review) in it.
    suggestion.save(
        update_fields=["title", "text", "category", "geom", "line_drawing", "moderation_state", "updated_at"]
    )
    previous.event = ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        actor=actor.user,
        action=ModerationAction.EDIT,
        from_state=was,
        to_state=now,
    )
    previous.save()
    return suggestion


def _same_place(new: GEOSGeometry, old: GEOSGeometry) -> bool:
    """Equal to the stored 7 decimals (about 1 cm): a form that sends the unchanged place moves nothing."""
    return new.geom_type == old.geom_type and new.equals_exact(old, tolerance=5e-8)


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
