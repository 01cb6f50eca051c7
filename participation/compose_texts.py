"""Texts of the new-suggestion flow that the map script shows, handed over with the map's config (views.py).

Leaflet-Geoman brings its own German, which says "Du" to people; ours says "Sie". Its hint tooltips and
action texts therefore come from our catalogue and replace Geoman's for the page's language. Only what our
pages can show is here: they draw points, lines and areas without Geoman's toolbar or measurements.
"""

from django.utils.translation import gettext as _


def geoman_texts() -> dict[str, dict[str, str]]:
    """Overrides for `map.pm.setLang(language, texts, language)`, keyed as Geoman's translation files."""
    return {
        "tooltips": {
            "placeMarker": _("Click where your suggestion should be"),
            "placeMarkerTouch": _("Tap the map where your suggestion should be"),
            "firstVertex": _("Click where the line should start"),
            "continueLine": _("Click to add the next point"),
            "finishLine": _("Click the last point again to finish"),
            "finishPoly": _("Click the first corner again to finish"),
        },
        "actions": {
            "finish": _("Finish"),
            "cancel": _("Cancel"),
            "removeLastVertex": _("Remove last point"),
        },
    }


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
    }
