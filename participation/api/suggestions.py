"""Suggestions: create one (a GeoJSON Feature), read one, find likely duplicates, list them beside the map."""

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import too_large
from config.parsers import JSONParser, invalid_json_message, strict_loads
from geo.core.bbox import BBoxField
from geo.core.geojson_schema import DrawnGeometryField, GeometryField

from .. import selectors, services
from ..errors import InvalidText
from ..idempotency import idempotent
from ..models import PHOTOS_PER_SUGGESTION, ModerationState, Photo, PlanningStatus, Project, Suggestion
from ..participants import participant_from, participant_reading
from .anti_spam import AntiSpamInput
from .photos import PhotoFileField, PhotoUploads, check_file_fields, photos_body

WRITABLE_PROPERTIES = ("category", "title", "text", "name", "email", "line_drawing")
# RFC 7946 Feature members a client may send ("id" only as null), and the anti-spam foreign members.
FEATURE_MEMBERS = {"type", "geometry", "properties", "bbox", "id", "altcha", "website"}


class SuggestionPropertiesInput(serializers.Serializer):
    category = serializers.CharField(help_text=gettext_lazy("Category key, e.g. charging-station."))
    title = serializers.CharField(max_length=None, trim_whitespace=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text=gettext_lazy("Anonymous authors: the public name to show (optional)."),
    )
    email = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Anonymous authors: an address to be told what becomes of the suggestion (optional, never "
            "shown). It is confirmed by a link first."
        ),
    )
    line_drawing = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Paths only: “routed” when the line came from the route API (along the streets), “free” when "
            "drawn freely (the default for paths)."
        ),
    )


class SuggestionInput(AntiSpamInput):
    """A GeoJSON Feature. Only category, title, text (and for anonymous authors name and e-mail) can be
    set; state, author and counts never. Anonymous authors add the foreign members `altcha` and `website`."""

    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GeometryField(help_text=gettext_lazy("RFC 7946 geometry in WGS84 (lon, lat)."))
    properties = SuggestionPropertiesInput()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        members = set(self.initial_data) - FEATURE_MEMBERS
        if self.initial_data.get("id") is not None:
            members.add("id")  # the server numbers suggestions
        if members:
            raise serializers.ValidationError(
                {
                    "type": [
                        _("These members cannot be set: %(fields)s. Send type, geometry and properties.")
                        % {"fields": ", ".join(sorted(members))}
                    ]
                }
            )
        properties = self.initial_data.get("properties")
        extra = sorted(set(properties) - set(WRITABLE_PROPERTIES)) if isinstance(properties, dict) else []
        if extra:
            raise serializers.ValidationError(
                {
                    "properties": [
                        _("These fields cannot be set: %(fields)s. Allowed are: %(allowed)s.")
                        % {"fields": ", ".join(extra), "allowed": ", ".join(WRITABLE_PROPERTIES)}
                    ]
                }
            )
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"type": [_("Send one GeoJSON Feature as a JSON object.")]})
        return super().to_internal_value(data)


class SuggestionOutput(serializers.Serializer):
    """One suggestion as a GeoJSON Feature with its public fields (never the author's account or e-mail)."""

    def to_representation(self, suggestion: Suggestion) -> dict[str, Any]:
        request = self.context["request"]
        page = reverse(
            "participation:suggestion-detail",
            kwargs={"slug": suggestion.project.slug, "pk": suggestion.pk},
        )
        return {
            "type": "Feature",
            "id": suggestion.pk,
            "geometry": json.loads(suggestion.geom.json),
            "properties": {
                "id": suggestion.pk,
                "project": suggestion.project.slug,
                "category": suggestion.category.key,
                "title": suggestion.title,
                "text": suggestion.text,
                "line_drawing": suggestion.line_drawing,
                "display_name": suggestion.display_name,
                # A name typed without an account: anyone could have typed it (the pages say "without an
                # account" next to it).
                "author_is_anonymous": suggestion.author_id is None,
                "moderation_state": suggestion.moderation_state,
                "planning_status": suggestion.planning_status,
                "official_answer": suggestion.official_answer,
                "answered": suggestion.answered_at.isoformat() if suggestion.answered_at else None,
                "support_count": suggestion.support_count,
                "comment_count": suggestion.comment_count,
                "supported": selectors.suggestion_supported_by(
                    actor=participant_reading(request), suggestion=suggestion
                ),
                "created": suggestion.created_at.isoformat(),
                "url": request.build_absolute_uri(page),
                "photos": photos_body(request, self._photos(suggestion)),
            },
        }

    def _photos(self, suggestion: Suggestion) -> list[Photo]:
        """The photos the reader may see; a new suggestion sent without photos has none to look for."""
        if self.context.get("without_photos"):
            return []
        return selectors.photo_list_visible(actor=self.context["request"].user, suggestion=suggestion)


class SuggestionWithPhotosInput(serializers.Serializer):
    """The multipart form of a new suggestion with photos (documentation: the view reads the form itself)."""

    feature = serializers.CharField(help_text=gettext_lazy("The suggestion: a GeoJSON Feature as JSON text."))
    photo = serializers.ListField(
        child=PhotoFileField(),
        help_text=gettext_lazy("Up to 3 photos: JPEG, PNG, WebP or HEIC, at most 15 MB each."),
    )
    alt = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Each photo's description, in the photos' order (required for each)."),
    )
    altcha = serializers.CharField(required=False, help_text=gettext_lazy("As in the JSON body."))
    website = serializers.CharField(required=False, help_text=gettext_lazy("As in the JSON body."))


class SuggestionCreateApi(PhotoUploads):
    """POST creates a suggestion; the read path's `geo.api.features.SuggestionCollectionApi` adds GET at the
    same address. A JSON body is the Feature; a multipart form carries it with photos."""

    parser_classes = [JSONParser, parsers.MultiPartParser]
    max_photos = PHOTOS_PER_SUGGESTION
    # suggestion_create's budget, counted in WriteLimitMiddleware's round trip (participation/throttling.py).
    write_limit_scopes = {"POST": ("suggestion",)}

    @extend_schema(
        request={"application/json": SuggestionInput, "multipart/form-data": SuggestionWithPhotosInput},
        responses={201: SuggestionOutput},
        summary="Create a suggestion (GeoJSON Feature)",
        description="Signed-in participants, or anyone where the project allows anonymous participation "
        "(then with a solved ALTCHA challenge from /api/v1/altcha/challenge/ in `altcha`), during the "
        "project's phase. In pre-moderation the new suggestion is visible only to its author until a "
        "moderator approves it. With photos: a multipart form with the Feature in `feature`, up to 3 "
        "files in `photo` and a description for each in `alt`; the suggestion is stored with all of them "
        "or not at all.",
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        project = selectors.project_get(slug=slug)
        uploads: list[services.PhotoUpload] = []
        body = request.data
        anti_spam_form = {}
        if request.content_type.startswith("multipart/form-data"):
            body, uploads = _feature_with_photos(request)
            anti_spam_form = {
                name: request.data.get(name, "") for name in ("altcha", "website") if name in request.data
            }
        data = SuggestionInput(data=body)
        data.is_valid(raise_exception=True)
        properties = data.validated_data["properties"]
        anti_spam = data.anti_spam
        if anti_spam_form:
            anti_spam = {
                "proof": anti_spam_form.get("altcha", anti_spam["proof"]),
                "honeypot": anti_spam_form.get("website", anti_spam["honeypot"]),
            }
        suggestion = services.suggestion_create(
            actor=participant_from(request, **anti_spam),
            project=project,
            category_key=properties["category"],
            geometry=data.validated_data["geometry"],
            title=properties["title"],
            text=properties["text"],
            name=properties["name"],
            email=properties["email"],
            line_drawing=properties["line_drawing"],
            photos=uploads,
        )
        answer = SuggestionOutput(
            suggestion, context={"request": request, "without_photos": not uploads}
        ).data
        return Response(
            answer, status=status.HTTP_201_CREATED, headers={"Location": answer["properties"]["url"]}
        )


def _feature_with_photos(request: Request) -> tuple[Any, list[services.PhotoUpload]]:
    """The Feature (JSON text in `feature`) and the photos with their descriptions, in order."""
    feature = request.data.get("feature")
    if not isinstance(feature, str) or not feature.strip():
        raise serializers.ValidationError({"feature": [_("Send the suggestion as GeoJSON in “feature”.")]})
    if len(feature) > settings.API_MAX_BODY_BYTES:
        raise too_large()
    try:
        body = strict_loads(feature)
    except (ValueError, RecursionError) as error:
        raise serializers.ValidationError({"feature": [invalid_json_message(error)]}) from None
    check_file_fields(request)
    files = request.FILES.getlist("photo")
    alts = request.data.getlist("alt")
    if len(alts) > len(files):
        raise InvalidText(_("Please give one description per photo."), field="alt")
    alts += [""] * (len(files) - len(alts))
    uploads = [
        services.PhotoUpload(file=upload, alt=alt, size=upload.size)
        for upload, alt in zip(files, alts, strict=True)
    ]
    return body, uploads


class SuggestionDetailApi(APIView):
    @extend_schema(responses={200: SuggestionOutput}, summary="One suggestion")
    def get(self, request: Request, pk: int) -> Response:
        suggestion = selectors.suggestion_get_visible(actor=request.user, suggestion_id=pk)
        return Response(SuggestionOutput(suggestion, context={"request": request}).data)


class DuplicateQuery(serializers.Serializer):
    category = serializers.CharField()
    geometry = serializers.CharField(help_text=gettext_lazy("The drawn geometry as GeoJSON text."))

    def validate_geometry(self, value: str) -> Any:
        try:
            return strict_loads(value)
        except (ValueError, RecursionError):
            raise serializers.ValidationError(_("The geometry is not valid GeoJSON.")) from None


class DuplicateBody(serializers.Serializer):
    category = serializers.CharField()
    geometry = DrawnGeometryField(help_text=gettext_lazy("The drawn geometry (GeoJSON)."))


DUPLICATES_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "id": {"type": "integer"},
                    "geometry": {"type": "object"},
                    "properties": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "title": {"type": "string"},
                            "planning_status": {"type": "string"},
                            "support_count": {"type": "integer"},
                            "comment_count": {"type": "integer"},
                            "distance_m": {"type": "number", "description": "Metres to the drawn geometry."},
                            "overlap": {
                                "type": "number",
                                "nullable": True,
                                "description": "Lines: share (0-1) running within 20 m of each other, or "
                                "of the street segments either follows that both follow.",
                            },
                            "shared_segments": {
                                "type": "integer",
                                "description": "Lines: street segments both follow.",
                            },
                        },
                    },
                },
            },
        },
    },
}


class DuplicateListApi(APIView):
    @extend_schema(
        parameters=[DuplicateQuery],
        responses={200: OpenApiResponse(DUPLICATES_SCHEMA)},
        summary="Published suggestions that a new geometry probably duplicates",
        description="Points within 150 m; lines where at least half of either line runs within 20 m of the "
        "other, or that follow mostly the same street segments. At most 5, nearest (or most overlapping) "
        "first.",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = selectors.project_get(slug=slug)
        query = DuplicateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return self._answer(project, query.validated_data)

    @extend_schema(
        request=DuplicateBody,
        responses={200: OpenApiResponse(DUPLICATES_SCHEMA)},
        summary="The same, with the geometry in a JSON body",
        description="For long lines: a query string of 500 vertices would exceed what servers accept.",
    )
    def post(self, request: Request, slug: str) -> Response:
        project = selectors.project_get(slug=slug)
        body = DuplicateBody(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(project, body.validated_data)

    def _answer(self, project: Project, params: dict[str, Any]) -> Response:
        features = selectors.suggestion_duplicates(
            project=project, category_key=params["category"], geometry=params["geometry"]
        )
        return Response({"type": "FeatureCollection", "features": features})


class SuggestionListQuery(serializers.Serializer):
    bbox = BBoxField(required=False)
    category = serializers.CharField(
        required=False, help_text=gettext_lazy("Category keys, comma-separated.")
    )
    status = serializers.MultipleChoiceField(choices=PlanningStatus.choices, required=False)
    sort = serializers.ChoiceField(choices=["newest", "supported"], default="newest")
    mine = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Only my own suggestions, those waiting for review and rejected ones included."
        ),
    )
    cursor = serializers.CharField(
        required=False, help_text=gettext_lazy("From `next` of the previous page.")
    )


class ListPhoto(serializers.Serializer):
    url = serializers.CharField(help_text=gettext_lazy("Its small rendition (at most 320 px)."))
    alt = serializers.CharField(help_text=gettext_lazy("Its description (alternative text)."))


def first_photo_key(suggestion: Suggestion) -> str | None:
    """The key of a listed suggestion's first published photo. Only a published suggestion's photos are
    anyone's to see (an author's own list also holds suggestions waiting for review or rejected)."""
    if suggestion.moderation_state != ModerationState.PUBLISHED or not suggestion.photo_keys:
        return None
    return suggestion.photo_keys[0]


class SuggestionListItem(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField(source="category.key")
    title = serializers.CharField()
    display_name = serializers.CharField()
    author_is_anonymous = serializers.SerializerMethodField(
        help_text=gettext_lazy("True when the name was given without an account: anyone could have typed it.")
    )
    moderation_state = serializers.CharField()
    planning_status = serializers.CharField()
    support_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    created = serializers.DateTimeField(source="created_at")
    url = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField(
        help_text=gettext_lazy("The first published photo's thumbnail and description, or null.")
    )

    def get_author_is_anonymous(self, suggestion: Suggestion) -> bool:
        return suggestion.author_id is None

    @extend_schema_field(ListPhoto(allow_null=True))
    def get_photo(self, suggestion: Suggestion) -> dict[str, str] | None:
        key = first_photo_key(suggestion)
        alt = self.context["photo_alts"].get(key) if key else None
        if alt is None:  # none, or taken back since the page was read
            return None
        return {"url": reverse("api:photo-file", kwargs={"key": key, "rendition": "small"}), "alt": alt}

    def get_url(self, suggestion: Suggestion) -> str:
        return reverse(
            "participation:suggestion-detail", kwargs={"slug": self.context["slug"], "pk": suggestion.pk}
        )


class SuggestionListOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SuggestionListItem(many=True)


class SuggestionListApi(APIView):
    """The list beside the map: the suggestions in the viewport, filtered and sorted, 30 at a time."""

    page_size = 30

    @extend_schema(
        parameters=[SuggestionListQuery],
        responses={200: SuggestionListOutput},
        summary="Suggestions in a viewport, filtered and sorted (for lists)",
    )
    def get(self, request: Request, slug: str) -> Response:
        project = selectors.project_get(slug=slug)
        query = SuggestionListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        category_keys = [k for k in params.get("category", "").split(",") if k]
        suggestions = selectors.suggestion_list(
            actor=request.user,
            project=project,
            bbox=params.get("bbox"),
            category_keys=category_keys or None,
            statuses=sorted(params.get("status", [])) or None,
            mine=params["mine"],
        )
        page = selectors.suggestion_list_page(
            suggestions=suggestions, sort=params["sort"], cursor=params.get("cursor"), size=self.page_size
        )
        next_url = None
        if page.next_cursor:
            query = request.query_params.copy()
            query["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        # One query for the page's thumbnails' descriptions, none per entry.
        keys = [key for key in map(first_photo_key, page.items) if key]
        context = {"slug": project.slug, "photo_alts": selectors.photo_alt_texts(keys=keys)}
        items = SuggestionListItem(page.items, many=True, context=context).data
        return Response({"next": next_url, "results": items})
