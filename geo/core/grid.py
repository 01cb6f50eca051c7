"""Tile addresses in the Web Mercator XYZ scheme (EPSG:3857, y counted from the north, as QGIS and GDAL
expect), the cluster grid of geo_cluster_cell, and where a tile sits in it."""

from dataclasses import dataclass

from .errors import TileOutOfRange

# Cells exist for zooms 0..CLUSTER_MAX_ZOOM; above it the map reads features. The SQL function
# geo_cluster_cells (geo/sql/cluster_trigger.sql) spells the same range: tests/geo/test_clusters.py checks it.
CLUSTER_MAX_ZOOM = 16
# A cell is 64 px at its zoom, i.e. 4 x 4 cells per 256-px web map tile.
CELLS_PER_TILE_SIDE = 4
# Half the width of the EPSG:3857 world square, in metres.
WEB_MERCATOR_HALF = 20037508.342789244


def cell_size(zoom: int) -> float:
    """The side of a cell at `zoom` in EPSG:3857 metres (the SQL functions use the same formula)."""
    return 2 * WEB_MERCATOR_HALF / (2**zoom * CELLS_PER_TILE_SIDE)


# The deepest zoom QGIS and web maps ask for; a tile there is ~10 m wide.
MAX_ZOOM = 22
# Tiles take the cells of their own zoom: a cell is 64 px at its zoom, so a 256-px tile shows 4 x 4
# clusters, as far apart as the web map's (geo/selectors.py). Cells end at CLUSTER_MAX_ZOOM.
CLUSTER_ZOOM_OFFSET = 0


@dataclass(frozen=True, slots=True)
class TileAddress:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: str, x: str, y: str) -> "TileAddress":
        """The tile named by the URL's path segments; anything outside the XYZ grid is TileOutOfRange."""
        try:
            zoom, column, row = int(z), int(x), int(y)
        except ValueError:
            raise TileOutOfRange() from None
        if not 0 <= zoom <= MAX_ZOOM or not 0 <= column < 2**zoom or not 0 <= row < 2**zoom:
            raise TileOutOfRange()
        return cls(zoom, column, row)


@dataclass(frozen=True, slots=True)
class CellRange:
    """The cluster cells of `zoom` that lie in (or, above CLUSTER_MAX_ZOOM, contain) a tile."""

    zoom: int
    x0: int
    x1: int
    y0: int
    y1: int


def cell_range(tile: TileAddress) -> CellRange:
    """Cells at the tile's zoom (CLUSTER_ZOOM_OFFSET more while they exist): 4 x 4 of them per tile. Above
    CLUSTER_MAX_ZOOM the tile lies inside one cell of zoom 16, or spans 2 x 2 of them at zoom 17."""
    cell_zoom = min(tile.z + CLUSTER_ZOOM_OFFSET, CLUSTER_MAX_ZOOM)

    def span(index: int) -> tuple[int, int]:
        if cell_zoom >= tile.z:
            per_tile = CELLS_PER_TILE_SIDE << (cell_zoom - tile.z)
            return index * per_tile, (index + 1) * per_tile - 1
        shift = tile.z - cell_zoom
        return (index * CELLS_PER_TILE_SIDE) >> shift, ((index + 1) * CELLS_PER_TILE_SIDE - 1) >> shift

    x0, x1 = span(tile.x)
    y0, y1 = span(tile.y)
    return CellRange(cell_zoom, x0, x1, y0, y1)
