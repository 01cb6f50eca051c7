"""`numberMatched` of a suggestion collection's items page, whenever it can be known quickly.

OGC API – Features lets a server leave numberMatched out; QGIS and GDAL show it as the layer's feature count
(QGIS 3.22 reads it from the first page) and otherwise page through everything to count. It is given when it
costs little beside the page itself, never estimated:

1. a first page that is also the last: its own numberReturned;
2. no bbox, datetime or filter, or a filter of only `category =` / `IN` terms (a `category` choice is fine):
   the sum of the zoom-0 cells of the cluster aggregate, which PostgreSQL's triggers keep exact (a few rows,
   at any size);
3. otherwise a count in PostGIS that reads a bounded number of rows: those an index finds (bbox, the
   created_at window, and the filter's top-level AND terms that `indexed_terms` knows an index for), with the
   filter's other terms checked on those rows: 40 entries per feature of the page when the status index alone
   answers, else 3 table rows (at least 4,000 and 300). More than that, or a filter no index narrows on a
   collection larger than that, and numberMatched is left out rather than slowing the page.

The one index this needs beside the existing ones is suggestion_published_status_supports (geo migration
0029): `planning_status = / IN` and, with it, any comparison of `support_count`, read as an index range.
"""

from dataclasses import dataclass

from pygeofilter import ast

from config.db_reads import heavy_reads

from ..selectors import FeaturePage
from ..sql import SQL
from . import cql2
from .params import ItemsQuery
from .selectors import FILTER_MARKER, OgcCollection, bbox_params, collection_queryables, rows_params

# How much a count may read per feature of the page, measured on 1.1 M suggestions (docs/ogc-api.md,
# "Counts"): entries of the index suggestion_published_status_supports alone (an index-only scan, ~0.1 µs
# each: 40,000 in ~4 ms), or table rows (~1-2 µs each, found through the spatial, created_at, category or id
# index: 3,000 in ~3-6 ms). Either is at most about a fifth of the page's own time (20-30 ms for 1,000); a
# count that would read more gives up there. The floors keep small pages countable when little matches.
INDEX_ENTRIES_PER_FEATURE = 40
ROWS_PER_FEATURE = 3
MIN_INDEX_ENTRIES = 4_000
MIN_ROWS = 300
# The properties the status index holds (category_id is included in it).
_STATUS_INDEX = frozenset({"planning_status", "support_count", "category"})

_COMPARISONS = (
    ast.Equal,
    ast.LessThan,
    ast.LessEqual,
    ast.GreaterThan,
    ast.GreaterEqual,
)
_TEMPORAL = (ast.TimeAfter, ast.TimeBefore, ast.TimeDuring, ast.TimeEquals)


def _property(term: object) -> str | None:
    """The property a comparison, IN or BETWEEN term compares (without CASEI), else None."""
    if isinstance(term, ast.In | ast.Between) and not term.not_:
        return term.lhs.name if isinstance(term.lhs, ast.Attribute) else None
    if isinstance(term, (*_COMPARISONS, *_TEMPORAL)):
        for side in (term.lhs, term.rhs):
            if isinstance(side, ast.Attribute):
                return side.name
    return None


def indexed_terms(terms: list[object]) -> list[bool]:
    """For each top-level AND term of a filter: can an index read just its rows? `id`, `category`,
    `created_at` (comparisons, IN, BETWEEN, T_AFTER/T_BEFORE/T_DURING/T_EQUALS), `S_INTERSECTS`, and
    `planning_status` with `=`/IN, which also makes `support_count` comparisons an index range. A negation,
    an OR, LIKE, CASEI and the other properties are not: only a full read answers them."""
    names = [_property(term) for term in terms]
    status = any(
        name == "planning_status" and isinstance(term, ast.Equal | ast.In)
        for name, term in zip(names, terms, strict=True)
    )
    found = []
    for name, term in zip(names, terms, strict=True):
        if isinstance(term, ast.GeometryIntersects):
            found.append(True)
        elif name == "planning_status":
            found.append(isinstance(term, ast.Equal | ast.In))
        elif name == "support_count":
            found.append(status and not isinstance(term, ast.In))
        elif name == "created_at":
            found.append(not isinstance(term, ast.In))
        else:
            found.append(name in ("id", "category"))
    return found


def category_choice(text: str) -> set[str] | None:
    """The category keys a filter of only `category =` / `IN` terms joined by AND allows (their
    intersection), or None for any other filter. (The page has checked the filter and its keys.)"""
    keys: set[str] | None = None
    for term in cql2.and_terms(cql2.parse(text)):
        if isinstance(term, ast.Equal) and _property(term) == "category":
            values = [side for side in (term.lhs, term.rhs) if isinstance(side, str)]
        elif isinstance(term, ast.In) and _property(term) == "category":
            values = [value for value in term.sub_nodes if isinstance(value, str)]
            if len(values) != len(term.sub_nodes):
                return None
        else:
            return None
        if not values:
            return None
        keys = set(values) if keys is None else keys & set(values)
    return keys


def _and(conditions: list[str]) -> str:
    return " AND ".join(conditions) if conditions else "TRUE"


def cells_count(*, project_id: int, category_ids: list[int]) -> int:
    """The published suggestions of these categories of the project (the cluster aggregate's zoom 0)."""
    with heavy_reads().cursor() as cursor:
        cursor.execute(
            SQL.load("ogcapi_items_count_cells"), {"project_id": project_id, "category_ids": category_ids}
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True, slots=True)
class CountQuery:
    """The bounded count of an items query: its SQL returns (matched, read); more than `limit` rows read
    means no answer."""

    sql: str
    params: dict[str, object]
    limit: int


def count_query(*, collection: OgcCollection, query: ItemsQuery) -> CountQuery | None:
    """The bounded count in PostGIS of an items query with bbox, datetime or filter, or None when no index
    narrows it and the collection is larger than a count may read (rule 3 of the module)."""
    params = rows_params(collection, query)
    inner: list[str] = []  # the terms an index reads
    outer: list[str] = []  # the others, checked on the rows read
    inner_names: set[str | None] = set()
    filter_params: dict[str, object] = {}
    if query.filter is not None:
        found = cql2.translate_terms(
            query.filter,
            queryables=collection_queryables(collection),
            category_ids={c.key: c.pk for c in collection.categories},
            crs=query.filter_crs,
        )
        filter_params = found.whole.params
        terms = [term for term, _sql in found.terms]
        for (term, sql), indexed in zip(found.terms, indexed_terms(terms), strict=True):
            (inner if indexed else outer).append(sql)
            if indexed:
                inner_names.add(_property(term))
    unnarrowed = query.bbox is None and query.window is None
    index_only = (
        unnarrowed and not outer and "planning_status" in inner_names and inner_names <= _STATUS_INDEX
    )
    limit = (
        max(MIN_INDEX_ENTRIES, INDEX_ENTRIES_PER_FEATURE * query.limit)
        if index_only
        else max(MIN_ROWS, ROWS_PER_FEATURE * query.limit)
    )
    # No index narrows the rows: only a read of the whole collection answers, if it is small enough.
    if (
        unnarrowed
        and not inner
        and cells_count(project_id=collection.project.pk, category_ids=params["category_ids"]) > limit
    ):
        return None
    sql = SQL.compose("ogcapi_items_count", rows="ogcapi_items")
    # The rows unordered (by the project id, equal in all of them: no sort), from the first: a count ignores
    # the page's place.
    for marker, piece in (
        (FILTER_MARKER, _and(inner)),
        ("/* keyset */", "TRUE"),
        ("/* order */", "s.project_id"),
        ("/* other terms */", _and(outer)),
    ):
        if sql.count(marker) != 1:
            raise ValueError(f"the count's SQL must hold {marker} exactly once")
        sql = sql.replace(marker, piece)
    bbox = query.bbox
    return CountQuery(
        sql=sql,
        params={
            **params,
            **filter_params,
            **bbox_params(query),
            "feature_id": None,
            "limit": limit,
            "has_bbox": bbox is not None,
            "minlon": bbox.minlon if bbox else None,
            "minlat": bbox.minlat if bbox else None,
            "maxlon": bbox.maxlon if bbox else None,
            "maxlat": bbox.maxlat if bbox else None,
        },
        limit=limit,
    )


def first_page(query: ItemsQuery) -> bool:
    """Whether the query asks for its first page (no `after`, no `cursor`)."""
    return query.after == 0 and (query.sort is None or query.sort.after is None)


def page_count(query: ItemsQuery, page: FeaturePage) -> int | None:
    """numberMatched of a first page that is also the last: its own numberReturned (else None)."""
    return page.returned if first_page(query) and not page.has_more else None


def item_count(
    *, collection: OgcCollection, query: ItemsQuery, page: FeaturePage | None = None
) -> int | None:
    """numberMatched of the items query (bbox, datetime, category, filter; never the page's position), or
    None when it would cost more than the page: see the module's rules. A bounded count (rule 3) is made
    for the first page only. `page` is the page just read, if
    any (a first page without a next one has counted itself)."""
    if page is not None and (counted := page_count(query, page)) is not None:
        return counted
    if query.bbox is None and query.window is None:
        chosen = None if query.filter is None else category_choice(query.filter)
        if query.filter is None or chosen is not None:
            keys = set(query.category_keys or collection.category_keys)
            if chosen is not None:
                keys &= chosen
            ids = [c.pk for c in collection.categories if c.key in keys]
            return cells_count(project_id=collection.project.pk, category_ids=ids)
    if not first_page(query):
        # QGIS and GDAL read numberMatched from the first page; a client paging through a filtered
        # collection would otherwise pay the bounded count again on every page.
        return None
    counting = count_query(collection=collection, query=query)
    if counting is None:
        return None
    with heavy_reads().cursor() as cursor:
        cursor.execute(counting.sql, counting.params)
        matched, read = cursor.fetchone()
    return matched if read <= counting.limit else None
