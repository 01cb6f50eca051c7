"""Photos: list and add a suggestion's or a comment's photos, and serve a photo's re-encoded files.

Uploads are multipart forms (`photo`, the file; `alt`, its description), bounded before they are read
(participation/uploads.py). A photo's files are served only to whom may see the photo
(`selectors.photo_get_visible`), from the photo storage, never from a public folder: as JPEG with
`nosniff`, cached publicly only when everyone may see it, privately otherwise. A photo's address names its
random key; the original upload has no address at all, since it was never stored.
"""

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import parsers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..errors import InvalidText, PhotoMissing, PhotoNotFound
from ..idempotency import idempotent
from ..images import CONTENT_TYPE, RENDITIONS
from ..models import PHOTOS_PER_COMMENT, ModerationState, Photo
from ..participants import participant_from
from ..uploads import PhotoUploadHandler, photo_request_check

# Published photos change only by leaving (a moderator removes one; a blurred one gets a new key): an hour
# bounds how long a removed one may linger in a shared cache.
PUBLIC_MAX_AGE = 3600
THUMBNAILS = tuple(name for name in RENDITIONS if name != "full")


class PhotoThumbnails(serializers.Serializer):
    medium = serializers.URLField(help_text=gettext_lazy("At most 800 px: popups, the moderation queue."))
    small = serializers.URLField(help_text=gettext_lazy("At most 320 px: lists."))


class PhotoOutput(serializers.Serializer):
    id = serializers.CharField(source="key", help_text=gettext_lazy("The photo's random key."))
    alt = serializers.CharField(
        source="alt_text", help_text=gettext_lazy("Its description (alternative text).")
    )
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    moderation_state = serializers.ChoiceField(
        choices=[
            ModerationState.PENDING,
            ModerationState.PUBLISHED,
            ModerationState.REJECTED,
            ModerationState.HIDDEN,
        ]
    )
    url = serializers.SerializerMethodField(help_text=gettext_lazy("The photo, at most 2,048 px (JPEG)."))
    thumbnails = serializers.SerializerMethodField()

    def get_url(self, photo: Photo) -> str:
        return photo_url(self.context["request"], photo, "full")

    @extend_schema_field(PhotoThumbnails)
    def get_thumbnails(self, photo: Photo) -> dict[str, str]:
        return {name: photo_url(self.context["request"], photo, name) for name in THUMBNAILS}


def photo_url(request: HttpRequest, photo: Photo, rendition: str) -> str:
    return request.build_absolute_uri(
        reverse("api:photo-file", kwargs={"key": photo.key, "rendition": rendition})
    )


def photos_body(request: HttpRequest, photos: list[Photo]) -> list[dict[str, Any]]:
    return PhotoOutput(photos, many=True, context={"request": request}).data


@extend_schema_field(OpenApiTypes.BINARY)
class PhotoFileField(serializers.FileField):
    """A file part of a multipart form (the schema says binary, not a URL as for a stored file)."""


class PhotoInput(serializers.Serializer):
    """For the schema: the view reads the form itself, so that every refusal has our message."""

    photo = PhotoFileField(help_text=gettext_lazy("JPEG, PNG, WebP or HEIC, at most 15 MB."))
    alt = serializers.CharField(
        help_text=gettext_lazy(
            "What the photo shows, in a few words, for people who cannot see it (required)."
        )
    )


class PhotoUploads(APIView):
    """Multipart uploads within bounds: the request's size is checked before its body is read, each file held
    in memory up to PHOTO_UPLOAD_MAX_BYTES (participation/uploads.py)."""

    parser_classes = [parsers.MultiPartParser]
    max_photos = 1

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        request.upload_handlers = [PhotoUploadHandler(request, max_files=self.max_photos)]
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method == "POST":
            photo_request_check(request, photos=self.max_photos)
        super().initial(request, *args, **kwargs)


def check_file_fields(request: Request) -> None:
    """Files come in `photo` only: one sent under another name would otherwise be dropped without a word."""
    if set(request.FILES) - {"photo"}:
        raise InvalidText(_("Please send photos in the field “photo”."), field="photo")


def one_upload(request: Request) -> services.PhotoUpload:
    check_file_fields(request)
    files = request.FILES.getlist("photo")
    if not files:
        raise PhotoMissing()
    alts = request.data.getlist("alt") if hasattr(request.data, "getlist") else []
    if len(alts) > 1:
        raise InvalidText(_("Please give one description per photo."), field="alt")
    upload = files[0]
    return services.PhotoUpload(file=upload, alt=alts[0] if alts else "", size=upload.size)


PHOTO_ADD_DESCRIPTION = (
    "The author, signed in, while the suggestion waits for review or is published and the phase is open. "
    "The photo is re-encoded (orientation applied, every metadata dropped, at most 2,048 px); it waits for "
    "review where the project pre-moderates photos (moderation_state `pending`), visible to its author."
)


class SuggestionPhotoListApi(PhotoUploads):
    write_limit_scopes = {"POST": ("photo",)}

    @extend_schema(responses={200: PhotoOutput(many=True)}, summary="A suggestion's photos I may see")
    def get(self, request: Request, pk: int) -> Response:
        suggestion = selectors.suggestion_get_visible(actor=request.user, suggestion_id=pk)
        return Response(
            photos_body(request, selectors.photo_list_visible(actor=request.user, suggestion=suggestion))
        )

    @extend_schema(
        request={"multipart/form-data": PhotoInput},
        responses={201: PhotoOutput},
        summary="Add a photo to my suggestion (at most 3)",
        description=PHOTO_ADD_DESCRIPTION,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        photo = services.photo_add(
            actor=participant_from(request), suggestion_id=pk, upload=one_upload(request)
        )
        return Response(PhotoOutput(photo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CommentPhotoListApi(PhotoUploads):
    write_limit_scopes = {"POST": ("photo",)}
    max_photos = PHOTOS_PER_COMMENT

    @extend_schema(responses={200: PhotoOutput(many=True)}, summary="A published comment's published photos")
    def get(self, request: Request, pk: int, comment_pk: int) -> Response:
        suggestion = selectors.suggestion_get_visible(actor=request.user, suggestion_id=pk)
        comment = suggestion.comments.filter(
            pk=comment_pk, moderation_state=ModerationState.PUBLISHED
        ).first()
        photos = selectors.comment_photos_published(comments=[comment]) if comment else {}
        return Response(photos_body(request, photos.get(comment_pk, [])))

    @extend_schema(
        request={"multipart/form-data": PhotoInput},
        responses={201: PhotoOutput},
        summary="Add a photo to my comment (at most 1)",
        description=PHOTO_ADD_DESCRIPTION.replace("suggestion", "comment"),
    )
    @idempotent
    def post(self, request: Request, pk: int, comment_pk: int) -> Response:
        photo = services.comment_photo_add(
            actor=participant_from(request),
            suggestion_id=pk,
            comment_id=comment_pk,
            upload=one_upload(request),
        )
        return Response(PhotoOutput(photo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class FirstRenderer(DefaultContentNegotiation):
    """Errors as JSON whatever the client accepts (an <img> asks for image/*)."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class PhotoFileApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The re-encoded photo (rendition `full`, `medium` or `small`) as JPEG. "
                "Published photos of public contributions are cacheable by anyone for an hour; others (the "
                "author's, a moderator's view) only privately.",
            )
        },
        operation_id="photo_file",
        summary="A photo's file",
    )
    def get(self, request: Request, key: str, rendition: str) -> FileResponse:
        if rendition not in RENDITIONS:
            raise PhotoNotFound()
        photo, public = selectors.photo_get_visible(actor=request.user, key=key)
        try:
            stored = services.photo_storage().open(services.photo_file_name(photo.key, rendition), "rb")
        except (FileNotFoundError, OSError):
            raise PhotoNotFound() from None
        response = FileResponse(stored, content_type=CONTENT_TYPE)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'inline; filename="photo-{photo.key}-{rendition}.jpg"'
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
        if not public:
            response["Vary"] = "Cookie, Authorization"
        return response
