"""A district's key: the part of its feed's address that stays the same when the town imports its districts
layer again (every import gives every feature a new number, so the number cannot be the address).

The key is made of the district's name, as an address can hold it: `west-sued` for "West-Süd". A name is
what a re-import keeps (the alerts find their district by it too, participation.services.follows), it is
readable in a feed reader's list, and it outlives a source that numbers its rows (a Shapefile exported in
another order). Spelling that an address cannot hold does not count: "West Süd", "west-süd" and "West-Süd"
are one key. Two districts whose names give one key (an Ortschaft and its Stadtteil, both "Durlach") are told
apart after a `--`: by their ids in the source when each has its own (`durlach--r123`), else by size, largest
first (`durlach--1`, `durlach--2`); only those keys depend on the source's ids or the boundaries.

A key never consists of digits only (a name "12" gives `district-12`), so an address that does is always a
feature number from before keys existed (see selectors.district_feed_find). The rule is frozen: changing it
changes addresses that feed readers hold.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# German letters are written out as Germans do in addresses ("Grötzingen" -> groetzingen); the rest loses
# its accents (NFKD); what is left outside a-z and 0-9 becomes one hyphen.
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
NAME_MAX = 80
SOURCE_MAX = 40
# The longest key: a name's part (`district-` and digits the longest), `--` and the source id's part.
KEY_MAX = len("district-") + NAME_MAX + len("--") + SOURCE_MAX
# What an address may hold as a key (anything else is refused before a query): words of a-z0-9 joined by
# single hyphens, and at most one `--` before the part that tells districts of one name apart.
KEY_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:--[a-z0-9]+(?:-[a-z0-9]+)*)?")
SEPARATOR = "--"


def spelled(text: str, limit: int) -> str:
    """`text` in a-z, 0-9 and single hyphens, at most `limit` characters ('' if nothing is left)."""
    text = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def name_part(name: str) -> str:
    """The key of a district whose name no other district's name shares (as an address spells it)."""
    part = spelled(name, NAME_MAX)
    if not part or part.isdigit():
        return f"district-{part}".strip("-")
    return part


@dataclass(frozen=True, slots=True)
class Named:
    """What a key is made of: the district's number, name, id in the source ('' if none) and size."""

    number: int
    name: str
    source_id: str
    area: float


def district_keys(districts: Iterable[Named]) -> dict[int, str]:
    """Every district's key by its number; the keys are distinct."""
    by_name: dict[str, list[Named]] = defaultdict(list)
    for district in districts:
        by_name[name_part(district.name)].append(district)
    keys: dict[int, str] = {}
    for part, alike in by_name.items():
        if len(alike) == 1:
            keys[alike[0].number] = part
            continue
        sources = [spelled(d.source_id, SOURCE_MAX) for d in alike]
        if all(sources) and len(set(sources)) == len(sources):
            for district, source in zip(alike, sources, strict=True):
                keys[district.number] = f"{part}{SEPARATOR}{source}"
        else:
            by_size = sorted(alike, key=lambda d: (-d.area, d.number))
            for rank, district in enumerate(by_size, start=1):
                keys[district.number] = f"{part}{SEPARATOR}{rank}"
    return keys
