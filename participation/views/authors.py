"""Pages where authors correct their own suggestion during the phase, or withdraw it.

The services decide (author, state, phase); these pages only offer what `rules` says is possible and show
the service's message when it refuses. Both are reached from the suggestion's page.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import rules, services
from ..errors import (
    DomainError,
    NotEditable,
    NotSignedIn,
    PhaseClosed,
    SuggestionGone,
    SuggestionNotFound,
)
from ..forms import SuggestionEditForm
from ..models import GeometryKind, ModerationMode, ModerationState, Project, Suggestion
from ..participants import participant_from
from .public import _detail_url, _suggestion_or_error_page


def _own_or_error_page(request: HttpRequest, slug: str, pk: int) -> Suggestion | HttpResponse:
    """The suggestion if the visitor may see it, else the page the suggestion's address would answer."""
    found = _suggestion_or_error_page(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    if not rules.is_author(request.user, found):
        # Someone else's suggestion: nothing to edit or withdraw here; its page says what there is.
        return redirect(_detail_url(slug, pk))
    return found


def _refused(request: HttpRequest, slug: str, pk: int, error: DomainError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(_detail_url(slug, pk))


@login_required
def suggestion_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _own_or_error_page(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    suggestion = found
    was = suggestion.moderation_state
    if request.method == "POST":
        form = SuggestionEditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                saved = services.suggestion_edit(
                    actor=participant_from(request),
                    suggestion_id=pk,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    geometry=form.cleaned_data["geometry"],
                    line_drawing=form.cleaned_data["line_drawing"],
                )
            except (SuggestionGone, SuggestionNotFound):
                return redirect(_detail_url(slug, pk))  # gone meanwhile: its page says so
            except (NotSignedIn, PhaseClosed, NotEditable) as error:
                return _refused(request, slug, pk, error)
            except DomainError as error:
                # A text or the place breaks a rule (or people support it meanwhile): said at the form.
                form.add_error(error.field if error.field in ("title", "text") else None, error.message)
                status = error.status_code
            else:
                messages.success(request, _saved_message(was, saved.moderation_state))
                return redirect(_detail_url(slug, pk))
    else:
        if not rules.can_edit_own(request.user, suggestion):
            # Reviewed, withdrawn, or the phase is over: say why on the suggestion's page.
            return _refused(request, slug, pk, _edit_refusal(suggestion))
        form = SuggestionEditForm(initial={"title": suggestion.title, "text": suggestion.text})
        status = 200
    project = suggestion.project
    can_move = rules.can_move_own(request.user, suggestion)
    return render(
        request,
        "participation/suggestion_edit.html",
        {
            "project": project,
            "suggestion": suggestion,
            "form": form,
            # Title and text say their errors at themselves; the rest (the place, the form) is said on top.
            "form_error": next(
                (errors[0] for field, errors in form.errors.items() if field not in ("title", "text")), ""
            ),
            "can_move": can_move,
            "back_to_review": (
                was == ModerationState.PUBLISHED and project.moderation_mode == ModerationMode.PRE
            ),
            "edit_config": {
                "geometry": json.loads(suggestion.geom.json),
                "colour": suggestion.category.colour,
                "area": json.loads(project.area.geojson),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "canMove": can_move,
                "language": get_language(),
                "lineDrawing": suggestion.line_drawing,
                **({"urls": _route_urls(project)} if can_move and _is_path(suggestion) else {}),
            },
        },
        status=status,
    )


def _is_path(suggestion: Suggestion) -> bool:
    return suggestion.category.geometry_kind == GeometryKind.LINE


def _route_urls(project: Project) -> dict[str, str]:
    """A path may be redrawn along the street network, as in the compose flow: whether the project has one,
    routes, and the keyboard form's streets and crossings (geo's read path)."""
    return {
        name: reverse(f"api:{route}", kwargs={"slug": project.slug})
        for name, route in (
            ("routeNetwork", "route-network"),
            ("route", "route"),
            ("routeStreets", "route-streets"),
            ("routeCrossings", "route-crossings"),
        )
    }


def _saved_message(was: str, now: str) -> str:
    if was == ModerationState.PUBLISHED and now == ModerationState.PENDING:
        return _(
            "Your correction is saved. A moderator checks it before your suggestion is shown on the map "
            "again."
        )
    return _("Your changes are saved.")


def _edit_refusal(suggestion: Suggestion) -> DomainError:
    if not rules.project_is_open(suggestion.project):
        return PhaseClosed()
    return NotEditable()


@login_required
def suggestion_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation (what withdrawing means); POST withdraws."""
    found = _own_or_error_page(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    suggestion = found
    if request.method == "POST":
        try:
            services.suggestion_withdraw(actor=participant_from(request), suggestion_id=pk)
        except DomainError as error:
            return _refused(request, slug, pk, error)
        messages.success(request, _("Your suggestion is withdrawn. It is no longer shown on the map."))
        return redirect(_detail_url(slug, pk))
    if not rules.can_withdraw_own(request.user, suggestion):
        messages.error(request, _("This suggestion can no longer be withdrawn."))
        return redirect(_detail_url(slug, pk))
    return render(
        request,
        "participation/suggestion_withdraw.html",
        {"project": suggestion.project, "suggestion": suggestion},
    )
