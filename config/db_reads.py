"""Which database connection serves the heavy reads: the map, tiles, exports and the OGC API.

Every heavy read takes its connection from `heavy_reads()` rather than `django.db.connection`, so that the
choice between the primary and a streaming replica is made in this one place.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def heavy_read_alias() -> str:
    """The database alias for a heavy read in the current request."""
    return DEFAULT_DB_ALIAS


def heavy_reads() -> BaseDatabaseWrapper:
    """The connection for a heavy read in the current request."""
    return connections[heavy_read_alias()]
