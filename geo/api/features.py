"""The published suggestions of a project as RFC 7946 GeoJSON, keyset-paged, and the collection's address.

The read path answers GET; participation's `SuggestionCreateApi` answers POST at the same address, and
`SuggestionCollectionApi` joins the two. Views are thin: a small input serializer validates the query,
selectors read, PostGIS writes the features.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from participation import selectors as participation_selectors
from participation.api.suggestions import SuggestionCreateApi

from ..core.bbox import BBoxField
from ..core.renderers import GEOJSON, GeoJSONRenderer
from ..selectors import suggestion_feature_page


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
        project = participation_selectors.project_get(slug=slug)
        category_ids = participation_selectors.category_ids_for_keys(
            project=project, keys=params.get("category")
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


class SuggestionCollectionApi(SuggestionFeatureListApi, SuggestionCreateApi):
    """GET reads the published suggestions; POST creates one (participation.api.suggestions)."""
