"""Why an OGC API request is refused, as OGC's exception document `{"code": …, "description": …}`.

The codes are those of OGC API – Features' examples (`InvalidParameterValue`, `NotFound`); the description is
a sentence in the request's language.
"""

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
