"""`properties=title,support_count` on the suggestion collections (OGC API – Features Part 6 draft, as
pygeoapi takes it): the features carry only those properties, and always `id` (and their geometry).

PostgreSQL builds the smaller properties object from the fixed pieces below, one per property of the field
table (geo/fields.py), in the table's order: the names a client sends only choose among them, and never
become SQL. The pieces are those of geo/sql/ogcapi_item_properties.sql (tests/geo/test_ogcapi_sortby.py holds
them to it: all of them give the same features).
"""

from django.utils.translation import gettext as _

from ..fields import OGCAPI, field_names
from .errors import InvalidParameter

# A time as ogcapi_item_properties.sql writes it (in the zone of the page's transaction).
LOCAL_TIME = "'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'"
# Each property as ogcapi_item_properties.sql writes it, over the page's columns.
PIECES: dict[str, str] = {
    "id": "id",
    "category": "%(category_labels)s::jsonb -> category_id::text -> 'key'",
    "category_label": "%(category_labels)s::jsonb -> category_id::text -> 'label'",
    "title": "title",
    "text": "nullif(text, '')",
    "planning_status": "planning_status",
    "official_answer": "nullif(official_answer, '')",
    "support_count": "support_count",
    "comment_count": "comment_count",
    "created_at": f"to_char(created_at, {LOCAL_TIME})",
    "updated_at": f"to_char(updated_at, {LOCAL_TIME})",
    "answered_at": f"to_char(answered_at, {LOCAL_TIME})",
    "line_drawing": "nullif(line_drawing, '')",
    **{
        f"photo_{n}": f"CASE WHEN cardinality(photo_keys) > {n - 1} "
        f"THEN %(photo_url)s::text || photo_keys[{n}] || %(photo_full)s::text END"
        for n in (1, 2, 3)
    },
}
if tuple(PIECES) != field_names(OGCAPI):
    raise RuntimeError("PIECES must hold the OGC API's fields of geo/fields.py, in their order")


def parse_properties(value: str) -> tuple[str, ...]:
    """The properties asked for, in the field table's order, with `id`; a 400 for an empty, unknown or
    repeated name."""
    names = [name.strip() for name in value.split(",")]
    if any(not name for name in names):
        raise InvalidParameter(
            _("properties needs property names, e.g. properties=title,support_count; it has an empty one.")
        )
    unknown = [name for name in names if name not in PIECES]
    if unknown:
        raise InvalidParameter(
            _("Unknown property “%(name)s”. The features have: %(known)s.")
            % {"name": ", ".join(unknown), "known": ", ".join(PIECES)}
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidParameter(
            _("properties names “%(name)s” more than once.") % {"name": ", ".join(repeated)}
        )
    wanted = {"id", *names}
    return tuple(name for name in PIECES if name in wanted)


def properties_sql(names: tuple[str, ...]) -> str:
    """The json_build_object of these properties (names of PIECES only)."""
    return "json_build_object({})".format(", ".join(f"'{name}', {PIECES[name]}" for name in names))
