"""Texts of the new-suggestion flow that the map script shows, handed over with the map's config (views.py).
Geoman's own texts come from frontend/geoman_texts.py."""

from django.utils.translation import gettext as _


def compose_labels() -> dict[str, str]:
    """Labels of the compose flow's loading and its send step (compose-start.js, compose.js)."""
    return {
        "composeLoading": _("Loading the form …"),
        "composeLoadFailed": _(
            "The form could not be loaded. Please check your connection and press the button again."
        ),
        # The server's message says what to change; this says where, beside the send button.
        "placeBlocksSend": _(
            "The suggestion cannot be sent like this. About the place under “2. Where?”: %(problem)s"
        ),
        # A refused field is said at its field, maybe out of view by now: this says which, beside the button.
        "fieldsBlockSend": _("Not sent yet. Please check: %(fields)s"),
    }
