"""The moderation pages: a project's queue and its decisions, as plain HTML forms (POST, redirect, GET).

Thin: who may moderate is `rules.can_moderate`, asked by `access.moderators_only`; what waits is
`selectors.queue_item_list`; every decision is a service that locks the item and checks it is still as the
moderator saw it. Every decision, done or refused, answers with a redirect back to the queue's own address
(with the query it was opened with, at the item): a reload never posts again. A refusal's message and what
the moderator typed wait in the session for that one page load, which shows the message at the item (and on
top, since an item someone else decided may have left the queue). Nothing here shows personal data: names
are public names.
"""

import json
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..access import moderators_only
from ..errors import DecisionsNotSaved, DomainError, PhotoGone
from ..models import Comment, ModerationAction, ModerationState, Photo, Project, Suggestion
from ..models.photos import PHOTO_KEY_LENGTH
from ..selectors.moderation import QUEUE_PAGE, QueueItem
from ..services.moderation import DECISIONS, REASON_REQUIRED, TRANSITIONS, Decision
from ..services.photo_moderation import PHOTO_ACTIONS, PhotoDecision

KINDS = ("suggestion", "comment")
ITEM_KEY = re.compile(r"^((suggestion|comment)-[0-9]+|photo-[A-Za-z0-9_-]{22})$")
BULK_ACTIONS = (ModerationAction.APPROVE, ModerationAction.REJECT, ModerationAction.HIDE)
# One key per decision, for the buttons and the keyboard shortcuts of moderation.js.
SHORTCUTS = {ModerationAction.APPROVE: "a", ModerationAction.HIDE: "h", ModerationAction.UNHIDE: "u"}
# The queue's query string as the forms carry it back; anything longer is not one the queue made.
BACK_MAX = 500
# A refused decision's message and input, kept for the next queue page of that project only; typed text is
# kept up to a few times what may be stored (enough to shorten it, not a way to fill the session).
REFUSED_KEY = "moderation-refused:{pk}"
KEPT_TEXT_MAX = 8000


def _button_label(action: str, state: str) -> str:
    if action == ModerationAction.HIDE and state == ModerationState.HIDDEN:
        return _("Keep hidden")
    return {
        ModerationAction.APPROVE: _("Approve"),
        ModerationAction.REJECT: _("Reject"),
        ModerationAction.HIDE: _("Hide"),
        ModerationAction.UNHIDE: _("Show again"),
        ModerationAction.DISMISS: _("Dismiss reports"),
    }[action]


# ------------------------------------------------------------------------------------------ forms


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    pk = forms.IntegerField(min_value=1)
    seen_state = forms.ChoiceField(choices=ModerationState.choices)
    seen_event = forms.IntegerField(min_value=0, required=False)
    action = forms.ChoiceField(choices=[(a, a) for a in DECISIONS])
    reason = forms.CharField(required=False, strip=True)


class PhotoDecisionForm(forms.Form):
    key = forms.RegexField(regex=r"^[A-Za-z0-9_-]+$", max_length=PHOTO_KEY_LENGTH)
    seen_state = forms.ChoiceField(choices=ModerationState.choices)
    seen_event = forms.IntegerField(min_value=0, required=False)
    reason = forms.CharField(required=False, strip=True)
    # Where the photo was shown (a queue item, or a suggestion's versions page): where the moderator returns.
    item = forms.RegexField(regex=ITEM_KEY, required=False)
    versions = forms.IntegerField(min_value=1, required=False)


class PhotoActionForm(PhotoDecisionForm):
    action = forms.ChoiceField(choices=[(a, a) for a in PHOTO_ACTIONS])


class MergeForm(forms.Form):
    pk = forms.IntegerField(min_value=1)
    seen_state = forms.ChoiceField(choices=ModerationState.choices)
    seen_event = forms.IntegerField(min_value=0, required=False)
    target = forms.IntegerField(
        min_value=1, error_messages={"required": _("Please enter the number of the other suggestion.")}
    )
    reason = forms.CharField(required=False, strip=True)


def _bulk_items(values: list[str]) -> list[Decision]:
    """Checkbox values "kind:pk:seen_state:seen_event", each what the moderator saw of one item."""
    found = []
    for value in values:
        parts = value.split(":")
        if len(parts) != 4 or parts[0] not in KINDS or not parts[1].isdigit() or not parts[3].isdigit():
            continue
        found.append(Decision(parts[0], int(parts[1]), parts[2], int(parts[3])))
    return found


# ------------------------------------------------------------------------------- items of this project


def _in_project(project: Project, kind: str, pk: int) -> bool:
    """Decisions answer only at the item's own project's address, like the queue that offered them."""
    if kind == "comment":
        return Comment.objects.filter(pk=pk, suggestion__project=project).exists()
    return Suggestion.objects.filter(pk=pk, project=project).exists()


def _photo_in_project(project: Project, key: str) -> None:
    """A photo is decided only at its own project's address. A key no photo has any more was removed or
    blurred meanwhile (PhotoGone, said at the item); one of another project's photos is not found here."""
    found = Photo.objects.filter(key=key).values_list("suggestion__project_id", flat=True).first()
    if found is None:
        raise PhotoGone()
    if found != project.pk:
        raise Http404(_("There is no such item in this project."))


def _in_project_only(project: Project, decisions: list[Decision]) -> list[Decision]:
    """The decisions whose items belong to this project: one query per kind, not one per item."""
    wanted = {kind: [d.pk for d in decisions if d.kind == kind] for kind in KINDS}
    found = {
        "suggestion": Suggestion.objects.filter(pk__in=wanted["suggestion"], project=project),
        "comment": Comment.objects.filter(pk__in=wanted["comment"], suggestion__project=project),
    }
    known = {kind: set(found[kind].values_list("pk", flat=True)) if wanted[kind] else set() for kind in KINDS}
    return [d for d in decisions if d.pk in known[d.kind]]


# ------------------------------------------------------------------------------------------ pages


@require_GET
@moderators_only
def moderation_queue(request: HttpRequest, project: Project) -> HttpResponse:
    refused = request.session.pop(REFUSED_KEY.format(pk=project.pk), None) or {}
    return _queue_page(
        request,
        project,
        errors=refused.get("errors"),
        posted=refused.get("posted"),
        bulk_error=refused.get("bulk_error", ""),
    )


def _queue_page(
    request: HttpRequest,
    project: Project,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, dict[str, str | list[str]]] | None = None,
    bulk_error: str = "",
) -> HttpResponse:
    errors = errors or {}
    posted = posted or {}
    items = selectors.queue_item_list(project=project)
    names = _actor_names(items)
    places = selectors.suggestion_place_labels(suggestion_ids=[item.suggestion.pk for item in items])
    states = dict(ModerationState.choices)
    rows = []
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else (items[index - 1] if index else None)
        rows.append(
            {
                "item": item,
                "next": following.key if following else "",
                "kind_label": KIND_LABELS[item.kind],
                "state_label": states.get(item.state, item.state),
                # Where the suggestion (or the commented one) is: "Kaiserstraße 12, Innenstadt-West".
                "place": places.get(item.suggestion.pk, ""),
                "actions": [
                    {
                        "action": action,
                        "label": _button_label(action, item.state),
                        "shortcut": SHORTCUTS.get(action, ""),
                        "danger": action in (ModerationAction.REJECT, ModerationAction.HIDE),
                    }
                    # The queue holds pending items and reported ones, so every decision the state
                    # allows applies (dismissing and confirming need the reports these items have).
                    for action, moves in TRANSITIONS.items()
                    if item.state in moves and item.kind != "photo"
                ],
                "reason_action": _reason_action(item.state),
                "can_merge": item.kind == "suggestion",
                "history": [
                    (event, names.get(event.actor_id, ""), selectors.event_label(event))
                    for event in item.history
                ],
                "photos": [photo_row(photo, states) for photo in item.photos],
                "photo": photo_row(item.photo, states) if item.photo is not None else None,
                "author_suggestions": _by_state(item.author.suggestions, states),
                "author_comments": _by_state(item.author.comments, states),
                "error": errors.pop(item.key, ""),
                "reason": posted.get(item.key, {}).get("reason", ""),
                "target": posted.get(item.key, {}).get("target", ""),
                "bulk_value": f"{item.kind}:{item.pk}:{item.state}:{item.last_event or 0}",
            }
        )
    return render(
        request,
        "participation/moderation/queue.html",
        {
            "project": project,
            "rows": rows,
            "counts": selectors.queue_item_counts(project=project),
            "corrections": selectors.correction_list_recent(project=project),
            # Errors about items no longer in the queue (someone else decided them) are shown on top.
            "other_errors": list(errors.values()),
            "bulk_error": bulk_error,
            "bulk_reason": posted.get("bulk", {}).get("reason", ""),
            "bulk_selected": posted.get("bulk", {}).get("items", []),
            "back": _queue_query(request.GET.urlencode()),
            "queue_config": {
                "area": json.loads(project.area.geojson),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "items": {
                    item.key: {
                        "geometry": json.loads(item.geometry),
                        "colour": item.suggestion.category.colour,
                    }
                    for item in items
                },
            },
        },
    )


KIND_LABELS = {
    "suggestion": gettext_lazy("Suggestion"),
    "comment": gettext_lazy("Comment"),
    "photo": gettext_lazy("Photo"),
}


def photo_row(photo: Photo, states: dict[str, str]) -> dict[str, object]:
    """What a photo's forms carry: what the moderator saw of it (its state and last decision)."""
    history = getattr(photo, "history", [])
    return {
        "photo": photo,
        "last_event": history[-1].pk if history else 0,
        "state_label": states.get(photo.moderation_state, photo.moderation_state),
        "waiting": photo.moderation_state == ModerationState.PENDING,
    }


def _reason_action(state: str) -> str:
    """What Enter in an item's reason field decides: reject what waits, hide what was reported."""
    return ModerationAction.REJECT if state == ModerationState.PENDING else ModerationAction.HIDE


def _by_state(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    return [(labels.get(state, state), n) for state, n in sorted(counts.items()) if n]


def _actor_names(items: list[QueueItem]) -> dict[int | None, str]:
    """Each decision's author named once per page, not once per event."""
    actors = {event.actor_id for item in items for event in item.history}
    return {actor: selectors.actor_name_get(actor) for actor in actors}


@require_POST
@moderators_only
def moderation_decide(request: HttpRequest, project: Project) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        key = f"{request.POST.get('kind')}-{request.POST.get('pk')}"
        return _refused(request, project, key, errors={key: _("This decision could not be read.")})
    data = form.cleaned_data
    key = f"{data['kind']}-{data['pk']}"
    if not _in_project(project, data["kind"], data["pk"]):
        raise Http404(_("There is no such item in this project."))
    decision = Decision(data["kind"], data["pk"], data["seen_state"], data["seen_event"])
    try:
        event = services.item_decide(
            actor=request.user, decision=decision, action=data["action"], reason=data["reason"]
        )
    except DomainError as error:
        return _refused(
            request, project, key, errors={key: error.message}, posted={key: {"reason": data["reason"]}}
        )
    messages.success(request, _("%(item)s: %(decision)s.") % _done(data["kind"], data["pk"], event.action))
    return _back_to_queue(request, project, request.POST.get("next", ""))


@require_POST
@moderators_only
def moderation_bulk(request: HttpRequest, project: Project) -> HttpResponse:
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()
    decisions = _in_project_only(project, _bulk_items(request.POST.getlist("items")))
    problem = ""
    if action not in BULK_ACTIONS:
        problem = _("Please choose a decision for the selected items.")
    elif not decisions:
        problem = _("Please select at least one item.")
    elif action in REASON_REQUIRED and not reason:  # said once for the whole selection, not per item
        problem = _("Please give a reason for rejecting: the authors will read it.")
    # The selection is kept as ticked, so a refused bulk decision is repaired, not redone.
    posted = {"bulk": {"reason": reason, "items": request.POST.getlist("items")[:QUEUE_PAGE]}}
    if problem:
        return _refused(request, project, "", bulk_error=problem, posted=posted)
    try:
        outcomes = services.items_decide(
            actor=request.user, decisions=decisions, action=action, reason=reason
        )
    except DecisionsNotSaved as error:  # rolled back as a whole: the selection is still as it was
        return _refused(request, project, "", bulk_error=error.message, posted=posted)
    done = sum(1 for outcome in outcomes if outcome.event is not None)
    if done:
        messages.success(
            request,
            ngettext("%(count)s item decided: %(decision)s.", "%(count)s items decided: %(decision)s.", done)
            % {"count": done, "decision": ModerationAction(action).label},
        )
    for outcome in outcomes:
        if outcome.error is not None:
            messages.error(
                request,
                _("%(item)s was not changed: %(message)s")
                % {
                    "item": _item_name(outcome.decision.kind, outcome.decision.pk),
                    "message": outcome.error.message,
                },
            )
    return _back_to_queue(request, project, "")


@require_POST
@moderators_only
def moderation_merge(request: HttpRequest, project: Project) -> HttpResponse:
    form = MergeForm(request.POST)
    key = f"suggestion-{request.POST.get('pk')}"
    posted = {key: {"target": request.POST.get("target", "")[:12]}}
    if not form.is_valid():
        message = form.errors.get("target", [_("This decision could not be read.")])[0]
        return _refused(request, project, key, errors={key: message}, posted=posted)
    data = form.cleaned_data
    if not _in_project(project, "suggestion", data["pk"]):
        raise Http404(_("There is no such item in this project."))
    try:
        services.suggestion_merge(
            actor=request.user,
            suggestion_id=data["pk"],
            target_id=data["target"],
            seen_state=data["seen_state"],
            seen_event=data["seen_event"],
            reason=data["reason"],
        )
    except DomainError as error:
        return _refused(request, project, key, errors={key: error.message}, posted=posted)
    messages.success(
        request,
        _("Suggestion no. %(pk)s was merged into suggestion no. %(target)s.")
        % {"pk": data["pk"], "target": data["target"]},
    )
    return _back_to_queue(request, project, request.POST.get("next", ""))


PHOTO_DONE = {
    ModerationAction.APPROVE: gettext_lazy("The photo was approved: it is public now."),
    ModerationAction.REJECT: gettext_lazy("The photo was removed and deleted."),
}


@require_POST
@moderators_only
def moderation_photo_decide(request: HttpRequest, project: Project) -> HttpResponse:
    """Approve or remove one photo, as a plain form (without JavaScript too)."""
    form = PhotoActionForm(request.POST)
    item = request.POST.get("item", "")
    item = item if ITEM_KEY.match(item) else ""
    if not form.is_valid():
        return _refused(request, project, item, errors={item: _("This decision could not be read.")})
    data = form.cleaned_data
    try:
        _photo_in_project(project, data["key"])
        event = services.photo_decide(
            actor=request.user,
            decision=PhotoDecision(data["key"], data["seen_state"], data["seen_event"]),
            action=data["action"],
            reason=data["reason"],
        )
    except DomainError as error:
        versions = _versions_url(project, data.get("versions"))
        if versions:
            messages.error(request, error.message)
            return HttpResponseRedirect(versions, status=303)
        return _refused(request, project, item, errors={item: error.message})
    messages.success(request, str(PHOTO_DONE[event.action]))
    versions = _versions_url(project, data.get("versions"))
    if versions:
        return HttpResponseRedirect(versions)
    # A photo item is gone from the queue once decided: back at the next one; else at the item it was in.
    back_at = request.POST.get("next", "") if item.startswith("photo-") else item
    return _back_to_queue(request, project, back_at)


def _versions_url(project: Project, pk: int | None) -> str:
    """A suggestion's versions page, where its photos were decided on, if it is one of this project's."""
    if pk is None or not Suggestion.objects.filter(pk=pk, project=project).exists():
        return ""
    return reverse("participation:moderation-versions", kwargs={"slug": project.slug, "pk": pk}) + "#photos"


@require_POST
@moderators_only
def moderation_photo_blur(request: HttpRequest, project: Project) -> HttpResponse:
    """Blur regions of one photo. The blur dialog (blur.js, on the queue and a suggestion's versions page)
    posts here and reads the answer as JSON: on success where to go (back where the photo was shown, now
    under its new key), else the message to show in the dialog, with the error's status (400 for regions
    it cannot blur, 409 for a photo removed or changed meanwhile)."""
    form = PhotoDecisionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"message": _("This decision could not be read.")}, status=400)
    data = form.cleaned_data
    try:
        regions = json.loads(request.POST.get("regions", ""))
    except ValueError:
        regions = None
    try:
        _photo_in_project(project, data["key"])
        photo, _event = services.photo_blur(
            actor=request.user,
            decision=PhotoDecision(data["key"], data["seen_state"], data["seen_event"]),
            regions=regions,
            reason=data["reason"],
        )
    except DomainError as error:
        return JsonResponse(
            {"message": error.message, "code": error.code, "field": error.field}, status=error.status_code
        )
    messages.success(
        request, _("The regions were blurred. The photo has a new address; the old one is gone.")
    )
    versions = _versions_url(project, data.get("versions"))
    if versions:
        return JsonResponse({"location": versions})
    # A photo item is named by the photo's key, which is new now.
    item = f"photo-{photo.key}" if data["item"].startswith("photo-") else data["item"]
    return JsonResponse({"location": _queue_url(request, project, f"item-{item}" if item else "")})


def _item_name(kind: str, pk: int) -> str:
    if kind == "comment":
        return _("Comment no. %(pk)s") % {"pk": pk}
    return _("Suggestion no. %(pk)s") % {"pk": pk}


def _done(kind: str, pk: int, action: str) -> dict[str, str]:
    return {"item": _item_name(kind, pk), "decision": ModerationAction(action).label}


def _queue_query(raw: str) -> str:
    """The queue's query string, parsed and encoded again: only the query of our own queue address can come
    out of it, never another path or host, a header break or a fragment."""
    if len(raw) > BACK_MAX:
        return ""
    return QueryDict(raw).urlencode()


def _queue_url(request: HttpRequest, project: Project, anchor: str) -> str:
    """The queue as the moderator had it open (its query from the form's `back` field), at `anchor`."""
    url = reverse("participation:moderation-queue", kwargs={"slug": project.slug})
    query = _queue_query(request.POST.get("back", ""))
    if query:
        url += f"?{query}"
    return f"{url}#{anchor}" if anchor else url


def _back_to_queue(request: HttpRequest, project: Project, next_key: str) -> HttpResponse:
    """Back to the queue, at the item after the decided one, so the moderator keeps their place."""
    anchor = f"item-{next_key}" if ITEM_KEY.match(next_key) else ""
    return HttpResponseRedirect(_queue_url(request, project, anchor))


def _refused(
    request: HttpRequest,
    project: Project,
    key: str,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, dict[str, str | list[str]]] | None = None,
    bulk_error: str = "",
) -> HttpResponse:
    """A decision that was not taken: back to the queue's address at the item (or at the bulk form), with
    the message and what was typed kept for that one page load (Post/Redirect/Get, so a reload does not post
    the refused decision again)."""
    kept = {
        key: {
            name: value[:KEPT_TEXT_MAX] if isinstance(value, str) else value for name, value in fields.items()
        }
        for key, fields in (posted or {}).items()
    }
    request.session[REFUSED_KEY.format(pk=project.pk)] = {
        "errors": errors or {},
        "posted": kept,
        "bulk_error": bulk_error,
    }
    anchor = f"item-{key}" if ITEM_KEY.match(key) else "bulk-form"
    return HttpResponseRedirect(_queue_url(request, project, anchor), status=303)
