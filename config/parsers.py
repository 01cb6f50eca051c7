"""The API's JSON parser: bounded in size and depth, strict about NaN/Infinity and duplicate members, with a
message for people."""

import codecs
import json
import re
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


class DuplicateMember(ValueError):
    """An object names one member twice: parsers disagree on which value wins (RFC 8259, section 4), so a
    check could see one value and the code that stores it another."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise DuplicateMember(name)
        result[name] = value
    return result


class LoneSurrogate(ValueError):
    """A `\\ud800`-style escape without its pair: no character, and no UTF-8 text PostgreSQL could store."""


ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def strict_loads(text: str, *, allow_nan: bool = False) -> Any:
    """json.loads for untrusted text: no NaN/Infinity, no member twice in one object, no lone surrogate.

    allow_nan lets NaN and Infinity through as floats, for a caller that refuses them with a better message
    (the geometry gate says which coordinate is not a number). Raises ValueError (DuplicateMember for a
    repeated member) or RecursionError (nesting in the thousands).
    """
    constants = {} if allow_nan else {"parse_constant": refuse_constant}
    value = json.loads(text, object_pairs_hook=_refuse_duplicates, **constants)
    # Escaped pairs (an emoji as two escapes) decode to one character; only a lone half stays a surrogate,
    # which cannot be encoded. Checked only when the text has such escapes at all.
    if ESCAPED_SURROGATE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            raise LoneSurrogate from None
    return value


def invalid_json_message(error: Exception) -> str:
    if isinstance(error, DuplicateMember):
        return _("The request body is not valid JSON: the member “%(name)s” appears more than once.") % {
            "name": error.name[:80]
        }
    return _("The request body is not valid JSON.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_BODY_BYTES
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if length > limit:
            raise PayloadTooLarge(_("The request is too large: at most %(kb)d KB.") % {"kb": limit // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read(limit + 1)
        except (UnicodeDecodeError, LookupError):  # bytes that are not text, or an unknown charset
            raise exceptions.ParseError(_("The request body is not valid JSON in UTF-8.")) from None
        if len(text) > limit:
            raise PayloadTooLarge(_("The request is too large: at most %(kb)d KB.") % {"kb": limit // 1024})
        try:
            return strict_loads(text)
        # RecursionError: thousands of nested brackets must be a 400, not a crash.
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(invalid_json_message(error)) from None
