"""The one field table of a suggestion in every GIS channel: OGC API, vector tiles and every export.

A planner's QGIS style or expression built on one source (`"planning_status" = 'planned'`,
`"support_count" > 10`, `"created_at" >= '2026-05-01'`) works on every other, because every channel uses
these names with this meaning. The SQL of each channel (geo/sql/ogcapi_item_properties.sql, tile_mvt.sql, the
export_*.sql files and the stored pieces of export_fragments.sql) writes exactly these columns; the tests
in tests/geo/test_fields.py read every channel with GDAL and hold it to this table, and to the copy in
docs/exports.md.

Times are ISO 8601 with the offset of the site's time zone (settings.TIME_ZONE, `+01:00` or `+02:00` for
Berlin) where a format has only text (GeoJSON, CSV, OGC API, Shapefile), and real date-time values where the
format has them (GeoPackage DateTime, XLSX dates in local time, KML's TimeStamp for `created_at`).

dBase (Shapefile) names have at most 10 characters: `shapefile` is the name there. No field is personal:
no author, public name, e-mail address, address hash or report ever leaves the database in any channel.

A suggestion's published photos are links (issue 26): `photo_1`, `photo_2`, `photo_3`, each the absolute URL
of one photo's full rendition (settings.SITE_URL + /api/v1/photos/<key>/full.jpg), in the photos' order, null
when there is no such photo. One text field per photo rather than one list: a single URL in a field is what
QGIS's identify results, attribute forms and ArcGIS's pop-ups turn into a link a planner clicks, and every
format holds a text field under the same name (dBase's 10 characters included), while a list is a JSON
array only GeoJSON and the OGC API could carry (GDAL reads it as a StringList, which QGIS shows as one
unclickable text) and would be a space-separated text elsewhere. A suggestion has at most three photos
(participation's PHOTOS_PER_SUGGESTION, a database constraint), so three fields hold them all. Only the
photos of published suggestions, and of those only the published ones (Suggestion.photo_keys), are linked:
every link opens for anyone who may see the suggestion. They are not in the tiles, and not queryable in the
OGC API: a random key says nothing a filter could ask about (whether a suggestion has photos at all is
`photo_1 IS NULL` in QGIS's own expressions).
"""

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["integer", "real", "text", "datetime"]

# The channels. "exports" are the planner's GeoJSON, CSV, XLSX, GeoPackage, Shapefile and KML and the public
# open-data GeoJSON and CSV; the OGC API and the tiles are public.
OGCAPI = "ogcapi"
TILES = "tiles"
EXPORTS = "exports"
# Planners' exports only (every format but the open-data GeoJSON and CSV).
PLANNER_EXPORTS = "planner_exports"
# The OGC API's staff collections (`<slug>-points-staff`, …, geo/ogcapi/staff_selectors.py): every field of
# the public collections, then the fields marked with this channel, for the project's planners and moderators
# only (`staff_fields`).
OGCAPI_STAFF = "ogcapi_staff"
EVERYWHERE = frozenset({OGCAPI, TILES, EXPORTS})
NOT_IN_TILES = frozenset({OGCAPI, EXPORTS})


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    shapefile: str  # the dBase name, at most 10 characters
    channels: frozenset[str]
    nullable: bool
    meaning: str
    # Whether the OGC API's filters and /queryables offer it.
    queryable: bool = True


FIELDS: tuple[Field, ...] = (
    Field("id", "integer", "id", EVERYWHERE, False, "The suggestion's number (as in /s/<id>/)."),
    Field("category", "text", "category", EVERYWHERE, False, "The category's key (fixed, for styles)."),
    Field("category_label", "text", "cat_label", NOT_IN_TILES, False, "The category's name as shown."),
    Field("title", "text", "title", EVERYWHERE, False, "The title the citizen gave."),
    Field("text", "text", "text", NOT_IN_TILES, True, "The citizen's text (Shapefile: first 254 bytes)."),
    Field(
        "moderation_state",
        "text",
        "mod_state",
        frozenset({EXPORTS, OGCAPI_STAFF}),
        False,
        "published, pending or rejected (planner exports; moderators' staff collections also hidden); always "
        "published in the open-data export.",
    ),
    Field(
        "planning_status",
        "text",
        "status",
        EVERYWHERE,
        False,
        "received, under_review, planned, implemented or declined.",
    ),
    Field("official_answer", "text", "answer", NOT_IN_TILES, True, "The planners' public answer."),
    Field("support_count", "integer", "supports", EVERYWHERE, False, "How many people support it."),
    Field("comment_count", "integer", "comments", EVERYWHERE, False, "Published comments on it."),
    Field("created_at", "datetime", "created", NOT_IN_TILES, False, "When it was submitted."),
    Field("updated_at", "datetime", "updated", NOT_IN_TILES, False, "When it last changed."),
    Field("answered_at", "datetime", "answered", NOT_IN_TILES, True, "When the official answer was given."),
    # How a path was drawn (issue 24), null for points and areas (and lines sent before it was recorded).
    # In the tiles: a short key from a closed list, like `category` and `planning_status`, that a style
    # needs (a freely drawn connection dashed, a routed one solid); MVT keeps each value once per layer and
    # leaves nulls out, so a line pays two small integers and a point nothing. In the open data: the
    # citizen's own public choice (the suggestion API shows it), from no imported source.
    Field(
        "line_drawing",
        "text",
        "drawing",
        EVERYWHERE,
        True,
        "For a path: routed (along the street network) or free (drawn freely); null for points and areas.",
    ),
    # The published photos as links (the module's docstring says why three fields).
    *(
        Field(
            f"photo_{number}",
            "text",
            f"photo_{number}",
            NOT_IN_TILES,
            True,
            f"The URL of its {ordinal} published photo (the full rendition, JPEG); null when it has fewer.",
            queryable=False,
        )
        for number, ordinal in ((1, "first"), (2, "second"), (3, "third"))
    ),
)
# The photo fields' names, in their order (PHOTOS_PER_SUGGESTION of them).
PHOTO_FIELD_NAMES = tuple(field.name for field in FIELDS if field.name.startswith("photo_"))

# The coverage analysis (geo/analysis) as columns of a planner's export, after the fields above (in CSV and
# XLSX after the geometry columns; in GeoJSON after `category_label`, where the stored pieces let them in
# without rewriting the tail): what is asked for against what exists, and in the OGC API's staff collections.
# Not in the open-data export, the public OGC API or the tiles: the facilities may come from layers only
# planners see. NULL (an empty cell) where the project has no layer of that kind, or the suggestion lies in
# no district.
ANALYSIS_FIELDS: tuple[Field, ...] = (
    Field(
        "nearest_facility",
        "text",
        "facility",
        frozenset({PLANNER_EXPORTS, OGCAPI_STAFF}),
        True,
        'The nearest existing facility of its category: "<layer>: <name>" (or its id in the source).',
    ),
    Field(
        "facility_distance_m",
        "real",
        "fac_dist_m",
        frozenset({PLANNER_EXPORTS, OGCAPI_STAFF}),
        True,
        "Its distance in metres, to the metre (geodesic).",
    ),
    Field(
        "district",
        "text",
        "district",
        frozenset({PLANNER_EXPORTS, OGCAPI_STAFF}),
        True,
        "The smallest district of the districts layer that holds it.",
    ),
    Field(
        "network_share_percent",
        "real",
        "network_pc",
        frozenset({PLANNER_EXPORTS, OGCAPI_STAFF}),
        True,
        "For a line: the share of its length along the existing network, in percent (0-100, 1 decimal).",
    ),
)

# Where a suggestion is in words (geo.places, kept in geo_suggestion_place), the last column of a planner's
# export, after the coverage analysis's (issue 24). Not in the open-data export: the addresses are the
# gazetteer's, imported under the licence of their source (OpenStreetMap's share-alike, a town's address
# list), not the export's, and a public position is already in every row (lon/lat, the geometry).
PLACE_FIELDS: tuple[Field, ...] = (
    Field(
        "place",
        "text",
        "place",
        frozenset({PLANNER_EXPORTS, OGCAPI_STAFF}),
        True,
        "Where it is in words: its nearest address within 40 m, else its nearest street within 200 m, and "
        'its district ("Kaiserstraße 12, Innenstadt-West"); empty where the project has no streets or '
        "addresses, or none is near.",
    ),
)

# Internal fields of a suggestion that no export and no public channel carries, for the staff collections
# only: how many open reports name the suggestion itself (never who reported it or why: the moderation
# queue shows that).
STAFF_FIELDS: tuple[Field, ...] = (
    Field(
        "report_count",
        "integer",
        "reports",
        frozenset({OGCAPI_STAFF}),
        False,
        "Open reports on the suggestion (not on its comments); the reports themselves stay in moderation.",
    ),
)

# Geometry as columns, in the CSV and XLSX only (the other formats carry a real geometry): lon/lat of a point,
# for lines and areas a point on the shape (PostGIS's ST_PointOnSurface), so that a layer loaded from
# lon/lat holds every suggestion; `geometry_type` and `wkt` give the shape (docs/exports.md: CSV in QGIS).
TABLE_GEOMETRY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("geometry_type", "text"),
    ("lon", "real"),
    ("lat", "real"),
    ("wkt", "text"),
)


def fields_in(channel: str) -> tuple[Field, ...]:
    """The fields a channel carries, in the table's order."""
    return tuple(field for field in FIELDS if channel in field.channels)


def staff_fields() -> tuple[Field, ...]:
    """The internal fields of the staff collections, after the public collections' fields: the moderation
    state, the open reports, the coverage analysis and the place."""
    return tuple(
        field
        for field in FIELDS + STAFF_FIELDS + ANALYSIS_FIELDS + PLACE_FIELDS
        if OGCAPI_STAFF in field.channels
    )


def field_names(channel: str) -> tuple[str, ...]:
    return tuple(field.name for field in fields_in(channel))


def json_schema_properties(channel: str) -> dict[str, dict[str, object]]:
    """The fields of a channel as JSON Schema properties (the OGC API's OpenAPI document)."""
    types = {
        "integer": {"type": "integer"},
        "real": {"type": "number"},
        "text": {"type": "string"},
        "datetime": {"type": "string", "format": "date-time"},
    }
    properties: dict[str, dict[str, object]] = {}
    for field in fields_in(channel):
        schema: dict[str, object] = {**types[field.type], "description": field.meaning}
        if field.nullable:
            schema["nullable"] = True
        properties[field.name] = schema
    return properties
