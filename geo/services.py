"""Changes to geo's own data. The cluster aggregate is kept by a trigger; this is its repair path."""

from django.db import connection, transaction

from .sql import SQL
from .tiles.services import tile_cache_purge


@transaction.atomic
def cluster_rebuild(*, project_id: int | None = None) -> int:
    """Recompute the cluster cells of one project (or of all), returning the number of cells written.

    Needed only for repair and after bulk loads with the trigger disabled: in normal operation the trigger
    keeps the cells exact. Concurrent writers wait for the rebuild's commit (see cluster_rebuild.sql).
    """
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("cluster_rebuild"), {"project_id": project_id})
        # The file holds LOCK, DELETE, INSERT: the last result is the INSERT's.
        while cursor.nextset():
            pass
        cells = cursor.rowcount
    # Cluster tiles are built from the cells: those of the rebuilt projects go.
    tile_cache_purge(project_id=project_id)
    return cells
