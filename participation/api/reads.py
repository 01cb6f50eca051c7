"""Read API v1: projects and their published suggestions as RFC 7946 GeoJSON.

Views are thin: a small input serializer validates the query, selectors read, PostGIS writes the features.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.bbox import BBoxField
from geo.renderers import GEOJSON, GeoJSONRenderer
from geo.selectors import suggestion_feature_page

from .. import selectors
from ..models import Project


class CategoryOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    geometry_kind = serializers.CharField()
    colour = serializers.CharField()
    icon = serializers.CharField()
    active = serializers.BooleanField()


class ProjectOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    phase_start = serializers.DateTimeField()
    phase_end = serializers.DateTimeField()
    moderation_mode = serializers.CharField()
    allow_anonymous = serializers.BooleanField()
    map_center = serializers.SerializerMethodField()
    map_zoom = serializers.IntegerField()
    categories = CategoryOutput(many=True)
    suggestions_url = serializers.SerializerMethodField()

    def get_map_center(self, project: Project) -> list[float]:
        return [round(project.map_center.x, 7), round(project.map_center.y, 7)]

    def get_suggestions_url(self, project: Project) -> str:
        url = reverse("api:suggestion-list", kwargs={"slug": project.slug})
        return self.context["request"].build_absolute_uri(url)


class ProjectListApi(APIView):
    @extend_schema(responses=ProjectOutput(many=True), summary="Projects")
    def get(self, request: Request) -> Response:
        projects = selectors.project_list().prefetch_related("categories")
        return Response(ProjectOutput(projects, many=True, context={"request": request}).data)


class SuggestionQuery(serializers.Serializer):
    bbox = BBoxField(
        required=False,
        help_text=_("minlon,minlat,maxlon,maxlat in WGS84; only suggestions intersecting it."),
    )
    category = serializers.CharField(
        required=False, help_text=_("Category keys, comma-separated, e.g. charging-station,bike-path.")
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=settings.API_PAGE_MAX, default=settings.API_PAGE_DEFAULT
    )
    after = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text=_("Keyset paging: only ids above this one.")
    )

    def validate_category(self, value: str) -> list[str]:
        keys = [k.strip() for k in value.split(",") if k.strip()]
        if not keys:
            raise serializers.ValidationError(_("Name at least one category."))
        return keys


FEATURE_COLLECTION_SCHEMA = {
    "type": "object",
    "required": ["type", "features", "links", "numberReturned"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "numberReturned": {"type": "integer"},
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "rel": {"type": "string"},
                    "href": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "description": "RFC 7946 Point or LineString, WGS84 lon/lat, 7 decimals.",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point", "LineString", "Polygon"]},
                            "coordinates": {"type": "array", "items": {}},
                        },
                    },
                    "properties": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "category": {"type": "string"},
                            "title": {"type": "string"},
                            "text": {"type": "string"},
                            "planning_status": {
                                "type": "string",
                                "enum": ["received", "under_review", "planned", "implemented", "declined"],
                            },
                            "support_count": {"type": "integer"},
                            "comment_count": {"type": "integer"},
                            "created": {"type": "string", "format": "date-time"},
                        },
                    },
                },
            },
        },
    },
}


class SuggestionFeatureListApi(APIView):
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        parameters=[SuggestionQuery],
        responses={(200, GEOJSON): OpenApiResponse(FEATURE_COLLECTION_SCHEMA)},
        summary="Published suggestions of a project (GeoJSON, keyset-paged)",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        query = SuggestionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        project = selectors.project_get(slug=slug)
        category_ids = (
            selectors.category_ids_for_keys(project=project, keys=params["category"])
            if "category" in params
            else None
        )
        page = suggestion_feature_page(
            project_id=project.pk,
            category_ids=category_ids,
            bbox=params.get("bbox"),
            after=params["after"],
            limit=params["limit"],
        )
        links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        if page.has_more:
            next_query = {k: v for k, v in request.query_params.items() if k != "after"}
            next_query["after"] = str(page.last_id)
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(next_query)}")
            links.append({"rel": "next", "type": GEOJSON, "href": next_url})
        body = (
            f'{{"type":"FeatureCollection","numberReturned":{page.returned},'
            f'"links":{json.dumps(links)},"features":{page.features_json}}}'
        )
        response = HttpResponse(body, content_type=GEOJSON)
        if page.has_more:
            response["Link"] = f'<{links[-1]["href"]}>; rel="next"'
        return response
