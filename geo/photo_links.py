"""The absolute URLs of published photos in the GIS channels (exports, OGC API): geo/fields.py's `photo_1`
… `photo_3`, and the KML balloon's thumbnails.

PostgreSQL writes them from Suggestion.photo_keys (the keys of a suggestion's published photos in their
order, kept by a trigger), so no row needs a join: a link is `photo_url || key || photo_full`, the pieces
bound as parameters. The base is settings.SITE_URL, the site's public address that links in mails use, not
the request's host: an export is often written by the worker, outside any request, and a file handed on
must link the public site whichever address the planner happened to use.
"""

from django.conf import settings
from django.urls import reverse

# A key of the photo URL's form ([A-Za-z0-9_-]{22}), replaced by the real keys in SQL.
_SAMPLE_KEY = "K" * 22


def _pieces(rendition: str) -> tuple[str, str]:
    path = reverse("api:photo-file", kwargs={"key": _SAMPLE_KEY, "rendition": rendition})
    before, after = path.split(_SAMPLE_KEY)
    return settings.SITE_URL + before, after


def photo_url_params() -> dict[str, str]:
    """`photo_url` (the absolute URL up to the key), `photo_full` and `photo_small` (what follows the key for
    the full rendition and the thumbnail), for the SQL of the exports and the OGC API; and `photo_csv_url`,
    `photo_csv_full`, the same link's pieces as one CSV cell (export_csv.sql)."""
    url, full = _pieces("full")
    small_url, small = _pieces("small")
    if small_url != url:
        raise RuntimeError("The photo URLs must differ only after the key.")
    csv_url, csv_full = _csv_cell(url, full)
    return {
        "photo_url": url,
        "photo_full": full,
        "photo_small": small,
        "photo_csv_url": csv_url,
        "photo_csv_full": csv_full,
    }


def _csv_cell(before: str, after: str) -> tuple[str, str]:
    """A link's pieces quoted as COPY … (FORMAT csv) quotes a cell (pm_csv_cell): the key between them is
    [A-Za-z0-9_-], so only the site's address can make the cell need quotes. Deciding it once here spares
    every line a function call (measured: pm_csv_cell on three links made a 1.1 M-line CSV 28 % slower)."""
    if any(character in before + after for character in ',"\r\n'):
        return '"' + before.replace('"', '""'), after.replace('"', '""') + '"'
    return before, after
