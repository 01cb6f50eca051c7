"""Vector tiles at /tiles/<slug>/{z}/{x}/{y}.pbf, the XYZ template QGIS and web maps take.

Any integers match, negative ones too, so that a tile outside the grid is a 400 with a message, not a 404."""

from django.http import HttpRequest
from django.urls import re_path

from participation.models import Project

from . import views

app_name = "tiles"

# Also matched by TileMiddleware (geo/tiles/middleware.py), which answers most tile requests before this.
TILE_ROUTE = r"^tiles/(?P<slug>[-\w]+)/(?P<z>-?\d{1,9})/(?P<x>-?\d{1,9})/(?P<y>-?\d{1,9})\.pbf$"

urlpatterns = [re_path(TILE_ROUTE, views.tile, name="tile")]


def vector_tile_url(request: HttpRequest, project: Project) -> str:
    """The project's tile URL template with {z}/{x}/{y} as QGIS's Vector Tiles connection takes it."""
    return request.build_absolute_uri(f"/tiles/{project.slug}/") + "{z}/{x}/{y}.pbf"
