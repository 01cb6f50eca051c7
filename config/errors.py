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
