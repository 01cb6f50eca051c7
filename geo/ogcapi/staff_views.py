"""The staff collections' resources (`<slug>-points-staff`, `-lines-staff`, `-areas-staff`): a project's
suggestions in every moderation state its reader may see, with the internal fields, for the project's
planners and moderators. geo/ogcapi/kinds.py registers them as a kind whose collections exist per reader.

The resources are the public suggestion collections' (suggestion_views.py) with the staff reads
(staff_selectors.py), so they take the same parameters and answer in the same shapes. Every answer about a
staff collection's id is private (geo/ogcapi/staff_access.py); to anyone who may not read it the collection
does not exist: the 404 of an unknown collection, the same body.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from participation.models import GeometryKind, ModerationState

from . import staff_access, staff_selectors, suggestion_views
from .staff_selectors import StaffCollection

_KIND_TITLES = {
    GeometryKind.POINT: lambda project: (
        _("%(project)s: every suggestion drawn as a point, for staff") % {"project": project}
    ),
    GeometryKind.LINE: lambda project: (
        _("%(project)s: every suggestion drawn as a line, for staff") % {"project": project}
    ),
    GeometryKind.POLYGON: lambda project: (
        _("%(project)s: every suggestion drawn as an area, for staff") % {"project": project}
    ),
}


def collection_title(collection: StaffCollection) -> str:
    return _KIND_TITLES[collection.kind](collection.project.title)


def _description(collection: StaffCollection) -> str:
    states = ", ".join(str(ModerationState(state).label) for state in collection.states)
    return _(
        "For the project's planners and moderators only: the suggestions of “%(project)s” in the categories "
        "%(categories)s, in the moderation states %(states)s, with their internal fields (moderation state, "
        "open reports, nearest facility, district, place)."
    ) % {
        "project": collection.project.title,
        "categories": ", ".join(f"{c.label} ({c.key})" for c in collection.categories),
        "states": states,
    }


# ------------------------------------------------------------------------------------- the kind's reads
def listing(request: HttpRequest) -> list[StaffCollection]:
    """The staff collections the request's reader may read; the list of collections then depends on who
    reads, and is private when it holds any."""
    staff_access.varies_by_reader(request)
    found = staff_selectors.staff_collection_list(reader=staff_access.reader(request))
    if found:
        staff_access.private(request)
    return found


def find(collection_id: str, request: HttpRequest | None = None) -> StaffCollection | None:
    """The staff collection with this id if the request's reader may read it, else None. Ids of another
    shape are not looked at; without a request (a public lookup) there are none."""
    if request is None or not staff_selectors.is_staff_id(collection_id):
        return None
    staff_access.private(request)
    return staff_selectors.staff_collection_find(collection_id, reader=staff_access.reader(request))


def listing_row(collection: StaffCollection) -> tuple[str, str]:
    return collection_title(collection), ", ".join(c.label for c in collection.categories)


# ---------------------------------------------------------------------------------------- the resources
def collection_json(request: HttpRequest, collection: StaffCollection) -> dict[str, Any]:
    body = suggestion_views.collection_json(request, collection)  # type: ignore[arg-type]
    return {**body, "title": collection_title(collection), "description": _description(collection)}


def collection_page(request: HttpRequest, collection: StaffCollection) -> HttpResponse:
    return suggestion_views.collection_page(
        request,
        collection,  # type: ignore[arg-type]
        title=collection_title(collection),
        description=_description(collection),
    )


def items(request: HttpRequest, collection: StaffCollection, *, html: bool) -> HttpResponse:
    return suggestion_views.items(
        request,
        collection,  # type: ignore[arg-type]
        html=html,
        page_of=staff_selectors.staff_item_page,
        title=collection_title(collection),
        staff=True,
    )


def item(request: HttpRequest, collection: StaffCollection, feature_id: str, *, html: bool) -> HttpResponse:
    return suggestion_views.item(
        request,
        collection,  # type: ignore[arg-type]
        feature_id,
        html=html,
        get=staff_selectors.staff_item_get,
        title=collection_title(collection),
    )


def queryables(request: HttpRequest, collection: StaffCollection, *, html: bool) -> HttpResponse:
    return suggestion_views.queryables(
        request,
        collection,  # type: ignore[arg-type]
        html=html,
        found=staff_selectors.staff_queryables(collection),
        title=collection_title(collection),
    )
