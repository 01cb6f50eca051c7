"""Where suggestions are, in words, for the staff pages that list them (issue 24): one query per page; and
whether a project has a gazetteer to search, for the project admin's place search.

The labels are geo's derived data (geo_suggestion_place, kept exact by PostgreSQL for every new or moved
suggestion and every new gazetteer); participation reads the table through its own SQL file, as it reads
geo's cluster cells for the hotspots, and imports nothing of geo's read path.
"""

from collections.abc import Iterable

from django.db import connection

from ..sql import SQL


def suggestion_place_labels(*, suggestion_ids: Iterable[int]) -> dict[int, str]:
    """{suggestion id: "Kaiserstraße 12, Innenstadt-West"} for those of the ids that have a label."""
    ids = sorted(set(suggestion_ids))
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("suggestion_places"), {"ids": ids})
        return dict(cursor.fetchall())


def project_has_places(*, project_id: int) -> bool:
    """Whether the project's gazetteer holds any street, address, district or place."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("project_has_places"), {"project": project_id})
        return bool(cursor.fetchone()[0])
