"""Planner pages of a project: the dashboard and the page where a planner answers one suggestion.

Only people who may plan in the project (`rules.can_plan`: its planners and site administrators) see them:
anonymous visitors are sent to sign in, everyone else gets 403, also a planner of another project. A project
that is not public is a 404 for everyone without a role in it (`access.planners_only`).
"""

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import rules, services
from ..access import planners_only
from ..errors import DomainError, NotSignedIn
from ..models import ModerationEvent, PlanningStatus, Project, Suggestion
from ..selectors import dashboard, suggestion_place_labels
from ..services.planning import ANSWER_MAX


def _answer_url(project: Project, pk: int) -> str:
    return reverse("participation:planning-answer", kwargs={"slug": project.slug, "pk": pk})


@planners_only
def planner_dashboard(request: HttpRequest, project: Project) -> HttpResponse:
    by_category = dashboard.suggestion_counts_by_category(project=project)
    by_status = dashboard.suggestion_counts_by_status(project=project)
    by_week = dashboard.suggestion_counts_by_week(project=project)
    hotspots = dashboard.suggestion_hotspots(project=project)
    top = dashboard.suggestion_list_top_supported(project=project)
    places = suggestion_place_labels(suggestion_ids=[s.pk for s in top])
    for suggestion in top:  # ten rows at most
        suggestion.answer_url = _answer_url(project, suggestion.pk)
        suggestion.place_label = places.get(suggestion.pk, "")
    colours = {c.key: c.colour for c in by_category}
    labels = {c.key: c.label for c in by_category}
    config = {
        "area": json.loads(project.area.geojson),
        "center": [project.map_center.x, project.map_center.y],
        "zoom": project.map_zoom,
        "categories": [
            {"key": c.key, "label": c.label, "colour": c.colour, "count": c.count} for c in by_category
        ],
        "statuses": [{"key": s.key, "label": s.label, "count": s.count} for s in by_status],
        "weeks": [{"week": w.label, "count": w.count} for w in by_week],
        "hotspots": [
            {
                "count": h.count,
                "lon": h.lon,
                "lat": h.lat,
                "radius": round(h.radius_m),
                "category": labels.get(h.top_category, h.top_category),
                "colour": colours.get(h.top_category, "#475569"),
            }
            for h in hotspots
        ],
    }
    return render(
        request,
        "participation/planning/dashboard.html",
        {
            "project": project,
            "total": sum(c.count for c in by_category),
            "by_category": by_category,
            "by_status": by_status,
            "by_week": by_week,
            "hotspots": [(h, labels.get(h.top_category, h.top_category)) for h in hotspots],
            "hotspot_eps": round(dashboard.HOTSPOT_EPS_M),
            "hotspot_minpoints": dashboard.HOTSPOT_MIN_POINTS,
            "top": top,
            "dashboard_config": config,
        },
    )


@require_http_methods(["GET", "POST"])
@planners_only
def planner_answer(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    # What planners may read of a suggestion is what they may export: hidden, merged and withdrawn ones are
    # the moderators' and their authors' business (nothing to answer there either).
    suggestion = (
        Suggestion.objects.select_related("category", "project")
        .filter(pk=pk, project=project, moderation_state__in=rules.PLANNER_STATES)
        .first()
    )
    if suggestion is None:
        raise Http404(_("There is no suggestion with this number."))
    if request.method == "POST":
        seen = request.POST.get("seen_event", "")
        try:
            event = services.suggestion_answer(
                actor=request.user,
                suggestion_id=suggestion.pk,
                status=request.POST.get("status", ""),
                answer=request.POST.get("answer", ""),
                seen_event=int(seen) if seen.isdigit() else None,
            )
        except NotSignedIn:
            return redirect_to_login(request.get_full_path())
        except DomainError as error:
            field = error.field if error.field in ("status", "answer") else "form"
            return _answer_page(
                request,
                suggestion,
                errors={field: str(error.message)},
                values={"status": request.POST.get("status", ""), "answer": request.POST.get("answer", "")},
                status=error.status_code,
            )
        if event is None:
            messages.info(request, _("Nothing changed: the status and the answer were already saved."))
        else:
            messages.success(request, _("Saved. The answer is public and the author is told."))
        return redirect(_answer_url(project, suggestion.pk))
    return _answer_page(request, suggestion)


def _answer_page(
    request: HttpRequest,
    suggestion: Suggestion,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The answer form shows the planner what the public sees now; `seen_event` is the newest decision on
    the suggestion they were shown, so an answer written over a colleague's newer one is refused (409)."""
    last = ModerationEvent.objects.filter(suggestion=suggestion, photo__isnull=True).order_by("-id").first()
    values = values or {"status": suggestion.planning_status, "answer": suggestion.official_answer}
    return render(
        request,
        "participation/planning/answer.html",
        {
            "project": suggestion.project,
            "suggestion": suggestion,
            "place": suggestion_place_labels(suggestion_ids=[suggestion.pk]).get(suggestion.pk, ""),
            "statuses": PlanningStatus.choices,
            "values": values,
            "errors": errors or {},
            "seen_event": last.pk if last else 0,
            "is_published": suggestion.moderation_state == "published",
            "public_url": reverse(
                "participation:suggestion-detail",
                kwargs={"slug": suggestion.project.slug, "pk": suggestion.pk},
            ),
            "dashboard_url": reverse(
                "participation:planning-dashboard", kwargs={"slug": suggestion.project.slug}
            ),
            "answer_max": ANSWER_MAX,
        },
        status=status,
    )
