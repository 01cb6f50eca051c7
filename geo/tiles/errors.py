"""Why a tile request is refused. The messages are constants that tests assert."""

from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class TileOutOfRange(DomainError):
    code = "tile_out_of_range"
    default_message = _(
        "There is no such tile: the zoom must lie between 0 and 22, and x and y between 0 and 2^zoom - 1."
    )
