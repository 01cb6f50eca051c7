"""Vector tiles at /tiles/<slug>/{z}/{x}/{y}.pbf (the suggestions), at
/tiles/<slug>/layers/<id>/{z}/{x}/{y}.pbf (a context layer) and at /tiles/<slug>/segments/{z}/{x}/{y}.pbf (the
demand per street segment), the XYZ templates QGIS and web maps take.

Any integers match, negative ones too, so that a tile outside the grid is a 400 with a message, not a 404."""

from django.http import HttpRequest
from django.urls import re_path

from participation.models import Project

from . import views
from .documents import Urls
from .selectors import StyledProject

app_name = "tiles"

# Also matched by TileMiddleware (geo/tiles/middleware.py), which answers most tile requests before this.
TILE_ROUTE = r"^tiles/(?P<slug>[-\w]+)/(?P<z>-?\d{1,9})/(?P<x>-?\d{1,9})/(?P<y>-?\d{1,9})\.pbf$"
LAYER_TILE_ROUTE = (
    r"^tiles/(?P<slug>[-\w]+)/layers/(?P<layer_id>\d{1,9})/"
    r"(?P<z>-?\d{1,9})/(?P<x>-?\d{1,9})/(?P<y>-?\d{1,9})\.pbf$"
)

# Answered by the full stack: segment tiles are read on the planners' pages, a few at a time.
SEGMENT_TILE_ROUTE = (
    r"^tiles/(?P<slug>[-\w]+)/segments/(?P<z>-?\d{1,9})/(?P<x>-?\d{1,9})/(?P<y>-?\d{1,9})\.pbf$"
)

urlpatterns = [
    # The documents that describe the tiles to a client: TileJSON 3.0.0 and the style QGIS converts.
    re_path(r"^tiles/(?P<slug>[-\w]+)/tilejson\.json$", views.tilejson, name="tilejson"),
    re_path(r"^tiles/(?P<slug>[-\w]+)/style\.json$", views.style, name="style"),
    re_path(TILE_ROUTE, views.tile, name="tile"),
    re_path(LAYER_TILE_ROUTE, views.layer_tile, name="layer-tile"),
    re_path(SEGMENT_TILE_ROUTE, views.segment_tile, name="segment-tile"),
]


def vector_tile_url(request: HttpRequest, project: Project) -> str:
    """The project's tile URL template with {z}/{x}/{y} as QGIS's Vector Tiles connection takes it."""
    return request.build_absolute_uri(f"/tiles/{project.slug}/") + "{z}/{x}/{y}.pbf"


def layer_tile_url(request: HttpRequest, slug: str, layer_id: int) -> str:
    """A context layer's tile URL template with {z}/{x}/{y}, for the map and for QGIS."""
    return request.build_absolute_uri(f"/tiles/{slug}/layers/{layer_id}/") + "{z}/{x}/{y}.pbf"


def segment_tile_url(request: HttpRequest, slug: str) -> str:
    """The project's street-segment tile URL template with {z}/{x}/{y}."""
    return request.build_absolute_uri(f"/tiles/{slug}/segments/") + "{z}/{x}/{y}.pbf"


def tilejson_url(request: HttpRequest, slug: str) -> str:
    """The project's TileJSON (geo/tiles/documents.py)."""
    return request.build_absolute_uri(f"/tiles/{slug}/tilejson.json")


def style_url(request: HttpRequest, slug: str) -> str:
    """The project's Mapbox GL style, which QGIS takes as a vector tile connection's style URL."""
    return request.build_absolute_uri(f"/tiles/{slug}/style.json")


def document_urls(request: HttpRequest, styled: StyledProject) -> Urls:
    """Every address the project's TileJSON, style and tileset name."""
    slug = styled.project.slug
    return Urls(
        tiles=vector_tile_url(request, styled.project),
        tilejson=tilejson_url(request, slug),
        style=style_url(request, slug),
        layer_tiles={layer.pk: layer_tile_url(request, slug, layer.pk) for layer in styled.layers},
    )
