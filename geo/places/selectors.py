"""Place search: what the search box finds for a text (geo/sql/place_search.sql), and, only when the project's
own gazetteer finds nothing and a fallback geocoder is configured, what that finds (geo.places.fallback)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from geo.sql import SQL
from participation import rules
from participation.errors import ProjectNotFound
from participation.models import Project
from participation.participants import Actor

from .fallback import fallback_search

LIMIT_DEFAULT = 8
LIMIT_MAX = 20


@dataclass(frozen=True, slots=True)
class PlaceFound:
    kind: str  # street, address, district, place
    label: str
    lon: float
    lat: float
    bbox: list[float] | None  # minlon, minlat, maxlon, maxlat; None for a point (an address, a place)
    inside: bool  # inside the project's area
    source: str  # "gazetteer" or "fallback"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "point": [self.lon, self.lat],
            "bbox": self.bbox,
            "inside": self.inside,
            "source": self.source,
        }


def place_search(*, slug: str, text: str, user: Actor, limit: int = LIMIT_DEFAULT) -> list[PlaceFound]:
    """The places of the project `slug` for `text`, best first (see place_search.sql for the order), at most
    `limit`; ProjectNotFound if there is no such project this person may search (`searchable_project`). A
    text without a letter or digit finds nothing."""
    # A public project's search is this one statement (the box asks at every pause in typing).
    found = _gazetteer(slug=slug, text=text, limit=limit, public=True)
    if found:
        return found
    # Nothing found, or no such public project: only this rarer answer asks for the project on its own.
    project = searchable_project(slug=slug, user=user)
    if not project.is_public:
        found = _gazetteer(slug=slug, text=text, limit=limit, public=False)
        if found:
            return found
    # Only a text with a letter or digit goes out (the same rule as our key's: emoji alone find nothing).
    if settings.PLACE_SEARCH_FALLBACK_URL and any(ch.isalnum() for ch in text):
        return [
            PlaceFound(p["kind"], p["label"], p["lon"], p["lat"], p["bbox"], False, "fallback")
            for p in fallback_search(project_id=project.pk, text=text, limit=limit)
        ]
    return []


def searchable_project(*, slug: str, user: Actor) -> Project:
    """The project `slug` if this person may search its places (rules.may_search_places: everyone a public
    one's, its staff and the admin's editors one being set up), else ProjectNotFound."""
    project = Project.objects.filter(slug=slug).only("pk", "is_public").first()
    if project is None or not rules.may_search_places(user, project):
        raise ProjectNotFound()
    return project


def _gazetteer(*, slug: str, text: str, limit: int, public: bool) -> list[PlaceFound]:
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("place_search"), {"slug": slug, "public": public, "q": text, "limit": limit})
        rows = cursor.fetchall()
    return [
        PlaceFound(kind, label, lon, lat, list(bbox) if bbox else None, inside, "gazetteer")
        for _id, kind, label, _street, _number, _postcode, lon, lat, bbox, inside in rows
    ]
