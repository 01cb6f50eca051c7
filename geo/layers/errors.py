"""Why a context layer cannot be read: typed errors with messages in the reader's language."""

from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class LayerNotFound(DomainError):
    """No such layer in the project, or one this person may not see: the same answer, so that a layer kept
    for the project's staff does not tell others it exists."""

    status_code = 404
    code = "layer_not_found"
    default_message = _("There is no such layer in this project.")
