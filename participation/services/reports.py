"""Reports that hide an item by themselves: once enough independent people reported a published suggestion or
comment, it is hidden until a moderator decides. `report_create` (contributions.py) calls here in the
report's transaction; moderators then decide with `item_decide` (moderation.py)."""

from django.db.models import CharField, Count, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from ..models import Comment, ModerationAction, ModerationEvent, ModerationState, Report, Suggestion
from .moderation import comment_count_update

S = ModerationState


def independent_reporters(reports: QuerySet[Report]) -> int:
    """How many people reported: an account counts once, anonymous browsers from one address once."""
    person = Coalesce(
        Concat(Value("user:"), Cast("reporter_id", CharField())),
        Concat(Value("address:"), NullIf("source_address", Value(""))),
        Concat(Value("browser:"), "reporter_browser"),
        output_field=CharField(),
    )
    return reports.aggregate(n=Count(person, distinct=True))["n"]


def hide_when_reported(report: Report) -> ModerationEvent | None:
    """After a new report: hide the item until a moderator decides once enough independent people have
    reported it (`Project.auto_hide_reports`; 0 never). Runs in the report's transaction."""
    suggestion = Suggestion.objects.select_related("project").get(pk=report.suggestion_id)
    threshold = suggestion.project.auto_hide_reports
    if not threshold:
        return None
    if report.comment_id is None:
        item = Suggestion.objects.select_for_update(of=("self",)).get(pk=report.suggestion_id)
        open_reports = Report.objects.filter(suggestion=item, comment__isnull=True, resolved_at__isnull=True)
    else:
        item = Comment.objects.select_for_update(of=("self",)).get(pk=report.comment_id)
        open_reports = Report.objects.filter(comment=item, resolved_at__isnull=True)
    if item.moderation_state != S.PUBLISHED or independent_reporters(open_reports) < threshold:
        return None
    type(item).objects.filter(pk=item.pk).update(moderation_state=S.HIDDEN)
    if report.comment_id is not None:
        comment_count_update(report.suggestion_id, was=S.PUBLISHED, now=S.HIDDEN)
    return ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion_id=report.suggestion_id,
        comment_id=report.comment_id,
        actor=None,
        action=ModerationAction.AUTO_HIDE,
        from_state=S.PUBLISHED,
        to_state=S.HIDDEN,
    )
