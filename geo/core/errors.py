"""Why a submitted geometry is refused: one class per rule family, each with its own `code`.

A family may have subclasses that only say it more precisely (a line that crosses itself is an invalid
geometry); they keep the family's code, so API clients branch on a few codes while people read a sentence
that tells them what to change. Every message is a class-level constant that tests assert.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class GeometryError(DomainError):
    """Every geometry refusal concerns the submitted `geometry` field."""

    field = "geometry"


class GeometryNotGeoJSON(GeometryError):
    code = "not_geojson"
    default_message = _("The geometry is not valid GeoJSON.")


class GeometryCRS(GeometryError):
    code = "crs_not_allowed"
    default_message = _(
        "The geometry must be GeoJSON with longitude and latitude in WGS84; "
        "other formats and coordinate systems are not accepted."
    )


class GeometryWrongKind(GeometryError):
    code = "wrong_geometry_type"
    default_message = _("This category takes a different kind of geometry.")


class PointExpected(GeometryWrongKind):
    default_message = _("This category takes a point.")


class LineExpected(GeometryWrongKind):
    default_message = _("This category takes a line.")


class AreaExpected(GeometryWrongKind):
    default_message = _("This category takes an area.")


class GeometryCoordinates(GeometryError):
    code = "invalid_coordinates"
    default_message = _("Coordinates must be finite numbers.")


class CoordinatesNotTwoNumbers(GeometryCoordinates):
    default_message = _("Coordinates must have two numbers: longitude and latitude.")


class CoordinatesOutOfRange(GeometryCoordinates):
    default_message = _("Longitude must lie between -180 and 180 and latitude between -90 and 90.")


class GeometryEmpty(GeometryError):
    code = "empty_geometry"
    default_message = _("The geometry is empty. Please draw it on the map.")


class GeometryInvalid(GeometryError):
    code = "invalid_geometry"
    default_message = _("The geometry is not valid.")


class LineTooShort(GeometryInvalid):
    default_message = _("A line needs at least two different points.")


class LineCrossesItself(GeometryInvalid):
    default_message = _("The line crosses itself. Please draw it without crossings.")


class RingNotClosed(GeometryInvalid):
    default_message = _("The outline of an area must end where it starts.")


class RingTooShort(GeometryInvalid):
    default_message = _("An area needs at least three different corners.")


class AreaInvalid(GeometryInvalid):
    default_message = _("The outline of the area crosses or touches itself. Please draw it again.")


class GeometryOutsideArea(GeometryError):
    code = "outside_area"
    default_message = _("The suggestion must lie inside the project area.")


class GeometryTooLarge(GeometryError):
    """The limit is part of the message, so the subclasses take it and format their text with it."""

    code = "geometry_too_large"
    default_message = _("The geometry is too large.")

    def __init__(self, limit: int | None = None) -> None:
        message: str | Promise = self.default_message
        if limit is not None:
            message = self.default_message % {"limit": limit}
        super().__init__(message)


class TooManyVertices(GeometryTooLarge):
    default_message = _("A suggestion can have at most %(limit)s points.")


class LineTooLong(GeometryTooLarge):
    default_message = _("A line can be at most %(limit)s km long.")


class TileOutOfRange(DomainError):
    code = "tile_out_of_range"
    default_message = _(
        "There is no such tile: the zoom must lie between 0 and 22, and x and y between 0 and 2^zoom - 1."
    )
