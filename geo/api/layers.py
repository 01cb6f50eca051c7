"""`/api/v1/projects/<slug>/layers/`: the context layers of a project that the caller may see, for the map's
layer control and legend, with their vector tile URLs (QGIS takes them too)."""

from django.http import HttpRequest
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import rules
from participation.errors import ProjectNotFound
from participation.models import Project

from ..layers.models import ContextLayer
from ..layers.selectors import LayerFigures, context_layer_figures, context_layer_list
from ..tiles.urls import layer_tile_url


class ContextLayerOut(serializers.Serializer):
    """One layer as the map draws it (the schema of the answer; the view builds it as a dict)."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="In the request's language (else the German name).")
    role = serializers.ChoiceField(choices=["facilities", "districts", "reference"])
    category = serializers.CharField(
        allow_null=True, help_text="The category key whose demand these facilities meet."
    )
    colour = serializers.CharField(help_text="#rrggbb")
    icon = serializers.CharField(help_text="Points' symbol: circle, square, bicycle, charger or pin.")
    line_pattern = serializers.ChoiceField(choices=["solid", "dashed", "dotted"])
    attribution = serializers.CharField()
    licence = serializers.CharField()
    visible_by_default = serializers.BooleanField()
    public = serializers.BooleanField(help_text="False: only the project's planners and moderators see it.")
    features = serializers.IntegerField()
    bounds = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="minlon, minlat, maxlon, maxlat (WGS84)."
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=["point", "line", "area"]),
        help_text="The kinds of geometry the layer holds (from its last import), for its legend.",
    )
    tiles = serializers.CharField(help_text="Vector tile URL template with {z}/{x}/{y} (layer `features`).")


class ContextLayerListOut(serializers.Serializer):
    layers = ContextLayerOut(many=True)


# The import report counts features per geometry type (geo.layers.imports.ImportReport.taken).
KINDS = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "area",
    "MultiPolygon": "area",
}


def _kinds(layer: ContextLayer) -> list[str]:
    taken = (layer.import_report or {}).get("taken") or {}
    return sorted({KINDS[kind] for kind, count in taken.items() if kind in KINDS and count})


def _layer_out(request: HttpRequest, project: Project, layer: ContextLayer, figures: LayerFigures) -> dict:
    return {
        "id": layer.pk,
        "name": layer.name,  # modeltranslation: the active language's, else the German one
        "role": layer.role,
        "category": layer.category.key if layer.category_id else None,
        "colour": layer.colour,
        "icon": layer.icon,
        "line_pattern": layer.line_pattern,
        "attribution": layer.attribution,
        "licence": layer.licence,
        "visible_by_default": layer.visible_by_default,
        "public": layer.public and project.is_public,
        "features": figures.features,
        "bounds": [round(v, 6) for v in figures.bounds] if figures.bounds else None,
        "kinds": _kinds(layer),
        "tiles": layer_tile_url(request, project.slug, layer.pk),
    }


class ContextLayerListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: ContextLayerListOut},
        summary="A project's context layers for the map: style, attribution, bounds and tile URL",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = Project.objects.filter(slug=slug).first()
        if project is None or not rules.may_know_project(request.user, project):
            raise ProjectNotFound()
        layers = context_layer_list(user=request.user, project=project)
        figures = context_layer_figures(layers)
        rows = [_layer_out(request, project, layer, figures[layer.pk]) for layer in layers]
        return Response({"layers": rows})
