"""Routing along the project's street network for the compose flow: a route through tapped points, whether
the project has a network at all, and the streets and crossings of the keyboard form "along <street> from
<crossing street> to <crossing street>". Read-only, for whoever may see the project."""

import math
from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import rules
from participation.errors import ProjectNotFound
from participation.models import Project
from participation.throttling import WindowRateThrottle

from ..network.errors import NetworkMissing, PointsMalformed, TooManyPoints
from ..network.models import StreetNetwork
from ..network.routing import (
    MAX_POINTS,
    SEARCH_MAX,
    SNAP_M,
    STREET_MAX,
    route_find,
    street_crossings,
    street_search,
)

# "lon,lat;" takes at most about 25 characters: anything much longer is not a list of points.
POINTS_TEXT_MAX = 40 * MAX_POINTS


def _project(request: Request, slug: str) -> Project:
    # What routing reads, and the rules: not the texts of every language (asked for at each drag of a point).
    project = Project.objects.filter(slug=slug).only("id", "slug", "is_public", "area").first()
    if project is None or not rules.may_know_project(request.user, project):
        raise ProjectNotFound()
    return project


def parse_points(text: str) -> list[tuple[float, float]]:
    """ "8.4037,49.0094;8.41,49.01" → [(8.4037, 49.0094), (8.41, 49.01)], or PointsMalformed."""
    if len(text) > POINTS_TEXT_MAX:
        raise TooManyPoints(MAX_POINTS)
    pairs = text.strip().strip(";").split(";")
    if len(pairs) > MAX_POINTS:
        raise TooManyPoints(MAX_POINTS)
    points = []
    for pair in pairs:
        parts = pair.split(",")
        if len(parts) != 2:
            raise PointsMalformed()
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except ValueError:
            raise PointsMalformed() from None
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise PointsMalformed()
        points.append((lon, lat))
    return points


class RouteQuery(serializers.Serializer):
    points = serializers.CharField(
        trim_whitespace=False,
        help_text=gettext_lazy(
            "lon,lat;lon,lat;… in WGS84: the start, up to eight via points and the end, in order."
        ),
    )
    along = serializers.CharField(
        required=False,
        max_length=STREET_MAX,
        help_text=gettext_lazy("A street name whose edges the route prefers (the keyboard form)."),
    )


ROUTE_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "geometry": {"type": "object", "description": "A LineString in WGS84, at most 500 vertices."},
        "properties": {
            "type": "object",
            "properties": {
                "length_m": {"type": "number", "description": "Metres on the ellipsoid."},
                "streets": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The named streets along the route, in order.",
                },
                "edges": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "The network edges followed, in order.",
                },
                "points": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "number"}},
                    "description": "Where each given point lies on the streets (lon, lat), in order.",
                },
            },
        },
    },
}


class RouteApi(APIView):
    permission_classes = [AllowAny]
    # Each answer runs pgRouting: a budget per address (settings THROTTLE_ROUTE), far above a person
    # drawing and re-drawing a path.
    throttle_classes = [WindowRateThrottle]
    throttle_scope = "route"

    @extend_schema(
        parameters=[RouteQuery],
        responses={
            200: OpenApiResponse(ROUTE_SCHEMA),
            400: OpenApiResponse(
                description="Malformed points, too many, outside the area or the network, "
                "or a route longer than 30 km."
            ),
            404: OpenApiResponse(description="No such project (or one this person may not see)."),
            409: OpenApiResponse(description="No street network, or no route between the points."),
            429: OpenApiResponse(description="Too many routes from this address; Retry-After says when."),
        },
        summary="A bicycle route along the project's street network through tapped points",
        description=(
            f"Each point is snapped to the nearest street open to bicycles (at most {SNAP_M} m away); the "
            "line starts and ends there and follows the shortest route for bicycles (one-way streets only "
            "in their direction) through the points in order. The line passes the rules of a drawn line, "
            "so it can be sent as a suggestion's geometry (with `line_drawing: routed`)."
        ),
    )
    def get(self, request: Request, slug: str) -> Response:
        project = _project(request, slug)
        query = RouteQuery(data=request.query_params)
        if not query.is_valid():
            if "points" in query.errors:
                raise PointsMalformed()
            query.is_valid(raise_exception=True)
        points = parse_points(query.validated_data["points"])
        route = route_find(project=project, points=points, along=query.validated_data.get("along") or None)
        return Response(
            {
                "type": "Feature",
                "geometry": route.geometry,
                "properties": {
                    "length_m": route.length_m,
                    "streets": route.streets,
                    "edges": route.edges,
                    "points": [list(point) for point in route.points],
                },
            }
        )


class NetworkOut(serializers.Serializer):
    available = serializers.BooleanField(help_text="Whether routes can be drawn along a street network.")
    message = serializers.CharField(allow_null=True, help_text="When not: why, in the request's language.")
    attribution = serializers.CharField(allow_blank=True)
    licence = serializers.CharField(allow_blank=True)
    max_points = serializers.IntegerField(help_text="Start, via points and end together.")


class RouteNetworkApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: NetworkOut},
        summary="Whether the project has a street network to route along (else paths are drawn freely)",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = _project(request, slug)
        network = (
            StreetNetwork.objects.filter(project=project, imported_at__isnull=False)
            .only("attribution", "licence")
            .first()
        )
        return Response(
            {
                "available": network is not None,
                "message": None if network else str(NetworkMissing.default_message),
                "attribution": network.attribution if network else "",
                "licence": network.licence if network else "",
                "max_points": MAX_POINTS,
            }
        )


# What the street search and the crossings may answer besides their lists.
LOOKUP_ERRORS = {
    400: OpenApiResponse(description="Text that cannot be a street name (e.g. a NUL character)."),
    404: OpenApiResponse(description="No such project (or one this person may not see)."),
    409: OpenApiResponse(description="The project has no street network."),
    429: OpenApiResponse(description="Too many requests from this address; Retry-After says when."),
}


class StreetQuery(serializers.Serializer):
    q = serializers.CharField(
        trim_whitespace=False, help_text=gettext_lazy("What was typed of a street name: “Kaiserstr.”")
    )


class StreetSearchApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [WindowRateThrottle]
    throttle_scope = "route"

    @extend_schema(
        parameters=[StreetQuery],
        responses={
            200: OpenApiResponse(
                {"type": "object", "properties": {"streets": {"type": "array", "items": {"type": "string"}}}}
            ),
            **LOOKUP_ERRORS,
        },
        summary="Street names of the project's network open to bicycles, as one types (at most 10)",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = _project(request, slug)
        text = request.query_params.get("q", "")
        return Response({"streets": street_search(project=project, q=text[: SEARCH_MAX + 1])})


class CrossingQuery(serializers.Serializer):
    street = serializers.CharField(help_text=gettext_lazy("A street name as the street search gave it."))


CROSSINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "street": {"type": "string"},
        "crossings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "vertex": {"type": "integer"},
                    "position": {"type": "array", "items": {"type": "number"}, "description": "lon, lat"},
                },
            },
        },
    },
}


class StreetCrossingsApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [WindowRateThrottle]
    throttle_scope = "route"

    @extend_schema(
        parameters=[CrossingQuery],
        responses={200: OpenApiResponse(CROSSINGS_SCHEMA), **LOOKUP_ERRORS},
        summary="The streets meeting a street, with where they meet it (for “along … from … to …”)",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = _project(request, slug)
        street = request.query_params.get("street", "")
        return Response({"street": street, "crossings": street_crossings(project=project, street=street)})
