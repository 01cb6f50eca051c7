"""The results page's peer: the same figures as a Django app usually computes them, through the ORM.

One aggregate query per table and grouping (by category, by status, in total; suggestions, supports and
comments per week and per month with TruncWeek/TruncMonth in the site's time zone), the newest five decided
suggestions of each status and the map's newest 500 per status as model instances with their geometry as
GeoJSON; answered as JSON, so that its time is the reads' and not a template's. It counts what the page
counts (published suggestions, their supports, their published comments): tests/benchmarks/test_anchors.py
checks that its figures equal the page's.
"""

import zoneinfo

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from participation.models import Comment, ModerationState, Project, Suggestion, Support

DECIDED = ("planned", "implemented", "declined")
NEWEST, ON_MAP = 5, 500


def _per_period(queryset: QuerySet, trunc: type) -> dict[str, int]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rows = (
        queryset.annotate(period=trunc("created_at", tzinfo=zone))
        .values("period")
        .annotate(n=Count("id"))
        .order_by("period")
    )
    return {row["period"].date().isoformat(): row["n"] for row in rows}


def naive_results(request: HttpRequest, slug: str) -> JsonResponse:
    project = get_object_or_404(Project, slug=slug, is_public=True)
    published = Suggestion.objects.filter(project=project, moderation_state=ModerationState.PUBLISHED)
    sums = {"suggestions": Count("id"), "supports": Sum("support_count"), "comments": Sum("comment_count")}
    supports = Support.objects.filter(
        suggestion__project=project, suggestion__moderation_state=ModerationState.PUBLISHED
    )
    comments = Comment.objects.filter(
        suggestion__project=project,
        suggestion__moderation_state=ModerationState.PUBLISHED,
        moderation_state=ModerationState.PUBLISHED,
    )
    over_time = {
        kind: {
            "suggestions": _per_period(published, trunc),
            "supports": _per_period(supports, trunc),
            "comments": _per_period(comments, trunc),
        }
        for kind, trunc in (("week", TruncWeek), ("month", TruncMonth))
    }
    decided = {}
    for status in DECIDED:
        of_status = published.filter(planning_status=status).order_by("-id")
        decided[status] = {
            "newest": [
                {
                    "id": s.id,
                    "title": s.title,
                    "category": s.category.label,
                    "official_answer": s.official_answer,
                    "support_count": s.support_count,
                    "comment_count": s.comment_count,
                }
                for s in of_status.select_related("category")[:NEWEST]
            ],
            "map": [
                {"id": s.id, "geometry": s.geom_3857.json} for s in of_status.only("id", "geom_3857")[:ON_MAP]
            ],
        }
    return JsonResponse(
        {
            "total": published.aggregate(**sums),
            "by_category": list(published.values("category__key").annotate(**sums).order_by("category__key")),
            "by_status": list(
                published.values("planning_status").annotate(**sums).order_by("planning_status")
            ),
            "over_time": over_time,
            "decided": decided,
        }
    )
