"""The API's JSON parser: bounded in size and depth, strict about NaN/Infinity, with a message for people."""

import codecs
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def refuse_constant(name: str) -> None:
    """For json.loads(parse_constant=…): NaN and Infinity are not JSON (RFC 8259)."""
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_BODY_BYTES
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if length > limit:
            raise PayloadTooLarge(_("The request is too large: at most %(kb)d KB.") % {"kb": limit // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        text = codecs.getreader(encoding)(stream).read(limit + 1)
        if len(text) > limit:
            raise PayloadTooLarge(_("The request is too large: at most %(kb)d KB.") % {"kb": limit // 1024})
        try:
            return json.loads(text, parse_constant=refuse_constant)
        # RecursionError: thousands of nested brackets must be a 400, not a crash.
        except (ValueError, RecursionError):
            raise exceptions.ParseError(_("The request body is not valid JSON.")) from None
