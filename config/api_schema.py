"""drf-spectacular post-processing: the parts of /api/schema/ every operation shares.

- Every error is the JSON of `config.api_errors` ({"code", "message", "errors"}); the schema names the
  statuses an operation can answer with, so a client (and schemathesis) can rely on them.
- Path parameters say what the URL converters accept (`slug`: letters, digits, - and _; `int`: digits), so a
  generated request reaches the view instead of Django's page for unknown addresses.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string", "description": "One sentence for a person, in the request's language."},
        "errors": {
            "type": "object",
            "description": "Validation errors by input field.",
            "additionalProperties": {},
        },
        "photo_index": {
            "type": "integer",
            "description": "Forms with several photos: which one the error concerns (0 for the first).",
        },
    },
}

# Every operation: invalid input, not signed in, not allowed (phase, role), nothing there, a representation
# the client cannot accept, too many requests, the database not answering.
COMMON_ERRORS = {
    "400": _("The input is invalid; `errors` names the fields."),
    "401": _("Sign in (or send a token) first."),
    "403": _("Not allowed: the phase is over or the role is missing."),
    "404": _("There is nothing at this address."),
    "406": _("None of the accepted media types can be sent."),
    "429": _("Too many requests; see Retry-After."),
    "503": _("The database does not answer; try again (see Retry-After)."),
}
# Operations with a request body besides.
BODY_ERRORS = {
    "413": _("The request body is too large."),
    "415": _("The body must be JSON (application/json)."),
}
GONE = {"410": _("The suggestion was hidden or rejected.")}

PATH_PATTERNS = {"slug": r"^[-a-zA-Z0-9_]+$"}
JSON_TYPES = ("application/json", "application/geo+json")


def document_api(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: error responses and path parameter patterns for /api/v1/."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        # Errors come in the media types the view answers with (a GeoJSON view renders its errors with its
        # GeoJSON renderer unless the client asks for JSON), and always as plain JSON.
        media = sorted(
            {
                media_type
                for operation in operations.values()
                if isinstance(operation, dict)
                for response in operation.get("responses", {}).values()
                for media_type in response.get("content", {})
                if media_type in JSON_TYPES
            }
            | {"application/json"}
        )
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    _constrain_path_parameter(parameter)
            errors = dict(COMMON_ERRORS)
            if "requestBody" in operation:
                errors.update(BODY_ERRORS)
            if path.startswith("/api/v1/suggestions/{id}/"):
                errors.update(GONE)
            responses = operation["responses"]
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": str(description),
                        "content": {media_type: {"schema": error_ref} for media_type in media},
                    },
                )
    return result


def _constrain_path_parameter(parameter: dict[str, Any]) -> None:
    schema = parameter.setdefault("schema", {})
    if schema.get("type") == "integer":
        schema.setdefault("minimum", 0)
    elif parameter["name"] in PATH_PATTERNS:
        schema.setdefault("pattern", PATH_PATTERNS[parameter["name"]])
    elif schema.get("type") == "string":
        schema.setdefault("pattern", r"^[^/]+$")  # Django's `str` converter: anything but a slash
