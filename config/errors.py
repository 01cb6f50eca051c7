"""The base of every typed domain error; `config/api_errors.py` maps them to HTTP in one place.

It lives here, below the apps, so that `geo` and `participation` both raise typed errors without importing
each other.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_message: str | Promise = _("The request cannot be processed.")
    # The input field the error concerns, so pages and API clients can show the message next to it.
    field: str | None = None

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class DatabaseUnavailable(DomainError):
    """The database cannot be reached (restart, failover, network): the client should try again soon.

    A write cut off while committing may have been stored: clients retry with the same Idempotency-Key.
    """

    status_code = 503
    code = "database_unavailable"
    default_message = _("The service is briefly unavailable. Please try again in a few seconds.")

    def __init__(self, message: str | Promise | None = None, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after
