"""Pages for staying informed: follow a suggestion from its page, the account's follows and alerts, and
the alert form with its map. Plain forms (they work without JavaScript); the map only fills the fields."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import alert_areas, follow_mail, selectors, services
from ..antispam import anti_spam_widget
from ..errors import AlertNotFound, DomainError, ProjectNotFound, SuggestionNotFound
from ..models import (
    ALERT_RADIUS_MAX,
    ALERT_RADIUS_MIN,
    ALERTS_PER_PERSON,
    Delivery,
    PlaceAlert,
    Project,
)
from ..participants import participant_from
from ..rules import needs_anti_spam

DEFAULT_RADIUS = 500


@require_POST
@login_required
def suggestion_follow(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """action=follow (with `comments` ticked or not), unfollow, or decline (the supporter's "no, thanks")."""
    action = request.POST.get("action")
    detail = reverse("participation:suggestion-detail", kwargs={"slug": slug, "pk": pk})
    try:
        if not selectors.project_list().filter(slug=slug, suggestions__pk=pk).exists():
            raise SuggestionNotFound()
        if action == "follow":
            services.follow_add(
                user=request.user, suggestion_id=pk, comments=request.POST.get("comments") == "on"
            )
            messages.success(request, _("You follow this suggestion: we will e-mail you what becomes of it."))
        elif action == "unfollow":
            services.follow_remove(user=request.user, suggestion_id=pk)
            messages.success(request, _("You no longer follow this suggestion."))
        elif action != "decline":
            return HttpResponse(_("Unknown action."), status=400, content_type="text/plain; charset=utf-8")
    except SuggestionNotFound:
        raise Http404(_("There is no suggestion with this number.")) from None
    return redirect(detail + "#follow")


@login_required
@never_cache
def account_follows(request: HttpRequest) -> HttpResponse:
    follows = selectors.follow_list_own(user=request.user)
    alerts = list(selectors.alert_list_own(user=request.user))
    projects = list(selectors.project_list())
    return render(
        request,
        "participation/account/follows.html",
        {
            "follows": follows,
            "alerts": alerts,
            "projects": projects,
            # Projects where an alert can be for a district (geo's page), to link "…or choose a district".
            "district_pickers": alert_areas.area_picker_urls(projects=projects),
            "room": ALERTS_PER_PERSON - len(alerts),
            "limit": ALERTS_PER_PERSON,
        },
    )


@never_cache
def alert_new(request: HttpRequest, slug: str) -> HttpResponse:
    """For an account, or for someone without one, who gives an address to confirm (and the anti-spam
    proof anonymous forms carry)."""
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        raise Http404(_("There is no project with this name.")) from None
    return _alert_form(request, project=project, alert=None)


@login_required
@never_cache
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_own(user=request.user, alert_id=pk)
    # A district alert has no circle to change (deleted and made again on the district page).
    if alert is None or alert.is_district:
        raise Http404(AlertNotFound.default_message)
    return _alert_form(request, project=alert.project, alert=alert)


@require_POST
@login_required
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.alert_delete(user=request.user, alert_id=pk)
    except AlertNotFound:
        raise Http404(AlertNotFound.default_message) from None
    messages.success(request, _("The alert is deleted."))
    return redirect("participation:account-follows")


def _alert_form(request: HttpRequest, *, project: Project, alert: PlaceAlert | None) -> HttpResponse:
    visitor = participant_from(
        request, proof=request.POST.get("altcha", ""), honeypot=request.POST.get("website", "")
    )
    fields = {
        "longitude": alert.centre.x if alert else "",
        "latitude": alert.centre.y if alert else "",
        "radius": alert.radius if alert else DEFAULT_RADIUS,
        "delivery": alert.delivery if alert else Delivery.IMMEDIATE,
        "name": alert.name if alert else "",
    }
    email = ""
    error: DomainError | None = None
    if request.method == "POST":
        fields = {key: request.POST.get(key, "") for key in fields}
        email = request.POST.get("email", "")
        try:
            if alert is not None:
                services.alert_update(user=request.user, alert_id=alert.pk, **fields)
                messages.success(request, _("Your alert is changed."))
            elif visitor.signed_in:
                services.alert_create(actor=visitor, project=project, **fields)
                messages.success(request, _("Your alert is saved."))
            else:
                made = services.alert_create(actor=visitor, project=project, email=email, **fields)
                return alert_confirmation_sent(request, alert=made)
            return redirect("participation:account-follows")
        except DomainError as refused:
            error = refused
    centre = project.map_center
    config = {
        "area": json.loads(project.area.geojson),
        "centre": [centre.y, centre.x] if centre else None,
        "zoom": project.map_zoom,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "radiusMin": ALERT_RADIUS_MIN,
        "radiusMax": ALERT_RADIUS_MAX,
    }
    return render(
        request,
        "participation/account/alert_form.html",
        {
            "project": project,
            "alert": alert,
            "fields": fields,
            "email": email,
            "anti_spam": needs_anti_spam(visitor),
            "anti_spam_config": anti_spam_widget(visitor),
            "error": error,
            "radius_min": ALERT_RADIUS_MIN,
            "radius_max": ALERT_RADIUS_MAX,
            "deliveries": Delivery.choices,
            "alert_config": config,
            "district_picker": (
                None if alert else alert_areas.area_picker_urls(projects=[project]).get(project.pk)
            ),
        },
        status=error.status_code if error else 200,
    )


def alert_confirmation_sent(request: HttpRequest, *, alert: PlaceAlert) -> HttpResponse:
    """After an alert without an account: where the link went and what happens until it is opened. Shown
    as the answer to the POST, not a redirect: the address appears only to whoever just typed it."""
    return render(
        request,
        "participation/alert_confirm.html",
        {"sent": alert, "project": alert.project, "days": follow_mail.ALERT_LINK_AGE // (24 * 3600)},
    )


@never_cache
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail. GET only asks: mail scanners open links, people press buttons."""
    try:
        alert = follow_mail.alert_from_link(token)
    except DomainError as refused:
        return render(
            request,
            "participation/alert_confirm.html",
            {"error": refused.message},
            status=refused.status_code,
        )
    if request.method == "POST":
        alert = services.alert_confirm(alert=alert)
    unsubscribe = reverse(
        "participation:unsubscribe", kwargs={"token": follow_mail.unsubscribe_token("alert", alert.pk)}
    )
    return render(
        request,
        "participation/alert_confirm.html",
        {"alert": alert, "project": alert.project, "unsubscribe": unsubscribe},
    )
