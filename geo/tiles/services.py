"""Writes of the tile cache. The cache's deletions are PostgreSQL's (tile_cache_trigger.sql); Python
only stores what it built and, for repair, forgets."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from geo.models import TileCache
from geo.sql import SQL

from ..core.grid import TileAddress
from .selectors import BuiltTile


def tile_cache_store(*, project_id: int, tile: TileAddress, built: BuiltTile) -> bool:
    """Keep `built` for the next requests, unless the project's data changed since it was built (then the
    next request builds it again). True if it was stored.

    A write, so on the primary (`django.db.connection`) even when the tile was built on a replica; in its
    own statement, hence its own short transaction under autocommit. See tile_cache_store.sql for why a
    stored tile can never be stale."""
    params = {
        "project_id": project_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "layer": built.layer,
        "etag": built.etag,
        "mvt": built.mvt,
        "generation": built.generation,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("tile_cache_store"), params)
        return cursor.rowcount == 1


def tile_cache_purge(*, project_id: int | None = None) -> None:
    """Forget the cached tiles of one project (or of all); they are built again when asked for."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("tile_cache_purge"), {"project_id": project_id})


def tile_cache_expire(*, older_than: timedelta) -> int:
    """Delete cached tiles built longer ago than `older_than`, so the cache holds what is asked for lately and
    not every tile anyone ever asked for. Safe at any time (a cached tile is only ever a copy, see
    TileCache); returns how many were deleted."""
    deleted, _kinds = TileCache.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
