"""Moderators' decisions on suggestions and comments, one at a time or a page in bulk: approve, reject, hide,
unhide, dismiss reports. Merging (merging.py), moving (moving.py) and reports that hide an item by
themselves (reports.py) are moderation too and use what this module defines: `Decision`, `check_unchanged`,
`REASON_MAX`, `comment_count_update`.

Every decision locks the item's row, checks that it is still in the state (and at the last event) the
moderator saw, changes it and appends a `ModerationEvent`, in one transaction. Two moderators deciding at
once: the second waits for the first's lock, then finds a newer state and gets `AlreadyDecided` naming who
decided; nothing is overwritten. Counters change with `F()` or are recounted from the rows under the lock.
The map's cluster table follows every state or geometry change in the same transaction (a trigger, see
geo/sql/cluster_trigger.sql); nothing here has to remember it.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.db_unavailable import DATABASE_ERRORS as DATABASE_OUTAGES

from .. import notifications
from ..errors import (
    AlreadyDecided,
    CommentNotFound,
    DecisionNotPossible,
    DecisionsNotSaved,
    DomainError,
    ReasonRequired,
    SuggestionNotFound,
)
from ..models import (
    Comment,
    ModerationAction,
    ModerationEvent,
    ModerationState,
    Project,
    Report,
    Suggestion,
)
from ..rules import check_can_moderate
from ..texts import clean_text
from .follows import notices_comment, notices_new
from .photos import photos_publish_with

logger = logging.getLogger(__name__)

REASON_MAX = ModerationEvent._meta.get_field("reason").max_length

S = ModerationState
# action -> {state it applies to: state it leads to}. HIDE on a hidden item confirms an automatic hiding;
# DISMISS keeps a published item and closes its reports. Both need open reports to decide on.
TRANSITIONS: dict[str, dict[str, str]] = {
    ModerationAction.APPROVE: {S.PENDING: S.PUBLISHED},
    ModerationAction.REJECT: {S.PENDING: S.REJECTED},
    ModerationAction.HIDE: {S.PUBLISHED: S.HIDDEN, S.HIDDEN: S.HIDDEN},
    ModerationAction.UNHIDE: {S.HIDDEN: S.PUBLISHED},
    ModerationAction.DISMISS: {S.PUBLISHED: S.PUBLISHED},
}
DECISIONS = tuple(TRANSITIONS)
REASON_REQUIRED = {ModerationAction.REJECT}
# The author hears of these (hiding is about the rules, not the idea; the page says it).
NOTIFIED = {ModerationAction.APPROVE, ModerationAction.REJECT, ModerationAction.MERGE}

Kind = Literal["suggestion", "comment"]


@dataclass(frozen=True, slots=True)
class Decision:
    """One item of a (bulk) decision: what the moderator saw when deciding."""

    kind: Kind
    pk: int
    seen_state: str
    seen_event: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    event: ModerationEvent | None = None
    error: DomainError | None = None


@transaction.atomic
def item_decide(
    *, actor: AbstractBaseUser, decision: Decision, action: str, reason: str = ""
) -> ModerationEvent:
    """Decide on one suggestion or comment as moderator of its project (a suggestion goes the bulk path
    with one item: one set of rules for both)."""
    moderates = ModeratorCheck(actor)
    reason = _checked_reason(action, reason)
    if decision.kind == "suggestion":
        [outcome] = _decide_suggestions(
            actor=actor, decisions=[decision], action=action, reason=reason, moderates=moderates
        )
        if outcome.event is None:
            raise outcome.error or DecisionNotPossible()
        return outcome.event
    return _decide_comment(actor=actor, decision=decision, action=action, reason=reason)


def items_decide(
    *, actor: AbstractBaseUser, decisions: Iterable[Decision], action: str, reason: str = ""
) -> list[Outcome]:
    """A bulk decision, outcomes in the order of `decisions`.

    Suggestions are decided as a set in ONE transaction (`_decide_suggestions`): an item someone else
    decided meanwhile, or that the decision does not fit, is reported back with the same error a single
    decision gets, while the others go through. A database error rolls all of them back and raises
    `DecisionsNotSaved`; nothing of the bulk is written (comments come after the suggestions).
    Comments (rare in a bulk) keep one transaction each. Whether the actor moderates a project is asked
    once per bulk, not once per item (a bulk is one page of one project's queue)."""
    decisions = list(decisions)
    moderates = ModeratorCheck(actor)
    try:
        reason = _checked_reason(action, reason)
    except DomainError as error:  # the same for every item
        return [Outcome(decision=decision, error=error) for decision in decisions]
    outcomes: dict[int, Outcome] = {}
    suggestions = [(i, d) for i, d in enumerate(decisions) if d.kind == "suggestion"]
    if suggestions:
        try:
            with transaction.atomic():
                decided = _decide_suggestions(
                    actor=actor,
                    decisions=[d for _i, d in suggestions],
                    action=action,
                    reason=reason,
                    moderates=moderates,
                )
        except DATABASE_OUTAGES:
            raise  # the 503 page with Retry-After (config/db_unavailable.py); rolled back all the same
        except DatabaseError as error:
            logger.exception("bulk decision rolled back")
            raise DecisionsNotSaved() from error
        outcomes.update((i, outcome) for (i, _d), outcome in zip(suggestions, decided, strict=True))
    for i, decision in enumerate(decisions):
        if decision.kind == "suggestion":
            continue
        try:
            with transaction.atomic():
                event = _decide_comment(actor=actor, decision=decision, action=action, reason=reason)
        except DomainError as error:
            outcomes[i] = Outcome(decision=decision, error=error)
        else:
            outcomes[i] = Outcome(decision=decision, event=event)
    return [outcomes[i] for i in range(len(decisions))]


class ModeratorCheck:
    """`check_can_moderate` for the projects of one request's decisions, each project asked once."""

    def __init__(self, actor: AbstractBaseUser) -> None:
        self.actor = actor
        self.allowed: set[int] = set()

    def __call__(self, project: Project) -> None:
        if project.pk not in self.allowed:
            check_can_moderate(self.actor, project)
            self.allowed.add(project.pk)


def _checked_reason(action: str, reason: str) -> str:
    """What holds for every item of a decision: a known action, a clean reason, one where it is required."""
    if action not in TRANSITIONS:
        raise DecisionNotPossible()
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    if action in REASON_REQUIRED and not reason:
        raise ReasonRequired()
    return reason


def _decide_suggestions(
    *,
    actor: AbstractBaseUser,
    decisions: list[Decision],
    action: str,
    reason: str,
    moderates: ModeratorCheck,
) -> list[Outcome]:
    """Decide on a set of suggestions inside the caller's transaction, a fixed number of statements
    however many there are: lock, facts, one UPDATE, one report UPDATE, one event INSERT, one task INSERT.

    The rows are locked in one statement in id order: two moderators deciding overlapping sets wait for
    each other but never in a cycle. Facts (last event, open reports) are read by a second statement, after
    the lock, so a decision that committed while this one waited is seen. One multi-row UPDATE also lets
    the cluster and tile-cache statement triggers net the whole set per cell and tile at once."""
    ids = sorted({d.pk for d in decisions})
    # Only what deciding needs: the project's area and texts stay in the database (deferred).
    locked = {
        s.pk: s
        for s in Suggestion.objects.select_for_update(of=("self",))
        .select_related("project")
        .only("id", "project_id", "moderation_state", "author_id", "project__id")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    facts = (
        {
            pk: (last or 0, reported)
            for pk, last, reported in Suggestion.objects.filter(pk__in=list(locked))
            .annotate(
                last=Subquery(
                    ModerationEvent.objects.filter(suggestion_id=OuterRef("pk"), photo__isnull=True)
                    .order_by("-id")
                    .values("id")[:1]
                ),
                reported=Exists(
                    Report.objects.filter(
                        suggestion_id=OuterRef("pk"), comment__isnull=True, resolved_at__isnull=True
                    )
                ),
            )
            .values_list("pk", "last", "reported")
        }
        if locked
        else {}
    )

    errors: dict[int, DomainError] = {}
    passing: dict[int, tuple[Suggestion, str, bool]] = {}  # pk: (row, state it goes to, reported)
    for decision in decisions:
        if decision.pk in passing or decision.pk in errors:
            errors.setdefault(decision.pk, DecisionNotPossible())  # the same item twice: decided once
            continue
        suggestion = locked.get(decision.pk)
        try:
            if suggestion is None:
                raise SuggestionNotFound()
            moderates(suggestion.project)
            last_id, reported = facts[suggestion.pk]
            check_unchanged(
                decision,
                state=suggestion.moderation_state,
                events=ModerationEvent.objects.filter(suggestion_id=suggestion.pk, photo__isnull=True),
                last_id=last_id,
            )
            to_state = _next_state(action, suggestion.moderation_state)
            if to_state == suggestion.moderation_state and not reported:
                raise DecisionNotPossible()  # dismissing or confirming needs reports to decide on
        except DomainError as error:
            errors[decision.pk] = error
        else:
            passing[suggestion.pk] = (suggestion, to_state, reported)

    events: dict[int, ModerationEvent] = {}
    if passing:
        by_state: dict[str, list[int]] = {}
        for pk, (suggestion, to_state, _reported) in passing.items():
            if to_state != suggestion.moderation_state:
                by_state.setdefault(to_state, []).append(pk)
        for to_state, pks in by_state.items():  # one state per action: one UPDATE
            Suggestion.objects.filter(pk__in=pks).update(moderation_state=to_state)
        if action == ModerationAction.APPROVE and by_state:
            photos_publish_with(suggestion_ids=[pk for pks in by_state.values() for pk in pks])
            # First published now: alerts for the place hear of it (never at creation in pre-moderation).
            notices_new(suggestion_ids=by_state.get(S.PUBLISHED, []))
        reported_ids = [pk for pk, (_s, _to, reported) in passing.items() if reported]
        if reported_ids:
            Report.objects.filter(
                suggestion_id__in=reported_ids, comment__isnull=True, resolved_at__isnull=True
            ).update(resolved_at=timezone.now())
        created = ModerationEvent.objects.bulk_create(
            [
                ModerationEvent(
                    project_id=suggestion.project_id,
                    suggestion=suggestion,
                    actor=actor,
                    action=action,
                    from_state=suggestion.moderation_state,
                    to_state=to_state,
                    reason=reason,
                )
                for suggestion, to_state, _reported in passing.values()
            ]
        )
        events = {event.suggestion_id: event for event in created}
        if action in NOTIFIED:
            notifications.queue_author_notifications(created)
    outcomes = []
    seen: set[int] = set()
    for decision in decisions:
        if decision.pk in events and decision.pk not in seen:
            outcomes.append(Outcome(decision=decision, event=events[decision.pk]))
        else:
            outcomes.append(Outcome(decision=decision, error=errors[decision.pk]))
        seen.add(decision.pk)
    return outcomes


def _decide_comment(
    *, actor: AbstractBaseUser, decision: Decision, action: str, reason: str
) -> ModerationEvent:
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("suggestion__project")
        .filter(pk=decision.pk)
        .first()
    )
    if comment is None:
        raise CommentNotFound()
    project = comment.suggestion.project
    check_can_moderate(actor, project)
    check_unchanged(
        decision, state=comment.moderation_state, events=comment.events.filter(photo__isnull=True)
    )
    to_state = _next_state(action, comment.moderation_state)
    reports = Report.objects.filter(comment=comment, resolved_at__isnull=True)
    if to_state == comment.moderation_state and not reports.exists():
        raise DecisionNotPossible()  # dismissing or confirming needs reports to decide on
    if to_state != comment.moderation_state:
        Comment.objects.filter(pk=comment.pk).update(moderation_state=to_state)
        if action == ModerationAction.APPROVE:
            photos_publish_with(suggestion_ids=[comment.suggestion_id], comment_id=comment.pk)
            if comment.suggestion.moderation_state == S.PUBLISHED:
                notices_comment(comment=comment)
        comment_count_update(comment.suggestion_id, was=comment.moderation_state, now=to_state)
    reports.update(resolved_at=timezone.now())
    return ModerationEvent.objects.create(
        project_id=project.pk,
        suggestion_id=comment.suggestion_id,
        comment=comment,
        actor=actor,
        action=action,
        from_state=comment.moderation_state,
        to_state=to_state,
        reason=reason,
    )


def comment_count_update(suggestion_id: int, *, was: str, now: str) -> None:
    """`comment_count` counts published comments: it follows a comment into and out of that state.

    The caller holds the comment's row lock and changes its state in the same transaction."""
    if was != S.PUBLISHED and now == S.PUBLISHED:
        Suggestion.objects.filter(pk=suggestion_id).update(comment_count=F("comment_count") + 1)
    elif was == S.PUBLISHED and now != S.PUBLISHED:
        Suggestion.objects.filter(pk=suggestion_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )


def _next_state(action: str, state: str) -> str:
    to_state = TRANSITIONS[action].get(state)
    if to_state is None:
        raise DecisionNotPossible()
    return to_state


def check_unchanged(
    decision: Decision, *, state: str, events: QuerySet[ModerationEvent], last_id: int | None = None
) -> None:
    """The item is as the moderator saw it: same state, no newer decision. Else say who decided first.

    `events` are the item's own decisions: a decision about one of its photos (`photo` set) is not one.

    `last_id` is the id of the item's last event (0: none) when the caller read it already; the event
    itself is then read only to name who decided first."""
    if last_id is None:
        last = events.order_by("-id").first()
        last_id = last.pk if last else 0
    changed = state != decision.seen_state
    if decision.seen_event is not None:
        changed = changed or last_id != decision.seen_event
    if changed:
        raise already_decided(events.order_by("-id").first())


def already_decided(event: ModerationEvent | None) -> AlreadyDecided:
    if event is None:
        return AlreadyDecided()
    from ..selectors import actor_name_get  # names are a read concern; imported here to avoid a cycle

    return AlreadyDecided(
        _("Already decided by %(name)s on %(time)s: %(action)s.")
        % {
            "name": actor_name_get(event.actor_id),
            "time": formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT"),
            "action": event.get_action_display(),
        }
    )
