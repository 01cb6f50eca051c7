"""`/tiles/<slug>/{z}/{x}/{y}.pbf`, `/tiles/<slug>/layers/<id>/{z}/{x}/{y}.pbf` and
`/tiles/<slug>/segments/{z}/{x}/{y}.pbf`: thin views over the tile caches and the tile builders;
`/tiles/<slug>/tilejson.json` and `/tiles/<slug>/style.json`: the documents that describe them."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from config.errors import DomainError
from participation.errors import ProjectNotFound
from participation.models import Project

from ..core.grid import TileAddress
from ..layers.errors import LayerNotFound
from ..layers.selectors import layer_visible
from . import documents, selectors, services

MVT = "application/vnd.mapbox-vector-tile"
# Tiles change with every moderation decision: clients and HTTP caches keep one a minute, then ask again
# with If-None-Match, which costs one indexed lookup and no bytes when nothing changed.
MAX_AGE = 60


def _error(error: DomainError) -> HttpResponse:
    body = json.dumps({"code": error.code, "message": error.message}, ensure_ascii=False)
    return HttpResponse(body, status=error.status_code, content_type="application/json")


def _tile_response(*, etag: str, mvt: bytes | None, known: list[str], public: bool = True) -> HttpResponse:
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
    if public:
        patch_cache_control(response, public=True, max_age=MAX_AGE, must_revalidate=True)
    else:
        # A layer for the project's staff: their browser may keep it and ask again with If-None-Match, no
        # shared cache may keep it at all.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    return response


def _known_etags(request: HttpRequest) -> list[str]:
    # If-None-Match compares weakly (RFC 9110): W/"x" matches our "x".
    return [
        tag.removeprefix("W/").strip('"') for tag in parse_etags(request.headers.get("If-None-Match", ""))
    ]


@require_safe
def tile(request: HttpRequest, slug: str, z: str, x: str, y: str) -> HttpResponse:
    try:
        address = TileAddress.parse(z, x, y)
    except DomainError as error:
        return _error(error)
    known = _known_etags(request)
    lookup = selectors.tile_lookup(slug=slug, tile=address, known_etags=known)
    if lookup.project_id is None:
        return _error(ProjectNotFound())
    if lookup.cached is not None:
        return _tile_response(etag=lookup.cached.etag, mvt=lookup.cached.mvt, known=known)
    built = selectors.tile_build(project_id=lookup.project_id, tile=address)
    services.tile_cache_store(project_id=lookup.project_id, tile=address, built=built)
    return _tile_response(etag=built.etag, mvt=built.mvt, known=known)


@require_safe
def layer_tile(request: HttpRequest, slug: str, layer_id: str, z: str, x: str, y: str) -> HttpResponse:
    """A context layer's tile: to everyone when the layer and its project are public, else only to the
    project's planners and moderators (everyone else: 404, as for a layer that does not exist)."""
    try:
        address = TileAddress.parse(z, x, y)
    except DomainError as error:
        return _error(error)
    known = _known_etags(request)
    layer = int(layer_id)
    lookup = selectors.layer_tile_lookup(slug=slug, layer_id=layer, tile=address, known_etags=known)
    if lookup.project_id is None:
        return _error(LayerNotFound())
    if not lookup.public:
        # Rare (a layer or a project kept for staff): the rule needs the project and the signed-in user, whom
        # the tile middleware does not know; its 404 sends the request through the full stack.
        user = getattr(request, "user", None)
        project = Project.objects.get(pk=lookup.project_id)
        if not layer_visible(user=user, project=project, layer_public=False):
            response = _error(LayerNotFound())
            patch_vary_headers(response, ["Cookie"])
            return response
    if lookup.cached is not None:
        return _tile_response(
            etag=lookup.cached.etag, mvt=lookup.cached.mvt, known=known, public=lookup.public
        )
    built = selectors.layer_tile_build(layer_id=layer, tile=address)
    services.layer_tile_cache_store(layer_id=layer, tile=address, built=built)
    return _tile_response(etag=built.etag, mvt=built.mvt, known=known, public=lookup.public)


@require_safe
def segment_tile(request: HttpRequest, slug: str, z: str, x: str, y: str) -> HttpResponse:
    """The project's street segments with their demand: to everyone when the project is public, else only to
    its planners and moderators (everyone else: 404, as for a project that does not exist). The figures count
    published suggestions only, which the public map shows anyway."""
    try:
        address = TileAddress.parse(z, x, y)
    except DomainError as error:
        return _error(error)
    project = Project.objects.filter(slug=slug).first()
    user = getattr(request, "user", None)
    if project is None or not layer_visible(user=user, project=project, layer_public=True):
        response = _error(ProjectNotFound())
        patch_vary_headers(response, ["Cookie"])
        return response
    built = selectors.segment_tile_build(project_id=project.pk, tile=address)
    known = _known_etags(request)
    return _tile_response(etag=built.etag, mvt=built.mvt, known=known, public=project.is_public)


# ------------------------------------------------------------------------------------ TileJSON and style
def _document_response(request: HttpRequest, body: dict[str, Any], media_type: str) -> HttpResponse:
    """A document as the tiles answer: a strong ETag, `public, max-age=60, must-revalidate`, 304 when the
    client holds it. It changes with a category's colour or label, a context layer or the language
    (LocaleMiddleware adds `Vary: Accept-Language`), never with a suggestion."""
    content = json.dumps(body, ensure_ascii=False).encode()
    etag = hashlib.md5(content, usedforsecurity=False).hexdigest()
    known = _known_etags(request)
    if etag in known or "*" in known:
        response = HttpResponse(status=304, content_type=media_type)
    else:
        response = HttpResponse(content, content_type=media_type)
    response["ETag"] = f'"{etag}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE, must_revalidate=True)
    return response


def _document_view(build: Callable[..., dict[str, Any]], media_type: str) -> Callable[..., HttpResponse]:
    @require_safe
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        # Imported here: geo/tiles/urls.py imports this module for its patterns.
        from .urls import document_urls

        styled = selectors.styled_project(slug=slug)
        if styled is None:
            return _error(ProjectNotFound())
        return _document_response(request, build(styled, document_urls(request, styled)), media_type)

    view.__doc__ = build.__doc__
    return view


tilejson = _document_view(documents.tilejson, documents.TILEJSON_MEDIA_TYPE)
style = _document_view(documents.style, documents.STYLE_MEDIA_TYPE)
