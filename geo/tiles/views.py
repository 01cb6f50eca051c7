"""`/tiles/<slug>/{z}/{x}/{y}.pbf`: a thin view over the tile cache and the tile builder."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from config.errors import DomainError
from participation.errors import ProjectNotFound

from ..core.grid import TileAddress
from . import selectors, services

MVT = "application/vnd.mapbox-vector-tile"
# Tiles change with every moderation decision: clients and HTTP caches keep one a minute, then ask again
# with If-None-Match, which costs one indexed lookup and no bytes when nothing changed.
MAX_AGE = 60


def _error(error: DomainError) -> HttpResponse:
    body = json.dumps({"code": error.code, "message": error.message}, ensure_ascii=False)
    return HttpResponse(body, status=error.status_code, content_type="application/json")


def _tile_response(*, etag: str, mvt: bytes | None, known: list[str]) -> HttpResponse:
    # Every answer names the tile type, bodiless ones too: Django's default would be text/html, which
    # tells a client (or a cache) that an HTML page stands at a tile's address.
    if etag in known or "*" in known:
        response = HttpResponse(status=304, content_type=MVT)
    elif not mvt:
        # An empty tile: no body. QGIS, GDAL and MapLibre read 204 as "nothing here".
        response = HttpResponse(status=204, content_type=MVT)
    else:
        response = HttpResponse(mvt, content_type=MVT)
        # Set here: tiles are mostly answered before CommonMiddleware (geo/tiles/middleware.py).
        response["Content-Length"] = str(len(mvt))
    response["ETag"] = f'"{etag}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE, must_revalidate=True)
    return response


@require_safe
def tile(request: HttpRequest, slug: str, z: str, x: str, y: str) -> HttpResponse:
    try:
        address = TileAddress.parse(z, x, y)
    except DomainError as error:
        return _error(error)
    # If-None-Match compares weakly (RFC 9110): W/"x" matches our "x".
    known = [
        tag.removeprefix("W/").strip('"') for tag in parse_etags(request.headers.get("If-None-Match", ""))
    ]
    lookup = selectors.tile_lookup(slug=slug, tile=address, known_etags=known)
    if lookup.project_id is None:
        return _error(ProjectNotFound())
    if lookup.cached is not None:
        return _tile_response(etag=lookup.cached.etag, mvt=lookup.cached.mvt, known=known)
    built = selectors.tile_build(project_id=lookup.project_id, tile=address)
    services.tile_cache_store(project_id=lookup.project_id, tile=address, built=built)
    return _tile_response(etag=built.etag, mvt=built.mvt, known=known)
