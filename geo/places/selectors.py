"""Place search: what the search box finds for a text (geo/sql/place_search.sql), and, only when the project's
own gazetteer finds nothing and a fallback geocoder is configured, what that finds (geo.places.fallback)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from geo.sql import SQL
from participation.errors import ProjectNotFound
from participation.models import Project

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


def place_search(*, slug: str, text: str, limit: int = LIMIT_DEFAULT) -> list[PlaceFound]:
    """The places of the public project `slug` for `text`, best first (see place_search.sql for the order), at
    most `limit`; ProjectNotFound if no public project has that slug. A text without a letter or digit finds
    nothing."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("place_search"), {"slug": slug, "q": text, "limit": limit})
        rows = cursor.fetchall()
    found = [
        PlaceFound(kind, label, lon, lat, list(bbox) if bbox else None, inside, "gazetteer")
        for _id, kind, label, _street, _number, _postcode, lon, lat, bbox, inside in rows
    ]
    if found:
        return found
    # Nothing found, or no such project: only this rarer answer asks for the project on its own.
    project_id = public_project_id(slug)
    # Only a text with a letter or digit goes out (the same rule as our key's: emoji alone find nothing).
    if settings.PLACE_SEARCH_FALLBACK_URL and any(ch.isalnum() for ch in text):
        return [
            PlaceFound(p["kind"], p["label"], p["lon"], p["lat"], p["bbox"], False, "fallback")
            for p in fallback_search(project_id=project_id, text=text, limit=limit)
        ]
    return []


def public_project_id(slug: str) -> int:
    """The id of the public project `slug`, or ProjectNotFound."""
    project_id = Project.objects.filter(slug=slug, is_public=True).values_list("pk", flat=True).first()
    if project_id is None:
        raise ProjectNotFound()
    return project_id
