"""Read API v1: the public projects with their categories."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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
