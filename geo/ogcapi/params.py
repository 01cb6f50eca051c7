"""The OGC API's query parameters, checked strictly: a value we do not understand is a 400, never a guess.

Values reach SQL only as bound parameters of the types made here (ints, floats, aware datetimes, category
ids), so nothing a client writes is ever part of a statement.
"""

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..core.bbox import BBox, BBoxField
from . import crs as crs_module
from .crs import Crs
from .errors import InvalidParameter
from .property_selection import parse_properties
from .sorting import Sort, sort_of

LIMIT_DEFAULT = 100
# A page of 10,000 features is ~3 MB of GeoJSON and ~0.2 s for PostGIS to write.
LIMIT_MAX = 10_000

FORMATS = ("json", "html")
# Parameters every resource takes; the items resource adds its filters and paging.
COMMON_PARAMETERS = ("f",)
ITEMS_PARAMETERS = (
    "f",
    "limit",
    "bbox",
    "datetime",
    "category",
    "after",
    "filter",
    "filter-lang",
    "filter-crs",
    "crs",
    "bbox-crs",
    # Sorting (OGC API – Features Part 8 draft, as pygeoapi and tipg take it), its keyset cursor, and property
    # selection (Part 6 draft): geo/ogcapi/sorting.py and geo/ogcapi/property_selection.py.
    "sortby",
    "cursor",
    "properties",
)
# The items of a collection without times or categories (context layers).
PLAIN_ITEMS_PARAMETERS = ("f", "limit", "bbox", "after", "crs", "bbox-crs")
# A single feature: its format and CRS (OGC API – Features Part 2).
ITEM_PARAMETERS = ("f", "crs")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """`created_at` from `start` (inclusive) to `end` (exclusive); None is open."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class ItemsQuery:
    limit: int
    after: int
    bbox: BBox | None
    window: TimeWindow | None
    category_keys: tuple[str, ...] | None  # None: every category of the collection
    # A CQL2-text filter (OGC API – Features Part 3), checked and translated by geo/ogcapi/cql2.py.
    filter: str | None = None
    # OGC API – Features Part 2 (geo/ogcapi/crs.py): the CRS the geometries are written in, and the CRS of
    # `bbox`, whose numbers are kept in that CRS's x/y (east, north) order and transformed by PostGIS.
    crs: Crs = crs_module.DEFAULT
    bbox_crs: Crs = crs_module.DEFAULT
    # The CRS of the coordinates in `filter` (Part 3's filter-crs, any of Part 2's).
    filter_crs: Crs = crs_module.DEFAULT
    # `sortby` with the keyset of its `cursor` (None: by id, keyset `after`), and the properties asked for
    # (None: all): geo/ogcapi/sorting.py and geo/ogcapi/property_selection.py.
    sort: Sort | None = None
    properties: tuple[str, ...] | None = None


def check_known(params: QueryDict, allowed: Collection[str]) -> None:
    """OGC API – Features lets a server refuse parameters it does not define (/req/core/query-param-unknown);
    we do, so that a misspelt filter (`bbbox=…`) is an error and not silently the whole collection.
    A parameter given twice is refused too: which of the two counts would be a guess."""
    for name in params:
        if name not in allowed:
            raise InvalidParameter(
                _("Unknown query parameter “%(name)s”. This resource takes: %(known)s.")
                % {"name": name, "known": ", ".join(allowed)}
            )
        if len(params.getlist(name)) > 1:
            raise InvalidParameter(
                _("The query parameter “%(name)s” is given more than once.") % {"name": name}
            )


def output_format(params: QueryDict) -> str | None:
    """`f=json|html`, or None when the client did not say (the Accept header decides then)."""
    value = params.get("f")
    if value is None:
        return None
    if value not in FORMATS:
        raise InvalidParameter(_("Unknown format “%(value)s”: use f=json or f=html.") % {"value": value})
    return value


def items_query(params: QueryDict, *, category_keys: Sequence[str]) -> ItemsQuery:
    """The items resource's parameters; `category_keys` are the collection's categories."""
    check_known(params, ITEMS_PARAMETERS)
    output_format(params)
    return ItemsQuery(
        limit=parse_limit(params.get("limit")),
        after=parse_after(params.get("after")),
        bbox=_bbox(params),
        window=parse_datetime(params["datetime"]) if "datetime" in params else None,
        category_keys=(
            parse_categories(params["category"], known=category_keys) if "category" in params else None
        ),
        filter=_filter(params),
        crs=crs_module.output_crs(params),
        bbox_crs=crs_module.bbox_crs(params),
        filter_crs=crs_module.filter_crs(params),
        sort=_sort(params),
        properties=parse_properties(params["properties"]) if "properties" in params else None,
    )


def _sort(params: QueryDict) -> Sort | None:
    """`sortby` and the `cursor` of its next link; `after` pages only the order by id."""
    if "sortby" not in params:
        if "cursor" in params:
            raise InvalidParameter(_("cursor belongs to a sorted page: give it with the sortby of its link."))
        return None
    if "after" in params:
        raise InvalidParameter(
            _("after pages by id; a sorted page's next link carries its position in cursor.")
        )
    return sort_of(params["sortby"], params.get("cursor"))


# The two names of the one filter language: `cql2-text` (the standard) and `cql-text`, the draft's name, which
# GDAL up to 3.6 looks for in the OpenAPI document and sends.
FILTER_LANGS = ("cql2-text", "cql-text")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def filter_crs_message() -> str:
    return _(
        "A geometry in a filter has no SRID of its own: its coordinates are in filter-crs (%(crs)s when not "
        "given)."
    ) % {"crs": CRS84}


def _filter(params: QueryDict) -> str | None:
    """The CQL2-text filter, once its language is ours (geo/ogcapi/cql2.py reads the text; its CRS is
    `filter-crs`, one of geo/ogcapi/crs.py's)."""
    lang = params.get("filter-lang")
    if lang is not None and lang not in FILTER_LANGS:
        raise InvalidParameter(
            _("filter-lang “%(value)s” is not supported: this API understands cql2-text.") % {"value": lang}
        )
    return params.get("filter")


def plain_items_query(params: QueryDict) -> ItemsQuery:
    """The items resource's parameters for a collection without times or categories: paging and bbox."""
    check_known(params, PLAIN_ITEMS_PARAMETERS)
    output_format(params)
    return ItemsQuery(
        limit=parse_limit(params.get("limit")),
        after=parse_after(params.get("after")),
        bbox=_bbox(params),
        window=None,
        category_keys=None,
        crs=crs_module.output_crs(params),
        bbox_crs=crs_module.bbox_crs(params),
    )


def parse_limit(value: str | None) -> int:
    """A whole number from 1; above LIMIT_MAX the page is LIMIT_MAX long (OGC: "if you ask for 50000, you
    might get up to 10000 (server-limited)"), so a client with a large page size still pages through all."""
    if value is None:
        return LIMIT_DEFAULT
    if not re.fullmatch(r"[0-9]+", value) or int(value[:12]) < 1:
        raise InvalidParameter(
            _("limit must be a whole number of at least 1; a page holds at most %(max)s features.")
            % {"max": LIMIT_MAX}
        )
    # Only the first digits are converted: a number of a thousand digits is simply more than the maximum.
    return LIMIT_MAX if len(value) > 12 else min(int(value), LIMIT_MAX)


# Ids are bigint: 18 digits always fit.
_ID = re.compile(r"[0-9]{1,18}")


def parse_after(value: str | None) -> int:
    if value is None:
        return 0
    if not _ID.fullmatch(value):
        raise InvalidParameter(
            _("after must be the id of the last feature of the previous page, a whole number.")
        )
    return int(value)


def parse_feature_id(value: str) -> int | None:
    """A feature id from the path, or None when it cannot be one of ours (then it is simply not found)."""
    return int(value) if _ID.fullmatch(value) else None


def parse_bbox(value: str) -> BBox:
    """minlon,minlat,maxlon,maxlat in WGS84 (CRS84). Six numbers (with heights) are allowed by the standard;
    our suggestions are 2D, so the heights only have to be numbers."""
    parts = value.split(",")
    if len(parts) == 6:
        heights = (parts[2], parts[5])
        if not all(_is_finite_number(h) for h in heights):
            raise InvalidParameter(str(BBoxField.default_error_messages["format"]))
        parts = [parts[0], parts[1], parts[3], parts[4]]
    try:
        return BBoxField().run_validation(",".join(parts))
    except serializers.ValidationError as error:
        raise InvalidParameter(str(error.detail[0])) from None


def _bbox(params: QueryDict) -> BBox | None:
    """`bbox` in the CRS `bbox-crs` names (CRS84 without it), or None."""
    if "bbox" not in params:
        return None
    crs = crs_module.bbox_crs(params)
    return parse_bbox(params["bbox"]) if crs == crs_module.CRS84 else parse_bbox_in(params["bbox"], crs)


def parse_bbox_in(value: str, crs: Crs) -> BBox:
    """A bbox in another CRS than CRS84, in that CRS's axis order (EPSG:4326: latitude first), as a BBox in
    its x/y (east, north) order; inside the CRS's area of use (`Crs.bounds`), so PostGIS can transform it."""
    if crs.lat_lon:
        order = _("south latitude, west longitude, north latitude, east longitude")
    else:
        order = _("minimum easting, minimum northing, maximum easting, maximum northing")
    parts = value.split(",")
    if len(parts) == 6:  # with heights, which only have to be numbers (as in parse_bbox)
        parts = [parts[0], parts[1], parts[3], parts[4], parts[2], parts[5]]
    if len(parts) not in (4, 6) or not all(_is_finite_number(p) for p in parts):
        raise InvalidParameter(
            _("bbox in %(crs)s must be four numbers: %(order)s.") % {"crs": crs.uri, "order": order}
        )
    numbers = [float(p) for p in parts[:4]]
    minx, miny, maxx, maxy = (numbers[1], numbers[0], numbers[3], numbers[2]) if crs.lat_lon else numbers
    west, south, east, north = crs.bounds
    if not all(west <= x <= east for x in (minx, maxx)) or not all(south <= y <= north for y in (miny, maxy)):
        low, high = ((south, west), (north, east)) if crs.lat_lon else ((west, south), (east, north))
        raise InvalidParameter(
            _("bbox in %(crs)s must lie within %(low)s to %(high)s (%(order)s).")
            % {
                "crs": crs.uri,
                "low": ", ".join(f"{v:.10g}" for v in low),
                "high": ", ".join(f"{v:.10g}" for v in high),
                "order": order,
            }
        )
    if minx >= maxx or miny >= maxy:
        raise InvalidParameter(str(BBoxField.default_error_messages["order"]))
    return BBox(minx, miny, maxx, maxy)


def _is_finite_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def parse_categories(value: str, *, known: Sequence[str]) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(k.strip() for k in value.split(",") if k.strip()))
    if not keys:
        raise InvalidParameter(_("Name at least one category."))
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InvalidParameter(
            _("Unknown category “%(unknown)s”. This collection's categories are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        )
    return keys


# RFC 3339 date-times, and coarser forms: a date alone means the whole day (UTC), a time without seconds the
# whole minute, and so on: `datetime=2025-05-01` finds everything created that day. GDAL's OAPIF driver
# writes dates as "2025-05-01T" and times without seconds ("2025-05-01T10:30Z"); both are understood.
_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[Tt](?:(?P<hour>[0-9]{2})"
    r"(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,9}))?)?)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2}))?)?"
)


def _datetime_error() -> InvalidParameter:
    return InvalidParameter(
        _(
            "datetime must be a date and time such as 2025-05-01T12:00:00Z, a date such as 2025-05-01, "
            "or an interval such as 2025-05-01/2025-05-31, ../2025-05-31 or 2025-05-01/.."
        )
    )


def _instant(value: str) -> tuple[datetime, datetime]:
    """The interval [start, end) a date-time stands for, as precise as it was written."""
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise _datetime_error()
    part = match.groupdict()
    try:
        if part["hour"] is None:
            # A date is that day in the site's zone, the zone the items give their times in (and the export
            # filters' days): from its midnight to the next, whatever a clock change does to its length.
            zone = ZoneInfo(settings.TIME_ZONE)
            day = date(int(part["year"]), int(part["month"]), int(part["day"]))
            start = datetime.combine(day, time(), tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
            return start.astimezone(UTC), end.astimezone(UTC)
        offset = part["offset"]
        zone = UTC
        if offset not in ("Z", "z"):
            sign = 1 if offset[0] == "+" else -1
            zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        fraction = part["fraction"]
        start = datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part["hour"]),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        ).astimezone(UTC)
        if fraction is not None:
            precision = timedelta(microseconds=1)
        elif part["second"] is not None:
            precision = timedelta(seconds=1)
        elif part["minute"] is not None:
            precision = timedelta(minutes=1)
        else:
            precision = timedelta(hours=1)
        return start, start + precision
    except (ValueError, OverflowError):
        # A day 31 in April, hour 24, an offset of a day, or the end of year 9999.
        raise _datetime_error() from None


def parse_instant(value: str) -> tuple[datetime, datetime]:
    """The interval [start, end) a date-time stands for, as precise as it was written (a date is that day in
    the site's zone); a 400 if it is none."""
    return _instant(value)


def parse_datetime(value: str) -> TimeWindow:
    """An instant, or an interval with `..` (or nothing) for an open end; matched against `created_at`."""
    if "/" not in value:
        start, end = _instant(value)
        return TimeWindow(start=start, end=end)
    first, _slash, last = value.partition("/")
    open_start = first in ("", "..")
    open_end = last in ("", "..")
    if open_start and open_end:
        raise _datetime_error()
    start = None if open_start else _instant(first)[0]
    end = None if open_end else _instant(last)[1]
    if start is not None and end is not None and start >= end:
        raise InvalidParameter(_("The start of the datetime interval must come before its end."))
    return TimeWindow(start=start, end=end)
