"""Reads of the OGC API: collections from the ORM (a few rows per project), items from PostGIS.

A collection is one public project's published suggestions of one geometry kind; which categories have that
kind decides whether it exists. Projects that are not public and suggestions that are not published never
reach these reads.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import InternalError, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from config.db_reads import heavy_reads
from participation import selectors as participation_selectors
from participation.models import Category, GeometryKind, ModerationState, Project, Suggestion

from ..photo_links import photo_url_params
from ..selectors import FeaturePage
from ..sql import SQL
from . import cql2, property_selection, sorting
from .crs import DEFAULT, Crs, geometry_params, untransformable
from .params import ItemsQuery

# The suffix of a collection id per geometry kind, in the order collections are listed.
KIND_SUFFIXES = {
    GeometryKind.POINT: "points",
    GeometryKind.LINE: "lines",
    GeometryKind.POLYGON: "areas",
}
SUFFIX_KINDS = {suffix: kind for kind, suffix in KIND_SUFFIXES.items()}


@dataclass(frozen=True, slots=True)
class OgcCollection:
    id: str
    project: Project
    kind: str
    categories: tuple[Category, ...]  # the project's categories of this kind, in the project's order
    # Creation times of the project's first and last published suggestion (of any kind: read from an index,
    # where the kind is not), None without any.
    first_created: datetime | None
    last_created: datetime | None

    @property
    def category_keys(self) -> list[str]:
        return [c.key for c in self.categories]


def _projects() -> QuerySet[Project]:
    published = Suggestion.objects.filter(
        project=OuterRef("pk"), moderation_state=ModerationState.PUBLISHED
    ).values("created_at")
    # ORDER BY … LIMIT 1 per project reads one entry of the index suggestion_queue (project, state, created),
    # where min()/max() over a join would read every suggestion.
    return participation_selectors.project_list().annotate(
        first_created=Subquery(published.order_by("created_at")[:1]),
        last_created=Subquery(published.order_by("-created_at")[:1]),
    )


def _collections_of(project: Project, categories: list[Category]) -> list[OgcCollection]:
    return [
        OgcCollection(
            id=f"{project.slug}-{suffix}",
            project=project,
            kind=kind,
            categories=tuple(c for c in categories if c.geometry_kind == kind),
            first_created=project.first_created,
            last_created=project.last_created,
        )
        for kind, suffix in KIND_SUFFIXES.items()
        if any(c.geometry_kind == kind for c in categories)
    ]


def collection_list() -> list[OgcCollection]:
    """Every public project's collections, newest project first (two queries)."""
    projects = _projects().prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "key"))
    )
    return [
        collection
        for project in projects
        for collection in _collections_of(project, list(project.categories.all()))
    ]


def collection_find(collection_id: str) -> OgcCollection | None:
    """One collection by its id `<project slug>-<points|lines|areas>`, or None: ids of another shape (another
    kind's, geo/ogcapi/kinds.py) cost no query, the others two."""
    slug, _dash, suffix = collection_id.rpartition("-")
    kind = SUFFIX_KINDS.get(suffix)
    project = _projects().filter(slug=slug).first() if kind and slug else None
    if project is None:
        return None
    categories = list(project.categories.filter(geometry_kind=kind).order_by("position", "key"))
    if not categories:
        return None
    return _collections_of(project, categories)[0]


FILTER_MARKER = "/* cql2 filter */"


def items_query(
    condition: str = "TRUE",
    *,
    rows: str = "ogcapi_items",
    properties_file: str = "ogcapi_item_properties",
    sort: sorting.Sort | None = None,
    keyset: str | None = None,
    properties: tuple[str, ...] | None = None,
) -> str:
    """The items' SQL: the feature page shared with the API's list (feature_page.sql), framing this
    channel's rows and properties (the staff collections name their own files), with a CQL2 filter's
    condition (cql2.translate) among the rows'. With a `sort` (and its `keyset` condition,
    sorting.keyset_sql) the page is ogcapi_sorted_page.sql's, ordered by it; `properties`
    (property_selection) narrows the public properties to those names."""
    parts = {"rows": rows, "geometry": "feature_geometry"}
    if properties is None:
        parts["properties"] = properties_file
    text = SQL.compose("feature_page" if sort is None else "ogcapi_sorted_page", **parts)
    markers = {
        FILTER_MARKER: condition,
        "/* keyset */": "s.id > %(after)s" if sort is None else (keyset or "TRUE"),
        "/* order */": "s.id" if sort is None else sorting.order_sql(sort, "s"),
    }
    if sort is not None:
        markers["/* sort order */"] = sorting.order_sql(sort)
        markers["/* sort keys */"] = sorting.keys_sql(sort)
    if properties is not None:
        markers["/* properties */"] = property_selection.properties_sql(properties)
    for marker, piece in markers.items():
        if text.count(marker) != 1:
            raise ValueError(f"the items' SQL ({rows}) must hold {marker} exactly once")
        text = text.replace(marker, piece)
    return text


def collection_queryables(collection: OgcCollection) -> dict[str, cql2.Queryable]:
    """What a filter on the collection can name (its /queryables)."""
    return cql2.queryables(category_keys=collection.category_keys)


def item_filter(collection: OgcCollection, text: str | None, crs: Crs = DEFAULT) -> cql2.SqlFilter:
    """A CQL2-text filter on the collection as SQL (TRUE without one), its geometries in `crs`, or
    InvalidParameter."""
    if text is None:
        return cql2.SqlFilter(sql="TRUE", params={})
    return cql2.translate(
        text,
        queryables=collection_queryables(collection),
        category_ids={c.key: c.pk for c in collection.categories},
        crs=crs,
    )


def page_params(query: ItemsQuery, *, feature_id: int | None) -> dict[str, object]:
    """The parameters every kind's page SQL takes: the keyset (`after`, `limit`), one feature for the item
    resource (`feature_id`), the bbox (in `bbox-crs`) and the CRS of the geometries written (`crs`)."""
    bbox = query.bbox
    return {
        **geometry_params(query.crs),
        **bbox_params(query),
        "after": query.after,
        "feature_id": feature_id,
        "limit": query.limit,
        "has_bbox": bbox is not None,
        "minlon": bbox.minlon if bbox else None,
        "minlat": bbox.minlat if bbox else None,
        "maxlon": bbox.maxlon if bbox else None,
        "maxlat": bbox.maxlat if bbox else None,
    }


def bbox_params(query: ItemsQuery) -> dict[str, object]:
    """The bbox's SRID and the length its edges are cut into before PostGIS transforms it to WGS84 (the
    items' SQL says why): a 64th of the box in metres; in degrees nothing is cut (no edge is 1,000°)."""
    bbox, crs = query.bbox, query.bbox_crs
    step = 1000.0
    if bbox is not None and crs.srid != 4326:
        step = max(bbox.maxlon - bbox.minlon, bbox.maxlat - bbox.minlat) / 64
    return {"bbox_srid": crs.srid, "bbox_step": step}


def page_read(sql: str, params: dict[str, object]) -> FeaturePage:
    """One page of a kind's features, built by PostGIS in the frame of feature_page.sql (one query)."""
    has_more, last_id, returned, features_json = page_row(sql, params)
    return FeaturePage(features_json=features_json, returned=returned, last_id=last_id, has_more=has_more)


def page_row(sql: str, params: dict[str, object]) -> tuple:
    """The one row of a page's SQL (feature_page.sql's frame or ogcapi_sorted_page.sql's), read in a
    transaction of its own (a savepoint inside one) in the site's time zone, which the properties write
    their times in (to_char's TZH:TZM, ogcapi_item_properties.sql). It only reads, so it is rolled back,
    and the zone goes with it."""
    connection = heavy_reads()
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE %s", [settings.TIME_ZONE])
            cursor.execute(sql, params)
            row = cursor.fetchone()
            transaction.set_rollback(True, using=connection.alias)
            return row
    except InternalError as error:
        # A feature PostGIS cannot transform fails the page, and the request answers a 400 that says so.
        if params["crs_srid"] == 4326 or "transform:" not in str(error):
            raise
        raise untransformable(params["crs_srid"]) from None


def page_feature(
    page_of: Callable[..., FeaturePage], collection: object, feature_id: int, crs: Crs = DEFAULT
) -> dict | None:
    """One feature of a collection as a GeoJSON Feature (its geometry in `crs`), or None, through the kind's
    page function."""
    query = ItemsQuery(limit=1, after=feature_id - 1, bbox=None, window=None, category_keys=None, crs=crs)
    features = json.loads(page_of(collection=collection, query=query, feature_id=feature_id).features_json)
    return features[0] if features else None


def rows_params(collection: OgcCollection, query: ItemsQuery) -> dict[str, object]:
    """The parameters of the rows' conditions besides the keyset and the filter: project, categories (with
    their keys and labels) and created_at window."""
    wanted = query.category_keys
    categories = [c for c in collection.categories if wanted is None or c.key in wanted]
    window = query.window
    return {
        "project_id": collection.project.pk,
        "category_ids": [c.pk for c in categories],
        "category_labels": json.dumps({str(c.pk): {"key": c.key, "label": c.label} for c in categories}),
        "created_from": window.start if window else None,
        "created_before": window.end if window else None,
        **photo_url_params(),
    }


def _page(*, collection: OgcCollection, query: ItemsQuery, feature_id: int | None = None) -> FeaturePage:
    condition = item_filter(collection, query.filter, query.filter_crs)
    params = {
        **condition.params,
        **page_params(query, feature_id=feature_id),
        **rows_params(collection, query),
    }
    return page_read(items_query(condition.sql, properties=query.properties), params)


def item_page(*, collection: OgcCollection, query: ItemsQuery) -> FeaturePage:
    """One keyset page of the collection's published suggestions (one query)."""
    return _page(collection=collection, query=query)


@dataclass(frozen=True, slots=True)
class SortedPage:
    page: FeaturePage  # its last_id is None: the next page starts after `next_cursor`
    next_cursor: str | None


def item_sorted_page(*, collection: OgcCollection, query: ItemsQuery) -> SortedPage:
    """One keyset page in the order of `sortby` (query.sort), and the cursor of the next (one query)."""
    sort = query.sort
    if sort is None:
        raise ValueError("item_sorted_page needs a sort")
    condition = item_filter(collection, query.filter, query.filter_crs)
    keyset, keyset_params = sorting.keyset_sql(sort)
    params = {
        **condition.params,
        **keyset_params,
        **page_params(query, feature_id=None),
        **rows_params(collection, query),
    }
    sql = items_query(condition.sql, sort=sort, keyset=keyset, properties=query.properties)
    has_more, last_keys, returned, features_json = page_row(sql, params)
    page = FeaturePage(features_json=features_json, returned=returned, last_id=None, has_more=has_more)
    next_cursor = sorting.cursor_for(sort, json.loads(last_keys)) if has_more else None
    return SortedPage(page=page, next_cursor=next_cursor)


def item_get(*, collection: OgcCollection, feature_id: int, crs: Crs = DEFAULT) -> dict | None:
    """One published suggestion of the collection as a GeoJSON Feature, or None: unknown ids, suggestions
    that are not published and those of another project or kind all look the same (one query)."""
    return page_feature(_page, collection, feature_id, crs)
