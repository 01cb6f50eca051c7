"""The planners' coverage page: demand against what already exists, per category, per district and as gaps."""

import json
from collections.abc import Sequence

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from participation import selectors as participation_selectors
from participation import services as participation_services
from participation.access import planners_only
from participation.antispam import anti_spam_widget
from participation.errors import AlertDistrictInvalid, ProjectNotFound
from participation.models import ALERTS_PER_PERSON, Category, Delivery, Project
from participation.participants import participant_from
from participation.rules import needs_anti_spam
from participation.views.follows import alert_confirmation_sent

from ..layers.models import ContextLayer, LayerRole
from ..network import demand_selectors
from ..tiles.urls import segment_tile_url
from . import selectors
from .errors import DistrictNotFound


@planners_only
def coverage_page(request: HttpRequest, project: Project) -> HttpResponse:
    key = request.GET.get("category", "")
    category = None
    if key:
        category = Category.objects.filter(project=project, key=key).first()
        if category is None:
            raise Http404(_("This project has no such category."))
    coverage = selectors.coverage_by_category(project=project)
    districts = selectors.district_figures(project=project, category=category)
    gaps = selectors.coverage_gaps(project=project)
    segments = demand_selectors.segment_summary(project=project)
    config = {
        "area": json.loads(project.area.geojson),
        "districts": [
            {
                "id": d.id,
                "name": d.name,
                "leaf": d.is_leaf,
                "suggestions": d.suggestions,
                "perKm2": round(d.per_km2, 1),
                "facilities": d.facilities,
                "geometry": d.geometry,
            }
            for d in districts
        ],
        "gaps": [
            {
                "rank": rank,
                "lon": g.lon,
                "lat": g.lat,
                "suggestions": g.suggestions,
                "supports": g.supports,
                "colour": g.category.colour,
            }
            for rank, g in enumerate(gaps, start=1)
        ],
        "segments": {
            "tiles": segment_tile_url(request, project.slug),
            "breaks": segments.breaks,
            "most": segments.most,
            "bounds": segments.bounds,
        },
    }
    return render(
        request,
        "geo/coverage.html",
        {
            "project": project,
            "distance": project.coverage_distance_m,
            "coverage": coverage,
            "categories": Category.objects.filter(project=project).order_by("position", "key"),
            "category": category,
            "districts": districts,
            "district_total": sum(d.suggestions for d in districts if d.nested_in is None),
            "gaps": [(gap, _openable(project, gap)) for gap in gaps],
            "paths": _paths_openable(project, selectors.path_shares(project=project)),
            "state": selectors.analysis_state(project=project),
            "credits": _credits(project),
            "segments": segments,
            "top_segments": demand_selectors.segment_top(project=project) if segments.segments else [],
            "coverage_config": config,
        },
    )


def _openable(project: Project, gap: selectors.Gap) -> list[tuple[str, str]]:
    """The gap's most supported suggestions as (title, answer page) for the planner to open one by one."""
    return [
        (title, reverse("participation:planning-answer", kwargs={"slug": project.slug, "pk": pk}))
        for pk, title in zip(gap.suggestion_ids, gap.titles, strict=True)
    ]


def _credits(project: Project) -> list[str]:
    """Where the compared data comes from: each facilities and districts layer's attribution and licence."""
    credits: list[str] = []
    layers = ContextLayer.objects.filter(project=project).exclude(role=LayerRole.REFERENCE)
    for layer in layers.order_by("position", "id"):
        text = " · ".join(part for part in (layer.attribution, layer.licence) if part)
        if text:
            credits.append(f"{layer.name}: {text}")
    return credits


def _paths_openable(project: Project, shares: selectors.PathShares) -> dict:
    return {
        "total": shares.total,
        "overall_percent": None if shares.overall_share is None else 100 * shares.overall_share,
        "rows": [
            (
                path,
                100 * path.share,
                reverse("participation:planning-answer", kwargs={"slug": project.slug, "pk": path.id}),
            )
            for path in shares.paths
        ],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def district_alerts_page(request: HttpRequest, slug: str) -> HttpResponse:
    """`/projects/<slug>/districts/`: the project's public districts by name, each with its Atom feed, and
    (signed in) a plain form to be e-mailed about new suggestions in one of them. A project without a
    public districts layer has no such page (404)."""
    try:
        project = participation_selectors.project_get(slug=slug)
        districts = selectors.districts_public(project=project)
    except ProjectNotFound:
        raise Http404(_("There is no project with this name.")) from None
    except DistrictNotFound:
        raise Http404(_("This project has no districts.")) from None
    chosen = request.POST.get("district", "")
    delivery = request.POST.get("delivery", Delivery.IMMEDIATE)
    email = request.POST.get("email", "")
    # Someone without an account gives an address (confirmed by a mailed link) and the anti-spam proof.
    visitor = participant_from(
        request, proof=request.POST.get("altcha", ""), honeypot=request.POST.get("website", "")
    )
    error: DomainError | None = None
    if request.method == "POST":
        try:
            if not chosen:
                raise AlertDistrictInvalid()
            district = selectors.district_public_get(project=project, district_id=chosen)
            area, key = selectors.district_area(district=district)
            alert = participation_services.alert_district_create(
                actor=visitor,
                project=project,
                area=area,
                district_name=district.name,
                district_number=district.feature_id,
                district_key=key,
                delivery=delivery,
                email=email,
            )
            if alert.is_anonymous:
                return alert_confirmation_sent(request, alert=alert)
            messages.success(request, _("Your alert for the district is saved."))
            return redirect("participation:account-follows")
        except DomainError as refused:
            error = refused
    return render(
        request,
        "geo/district_alerts.html",
        {
            "project": project,
            "districts": districts,
            "chosen": chosen,
            "delivery": delivery,
            "deliveries": Delivery.choices,
            "email": email,
            "anti_spam": needs_anti_spam(visitor),
            "anti_spam_config": anti_spam_widget(visitor),
            "error": error,
            "room": (
                ALERTS_PER_PERSON - participation_selectors.alert_list_own(user=request.user).count()
                if request.user.is_authenticated
                else None
            ),
        },
        status=error.status_code if error else 200,
    )


def district_picker_urls(projects: Sequence[Project]) -> dict[int, str]:
    """participation's alert pages link here for the projects that have public districts
    (registered in geo/apps.py through participation.alert_areas)."""
    public = selectors.projects_with_public_districts(project_ids=[p.pk for p in projects])
    return {p.pk: reverse("geo:district-alerts", kwargs={"slug": p.slug}) for p in projects if p.pk in public}
