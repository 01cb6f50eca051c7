"""What already exists near a drawn place: the compose flow's hint beside the duplicate check ("an existing
bicycle parking with 40 places is 90 m away"). GET with the geometry in the query, POST with it in a JSON
body (a long line would not fit in a query string), as participation's duplicate check."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import strict_loads
from participation import selectors as participation_selectors
from participation.models import Project

from ..core.geojson_schema import DrawnGeometryField
from ..layers.nearby import LIMIT, facilities_nearby


class NearbyQuery(serializers.Serializer):
    category = serializers.CharField(help_text=gettext_lazy("Category key, e.g. charging-station."))
    geometry = serializers.CharField(help_text=gettext_lazy("The drawn geometry as GeoJSON text."))

    def validate_geometry(self, value: str) -> Any:
        try:
            return strict_loads(value)
        except (ValueError, RecursionError):
            raise serializers.ValidationError(_("The geometry is not valid GeoJSON.")) from None


class NearbyBody(serializers.Serializer):
    category = serializers.CharField(help_text=gettext_lazy("Category key, e.g. charging-station."))
    geometry = DrawnGeometryField(help_text=gettext_lazy("The drawn geometry (GeoJSON)."))


NEARBY_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "radius_m": {"type": "integer", "description": "How far “nearby” reaches, in metres."},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "description": "The point of the facility nearest to the drawn geometry.",
                    },
                    "properties": {
                        "type": "object",
                        "properties": {
                            "layer": {"type": "integer"},
                            "layer_name": {"type": "string", "description": "In the request's language."},
                            "name": {"type": "string", "nullable": True},
                            "capacity": {
                                "type": "integer",
                                "nullable": True,
                                "description": "From the `capacity` attribute, when it is a whole number.",
                            },
                            "distance_m": {"type": "number", "description": "Metres on the ellipsoid."},
                            "distance_rounded_m": {
                                "type": "integer",
                                "description": "To 10 m; 0 when less than 10 m.",
                            },
                        },
                    },
                },
            },
        },
    },
}
DESCRIPTION = (
    f"From the project's public context layers of existing facilities for the category: at most {LIMIT}, "
    "within the project's coverage distance (`radius_m`, 300 m by default) of the drawn point (or of the "
    "line's nearest point), nearest first."
)


class FacilitiesNearbyApi(APIView):
    @extend_schema(
        parameters=[NearbyQuery],
        responses={200: OpenApiResponse(NEARBY_SCHEMA)},
        summary="Existing facilities of a category near a drawn geometry",
        description=DESCRIPTION,
    )
    def get(self, request: Request, slug: str) -> Response:
        project = participation_selectors.project_get(slug=slug)
        query = NearbyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return self._answer(project, query.validated_data)

    @extend_schema(
        request=NearbyBody,
        responses={200: OpenApiResponse(NEARBY_SCHEMA)},
        summary="The same, with the geometry in a JSON body",
        description="For long lines: a query string of 500 vertices would exceed what servers accept.",
    )
    def post(self, request: Request, slug: str) -> Response:
        project = participation_selectors.project_get(slug=slug)
        body = NearbyBody(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(project, body.validated_data)

    def _answer(self, project: Project, params: dict[str, Any]) -> Response:
        features = facilities_nearby(
            project=project, category_key=params["category"], geometry=params["geometry"]
        )
        return Response(
            {"type": "FeatureCollection", "radius_m": project.coverage_distance_m, "features": features}
        )
