"""Typed domain errors. `config/api_errors.py` maps them to HTTP once; messages are constants tests assert."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_message: str | Promise = _("The request cannot be processed.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class ProjectNotFound(DomainError):
    status_code = 404
    code = "project_not_found"
    default_message = _("There is no project with this name.")


class UnknownCategory(DomainError):
    code = "unknown_category"
