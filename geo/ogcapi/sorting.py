"""`sortby` on the suggestion collections (OGC API – Features Part 8 draft, as pygeoapi and tipg take it):
`sortby=-support_count,created_at`, `+`/`-` for ascending/descending, on the sortable public properties.

A sorted page is still a keyset page, never OFFSET: rows are ordered by the sort keys and then by id (which
makes the order total), and the `next` link carries the last row's keys in `cursor`, a token signed with the
site's secret and bound to the sort it was made for. The next page starts after those keys, whatever its
depth. A cursor that was changed, made for another sort, or is not ours is a 400.

The SQL is made only of this module's fixed pieces (the expressions of SORTABLES, ASC/DESC and the
comparisons); the cursor's values are bound parameters (`sk0`, `sk1`, …), each cast to its column's type.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import InvalidParameter


@dataclass(frozen=True, slots=True)
class Sortable:
    # The expression over the row; `{t}` is the row's alias with a dot ("s." in the rows query, "" in the
    # page's frame).
    sql: str
    cast: str  # the SQL type a cursor value is bound as
    type: str  # JSON Schema type of /sortables (integer, string, date-time)
    description: str | Promise  # in the request's language


# The public properties a page can be sorted by (geo/fields.py's names). A time without a value (a suggestion
# not answered yet) sorts as if it were infinitely late: after every answered one ascending, before them
# descending, as PostgreSQL sorts nulls, and the keyset compares it like any other value.
SORTABLES: dict[str, Sortable] = {
    "id": Sortable("{t}id", "bigint", "integer", gettext_lazy("The suggestion's number.")),
    "title": Sortable("{t}title", "text", "string", gettext_lazy("The title, alphabetically.")),
    "category": Sortable(
        "(%(category_labels)s::jsonb -> {t}category_id::text ->> 'key')",
        "text",
        "string",
        gettext_lazy("The category's key, alphabetically."),
    ),
    "planning_status": Sortable(
        "{t}planning_status", "text", "string", gettext_lazy("The planning status's key, alphabetically.")
    ),
    "support_count": Sortable(
        "{t}support_count", "bigint", "integer", gettext_lazy("How many people support it.")
    ),
    "comment_count": Sortable(
        "{t}comment_count", "bigint", "integer", gettext_lazy("Published comments on it.")
    ),
    "created_at": Sortable(
        "{t}created_at", "timestamptz", "date-time", gettext_lazy("When it was submitted.")
    ),
    "updated_at": Sortable(
        "{t}updated_at", "timestamptz", "date-time", gettext_lazy("When it last changed.")
    ),
    "answered_at": Sortable(
        "coalesce({t}answered_at, 'infinity'::timestamptz)",
        "timestamptz",
        "date-time",
        gettext_lazy("When the official answer was given; the unanswered count as latest."),
    ),
}
MAX_SORT_KEYS = len(SORTABLES)
_CURSOR_SALT = "geo.ogcapi.sorting.cursor"


@dataclass(frozen=True, slots=True)
class SortKey:
    name: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Sort:
    """The order of a sorted page: the keys asked for, then id (unless id was asked for), and where the page
    starts: after the keys of the cursor (None: the first page)."""

    keys: tuple[SortKey, ...]
    spec: str  # the keys as written canonically, what a cursor is bound to
    after: tuple[object, ...] | None = None


def _unknown(name: str) -> InvalidParameter:
    return InvalidParameter(
        _("Unknown sort property “%(name)s”. The collection can be sorted by: %(known)s.")
        % {"name": name, "known": ", ".join(SORTABLES)}
    )


def parse_sortby(value: str) -> tuple[SortKey, ...]:
    """`name`, `+name` or `-name`, comma-separated; each sortable once. (A `+` that was not URL-encoded
    arrives as a space: it is read as `+`.)"""
    keys: list[SortKey] = []
    for item in value.split(","):
        item = item.strip()
        descending = item.startswith("-")
        name = item[1:] if item[:1] in ("+", "-") else item
        if not name:
            raise InvalidParameter(
                _("sortby needs property names, e.g. sortby=-support_count,created_at; it has an empty one.")
            )
        if name not in SORTABLES:
            raise _unknown(name)
        if any(key.name == name for key in keys):
            raise InvalidParameter(_("sortby names “%(name)s” more than once.") % {"name": name})
        keys.append(SortKey(name, descending))
    return tuple(keys)


def sort_of(sortby: str, cursor: str | None) -> Sort:
    """The order of `sortby` and, with a `cursor`, the keys the page starts after; a 400 for a bad value."""
    asked = parse_sortby(sortby)
    spec = ",".join(f"{'-' if key.descending else ''}{key.name}" for key in asked)
    keys: list[SortKey] = []
    for key in asked:
        keys.append(key)
        if key.name == "id":  # the order is total from here: later keys never decide anything
            break
    else:
        keys.append(SortKey("id", False))
    after = None if cursor is None else _cursor_keys(cursor, spec, keys)
    return Sort(keys=tuple(keys), spec=spec, after=after)


def cursor_for(sort: Sort, last_keys: list[object]) -> str:
    """The `cursor` of the page after the one whose last row has these keys."""
    return signing.dumps({"s": sort.spec, "k": last_keys}, salt=_CURSOR_SALT, compress=True)


def _bad_cursor() -> InvalidParameter:
    return InvalidParameter(
        _("cursor is not valid for this sortby: use the next link of the previous page as it is.")
    )


_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}(?::[0-9]{2})?)")


def _cursor_keys(cursor: str, spec: str, keys: list[SortKey]) -> tuple[object, ...]:
    try:
        payload = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise _bad_cursor() from None
    if not isinstance(payload, dict) or payload.get("s") != spec:
        raise _bad_cursor()
    values = payload.get("k")
    if not isinstance(values, list) or len(values) != len(keys):
        raise _bad_cursor()
    for key, value in zip(keys, values, strict=True):
        if not _fits(SORTABLES[key.name].cast, value):
            raise _bad_cursor()
    return tuple(values)


def _fits(cast: str, value: object) -> bool:
    if cast == "bigint":
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    if cast == "text":
        return isinstance(value, str) and "\x00" not in value
    if not isinstance(value, str):
        return False
    if value == "infinity":
        return True
    if not _TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------------------------------------- SQL
def order_sql(sort: Sort, alias: str = "") -> str:
    """ORDER BY's list: each key's expression with ASC or DESC."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(
        f"{SORTABLES[key.name].sql.format(t=prefix)} {'DESC' if key.descending else 'ASC'}"
        for key in sort.keys
    )


def keys_sql(sort: Sort) -> str:
    """A row's sort keys as a JSON array, for the cursor of the next page."""
    return f"json_build_array({', '.join(SORTABLES[key.name].sql.format(t='') for key in sort.keys)})"


def keyset_sql(sort: Sort) -> tuple[str, dict[str, object]]:
    """The condition "after the cursor's keys in this order" over the row `s`, and its bound values: for keys
    k1, k2, id: k1 beyond v1, or k1 = v1 and k2 beyond v2, or both equal and id beyond. The first key's
    `>=`/`<=` in front lets an index on it (created_at, id) start the scan at the cursor."""
    if sort.after is None:
        return "TRUE", {}
    params: dict[str, object] = {}
    values = []
    for index, (key, value) in enumerate(zip(sort.keys, sort.after, strict=True)):
        name = f"sk{index}"
        params[name] = value
        sortable = SORTABLES[key.name]
        values.append((sortable.sql.format(t="s."), f"%({name})s::{sortable.cast}", key))
    terms = []
    for index, (expression, bound, key) in enumerate(values):
        equal = [f"{e} = {b}" for e, b, _k in values[:index]]
        beyond = f"{expression} {'<' if key.descending else '>'} {bound}"
        terms.append(f"({' AND '.join([*equal, beyond])})")
    first_expression, first_bound, first_key = values[0]
    start = f"{first_expression} {'<=' if first_key.descending else '>='} {first_bound}"
    return f"({start} AND ({' OR '.join(terms)}))", params
