"""The moderators' page of one suggestion's versions: what it says now and every version an author's
correction replaced, with the places on a map, and the suggestion's history. Read-only; the decisions stay
in the queue. Who may see it is the queue's rule (`access.moderators_only`)."""

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import selectors
from ..access import moderators_only
from ..models import ModerationState, Project, Suggestion
from ..selectors.versions import suggestion_version_list
from .moderation import photo_row


@require_GET
@never_cache
@moderators_only
def suggestion_versions_page(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    suggestion = (
        Suggestion.objects.select_related("category", "merged_into").filter(pk=pk, project=project).first()
    )
    if suggestion is None:
        raise Http404(_("There is no suggestion with this number."))
    versions = suggestion_version_list(suggestion=suggestion)
    history = selectors.moderation_event_list(suggestion=suggestion)
    states = dict(ModerationState.choices)
    photos = [
        photo_row(photo, states) for photo in selectors.photo_list_for_moderators(suggestion=suggestion)
    ]
    names = {e.actor_id: selectors.actor_name_get(e.actor_id) for e in history}
    return render(
        request,
        "participation/moderation/versions.html",
        {
            "project": project,
            "suggestion": suggestion,
            "state_label": dict(ModerationState.choices).get(suggestion.moderation_state, ""),
            "versions": versions,
            "photos": photos,
            "history": [(event, names[event.actor_id], selectors.event_label(event)) for event in history],
            "versions_config": {
                "area": json.loads(project.area.geojson),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "colour": suggestion.category.colour,
                "current": json.loads(suggestion.geom.json),
                "previous": [json.loads(v.geom.json) for v in versions if not v.same_place],
            },
        },
    )
