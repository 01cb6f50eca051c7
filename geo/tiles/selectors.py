"""Reads of vector tiles: the cache, and a tile built afresh in PostGIS. Both on the heavy-read connection.

Which layer a tile holds (its `mode`), decided from the zoom and the cluster cells' counts, which are cheap
whatever the number of suggestions; a tile never reads raw rows where there are too many:
* zoom 0..16: the cells of the tile's zoom inside the tile (4 x 4 cells of 64 px). If they count more than
  FEATURE_THRESHOLD published suggestions, the tile is layer `clusters`: one point per cell with `count`
  and one attribute per category key. Otherwise layer `suggestions`: the suggestions themselves.
* zoom 17..22: always `suggestions` (cells end at zoom 16, and a cluster per 128-px cell tells nothing).
* Every `suggestions` tile is bounded, at any zoom: at most MAX_FEATURES features and at most
  MAX_FEATURE_BYTES of estimated encoded size, lowest ids first. Only a hotspot denser than that within one
  tile of zoom 17 or more (over 3,000 suggestions on ~300 x 200 m at zoom 17 in Karlsruhe) is cut; below
  zoom 17 such a place is already clusters. The cut is deterministic, so the tile and its ETag are stable.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from config.db_reads import heavy_reads
from geo.core.grid import CLUSTER_MAX_ZOOM, WEB_MERCATOR_HALF
from geo.layers.models import ContextLayer
from geo.layers.selectors import context_layer_list
from geo.models import TileLayer
from geo.network.models import StreetNetwork
from geo.sql import SQL
from participation.models import Category, Project

from ..core.grid import TileAddress, cell_range

# MVT tile coordinates: 4096 units per tile side (PostGIS's default), lines and areas clipped 64 units
# (1/64 of the tile) outside it so that QGIS draws them across tile edges without gaps.
EXTENT = 4096
BUFFER = 64
# A tile whose cells count more published suggestions than this gets clusters (zoom <= 16).
FEATURE_THRESHOLD = 1000
# The hard bounds of a `suggestions` tile, whatever the zoom and density.
MAX_FEATURES = 3000
# Estimated from each feature's title bytes, 6 bytes per vertex after clipping and FEATURE_OVERHEAD for
# the id, the other attributes and the feature's framing; tests/geo/test_tiles.py checks that tiles stay
# under TILE_MAX_BYTES in a dense hotspot of titles of the longest kind.
MAX_FEATURE_BYTES = 400_000
FEATURE_OVERHEAD = 40
TILE_MAX_BYTES = 500_000


@dataclass(frozen=True, slots=True)
class CachedTile:
    layer: str
    etag: str
    mvt: bytes | None  # None when the client already holds this ETag


@dataclass(frozen=True, slots=True)
class TileLookup:
    project_id: int | None  # None: no public project of that slug
    cached: CachedTile | None


@dataclass(frozen=True, slots=True)
class BuiltTile:
    layer: str
    etag: str
    mvt: bytes
    truncated: bool  # features were left out to keep the tile bounded
    generation: int  # the project's tile generation in the snapshot the tile was built from


def tile_lookup(*, slug: str, tile: TileAddress, known_etags: Sequence[str] = ()) -> TileLookup:
    """The public project of `slug` and its cached `tile`, in one query."""
    params = {"slug": slug, "z": tile.z, "x": tile.x, "y": tile.y, "known_etags": list(known_etags)}
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("tile_cache_lookup"), params)
        row = cursor.fetchone()
    if row is None:
        return TileLookup(project_id=None, cached=None)
    project_id, layer, etag, mvt = row
    if layer is None:
        return TileLookup(project_id=project_id, cached=None)
    return TileLookup(
        project_id=project_id,
        cached=CachedTile(layer=layer, etag=etag, mvt=bytes(mvt) if mvt is not None else None),
    )


def tile_build(*, project_id: int, tile: TileAddress) -> BuiltTile:
    """The tile as PostGIS builds it from the cluster cells or the published suggestions (see the module
    docstring for which), in one statement."""
    cells = cell_range(tile)
    params = {
        "project_id": project_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "extent": EXTENT,
        "buffer": BUFFER,
        "margin": BUFFER / EXTENT,
        "cell_zoom": cells.zoom,
        "cell_x0": cells.x0,
        "cell_x1": cells.x1,
        "cell_y0": cells.y0,
        "cell_y1": cells.y1,
        "clusters_allowed": tile.z <= CLUSTER_MAX_ZOOM,
        "feature_threshold": FEATURE_THRESHOLD,
        "max_features": MAX_FEATURES,
        "max_bytes": MAX_FEATURE_BYTES,
        "feature_overhead": FEATURE_OVERHEAD,
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("tile_mvt"), params)
        mode, generation, truncated, etag, mvt = cursor.fetchone()
    mvt = bytes(mvt)
    return BuiltTile(
        layer=mode if mvt else TileLayer.EMPTY,
        etag=etag,
        mvt=mvt,
        truncated=truncated,
        generation=generation,
    )


# ------------------------------------------------------------------------------------------- context layers
# A context layer's tile (geo/sql/context_tile_mvt.sql): points thinned to one per cell of 8 pixels up to
# zoom 13 (the map draws them as 7-11 px dots there: a 100,000-point layer then gives at most 32 x 32 per
# tile, well under MAX_FEATURES), 4 pixels at 14-15 and one pixel from 16 on (symbols of 16 px: closer ones
# overlap anyway). Lines and areas are simplified with half a pixel's tolerance. The caps are the suggestion
# tiles'.
LAYER_THIN_PX = ((14, 8), (16, 4), (99, 1))  # (below this zoom, cell in pixels)
TILE_PX = 256


@dataclass(frozen=True, slots=True)
class LayerTileLookup:
    project_id: int | None  # None: no such layer in a project of that slug
    public: bool  # the project and the layer are public: everyone sees the tile
    cached: CachedTile | None


@dataclass(frozen=True, slots=True)
class BuiltLayerTile:
    etag: str
    mvt: bytes
    generation: int  # the layer's tile generation in the snapshot the tile was built from (-1: none yet)


def layer_tile_lookup(
    *, slug: str, layer_id: int, tile: TileAddress, known_etags: Sequence[str] = ()
) -> LayerTileLookup:
    """The layer `layer_id` of the project `slug`, whether both are public, and its cached `tile`, in one
    query. Whether a visitor may see a layer that is not public is the caller's question."""
    params = {
        "slug": slug,
        "layer_id": layer_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "known_etags": list(known_etags),
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("context_tile_cache_lookup"), params)
        row = cursor.fetchone()
    if row is None:
        return LayerTileLookup(project_id=None, public=False, cached=None)
    project_id, project_public, layer_public, etag, mvt = row
    cached = None
    if etag is not None:
        cached = CachedTile(layer="features", etag=etag, mvt=bytes(mvt) if mvt is not None else None)
    return LayerTileLookup(project_id=project_id, public=project_public and layer_public, cached=cached)


def layer_tile_params(*, layer_id: int, tile: TileAddress) -> dict[str, object]:
    """The parameters of context_tile_mvt.sql for one tile (`make bench` runs the same SQL with them)."""
    metres_per_px = 2 * WEB_MERCATOR_HALF / (TILE_PX * 2**tile.z)
    return {
        "layer_id": layer_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "extent": EXTENT,
        "buffer": BUFFER,
        "margin": BUFFER / EXTENT,
        "cell": metres_per_px * next(px for below, px in LAYER_THIN_PX if tile.z < below),
        "tolerance": metres_per_px / 2,
        "max_features": MAX_FEATURES,
        "max_bytes": MAX_FEATURE_BYTES,
        "feature_overhead": FEATURE_OVERHEAD,
    }


def layer_tile_build(*, layer_id: int, tile: TileAddress) -> BuiltLayerTile:
    """The layer's tile as PostGIS builds it from the layer's features, simplified for the zoom (see
    context_tile_mvt.sql), in one statement."""
    params = layer_tile_params(layer_id=layer_id, tile=tile)
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("context_tile_mvt"), params)
        generation, etag, mvt = cursor.fetchone()
    return BuiltLayerTile(etag=etag, mvt=bytes(mvt), generation=generation)


# ------------------------------------------------------------------------------------------ street segments
# The demand per street segment (geo/sql/segment_tile_mvt.sql): edges with demand at every zoom, the whole
# network from SEGMENTS_ALL_FROM on. Built per request from the stored figures (a GiST lookup of the tile's
# edges and a join by key): no cache, the ETag spares the bytes of an unchanged tile.
SEGMENTS_ALL_FROM = 14


@dataclass(frozen=True, slots=True)
class BuiltSegmentTile:
    etag: str
    mvt: bytes


def segment_tile_build(*, project_id: int, tile: TileAddress) -> BuiltSegmentTile:
    """The project's street segments with their demand in `tile`, in one statement."""
    metres_per_px = 2 * WEB_MERCATOR_HALF / (TILE_PX * 2**tile.z)
    params = {
        "project_id": project_id,
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "extent": EXTENT,
        "buffer": BUFFER,
        "margin": BUFFER / EXTENT,
        "tolerance": metres_per_px / 2,
        "all_from": SEGMENTS_ALL_FROM,
        "max_features": MAX_FEATURES,
    }
    with heavy_reads().cursor() as cursor:
        cursor.execute(SQL.load("segment_tile_mvt"), params)
        etag, mvt = cursor.fetchone()
    return BuiltSegmentTile(etag=etag, mvt=bytes(mvt))


# ------------------------------------------------------------------------------- TileJSON, style, tileset
@dataclass(frozen=True, slots=True)
class StyledProject:
    """What a public project's tile documents are built from (geo/tiles/documents.py)."""

    project: Project
    categories: list[Category]  # every category, inactive ones too: their suggestions are still in the tiles
    layers: list[ContextLayer]  # the public context layers, in their order
    network_attribution: str  # the street network's credit (routed lines follow it), "" without one


def styled_project(*, slug: str) -> StyledProject | None:
    """The public project of `slug` with its categories, public context layers and the street network's
    credit; None when there is no public project of that slug (its tiles are 404 too). Three small queries."""
    project = Project.objects.filter(slug=slug, is_public=True).first()
    if project is None:
        return None
    network = StreetNetwork.objects.filter(project=project).values_list("attribution", flat=True).first()
    return StyledProject(
        project=project,
        categories=list(Category.objects.filter(project=project)),
        layers=context_layer_list(user=None, project=project),
        network_attribution=network or "",
    )


def public_projects() -> list[Project]:
    """The public projects, whose tiles are public: the OGC API's tilesets."""
    return list(Project.objects.filter(is_public=True).order_by("slug"))
