"""Leaflet-Geoman's texts from our catalogue, for every map that draws with it (project map, export page).

Geoman brings its own German, which says "Du" to people; ours says "Sie". Its hint tooltips and action
texts therefore come from here and replace Geoman's for the page's language (the script calls
`map.pm.setLang(language, texts, language)`). Only texts that say "Du" or that our pages show are here:
Geoman's toolbar titles ("Rechteck zeichnen") address nobody and stay its own.
"""

from django.utils.translation import gettext as _


def geoman_texts() -> dict[str, dict[str, str]]:
    """Overrides keyed as Geoman's translation files (`tooltips`, `actions`)."""
    return {
        "tooltips": {
            "placeMarker": _("Click where your suggestion should be"),
            "placeMarkerTouch": _("Tap the map where your suggestion should be"),
            "firstVertex": _("Click to place the first point"),
            "continueLine": _("Click to add the next point"),
            "finishLine": _("Click the last point again to finish"),
            "finishPoly": _("Click the first corner again to finish"),
            "finishRect": _("Click to finish"),
        },
        "actions": {
            "finish": _("Finish"),
            "cancel": _("Cancel"),
            "removeLastVertex": _("Remove last point"),
        },
    }
