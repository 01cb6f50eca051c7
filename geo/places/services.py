"""Building a project's gazetteer (geo.places.models.Place) from what the project has: its street network's
edge names and its districts layers; the imported addresses (geo.places.imports) stay. In SQL, one statement
per source (geo/sql/place_build_*.sql), in one transaction: the search sees the old rows until the new ones
are committed.

Runs after each network import (the `network_replaced` signal, geo.places.receivers), after each import of a
districts layer (geo.layers.imports), after each address import, and by `manage.py build_places`.
"""

from django.db import connection, transaction

from geo.sql import SQL


def places_build(*, project_id: int) -> dict[str, int]:
    """Make the project's streets and districts again from its network and districts layers; the figures
    (rows per kind afterwards)."""
    with transaction.atomic():
        return places_build_in_transaction(project_id=project_id)


def places_build_in_transaction(*, project_id: int) -> dict[str, int]:
    """places_build's work, for a caller that holds a transaction (the address import) and may still take it
    all back."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("place_build_lock"), {"project": project_id})
        cursor.execute(SQL.load("place_build_forget"), {"project": project_id})
        cursor.execute(SQL.load("place_build_insert"), {"project": project_id})
        cursor.execute(SQL.load("place_build_derived"), {"project": project_id})
        # Every suggestion's label from the new gazetteer (place_label_trigger.sql keeps them exact after).
        cursor.execute(SQL.load("place_labels_rebuild"), {"project": project_id})
        cursor.execute(SQL.load("place_counts"), {"project": project_id})
        counts = dict(cursor.fetchall())
    return {
        "streets": counts.get("street", 0),
        "addresses": counts.get("address", 0),
        "districts": counts.get("district", 0),
        "places": counts.get("place", 0),
    }
