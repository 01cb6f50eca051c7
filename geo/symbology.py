"""How suggestions look in every styled channel: one source for the vector tiles' Mapbox GL style
(geo/tiles/documents.py) and the QGIS styles of the exports (geo/exports/styles.py: QML and SLD).

The look follows the web map (frontend/src/map.css and layers.js): each category in its colour; a ring in the
planning status's colour on points, an outline on areas and a casing under lines (received ones stay plain);
declined ones fade; a freely drawn line is dashed, a routed one solid. Sizes are screen pixels, as the web
map draws them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from participation.models import Category, PlanningStatus, Project

# The web map's status colours (frontend/src/map.css, .status--*). Received suggestions get none: plain.
STATUS_COLOURS = {
    PlanningStatus.UNDER_REVIEW: "#a16207",
    PlanningStatus.PLANNED: "#15803d",
    PlanningStatus.IMPLEMENTED: "#0b5cad",
    PlanningStatus.DECLINED: "#b91c1c",
}
RECEIVED_RING = "#ffffff"
# The web map's colour of a suggestion without a known category (and of the tiles' clusters).
UNKNOWN_COLOUR = "#475569"

# Points: a circle of POINT_RADIUS px, its ring RING_WIDTH px in the status's colour (RECEIVED_RING_WIDTH
# white when received); declined ones at DECLINED_POINT_OPACITY.
POINT_RADIUS = 6
RING_WIDTH = 3
RECEIVED_RING_WIDTH = 1.5
DECLINED_POINT_OPACITY = 0.6
# Lines: LINE_WIDTH px in the category's colour over a casing in the status's colour.
LINE_WIDTH = 4
CASING_WIDTH = 8
IMPLEMENTED_CASING_WIDTH = 9
CASING_OPACITY = 0.9
DECLINED_CASING_OPACITY = 0.55
FREE_DASHES = [2, 1.5]  # in line widths: a freely drawn path is dashed
# Areas: the category's colour, faint, outlined in the status's colour (the category's when received).
FILL_OPACITY = 0.35
DECLINED_FILL_OPACITY = 0.15
OUTLINE_WIDTH = 1


@dataclass(frozen=True, slots=True)
class CategorySymbol:
    """A category as every style draws it."""

    key: str  # the value of the `category` field in every channel (geo/fields.py)
    label: str  # in the active language
    colour: str  # #rrggbb
    geometry_kind: str  # participation.models.GeometryKind: point, line, polygon


def category_symbols(categories: Iterable[Category]) -> list[CategorySymbol]:
    """The categories as symbols, in their order, labelled in the active language."""
    return [
        CategorySymbol(key=c.key, label=str(c.label), colour=c.colour, geometry_kind=c.geometry_kind)
        for c in categories
    ]


def project_symbols(*, project: Project, kind: str | None = None) -> list[CategorySymbol]:
    """Every category of the project (inactive ones too: their suggestions are still exported and drawn),
    or those of one geometry kind. One query."""
    categories = Category.objects.filter(project=project)
    if kind is not None:
        categories = categories.filter(geometry_kind=kind)
    return category_symbols(categories)


def unknown_label() -> str:
    """The legend's entry for a category no style knows (deleted or added after the style was made)."""
    return _("Other categories")
