"""Public pages of a project. Rules live in selectors; these only choose a template and its data."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import alert_areas, notifications, rules, selectors, services
from ..antispam import anti_spam_widget
from ..contacts import contact_from_link
from ..errors import (
    DomainError,
    NotSignedIn,
    ProjectNotFound,
    SuggestionGone,
    SuggestionMerged,
    SuggestionNotFound,
    SuggestionRejected,
    SuggestionWithdrawn,
)
from ..forms import CommentForm, ReportForm
from ..images import ACCEPTED_TYPES, rendition_size
from ..models import (
    ALT_TEXT_MAX,
    PHOTOS_PER_SUGGESTION,
    Category,
    ModerationState,
    Photo,
    PlanningStatus,
    Project,
    ReportReason,
    Suggestion,
)
from ..participants import Participant, participant_from, participant_reading
from ..selectors.public import suggestion_merged_here, suggestion_rejection_reason


def home(request: HttpRequest) -> HttpResponse:
    """`/` lists the town's public projects (running, upcoming, finished); with exactly one it leads
    straight to its map, with none it explains what to do."""
    overview = selectors.project_overview_get()
    if overview.count == 0:
        return render(request, "participation/no_projects.html", status=200)
    if overview.count == 1:
        (project,) = overview.running + overview.upcoming + overview.finished
        return redirect("participation:project-map", slug=project.slug)
    groups = [
        ("running", overview.running, _("Running now")),
        ("upcoming", overview.upcoming, _("Upcoming")),
        ("finished", overview.finished, _("Finished")),
    ]
    return render(request, "participation/project_index.html", {"groups": groups})


def map_config(*, request: HttpRequest, project: Project, categories: list[Category]) -> dict[str, object]:
    """What the map script needs, handed over as JSON in the page (CSP forbids inline script): data only; the
    texts the script shows come from the JavaScript catalogue (frontend/js_catalogue.py)."""
    visitor = participant_reading(request)
    return {
        "slug": project.slug,
        "center": [project.map_center.x, project.map_center.y],
        "zoom": project.map_zoom,
        "area": json.loads(project.area.geojson),
        "categories": [
            {"key": c.key, "label": c.label, "kind": c.geometry_kind, "colour": c.colour} for c in categories
        ],
        "urls": {
            "map": reverse("api:project-map-data", kwargs={"slug": project.slug}),
            # The context layers the visitor may see, for the layer control (geo's read path).
            "layers": reverse("api:context-layer-list", kwargs={"slug": project.slug}),
            "list": reverse("api:suggestion-viewport-list", kwargs={"slug": project.slug}),
            "create": reverse("api:suggestion-list", kwargs={"slug": project.slug}),
            "duplicates": reverse("api:duplicate-list", kwargs={"slug": project.slug}),
            "facilitiesNearby": reverse("api:facilities-nearby", kwargs={"slug": project.slug}),
            # Paths along the street network (geo's read path): whether there is one, routes, the keyboard
            # form's streets and crossings.
            "routeNetwork": reverse("api:route-network", kwargs={"slug": project.slug}),
            "route": reverse("api:route", kwargs={"slug": project.slug}),
            "routeStreets": reverse("api:route-streets", kwargs={"slug": project.slug}),
            "routeCrossings": reverse("api:route-crossings", kwargs={"slug": project.slug}),
            # The search box's places (geo's read path).
            "places": reverse("api:place-search", kwargs={"slug": project.slug}),
            # Support goes through the API; "0" is replaced by the suggestion's id in the script.
            "support": reverse("api:support", kwargs={"pk": 0}),
            "detail": reverse("participation:suggestion-detail", kwargs={"slug": project.slug, "pk": 0}),
            "suggestionApi": reverse("api:suggestion-detail", kwargs={"pk": 0}),
            # A popup's photo description (the map's features name only the photo's key).
            "suggestionPhotos": reverse("api:suggestion-photo-list", kwargs={"pk": 0}),
        },
        # What the server takes, so the form can say so before sending (the server decides).
        "photos": {
            "max": PHOTOS_PER_SUGGESTION,
            "maxBytes": settings.PHOTO_UPLOAD_MAX_BYTES,
            "types": list(ACCEPTED_TYPES),
            "altMax": ALT_TEXT_MAX,
        },
        "canWrite": rules.can_write(visitor, project),
        "signedIn": visitor.signed_in,
        "antiSpam": anti_spam_widget(visitor),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "language": request.LANGUAGE_CODE,
    }


def project_map(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_get(slug=slug)
    except ProjectNotFound:
        return render(request, "participation/project_missing.html", {"slug": slug}, status=404)
    categories = selectors.category_list(project=project)
    visitor = participant_reading(request)
    return render(
        request,
        "participation/project_map.html",
        {
            "project": project,
            "categories": categories,
            "can_write": rules.can_write(visitor, project),
            "anti_spam": rules.needs_anti_spam(visitor),
            "phase_open": rules.project_is_open(project),
            "phase_upcoming": timezone.now() < project.phase_start,
            "planning_statuses": PlanningStatus.choices,
            "map_config": map_config(request=request, project=project, categories=categories),
            "photo_limits": photo_limits(),
            # Where to hear about new suggestions: a place alert, and districts' feeds and alerts if any.
            "district_page": alert_areas.area_picker_urls(projects=[project]).get(project.pk),
        },
    )


def photo_limits() -> dict[str, object]:
    """What the photo fields say and ask for: how many, how large, which types the file chooser offers."""
    return {
        "max": PHOTOS_PER_SUGGESTION,
        "mb": settings.PHOTO_UPLOAD_MAX_BYTES // (1024 * 1024),
        "max_bytes": settings.PHOTO_UPLOAD_MAX_BYTES,
        "accept": ",".join(ACCEPTED_TYPES),
        "alt_max": ALT_TEXT_MAX,
    }


@dataclass(frozen=True, slots=True)
class ShownPhoto:
    """A photo as a page shows it: its medium rendition with its size (no layout shift), linked to the
    full one, its description as alternative text, and its state when it is not public yet."""

    key: str
    alt: str
    state: str
    width: int
    height: int


def _shown(photos: list[Photo]) -> list[ShownPhoto]:
    return [
        ShownPhoto(
            photo.key,
            photo.alt_text,
            photo.moderation_state,
            *rendition_size(photo.width, photo.height, "medium"),
        )
        for photo in photos
    ]


def _suggestion_or_error_page(request: HttpRequest, slug: str, pk: int) -> Suggestion | HttpResponse:
    try:
        suggestion = selectors.suggestion_get_visible(actor=request.user, suggestion_id=pk)
    except SuggestionMerged as error:
        # The discussion goes on at the suggestion it was merged into (same project): send people there.
        target = Suggestion.objects.filter(pk=error.merged_into).values_list("project__slug", flat=True)
        return redirect(_detail_url(target.first() or slug, error.merged_into))
    except SuggestionGone as error:
        return render(
            request,
            "participation/suggestion_gone.html",
            {"title": _gone_title(error), "message": error.message, "slug": slug},
            status=410,
        )
    except SuggestionNotFound:
        raise Http404(_("There is no suggestion with this number.")) from None
    if suggestion.project.slug != slug:
        raise Http404(_("There is no suggestion with this number."))
    return suggestion


def _gone_title(error: SuggestionGone) -> str:
    """The heading says what happened: only hidden suggestions were removed (for breaking the rules)."""
    if isinstance(error, SuggestionRejected):
        return _("Suggestion not approved")
    if isinstance(error, SuggestionWithdrawn):
        return _("Suggestion withdrawn")
    return _("Suggestion removed")


def suggestion_detail(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    errors: dict[str, str] | None = None,
    comment_form: CommentForm | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    found = _suggestion_or_error_page(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    suggestion = found
    project = suggestion.project
    errors = errors or {}
    visitor = participant_reading(request)
    comments = selectors.comment_list(suggestion=suggestion)
    comment_photos = selectors.comment_photos_visible(actor=request.user, comments=comments)
    for comment in comments:  # one page of comments: the message goes next to the form it concerns
        comment.reply_error = errors.get(f"reply-{comment.pk}")
        for item in (comment, *comment.thread_replies):
            item.report_error = errors.get(f"report-comment-{item.pk}")
            item.shown_photos = _shown(comment_photos.get(item.pk, []))
    can_add_photos = rules.can_add_photos_own(request.user, suggestion)
    return render(
        request,
        "participation/suggestion_detail.html",
        {
            "project": project,
            "suggestion": suggestion,
            "comments": comments,
            "supported": selectors.suggestion_supported_by(actor=visitor, suggestion=suggestion),
            "following": selectors.follow_get(user=request.user, suggestion=suggestion),
            # Right after supporting, once (services.follow_question_ask remembered it).
            "ask_follow": request.GET.get("ask") == "follow",
            "is_author": visitor.signed_in and suggestion.author_id == visitor.pk,
            # Only the author reaches a rejected suggestion's page (others get 410): they read why.
            "rejection_reason": (
                suggestion_rejection_reason(suggestion=suggestion)
                if suggestion.moderation_state == ModerationState.REJECTED
                else ""
            ),
            "merged_here": suggestion_merged_here(suggestion=suggestion),
            "can_edit": rules.can_edit_own(request.user, suggestion),
            "can_withdraw": rules.can_withdraw_own(request.user, suggestion),
            "photos": _shown(selectors.photo_list_shown(actor=request.user, suggestion=suggestion)),
            "photo_room": selectors.photo_room(suggestion=suggestion) if can_add_photos else 0,
            # A photo on one's own published comment, while the discussion is open.
            "can_add_comment_photos": visitor.signed_in and rules.can_write(visitor, project),
            "photo_limits": photo_limits(),
            "can_write": rules.can_write(visitor, project),
            "may_take_part": rules.may_take_part(visitor, project),
            "anti_spam": rules.needs_anti_spam(visitor),
            "phase_open": rules.project_is_open(project),
            "comment_form": comment_form or CommentForm(),
            "report_form": report_form or ReportForm(),
            "report_reasons": ReportReason.choices,
            "errors": errors,
            "detail_config": {
                "geometry": json.loads(suggestion.geom.json),
                "colour": suggestion.category.colour,
                "area": json.loads(project.area.geojson),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "antiSpam": anti_spam_widget(visitor),
            },
        },
        status=status,
    )


def _under_its_project(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page actions answer only at the suggestion's own address, like the page itself."""

    @wraps(view)
    def checked(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        if not Suggestion.objects.filter(pk=pk, project__slug=slug).exists():
            raise Http404(_("There is no suggestion with this number."))
        return view(request, slug, pk)

    return checked


@require_POST
@_under_its_project
def suggestion_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            services.support_withdraw(actor=participant_from(request), suggestion_id=pk)
            messages.success(request, _("You no longer support this suggestion."))
        else:
            services.support_add(actor=_participant(request), suggestion_id=pk)
            # A supporter with an account is asked once whether to follow it, on the page they return to.
            if request.user.is_authenticated and services.follow_question_ask(
                user=request.user, suggestion_id=pk
            ):
                return redirect(_detail_url(slug, pk) + "?ask=follow#follow")
            messages.success(request, _("Thank you for your support."))
    except DomainError as error:
        return _action_failed(request, slug, pk, error, place="support")
    return redirect(_detail_url(slug, pk) + "#support")


@require_POST
@_under_its_project
def suggestion_comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = CommentForm(request.POST)
    place = f"reply-{request.POST.get('parent')}" if request.POST.get("parent") else "comment"
    if not form.is_valid():
        return suggestion_detail(
            request, slug, pk, comment_form=form, errors={place: _first_error(form)}, status=400
        )
    try:
        comment = services.comment_create(
            actor=_participant(request),
            suggestion_id=pk,
            text=form.cleaned_data["text"],
            parent_id=form.cleaned_data["parent"],
            name=form.cleaned_data["name"],
        )
    except DomainError as error:
        return _action_failed(request, slug, pk, error, place=place, comment_form=form)
    if comment.moderation_state == ModerationState.PUBLISHED:
        messages.success(request, _("Your comment is published."))
    else:
        messages.info(request, _("Thank you! Your comment will be shown once a moderator has reviewed it."))
    return redirect(_detail_url(slug, pk) + f"#comment-{comment.pk}")


@require_POST
@_under_its_project
def suggestion_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = ReportForm(request.POST)
    comment_id = request.POST.get("comment") or None
    place = f"report-comment-{comment_id}" if comment_id and comment_id.isdigit() else "report"
    if not form.is_valid():
        return suggestion_detail(
            request, slug, pk, report_form=form, errors={place: _first_error(form)}, status=400
        )
    try:
        services.report_create(
            actor=_participant(request),
            suggestion_id=pk,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
            comment_id=form.cleaned_data["comment"],
        )
    except DomainError as error:
        return _action_failed(request, slug, pk, error, place=place, report_form=form)
    messages.success(request, _("Thank you. The moderators will look at your report."))
    return redirect(_detail_url(slug, pk))


def _action_failed(
    request: HttpRequest, slug: str, pk: int, error: DomainError, *, place: str, **forms: object
) -> HttpResponse:
    """Show the page again with the service's message at the form it concerns; nothing was stored."""
    if isinstance(error, NotSignedIn):
        return redirect_to_login(_detail_url(slug, pk))
    if isinstance(error, SuggestionGone | SuggestionNotFound):
        return suggestion_detail(request, slug, pk)
    return suggestion_detail(
        request, slug, pk, errors={place: error.message}, status=error.status_code, **forms
    )


def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail. GET only asks: mail scanners open links, people press buttons."""
    try:
        contact = contact_from_link(token)
    except DomainError as error:
        return render(
            request, "participation/contact_confirm.html", {"error": error.message}, status=error.status_code
        )
    if request.method == "POST":
        contact = services.contact_confirm(contact=contact)
    return render(
        request,
        "participation/contact_confirm.html",
        {"contact": contact, "suggestion": contact.suggestion, "project": contact.suggestion.project},
    )


@csrf_exempt  # RFC 8058 one-click: the mail program POSTs without a session; the signed token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every mail to authors. GET asks (mail scanners open links), POST unsubscribes."""
    target = notifications.unsubscribe_target(token)
    if target is None:
        context = {"error": _("This link is not valid.")}
        return render(request, "participation/unsubscribe.html", context, status=404)
    kind, pk = target
    done = request.method == "POST"
    if done:
        if kind in ("user", "contact"):
            services.notifications_unsubscribe(kind=kind, pk=pk)
        else:
            services.notifications_stop(kind=kind, pk=pk)
    return render(request, "participation/unsubscribe.html", {"done": done, "kind": kind})


def _participant(request: HttpRequest) -> Participant:
    """The participant of a page form, with the anti-spam fields the form carries for anonymous people."""
    return participant_from(
        request, proof=request.POST.get("altcha", ""), honeypot=request.POST.get("website", "")
    )


def _first_error(form: forms.Form) -> str:
    return next(iter(form.errors.values()))[0]


def _detail_url(slug: str, pk: int) -> str:
    return reverse("participation:suggestion-detail", kwargs={"slug": slug, "pk": pk})
