"""Photo uploads received within bounds: a request announcing more bytes than its photos may have is refused
before its body is read, and each file is held in memory only up to PHOTO_UPLOAD_MAX_BYTES, the request
refused at the first byte beyond (Django's own handlers would write any size to a temporary file first).
The upload itself is never written anywhere: participation/images.py re-encodes it from memory.
"""

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.utils.translation import ngettext

from .errors import PhotoLimit, about_photo
from .models import PHOTOS_PER_SUGGESTION
from .services.photos import photo_too_large

# Room for the form's other fields (a suggestion's GeoJSON, descriptions, the anti-spam proof) and the
# multipart boundaries around the photos.
FORM_ALLOWANCE = 256 * 1024


def photo_request_check(request: HttpRequest, *, photos: int) -> None:
    """Refuse, from its Content-Length alone, a request larger than `photos` photos and a form can be."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > photos * settings.PHOTO_UPLOAD_MAX_BYTES + FORM_ALLOWANCE:
        raise photo_too_large()


class PhotoUploadHandler(FileUploadHandler):
    """Each file of a multipart body into memory, at most PHOTO_UPLOAD_MAX_BYTES and `max_files` of them."""

    def __init__(self, request: HttpRequest | None = None, *, max_files: int = PHOTOS_PER_SUGGESTION) -> None:
        super().__init__(request)
        self.max_files = max_files
        self.files = 0
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > self.max_files:
            raise PhotoLimit(
                ngettext(
                    "Please send at most %(max)d photo at a time.",
                    "Please send at most %(max)d photos at a time.",
                    self.max_files,
                )
                % {"max": self.max_files}
            )
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > settings.PHOTO_UPLOAD_MAX_BYTES:
            raise about_photo(photo_too_large(), self.files - 1)  # the rest of the body stays unread
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
