"""Writes of the tile cache. The cache's deletions are PostgreSQL's (tile_cache_trigger.sql); Python
only stores what it built and, for repair, forgets."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from geo.models import ContextTileCache, TileCache
from geo.sql import SQL

from ..core.grid import TileAddress
from .selectors import BuiltLayerTile, BuiltTile


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
    cutoff = timezone.now() - older_than
    deleted, _kinds = TileCache.objects.filter(created_at__lt=cutoff).delete()
    layer_tiles, _kinds = ContextTileCache.objects.filter(created_at__lt=cutoff).delete()
    return deleted + layer_tiles


def layer_tile_cache_store(*, layer_id: int, tile: TileAddress, built: BuiltLayerTile) -> bool:
    """Keep a context layer's `built` tile, unless an import of the layer committed since it was built (or
    is still open). True if it was stored. On the primary, in its own statement; see
    context_tile_cache_store.sql."""
    params = {
        "layer_id": layer_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "etag": built.etag,
        "mvt": built.mvt,
        "generation": built.generation,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("context_tile_cache_store"), params)
        return cursor.rowcount == 1


def layer_tile_cache_forget(*, layer_id: int) -> None:
    """Forget a layer's cached tiles because its features are being replaced. Call it inside the replacing
    transaction, after the layer's row lock (geo.layers.imports does): its generation stays locked until
    that transaction ends, so no tile of the old or half-written features is stored meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("context_tile_generation_bump"), {"layer_id": layer_id})
        cursor.execute(SQL.load("context_tile_cache_forget"), {"layer_id": layer_id})
