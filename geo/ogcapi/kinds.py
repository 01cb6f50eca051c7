"""The kinds of collection the OGC API serves, and the one place a kind is added.

A kind is a `CollectionKind`: how its public collections are listed and found by id, and how its
collection, items and item resources answer. `KINDS` lists them in the order /collections lists them; the
views (geo/ogcapi/views.py) only ask `collection_list` and `collection_get`. To add a kind (as the district
figures were added): a selector module that lists the kind's public collections and finds one by id (None
for an id not of its shape, without a query), a views module like `layer_views.py`, and one entry here.

The ids of different kinds must never be alike, so that an id names one collection whatever is added: each
kind's ids end in their own way (`<slug>-points|lines|areas`, `<slug>-points|lines|areas-staff`,
`<slug>-layer-<id>`, `<slug>-districts`, `<slug>-segments`), and tests/geo/test_ogcapi_layers.py checks that
no kind claims another's ids. The staff collections exist per reader (`per_reader`): for anyone who may
not read one, its id is unknown.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from . import (
    district_selectors,
    district_views,
    layer_selectors,
    layer_views,
    segment_selectors,
    segment_views,
    selectors,
    staff_views,
    suggestion_views,
)
from .errors import CollectionNotFound


@dataclass(frozen=True, slots=True)
class CollectionKind:
    name: str
    # Every public collection of the kind, in listing order.
    listing: Callable[[], Sequence[Any]]
    # The public collection with this id, or None (an id of another shape, or nothing public by that id).
    find: Callable[[str], Any | None]
    # Its title and a short line on what it holds, for the HTML list of collections.
    listing_row: Callable[[Any], tuple[str, str]]
    # The collection's JSON document (in /collections and at /collections/<id>) and its HTML page.
    collection_json: Callable[[HttpRequest, Any], dict[str, Any]]
    collection_page: Callable[[HttpRequest, Any], HttpResponse]
    # /collections/<id>/items and /collections/<id>/items/<feature id>, JSON or HTML (`html=`).
    items: Callable[..., HttpResponse]
    item: Callable[..., HttpResponse]
    # /collections/<id>/queryables (JSON Schema or HTML, `html=`) for a kind whose items take a CQL2 filter;
    # None: its items take none, and the address does not exist.
    queryables: Callable[..., HttpResponse] | None = None
    # Collections that exist only for some readers (the staff collections): `listing` then takes the request
    # and `find` the id and the request, whose credentials decide (staff_access.py); without a request they
    # find nothing.
    per_reader: bool = False
    # /collections/<id>/sortables (JSON Schema or HTML) for a kind whose items take `sortby`; None: no such
    # address.
    sortables: Callable[..., HttpResponse] | None = None


KINDS: tuple[CollectionKind, ...] = (
    CollectionKind(
        name="suggestions",
        listing=selectors.collection_list,
        find=selectors.collection_find,
        listing_row=suggestion_views.listing_row,
        collection_json=suggestion_views.collection_json,
        collection_page=suggestion_views.collection_page,
        items=suggestion_views.items,
        item=suggestion_views.item,
        queryables=suggestion_views.queryables,
        sortables=suggestion_views.sortables,
    ),
    CollectionKind(
        name="staff suggestions",
        listing=staff_views.listing,
        find=staff_views.find,
        listing_row=staff_views.listing_row,
        collection_json=staff_views.collection_json,
        collection_page=staff_views.collection_page,
        items=staff_views.items,
        item=staff_views.item,
        queryables=staff_views.queryables,
        per_reader=True,
    ),
    CollectionKind(
        name="context layers",
        listing=layer_selectors.layer_collection_list,
        find=layer_selectors.layer_collection_find,
        listing_row=layer_views.listing_row,
        collection_json=layer_views.collection_json,
        collection_page=layer_views.collection_page,
        items=layer_views.items,
        item=layer_views.item,
    ),
    CollectionKind(
        name="district figures",
        listing=district_selectors.district_collection_list,
        find=district_selectors.district_collection_find,
        listing_row=district_views.listing_row,
        collection_json=district_views.collection_json,
        collection_page=district_views.collection_page,
        items=district_views.items,
        item=district_views.item,
    ),
    CollectionKind(
        name="street segments",
        listing=segment_selectors.segment_collection_list,
        find=segment_selectors.segment_collection_find,
        listing_row=segment_views.listing_row,
        collection_json=segment_views.collection_json,
        collection_page=segment_views.collection_page,
        items=segment_views.items,
        item=segment_views.item,
    ),
)


def collection_list(request: HttpRequest | None = None) -> list[tuple[CollectionKind, Any]]:
    """Every public collection of every kind, kind by kind, and those `request`'s reader may read."""
    found: list[tuple[CollectionKind, Any]] = []
    for kind in KINDS:
        if kind.per_reader:
            found += [(kind, c) for c in (kind.listing(request) if request is not None else ())]
        else:
            found += [(kind, c) for c in kind.listing()]
    return found


def collection_get(*, collection_id: str, request: HttpRequest | None = None) -> tuple[CollectionKind, Any]:
    """The collection with this id and its kind (a public one, or one `request`'s reader may read), else
    CollectionNotFound."""
    for kind in KINDS:
        found = kind.find(collection_id, request) if kind.per_reader else kind.find(collection_id)
        if found is not None:
            return kind, found
    raise CollectionNotFound()
