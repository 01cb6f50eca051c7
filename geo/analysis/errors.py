"""Why a district cannot be read: typed errors with messages in the reader's language."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class DistrictNotFound(DomainError):
    """No such district in the project, or its districts layer is not public: the same answer."""

    status_code = 404
    code = "district_not_found"
    default_message = _("There is no district with this number in this project.")


class DistrictFeedGone(DomainError):
    """A district feed's address that leads to no district of the project's public districts layer (any
    more): the page says why in the reader's language and links the districts page, which lists every
    district's feed under its current address. Never a guess at another district."""

    status_code = 404
    code = "district_feed_gone"
    default_message = _("There is no district with this address in this project.")

    def __init__(self, message: str | Promise | None = None, *, listed: bool = True) -> None:
        super().__init__(message)
        # Whether the project has a districts page to link (not when its districts layer is not public).
        self.listed = listed


# Why an address no longer leads to a district (selectors.district_feed_find).
FEED_NUMBER_GONE = _(
    "This address holds a district's number from before the districts were imported again. Every import "
    "numbers the districts anew, and nothing tells which district the old number was. Find the district "
    "on the districts page: its feed's new address stays the same across imports."
)
FEED_NAME_GONE = _(
    "There is no district of this name in this project (any more): it may have been renamed or removed. "
    "The districts page lists every district with its feed."
)
FEED_NAME_SHARED = _(
    "Several districts of this project have this name now. Choose yours on the districts page: each has "
    "its own feed."
)


class DistrictFeedMoved(DomainError):
    """The district is there, under another address (its number, or a key from before the districts of
    one name changed): a permanent redirect, so that feed readers keep the new address."""

    status_code = 301
    code = "district_feed_moved"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
