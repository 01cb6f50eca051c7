"""Map reads under /api/v1/: what the map draws for a viewport, clusters or features, built in PostGIS."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from participation import selectors as participation_selectors
from participation.models import PlanningStatus

from ..core.bbox import BBoxField
from ..core.renderers import GEOJSON, GeoJSONRenderer
from ..selectors import FEATURE_THRESHOLD, map_viewport

MAX_ZOOM = 22  # the deepest zoom a web map asks for; 17 and above always get features


class MapQuery(serializers.Serializer):
    bbox = BBoxField(help_text=_("The viewport: minlon,minlat,maxlon,maxlat in WGS84."))
    zoom = serializers.IntegerField(
        min_value=0, max_value=MAX_ZOOM, help_text=_("The map's zoom level; cells are 64 px at it.")
    )
    category = serializers.CharField(
        required=False, help_text=_("Category keys, comma-separated, e.g. charging-station,bike-path.")
    )

    status = serializers.CharField(
        required=False,
        help_text=_("Planning statuses, comma-separated, e.g. planned,implemented."),
    )

    def validate_status(self, value: str) -> list[str]:
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in PlanningStatus.values]
        if unknown or not statuses:
            raise serializers.ValidationError(
                _("Unknown planning status %(unknown)s. Valid values: %(valid)s.")
                % {"unknown": ", ".join(unknown) or "''", "valid": ", ".join(PlanningStatus.values)}
            )
        return sorted(set(statuses))

    def validate_category(self, value: str) -> list[str]:
        keys = [k.strip() for k in value.split(",") if k.strip()]
        if not keys:
            raise serializers.ValidationError(_("Name at least one category."))
        return keys


_POINT = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
}
MAP_SCHEMA = {
    "type": "object",
    "description": (
        f"Clusters (mode `clusters`) when the viewport holds more than {FEATURE_THRESHOLD} published "
        "suggestions at a zoom up to 16, otherwise the suggestions themselves (mode `features`). "
        "Coordinates are WGS84 lon/lat with 6 decimals. `truncated` says that the answer was cut to stay "
        "small: zoom in for the rest."
    ),
    "required": ["type", "mode", "zoom", "features", "truncated"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "mode": {"type": "string", "enum": ["clusters", "features"]},
        "zoom": {"type": "integer"},
        "total": {
            "type": "integer",
            "description": "Clusters only: published suggestions in the cells that meet the viewport.",
        },
        "cell_zoom": {
            "type": "integer",
            "description": (
                "Clusters only: the zoom whose 64-px grid the clusters come from; one less than `zoom` "
                "when the viewport holds too many cells to send."
            ),
        },
        "truncated": {"type": "boolean"},
        "status_applied": {
            "type": "boolean",
            "description": (
                "Only with `status`: false when the viewport holds too many matching suggestions to send one "
                "by one, so the clusters count suggestions of every planning status."
            ),
        },
        "features": {
            "type": "array",
            "items": {
                "oneOf": [
                    {
                        "title": "Cluster",
                        "type": "object",
                        # No id, and a count: what tells a cluster from a suggestion (oneOf needs one).
                        "required": ["type", "geometry", "properties"],
                        "not": {"required": ["id"]},
                        "properties": {
                            "type": {"type": "string", "enum": ["Feature"]},
                            "geometry": _POINT,
                            "properties": {
                                "type": "object",
                                "required": ["count", "categories"],
                                "properties": {
                                    "count": {"type": "integer"},
                                    "categories": {
                                        "type": "object",
                                        "description": "Count per category key.",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                },
                            },
                        },
                    },
                    {
                        "title": "Suggestion",
                        "type": "object",
                        "required": ["type", "id", "geometry", "properties"],
                        "properties": {
                            "type": {"type": "string", "enum": ["Feature"]},
                            "id": {"type": "integer"},
                            "geometry": {
                                "type": "object",
                                "description": "RFC 7946 Point, LineString or Polygon.",
                            },
                            "properties": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "category": {"type": "string"},
                                    "title": {"type": "string"},
                                    "planning_status": {"type": "string", "enum": PlanningStatus.values},
                                    "support_count": {"type": "integer"},
                                    "comment_count": {"type": "integer"},
                                    "photo": {
                                        "type": "string",
                                        "description": (
                                            "The key of the first published photo, when there is one: "
                                            "/api/v1/photos/<key>/small.jpg; its description from the "
                                            "suggestion's photos."
                                        ),
                                    },
                                },
                            },
                        },
                    },
                ]
            },
        },
    },
}


class ProjectMapDataApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        parameters=[MapQuery],
        responses={(200, GEOJSON): OpenApiResponse(MAP_SCHEMA)},
        summary="What the map draws for a viewport: clusters or published suggestions",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        query = MapQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        project = participation_selectors.project_get(slug=slug)
        category_ids = participation_selectors.category_ids_for_keys(
            project=project, keys=params.get("category")
        )
        view = map_viewport(
            project_id=project.pk,
            category_ids=category_ids,
            bbox=params["bbox"],
            zoom=params["zoom"],
            statuses=params.get("status"),
        )
        # PostgreSQL wrote the features; Python only frames them, whatever their number.
        clusters = f',"cell_zoom":{view.cell_zoom},"total":{view.total}' if view.mode == "clusters" else ""
        if "status" in params:
            clusters += f',"status_applied":{"true" if view.status_applied else "false"}'
        body = (
            f'{{"type":"FeatureCollection","mode":"{view.mode}","zoom":{view.zoom}{clusters},'
            f'"truncated":{"true" if view.truncated else "false"},"features":{view.features_json}}}'
        )
        return HttpResponse(body, content_type=GEOJSON)
