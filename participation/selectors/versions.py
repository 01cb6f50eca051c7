"""Reads for moderators about authors' corrections: a suggestion's previous versions and what was corrected
lately in a project (in post-moderation a correction is public at once and never enters the queue, so the
queue page names it here)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models.functions import Distance
from django.db.models import BooleanField, Exists, F, Func, OuterRef, QuerySet, Subquery

from ..models import ModerationAction, ModerationEvent, Project, Suggestion, SuggestionVersion

RECENT_CORRECTIONS = 10


def suggestion_version_list(*, suggestion: Suggestion) -> list[SuggestionVersion]:
    """The replaced versions, newest first, each with `same_place` (ST_Equals: the same place and shape,
    whatever the vertex order) and `moved_m`, how far it lies from the current place in metres on the
    sphere (for a line: from its nearest point)."""
    return list(
        SuggestionVersion.objects.filter(suggestion=suggestion)
        .select_related("event")
        .annotate(
            same_place=Func("geom", F("suggestion__geom"), function="ST_Equals", output_field=BooleanField()),
            moved_m=Distance("geom", F("suggestion__geom")),
        )
        .order_by("-replaced_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class Correction:
    suggestion: Suggestion
    corrected_at: datetime
    versions: int


def correction_list_recent(*, project: Project, limit: int = RECENT_CORRECTIONS) -> list[Correction]:
    """The suggestions of `project` their authors corrected most recently, newest first (two queries)."""
    last_edit = (
        ModerationEvent.objects.filter(
            suggestion_id=OuterRef("pk"), photo__isnull=True, action=ModerationAction.EDIT
        )
        .order_by("-id")
        .values("created_at")[:1]
    )
    rows: QuerySet[Suggestion] = (
        Suggestion.objects.filter(
            Exists(SuggestionVersion.objects.filter(suggestion_id=OuterRef("pk"))), project=project
        )
        .annotate(corrected_at=Subquery(last_edit))
        .only("id", "title", "moderation_state", "project_id")
        .order_by("-corrected_at", "-id")[:limit]
    )
    found = list(rows)
    counts: dict[int, int] = {}
    for suggestion_id in SuggestionVersion.objects.filter(suggestion__in=found).values_list(
        "suggestion_id", flat=True
    ):
        counts[suggestion_id] = counts.get(suggestion_id, 0) + 1
    return [Correction(s, s.corrected_at, counts.get(s.pk, 0)) for s in found]
