"""Why a route cannot be found or drawn: typed errors with messages in the asker's language.

Each message says what to do next; where the street network cannot help, it points to free drawing.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.errors import DomainError


def _point_name(index: int, count: int) -> str:
    """ "The start point", "the end point" or "via point 2": which point a message is about (index from 0)."""
    if index == 0:
        return str(_("The start point"))
    if index == count - 1:
        return str(_("The end point"))
    return str(_("Via point %(number)d") % {"number": index})


class NetworkMissing(DomainError):
    status_code = 409
    code = "no_network"
    field = "points"
    default_message = _(
        "This project has no street network for routing yet. You can draw the path freely instead."
    )


class PointsMalformed(DomainError):
    code = "points_malformed"
    field = "points"
    default_message = _(
        "Give the points as longitude,latitude pairs separated by semicolons (start, via points, end), "
        "e.g. 8.4037,49.0094;8.4102,49.0121."
    )


class TooFewPoints(DomainError):
    code = "too_few_points"
    field = "points"
    default_message = _("A route needs a start and an end.")


class TooManyPoints(DomainError):
    code = "too_many_points"
    field = "points"

    def __init__(self, limit: int) -> None:
        super().__init__(
            ngettext(
                "A route takes a start, an end and at most %(count)d via point.",
                "A route takes a start, an end and at most %(count)d via points.",
                limit - 2,
            )
            % {"count": limit - 2}
        )


class PointOutsideArea(DomainError):
    code = "point_outside_area"
    field = "points"

    def __init__(self, index: int, count: int) -> None:
        self.index = index
        super().__init__(
            _("%(point)s is outside the project area. Please choose a place inside the outline.")
            % {"point": _point_name(index, count)}
        )


class PointOutsideNetwork(DomainError):
    code = "point_outside_network"
    field = "points"

    def __init__(self, index: int, count: int, distance_m: int) -> None:
        self.index = index
        super().__init__(
            _(
                "%(point)s is more than %(distance)d m from any street open to bicycles in the street "
                "network: the network does not reach there. Choose a place near a street, or draw the path "
                "freely."
            )
            % {"point": _point_name(index, count), "distance": distance_m}
        )


class SamePlace(DomainError):
    code = "route_same_place"
    field = "points"
    default_message = _("Start and end are at the same place. Please choose an end further away.")


class RouteNotFound(DomainError):
    status_code = 409
    code = "no_route"
    field = "points"
    default_message = _(
        "There is no route for bicycles between these points in the street network. Choose other points, "
        "or draw the path freely if the connection does not exist yet."
    )


class RouteTooLong(DomainError):
    code = "route_too_long"
    field = "points"

    def __init__(self, limit_km: int, length_km: float) -> None:
        super().__init__(
            _("The route would be %(length)s km long; a path may be at most %(limit)d km long.")
            % {"length": number_format(length_km, 1), "limit": limit_km}  # "39,5" in German
        )


class RouteCrossesItself(DomainError):
    status_code = 409
    code = "route_crosses_itself"
    field = "points"
    default_message = _(
        "The route through these points would cross or run back along itself. Move or remove a via point."
    )


class StreetNotFound(DomainError):
    status_code = 404
    code = "street_not_found"
    field = "street"
    default_message = _("There is no street of this name in the project's street network.")


class SearchTextInvalid(DomainError):
    code = "search_invalid"
    field = "q"

    def __init__(self, limit: int) -> None:
        super().__init__(_("Type between 1 and %(limit)d letters of a street name.") % {"limit": limit})
