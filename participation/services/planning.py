"""Planners' answers: a suggestion's planning status and its public official answer."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..errors import DecisionNotPossible, InvalidText, SuggestionNotFound
from ..models import ModerationAction, ModerationEvent, ModerationState, PlanningStatus, Suggestion
from ..rules import check_can_plan
from ..texts import clean_text
from .follows import notices_status
from .moderation import Decision, check_unchanged

ANSWER_MAX = Suggestion._meta.get_field("official_answer").max_length or 5000


@transaction.atomic
def suggestion_answer(
    *,
    actor: AbstractBaseUser,
    suggestion_id: int,
    status: str,
    answer: str,
    seen_event: int | None = None,
) -> ModerationEvent | None:
    """Set the planning status and the official answer of a published suggestion; the author is told.

    The answer's date changes only when its text does. Saving what is already there changes nothing and
    tells nobody. With `seen_event`, a planner who answers over a colleague's newer answer is told so.
    """
    if status not in PlanningStatus.values:
        raise InvalidText(_("Please choose a planning status."), field="status")
    answer = clean_text(answer, field="answer", max_length=ANSWER_MAX)
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise SuggestionNotFound()
    check_can_plan(actor, suggestion.project)
    if suggestion.moderation_state != ModerationState.PUBLISHED:
        raise DecisionNotPossible()
    if seen_event is not None:
        check_unchanged(
            Decision("suggestion", suggestion.pk, suggestion.moderation_state, seen_event),
            state=suggestion.moderation_state,
            events=suggestion.events.filter(photo__isnull=True),
        )
    if status == suggestion.planning_status and answer == suggestion.official_answer:
        return None
    changes: dict[str, object] = {"planning_status": status}
    if answer != suggestion.official_answer:
        changes.update(official_answer=answer, answered_at=timezone.now() if answer else None)
    Suggestion.objects.filter(pk=suggestion.pk).update(**changes)
    event = ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        actor=actor,
        action=ModerationAction.STATUS,
        from_state=suggestion.planning_status,
        to_state=status,
        reason=answer,
    )
    notifications.queue_author_notification(event)
    notices_status(event=event, author_id=suggestion.author_id)
    return event
