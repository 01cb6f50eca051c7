"""`/api/v1/projects/<slug>/places/?q=`: the search box's suggestions as people type (geo.places). Tolerant
("Kaiserstr." finds "Kaiserstraße", ß/ss, ä/ae, a typo or two); the text is only ever a bound parameter and
its normal form keeps letters and digits only, so LIKE wildcards, quotes and emoji are plain text that finds
nothing of its own."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.throttling import WindowRateThrottle

from ..places.selectors import LIMIT_DEFAULT, LIMIT_MAX, place_search, searchable_project

TEXT_MAX = 100


class PlaceQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX,
        help_text=gettext_lazy(
            "What was typed: a street, an address (“Kaiserstraße 12”), a district or a place."
        ),
        error_messages={
            # TEXT_MAX, written out for the translators.
            "max_length": gettext_lazy("The search text is too long: at most 100 characters, please.")
        },
    )
    limit = serializers.IntegerField(
        required=False,
        default=LIMIT_DEFAULT,
        min_value=1,
        max_value=LIMIT_MAX,
        help_text=gettext_lazy("How many results at most."),
    )


class PlaceOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["street", "address", "district", "place"])
    label = serializers.CharField(help_text="What to show, e.g. “Kaiserstraße 12”.")
    point = serializers.ListField(child=serializers.FloatField(), help_text="lon, lat (WGS84): where to go.")
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="minlon, minlat, maxlon, maxlat of a street or district, to show whole; null for a point.",
    )
    inside = serializers.BooleanField(help_text="Inside the project's area.")
    source = serializers.ChoiceField(
        choices=["gazetteer", "fallback"],
        help_text="The project's own data, or the fallback geocoder (only when ours finds nothing).",
    )


class PlaceListOut(serializers.Serializer):
    results = PlaceOut(many=True)


class PlaceSearchApi(APIView):
    throttle_classes = [WindowRateThrottle]
    throttle_scope = "place_search"

    @extend_schema(
        parameters=[PlaceQuery],
        responses={200: PlaceListOut},
        summary="Find a street, address, district or place of the project by its name",
        description=(
            "Prefix matches first, then similar names (typos); inside the project's area first. A text "
            "ending in a house number finds the addresses of the streets it names. An empty text, or one "
            f"without a letter or digit, finds nothing. At most {LIMIT_MAX} results."
        ),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = PlaceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"]
        if not text.strip():
            # An unknown project is not found, whatever was typed; one being set up, only by its staff.
            searchable_project(slug=slug, user=request.user)
            return Response({"results": []})
        found = place_search(slug=slug, text=text, user=request.user, limit=query.validated_data["limit"])
        return Response({"results": [place.as_dict() for place in found]})
