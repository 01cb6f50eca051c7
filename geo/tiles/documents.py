"""The documents that describe a project's vector tiles to a client: a TileJSON 3.0.0, a Mapbox GL style (v8)
that QGIS 3.22 converts by itself, and the OGC API – Tiles tileset and tile matrix set.

The style uses only what QGIS 3.22's QgsMapBoxGlStyleConverter reads: `fill`, `line` and `circle` layers with
literal paint values and legacy filters (`==`, `in`, `>=`, `<`, `all`, `any`, `!has`); no expressions in
paint properties, no sprites or glyphs (no text), nothing MapLibre-only. One style layer per category and
planning status keeps every colour a literal, which every client reads the same way. The look is
geo/symbology.py's, shared with the exports' QGIS styles, and follows the web map: the category's
colour; a ring in the status's colour on points, an outline on areas and a casing under lines (received ones
stay plain); declined ones fade; a freely drawn line is dashed, a routed one solid.
"""

from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from geo import symbology
from geo.core.grid import CLUSTER_MAX_ZOOM, MAX_ZOOM, WEB_MERCATOR_HALF
from geo.fields import TILES as TILES_CHANNEL
from geo.fields import fields_in
from geo.layers.models import ContextLayer, LinePattern
from geo.symbology import STATUS_COLOURS, CategorySymbol
from participation.models import GeometryKind, PlanningStatus, Project

from .selectors import StyledProject

# The zoom levels the tiles exist at (TileAddress: 0..MAX_ZOOM); clusters end at CLUSTER_MAX_ZOOM.
MIN_ZOOM = 0

# Suggestions look as in the web map and the exports' QGIS styles: one source, geo/symbology.py.
CLUSTER_COLOUR = symbology.UNKNOWN_COLOUR
# (at least, below) suggestions in a cluster -> circle radius in pixels
CLUSTER_STEPS = ((0, 100, 10), (100, 1000, 14), (1000, None, 19))
LAYER_DASHES = {LinePattern.DASHED: [3, 2], LinePattern.DOTTED: [1, 1.5]}

TILEJSON_MEDIA_TYPE = "application/json"
STYLE_MEDIA_TYPE = "application/vnd.mapbox.style+json"

# OGC: https://docs.ogc.org/is/17-083r4/17-083r4.html (Tile Matrix Set 2.0), WebMercatorQuad as defined there.
WEB_MERCATOR_QUAD = "WebMercatorQuad"
WEB_MERCATOR_QUAD_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_PIXEL_MM = 0.28  # the standardized rendering pixel size of WMTS and TMS
_TILE_PX = 256


@dataclass(frozen=True, slots=True)
class Urls:
    tiles: str  # the XYZ template, {z}/{x}/{y}
    tilejson: str
    style: str
    layer_tiles: dict[int, str]  # context layer id -> its XYZ template


def _bounds(project: Project) -> list[float]:
    west, south, east, north = project.area.extent
    return [round(west, 6), round(south, 6), round(east, 6), round(north, 6)]


def attribution(styled: StyledProject) -> str:
    """The credit of the suggestion tiles as TileJSON wants it (HTML): the participants, and the street
    network's source (usually © OpenStreetMap contributors) where routed lines follow it."""
    parts = [escape(_("Suggestions: participants of “%(project)s”") % {"project": styled.project.title})]
    if styled.network_attribution:
        parts.append(escape(styled.network_attribution))
    return " | ".join(parts)


def tilejson(styled: StyledProject, urls: Urls) -> dict[str, Any]:
    """TileJSON 3.0.0 of the project's suggestion tiles; `vector_layers` lists the tiles' layers and fields
    (the field table's tile channel, geo/fields.py)."""
    project = styled.project
    kinds = {"integer": "Number", "real": "Number", "text": "String", "datetime": "String"}
    suggestion_fields = {field.name: kinds[field.type] for field in fields_in(TILES_CHANNEL)}
    cluster_fields = {"count": "Number", **{category.key: "Number" for category in styled.categories}}
    return {
        "tilejson": "3.0.0",
        "name": project.title,
        "description": _(
            "Published suggestions of “%(project)s” as Mapbox vector tiles: the layer suggestions, and where "
            "they are dense (up to zoom 16) the layer clusters."
        )
        % {"project": project.title},
        "attribution": attribution(styled),
        "scheme": "xyz",
        "tiles": [urls.tiles],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": _bounds(project),
        "center": [round(project.map_center.x, 6), round(project.map_center.y, 6), project.map_zoom],
        "vector_layers": [
            {
                "id": "suggestions",
                "description": _("The published suggestions (points, lines and areas)."),
                "minzoom": MIN_ZOOM,
                "maxzoom": MAX_ZOOM,
                "fields": suggestion_fields,
            },
            {
                "id": "clusters",
                "description": _(
                    "Where suggestions are dense: one point per cell with their count, and their count per "
                    "category key."
                ),
                "minzoom": MIN_ZOOM,
                "maxzoom": CLUSTER_MAX_ZOOM,
                "fields": cluster_fields,
            },
        ],
    }


# ---------------------------------------------------------------------------------------------------- style
def _status_label(status: str) -> str:
    return str(PlanningStatus(status).label)


def _suggestion_layers(categories: list[CategorySymbol]) -> list[dict[str, Any]]:
    """Areas, then lines, then points, then clusters: the small on top of the large."""
    by_kind = {kind: [c for c in categories if c.geometry_kind == kind] for kind in GeometryKind.values}
    layers: list[dict[str, Any]] = []
    base = {"source": "suggestions", "source-layer": "suggestions"}

    def status_filter(key: str, status: str) -> list[Any]:
        return ["all", ["==", "category", key], ["==", "planning_status", status]]

    for category in by_kind[GeometryKind.POLYGON]:
        for status in PlanningStatus.values:
            layers.append(
                {
                    "id": f"{category.label} ({category.key}) – {_status_label(status)}",
                    "type": "fill",
                    **base,
                    "filter": status_filter(category.key, status),
                    "paint": {
                        "fill-color": category.colour,
                        "fill-opacity": (
                            symbology.DECLINED_FILL_OPACITY
                            if status == PlanningStatus.DECLINED
                            else symbology.FILL_OPACITY
                        ),
                        "fill-outline-color": STATUS_COLOURS.get(status, category.colour),
                    },
                }
            )
    line_keys = [c.key for c in by_kind[GeometryKind.LINE]]
    if line_keys:
        # A casing in the status's colour under the line, as the web map's ring around a point.
        for status, colour in STATUS_COLOURS.items():
            layers.append(
                {
                    "id": _("Lines: %(status)s") % {"status": _status_label(status)},
                    "type": "line",
                    **base,
                    "filter": ["all", ["in", "category", *line_keys], ["==", "planning_status", status]],
                    "layout": {"line-cap": "round", "line-join": "round"},
                    "paint": {
                        "line-color": colour,
                        "line-width": (
                            symbology.IMPLEMENTED_CASING_WIDTH
                            if status == PlanningStatus.IMPLEMENTED
                            else symbology.CASING_WIDTH
                        ),
                        "line-opacity": (
                            symbology.DECLINED_CASING_OPACITY
                            if status == PlanningStatus.DECLINED
                            else symbology.CASING_OPACITY
                        ),
                    },
                }
            )
    for category in by_kind[GeometryKind.LINE]:
        paint = {"line-color": category.colour, "line-width": symbology.LINE_WIDTH}
        layers.append(
            {
                "id": f"{category.label} ({category.key})",
                "type": "line",
                **base,
                # Routed, or drawn before the drawing was recorded (no line_drawing): solid.
                "filter": ["all", ["==", "category", category.key], ["!=", "line_drawing", "free"]],
                "layout": {"line-cap": "round", "line-join": "round"},
                "paint": paint,
            }
        )
        layers.append(
            {
                "id": _("%(category)s – drawn freely") % {"category": f"{category.label} ({category.key})"},
                "type": "line",
                **base,
                "filter": ["all", ["==", "category", category.key], ["==", "line_drawing", "free"]],
                "layout": {"line-cap": "butt", "line-join": "round"},
                "paint": {**paint, "line-dasharray": symbology.FREE_DASHES},
            }
        )
    for category in by_kind[GeometryKind.POINT]:
        for status in PlanningStatus.values:
            ring = STATUS_COLOURS.get(status)
            layers.append(
                {
                    "id": f"{category.label} ({category.key}) – {_status_label(status)}",
                    "type": "circle",
                    **base,
                    "filter": status_filter(category.key, status),
                    "paint": {
                        "circle-radius": symbology.POINT_RADIUS,
                        "circle-color": category.colour,
                        "circle-opacity": symbology.DECLINED_POINT_OPACITY
                        if status == PlanningStatus.DECLINED
                        else 1,
                        "circle-stroke-color": ring or symbology.RECEIVED_RING,
                        "circle-stroke-width": symbology.RECEIVED_RING_WIDTH
                        if ring is None
                        else symbology.RING_WIDTH,
                    },
                }
            )
    for at_least, below, radius in CLUSTER_STEPS:
        count_filter: list[Any] = [">=", "count", at_least]
        if below is not None:
            count_filter = ["all", count_filter, ["<", "count", below]]
        name = f"{at_least}–{below - 1}" if below is not None else f"≥ {at_least}"
        layers.append(
            {
                "id": _("Clusters of %(range)s suggestions") % {"range": name},
                "type": "circle",
                "source": "suggestions",
                "source-layer": "clusters",
                "maxzoom": CLUSTER_MAX_ZOOM + 1,
                "filter": count_filter,
                "paint": {
                    "circle-radius": radius,
                    "circle-color": CLUSTER_COLOUR,
                    "circle-opacity": 0.85,
                    "circle-stroke-color": "#ffffff",
                    "circle-stroke-width": 2,
                },
            }
        )
    return layers


def _context_layers(layers: list[ContextLayer]) -> list[dict[str, Any]]:
    """Each public context layer from its own tiles (layer `features`): areas faint, lines in the layer's
    pattern, points as small dots, all in the layer's colour."""
    styled: list[dict[str, Any]] = []
    for layer in layers:
        base = {"source": f"layer-{layer.pk}", "source-layer": "features"}
        line_paint: dict[str, Any] = {"line-color": layer.colour, "line-width": 2}
        if layer.line_pattern in LAYER_DASHES:
            line_paint["line-dasharray"] = LAYER_DASHES[layer.line_pattern]
        styled += [
            {
                "id": _("%(layer)s (areas)") % {"layer": layer.name},
                "type": "fill",
                **base,
                "filter": ["==", "$type", "Polygon"],
                "paint": {
                    "fill-color": layer.colour,
                    "fill-opacity": 0.12,
                    "fill-outline-color": layer.colour,
                },
            },
            {
                "id": _("%(layer)s (lines)") % {"layer": layer.name},
                "type": "line",
                **base,
                "filter": ["==", "$type", "LineString"],
                "paint": line_paint,
            },
            {
                "id": _("%(layer)s (points)") % {"layer": layer.name},
                "type": "circle",
                **base,
                "filter": ["==", "$type", "Point"],
                "paint": {
                    "circle-radius": 4,
                    "circle-color": layer.colour,
                    "circle-stroke-color": "#ffffff",
                    "circle-stroke-width": 1,
                },
            },
        ]
    return styled


def style(styled: StyledProject, urls: Urls) -> dict[str, Any]:
    """The project's Mapbox GL style (v8): the suggestion tiles by their TileJSON, the public context layers
    by their tile templates, context layers under the suggestions."""
    sources: dict[str, Any] = {"suggestions": {"type": "vector", "url": urls.tilejson}}
    for layer in styled.layers:
        source: dict[str, Any] = {
            "type": "vector",
            "tiles": [urls.layer_tiles[layer.pk]],
            "minzoom": MIN_ZOOM,
            "maxzoom": MAX_ZOOM,
        }
        if layer.attribution:
            source["attribution"] = escape(layer.attribution)
        sources[f"layer-{layer.pk}"] = source
    project = styled.project
    return {
        "version": 8,
        "name": _("Suggestions of “%(project)s”") % {"project": project.title},
        "center": [round(project.map_center.x, 6), round(project.map_center.y, 6)],
        "zoom": project.map_zoom,
        "sources": sources,
        "layers": [
            *_context_layers(styled.layers),
            *_suggestion_layers(symbology.category_symbols(styled.categories)),
        ],
    }


# ------------------------------------------------------------------------------------ OGC API – Tiles
def tile_matrix_set() -> dict[str, Any]:
    """WebMercatorQuad as OGC's Tile Matrix Set 2.0 defines it (JSON encoding), zoom 0..MAX_ZOOM: what GDAL's
    OGCAPI driver reads from a tileset's tiling-scheme link (it cannot fetch OGC's copy from here)."""
    matrices = []
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):
        cell = 2 * WEB_MERCATOR_HALF / (_TILE_PX * 2**zoom)
        matrices.append(
            {
                "id": str(zoom),
                "scaleDenominator": cell / (_PIXEL_MM / 1000),
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-WEB_MERCATOR_HALF, WEB_MERCATOR_HALF],
                "tileWidth": _TILE_PX,
                "tileHeight": _TILE_PX,
                "matrixWidth": 2**zoom,
                "matrixHeight": 2**zoom,
            }
        )
    return {
        "id": WEB_MERCATOR_QUAD,
        "title": "Google Maps Compatible for the World",
        "uri": WEB_MERCATOR_QUAD_URI,
        "crs": EPSG_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {
            "lowerLeft": [-WEB_MERCATOR_HALF, -WEB_MERCATOR_HALF],
            "upperRight": [WEB_MERCATOR_HALF, WEB_MERCATOR_HALF],
            "crs": EPSG_3857,
        },
        "tileMatrices": matrices,
    }


def tileset(styled: StyledProject, urls: Urls, *, tiling_scheme: str) -> dict[str, Any]:
    """The OGC tileset metadata of the project's tiles (OGC API – Tiles, /req/tileset): WebMercatorQuad,
    the tile template with OGC's variable names, and links to the TileJSON and the style."""
    project = styled.project
    west, south, east, north = _bounds(project)
    template = (
        urls.tiles.replace("{z}", "{tileMatrix}").replace("{x}", "{tileCol}").replace("{y}", "{tileRow}")
    )
    return {
        "title": _("Vector tiles of “%(project)s”") % {"project": project.title},
        "description": tilejson(styled, urls)["description"],
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetURI": WEB_MERCATOR_QUAD_URI,
        "boundingBox": {"lowerLeft": [west, south], "upperRight": [east, north], "crs": CRS84},
        "centerPoint": {
            "coordinates": [round(project.map_center.x, 6), round(project.map_center.y, 6)],
            "crs": CRS84,
            "tileMatrix": str(project.map_zoom),
        },
        "layers": [
            {
                "id": "suggestions",
                "dataType": "vector",
                "minTileMatrix": str(MIN_ZOOM),
                "maxTileMatrix": str(MAX_ZOOM),
            },
            {
                "id": "clusters",
                "dataType": "vector",
                "geometryDimension": 0,
                "minTileMatrix": str(MIN_ZOOM),
                "maxTileMatrix": str(CLUSTER_MAX_ZOOM),
            },
        ],
        "links": [
            {
                "href": tiling_scheme,
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                "type": "application/json",
                "title": "WebMercatorQuad",
            },
            {
                "href": template,
                "rel": "item",
                "type": "application/vnd.mapbox-vector-tile",
                "templated": True,
                "title": _("Mapbox vector tiles"),
            },
            {"href": urls.tilejson, "rel": "describedby", "type": TILEJSON_MEDIA_TYPE, "title": "TileJSON"},
            {
                "href": urls.style,
                "rel": "stylesheet",
                "type": STYLE_MEDIA_TYPE,
                "title": _("Style for QGIS and MapLibre (Mapbox GL style)"),
            },
        ],
    }
