"""Why a district cannot be read: typed errors with messages in the reader's language."""

from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class DistrictNotFound(DomainError):
    """No such district in the project, or its districts layer is not public: the same answer."""

    status_code = 404
    code = "district_not_found"
    default_message = _("There is no district with this number in this project.")
