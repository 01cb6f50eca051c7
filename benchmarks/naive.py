"""The naive anchor: published suggestions of a project through DRF-gis, the way the design rules out.

Python builds one model instance and one serializer dict per feature; PostGIS only filters. The page is
bounded (limit up to MAX_LIMIT, offset paging with a count), as such views usually are, so that the anchor
finishes at every zoom; the benchmark notes how many features the viewport really holds.
"""

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from participation.models import ModerationState, Suggestion

MAX_LIMIT = 5000


class NaiveSuggestionSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.key")

    class Meta:
        model = Suggestion
        geo_field = "geom"
        fields = [
            "id",
            "category",
            "title",
            "planning_status",
            "support_count",
            "comment_count",
            "created_at",
        ]


class NaivePagination(LimitOffsetPagination):
    default_limit = 1000
    max_limit = MAX_LIMIT

    def get_paginated_response(self, data: dict) -> Response:
        return Response(
            {
                "type": "FeatureCollection",
                "numberMatched": self.count,
                "numberReturned": len(data["features"]),
                "features": data["features"],
            }
        )


class NaiveSuggestionList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = NaiveSuggestionSerializer
    pagination_class = NaivePagination

    def get_queryset(self) -> QuerySet[Suggestion]:
        queryset = (
            Suggestion.objects.filter(
                project__slug=self.kwargs["slug"], moderation_state=ModerationState.PUBLISHED
            )
            .select_related("category")
            .order_by("id")
        )
        bbox = self.request.query_params.get("bbox")
        if bbox:
            box = Polygon.from_bbox([float(v) for v in bbox.split(",")])
            box.srid = 4326
            queryset = queryset.filter(geom__intersects=box)
        return queryset
