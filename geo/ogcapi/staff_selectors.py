"""Reads of the OGC API's staff collections: a project's suggestions of one geometry kind in every moderation
state its reader may see, with the internal fields (geo/fields.py `staff_fields()`), for the project's
planners and moderators only.

A staff collection's id is its public collection's id with `-staff` after it (`<slug>-points-staff`,
`<slug>-lines-staff`, `<slug>-areas-staff`). No other kind's ids end so (geo/ogcapi/kinds.py), and the public
suggestions' parser reads the last part after a dash as the geometry kind, so `staff` is never one of its ids,
whatever a project's slug: a project named `x-staff` still has `x-staff-points`, and `x`'s staff points are
`x-points-staff`.

Who may read which project in which states is participation.rules' (`staff_layer_grants`): for anyone else
a staff collection does not exist, exactly like an unknown id. The items are the public items' page
(feature_page.sql, `selectors.items_query`, `page_params`, `page_read`) over their own rows
(ogcapi_staff_items.sql) and properties (ogcapi_staff_item_properties.sql, the public ones and then the
internal ones); a CQL2 filter takes the public queryables and the internal fields.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Min, Prefetch, Q, QuerySet

from participation import rules
from participation.models import Category, Project
from participation.participants import Actor

from ..fields import staff_fields
from ..selectors import FeaturePage
from ..sql import SQL
from . import cql2
from .crs import DEFAULT, Crs
from .params import ItemsQuery
from .selectors import (
    FILTER_MARKER,
    KIND_SUFFIXES,
    SUFFIX_KINDS,
    items_query,
    page_feature,
    page_params,
    page_read,
    rows_params,
)

STAFF_SUFFIX = "-staff"
PUBLIC_PROPERTIES_MARKER = "/* public properties */"


@dataclass(frozen=True, slots=True)
class StaffCollection:
    id: str
    public_id: str  # the public collection of the same project and kind
    project: Project
    kind: str
    categories: tuple[Category, ...]
    states: tuple[str, ...]  # the moderation states this reader reads here
    first_created: datetime | None
    last_created: datetime | None

    @property
    def category_keys(self) -> list[str]:
        return [c.key for c in self.categories]


def _collections_of(
    project: Project, categories: list[Category], states: tuple[str, ...]
) -> list[StaffCollection]:
    return [
        StaffCollection(
            id=f"{project.slug}-{suffix}{STAFF_SUFFIX}",
            public_id=f"{project.slug}-{suffix}",
            project=project,
            kind=kind,
            categories=tuple(c for c in categories if c.geometry_kind == kind),
            states=states,
            first_created=project.first_created,
            last_created=project.last_created,
        )
        for kind, suffix in KIND_SUFFIXES.items()
        if any(c.geometry_kind == kind for c in categories)
    ]


def _projects(grants: dict[int, tuple[str, ...]]) -> QuerySet[Project]:
    """The granted projects with the temporal extent of the suggestions their readers may see (one aggregate
    per project over its suggestion_queue index entries)."""
    shown = list(dict.fromkeys(state for states in grants.values() for state in states))
    in_states = Q(suggestions__moderation_state__in=shown)
    return (
        Project.objects.filter(pk__in=list(grants))
        .annotate(
            first_created=Min("suggestions__created_at", filter=in_states),
            last_created=Max("suggestions__created_at", filter=in_states),
        )
        .order_by("-phase_start", "slug")
    )


def staff_collection_list(*, reader: Actor) -> list[StaffCollection]:
    """The staff collections `reader` may read, newest project first (three queries; none for anonymous)."""
    grants = rules.staff_layer_grants(reader)
    if not grants:
        return []
    projects = _projects(grants).prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "key"))
    )
    return [
        collection
        for project in projects
        for collection in _collections_of(project, list(project.categories.all()), grants[project.pk])
    ]


def staff_collection_find(collection_id: str, *, reader: Actor) -> StaffCollection | None:
    """The staff collection with this id if `reader` may read it, else None, as for an id that names nothing.
    Ids of another shape are not looked at (no query); `is_staff_id` tells them apart."""
    if not is_staff_id(collection_id):
        return None
    slug, _dash, suffix = collection_id.removesuffix(STAFF_SUFFIX).rpartition("-")
    kind = SUFFIX_KINDS.get(suffix)
    project = Project.objects.filter(slug=slug).only("pk").first() if kind and slug else None
    if project is None:
        return None
    states = rules.staff_layer_grants(reader, project_id=project.pk).get(project.pk)
    if not states:
        return None
    project = _projects({project.pk: states}).get()
    categories = list(project.categories.filter(geometry_kind=kind).order_by("position", "key"))
    if not categories:
        return None
    return _collections_of(project, categories, states)[0]


def is_staff_id(collection_id: str) -> bool:
    """Whether the id has a staff collection's shape (whether or not it names one)."""
    return collection_id.endswith(STAFF_SUFFIX)


def staff_queryables(collection: StaffCollection) -> dict[str, cql2.Queryable]:
    """The public collection's queryables and the internal fields (before the geometry)."""
    return cql2.queryables(
        category_keys=collection.category_keys,
        extra=staff_fields(),
        enums={"moderation_state": tuple(collection.states)},
    )


def staff_items_query(condition: str = "TRUE") -> str:
    """The staff items' SQL: the public items' page over the staff rows, with the public properties and then
    the internal ones."""
    text = items_query(condition, rows="ogcapi_staff_items", properties_file="ogcapi_staff_item_properties")
    if text.count(PUBLIC_PROPERTIES_MARKER) != 1 or FILTER_MARKER in text:
        raise ValueError(
            f"ogcapi_staff_item_properties.sql must hold {PUBLIC_PROPERTIES_MARKER} exactly once"
        )
    return text.replace(PUBLIC_PROPERTIES_MARKER, SQL.load("ogcapi_item_properties").strip())


def _page(*, collection: StaffCollection, query: ItemsQuery, feature_id: int | None = None) -> FeaturePage:
    if query.filter is None:
        condition = cql2.SqlFilter(sql="TRUE", params={})
    else:
        condition = cql2.translate(
            query.filter,
            queryables=staff_queryables(collection),
            category_ids={c.key: c.pk for c in collection.categories},
            crs=query.filter_crs,
        )
    params = {
        **condition.params,
        **page_params(query, feature_id=feature_id),
        **rows_params(collection, query),  # type: ignore[arg-type]  (the same project and categories)
        "states": list(collection.states),
    }
    return page_read(staff_items_query(condition.sql), params)


def staff_item_page(*, collection: StaffCollection, query: ItemsQuery) -> FeaturePage:
    """One keyset page of the staff collection (one query)."""
    return _page(collection=collection, query=query)


def staff_item_get(*, collection: StaffCollection, feature_id: int, crs: Crs = DEFAULT) -> dict | None:
    """One suggestion of the staff collection as a GeoJSON Feature (its geometry in `crs`), or None (unknown
    ids, states the reader may not see, another project or kind: all alike)."""
    return page_feature(_page, collection, feature_id, crs)
