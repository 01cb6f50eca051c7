"""Pages where authors correct their own suggestion while it waits for review, or withdraw it.

The services decide (author, state, phase); these pages only offer what `rules` says is possible and show
the service's message when it refuses. Both are reached from the suggestion's page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import rules, services
from .errors import DomainError, InvalidText, NotEditable, PhaseClosed, SuggestionGone, SuggestionNotFound
from .forms import SuggestionEditForm
from .models import Suggestion
from .participants import participant_from
from .views import _detail_url, _first_error, _suggestion_or_error_page


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
    if request.method == "POST":
        form = SuggestionEditForm(request.POST)
        if form.is_valid():
            try:
                services.suggestion_edit(
                    actor=participant_from(request),
                    suggestion_id=pk,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                )
            except InvalidText as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            except (SuggestionGone, SuggestionNotFound):
                return redirect(_detail_url(slug, pk))  # gone meanwhile: its page says so
            except DomainError as error:
                return _refused(request, slug, pk, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(_detail_url(slug, pk))
        status = 400
    else:
        if not rules.can_edit_own(request.user, suggestion):
            # Reviewed, withdrawn, or the phase is over: say why on the suggestion's page.
            return _refused(request, slug, pk, _edit_refusal(suggestion))
        form = SuggestionEditForm(initial={"title": suggestion.title, "text": suggestion.text})
        status = 200
    return render(
        request,
        "participation/suggestion_edit.html",
        {
            "project": suggestion.project,
            "suggestion": suggestion,
            "form": form,
            "form_error": _first_error(form) if form.errors else "",
        },
        status=status,
    )


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
