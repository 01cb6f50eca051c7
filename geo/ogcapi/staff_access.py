"""Who reads the OGC API's staff collections, and how their answers stay out of every shared cache.

The reader is the account of the request's credentials (participation/client_credentials.py: an API token
as `Authorization: Token …` or as the password of HTTP Basic), else the signed-in session's, else
anonymous. Credentials are read only where the answer depends on them: the list of collections and the
resources of a staff collection's id; the public collections answer the same to everyone and never look.

An answer that depends on the reader varies on Authorization and Cookie; one that carries or denies a staff
collection is `private, no-store`, its 404 included (a shared cache must not keep an answer for one reader
and give it to another). geo/ogcapi/responses.py's `ogc_resource` writes those headers from the marks set
here.
"""

from django.http import HttpRequest

from participation.client_credentials import BadClientCredentials, credentials_user
from participation.errors import TooManyRequests
from participation.participants import Actor

from .errors import TooManyAttempts, Unauthorized

_READER = "_ogcapi_reader"
# Marks on the request that ogc_resource turns into headers.
VARIES = "ogcapi_varies_by_reader"
PRIVATE = "ogcapi_private"


def reader(request: HttpRequest) -> Actor:
    """The account the request reads as: its credentials' (Unauthorized if they name none, TooManyAttempts
    past the failures' budget), else the session's. Read once per request."""
    found = getattr(request, _READER, None)
    if found is None:
        setattr(request, VARIES, True)
        try:
            found = credentials_user(request) or request.user
        except BadClientCredentials as error:
            raise Unauthorized(error.message, challenge=error.challenge) from None
        except TooManyRequests as error:
            raise TooManyAttempts(retry_after=error.retry_after) from None
        setattr(request, _READER, found)
    return found


def varies_by_reader(request: HttpRequest) -> None:
    """The answer depends on who reads: `Vary: Authorization, Cookie`."""
    setattr(request, VARIES, True)


def private(request: HttpRequest) -> None:
    """The answer concerns a staff collection: `Cache-Control: private, no-store` and the Vary above."""
    setattr(request, VARIES, True)
    setattr(request, PRIVATE, True)
