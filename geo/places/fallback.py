"""The optional fallback geocoder (settings.PLACE_SEARCH_FALLBACK_URL: a Photon `/api` or a Nominatim
`/search` URL), off unless set. Asked by this server, never by the browser, and only when the project's own
gazetteer found nothing: the third party sees the search text and this server's address, not the visitor's.
Biased to the project's area. Anything it answers that is not what we expect, or no answer in time, is
"nothing found": the search box never fails because of it.
"""

import json
import logging
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings

from participation.models import Project

log = logging.getLogger(__name__)
MAX_BYTES = 512 * 1024


def fallback_host() -> str:
    """The fallback's host name, for the privacy statement; empty when there is none."""
    url = settings.PLACE_SEARCH_FALLBACK_URL
    return (urlsplit(url).hostname or "") if url else ""


def fallback_search(*, project_id: int, text: str, limit: int) -> list[dict[str, Any]]:
    """Places for `text` from the fallback: dicts with kind, label, lon, lat, bbox."""
    url = settings.PLACE_SEARCH_FALLBACK_URL
    area = Project.objects.filter(pk=project_id).values_list("area", flat=True).first()
    xmin, ymin, xmax, ymax = area.extent if area is not None else (-180.0, -90.0, 180.0, 90.0)
    nominatim = urlsplit(url).path.rstrip("/").endswith(("/search", "/search.php"))
    if nominatim:
        params = {
            "q": text,
            "format": "jsonv2",
            "limit": limit,
            "viewbox": f"{xmin},{ymax},{xmax},{ymin}",
            "bounded": 1,
        }
    else:
        params = {"q": text, "limit": limit, "bbox": f"{xmin},{ymin},{xmax},{ymax}"}
    request = Request(  # noqa: S310 (the administrator's URL, http or https, never the visitor's)
        f"{url}{'&' if '?' in url else '?'}{urlencode(params)}",
        headers={"Accept": "application/json", "User-Agent": "participation-map place search"},
    )
    try:
        with urlopen(request, timeout=settings.PLACE_SEARCH_FALLBACK_SECONDS) as response:  # noqa: S310
            data = json.loads(response.read(MAX_BYTES + 1)[:MAX_BYTES])
        places = _nominatim(data) if nominatim else _photon(data)
    except (URLError, OSError, ValueError, TypeError, KeyError, IndexError) as error:
        log.warning("place search fallback failed: %s", error)
        return []
    return places[:limit]


def _photon(data: Any) -> list[dict[str, Any]]:
    places = []
    for feature in data["features"]:
        properties = feature.get("properties") or {}
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        street, number, name = properties.get("street"), properties.get("housenumber"), properties.get("name")
        label = f"{street} {number}" if street and number else str(name or street or "")
        extent = properties.get("extent")  # minlon, maxlat, maxlon, minlat
        bbox = [float(extent[0]), float(extent[3]), float(extent[2]), float(extent[1])] if extent else None
        kind = "address" if number else "street" if properties.get("osm_key") == "highway" else "place"
        if label:
            places.append({"kind": kind, "label": label[:300], "lon": lon, "lat": lat, "bbox": bbox})
    return places


def _nominatim(data: Any) -> list[dict[str, Any]]:
    places = []
    for item in data:
        box = item.get("boundingbox")  # minlat, maxlat, minlon, maxlon
        bbox = [float(box[2]), float(box[0]), float(box[3]), float(box[1])] if box else None
        label = str(item.get("display_name") or item.get("name") or "")
        kind = "street" if item.get("category") == "highway" else "place"
        if label:
            places.append(
                {
                    "kind": kind,
                    "label": label[:300],
                    "lon": float(item["lon"]),
                    "lat": float(item["lat"]),
                    "bbox": bbox,
                }
            )
    return places
