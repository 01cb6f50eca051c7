"""Why an OGC API request is refused, as OGC's exception document `{"code": …, "description": …}`.

The codes are those of OGC API – Features' examples (`InvalidParameterValue`, `NotFound`); the description is
a sentence in the request's language.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class OgcApiError(DomainError):
    code = "InvalidParameterValue"


class InvalidParameter(OgcApiError):
    """A query parameter with a value we do not understand, or one the API does not define."""

    status_code = 400
    default_message = _("The request has an invalid query parameter.")


class CollectionNotFound(OgcApiError):
    status_code = 404
    code = "NotFound"
    default_message = _("There is no such collection.")


class ItemNotFound(OgcApiError):
    status_code = 404
    code = "NotFound"
    default_message = _("There is no such feature in this collection.")


class ResourceNotFound(OgcApiError):
    """An address under /ogcapi that is none of the API's resources."""

    status_code = 404
    code = "NotFound"
    default_message = _("There is no such address in this OGC API.")


class Unauthorized(OgcApiError):
    """Credentials that name no account (geo/ogcapi/staff_access.py); answered with a WWW-Authenticate."""

    status_code = 401
    code = "Unauthorized"
    default_message = _("The credentials are wrong.")

    def __init__(self, message: str | Promise | None = None, *, challenge: str = "Token") -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": challenge}


class TooManyAttempts(OgcApiError):
    """Too many wrong credentials from one address (the token endpoint's budgets)."""

    status_code = 429
    code = "TooManyRequests"
    default_message = _("You have done this too often in a short time. Please wait a while and try again.")

    def __init__(self, *, retry_after: int) -> None:
        super().__init__()
        self.headers = {"Retry-After": str(retry_after)}
