"""CQL2-text filters (OGC API – Features Part 3) on the suggestion collections, translated into SQL.

pygeofilter parses the text into its AST (its own grammar and transformer, with two fixes below); this module
walks that AST and accepts exactly:

- comparisons `=`, `<>`, `<`, `<=`, `>`, `>=` of a property with a value or with another property of the same
  type (`support_count > comment_count`, `answered_at > created_at`), `LIKE`, `IN`, `BETWEEN`, `IS NULL`,
  joined by `AND`, `OR`, `NOT`; `CASEI()` (case-insensitive) and `ACCENTI()` (accent-insensitive, PostgreSQL's
  unaccent: "Strasse" matches "Straße") on text properties and texts;
- `S_INTERSECTS(geometry, <geometry literal or BBOX>)` in `filter-crs` (CRS84 by default, or another CRS of
  geo/ogcapi/crs.py, transformed to WGS84 by PostGIS), bounded in vertices and extent;
- `T_AFTER`, `T_BEFORE`, `T_DURING`, `T_EQUALS` of a date-time property with a DATE, a TIMESTAMP, an
  INTERVAL or a quoted date-time.

Anything else is a 400 that says what is supported. A property resolves only through the field table
(geo/fields.py, the OGC channel: the queryables) to an SQL expression over the row `s` of
geo/sql/ogcapi_items.sql; every value is a bound parameter (`%(cql0)s`, …) of a type checked here, so
nothing a client writes is ever part of a statement. The SQL text is made only of this module's fixed
pieces.

Times are "as precise as written", like the `datetime` parameter: a date is that whole day in the site's
zone, `TIMESTAMP('…T10:00:00Z')` the whole second. `answered_at > '2026-10-01'` is after that day,
`answered_at >= '2026-10-01'` from its start, `=` within it.
"""

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import lark
from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_text import parser as pygeofilter_cql2_text

from participation.models import LineDrawing, PlanningStatus

from ..fields import OGCAPI, Field, fields_in
from . import crs as crs_module
from .errors import InvalidParameter
from .params import filter_crs_message, parse_instant

# gunicorn refuses request lines above 4 KB anyway; a filter this long is a mistake or an attack.
MAX_FILTER_LENGTH = 4000
MAX_VERTICES = 500
# AND/OR/NOT levels: enough for any hand-written or GIS-client filter, far below Python's recursion limit.
MAX_DEPTH = 40
GEOMETRY = "geometry"

# The SQL of each property over the row `s` of ogcapi_items.sql, as the properties show it
# (ogcapi_item_properties.sql: empty texts are null there, so they are here). `category` and
# `category_label` read the bound map of the collection's categories that the items query already has.
_SQL = {
    "id": "s.id",
    "category": "(%(category_labels)s::jsonb -> s.category_id::text ->> 'key')",
    "category_label": "(%(category_labels)s::jsonb -> s.category_id::text ->> 'label')",
    "title": "s.title",
    "text": "nullif(s.text, '')",
    "planning_status": "s.planning_status",
    "official_answer": "nullif(s.official_answer, '')",
    "support_count": "s.support_count",
    "comment_count": "s.comment_count",
    "created_at": "s.created_at",
    "updated_at": "s.updated_at",
    "answered_at": "s.answered_at",
    "line_drawing": "nullif(s.line_drawing, '')",
}
_TYPES = {"integer": "integer", "real": "number", "text": "string", "datetime": "date-time"}
# Properties whose values are a closed set (besides `category`, the collection's own keys).
_ENUMS = {"planning_status": tuple(PlanningStatus.values), "line_drawing": tuple(LineDrawing.values)}

SUPPORTED = (
    "=, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL, AND, OR, NOT, CASEI(), ACCENTI(), "
    "S_INTERSECTS(geometry, …), T_AFTER, T_BEFORE, T_DURING, T_EQUALS"
)


@dataclass(frozen=True, slots=True)
class Queryable:
    name: str
    type: str  # integer, number, string, date-time or geometry
    description: str
    nullable: bool
    enum: tuple[str, ...] | None
    sql: str


@dataclass(frozen=True, slots=True)
class SqlFilter:
    """A WHERE condition over `s` and its bound values (named `cql0`, `cql1`, …)."""

    sql: str
    params: dict[str, Any]


def queryables(
    *,
    category_keys: Sequence[str],
    extra: Sequence[Field] = (),
    enums: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Queryable]:
    """The properties a filter can name, in the field table's order, and the geometry. `extra` are further
    fields of the rows (the staff collections' internal ones), each a column of `s` by its own name, with
    the closed sets of values in `enums`."""
    found = {}
    closed = {**_ENUMS, **(enums or {})}
    for field in (*fields_in(OGCAPI), *extra):
        if not field.queryable:  # the photo links (geo/fields.py says why)
            continue
        enum = tuple(category_keys) if field.name == "category" else closed.get(field.name)
        found[field.name] = Queryable(
            name=field.name,
            type=_TYPES[field.type],
            description=field.meaning,
            nullable=field.nullable,
            enum=enum,
            sql=_SQL.get(field.name) or f"s.{field.name}",
        )
    found[GEOMETRY] = Queryable(
        name=GEOMETRY,
        type="geometry",
        description=(
            "The suggestion's point, line or area (a filter's geometry is in filter-crs: WGS84 longitude and "
            "latitude by default)."
        ),
        nullable=False,
        enum=None,
        sql="s.geom",
    )
    return found


# ---------------------------------------------------------------------------------------------- parsing
class _Refused(Exception):
    """Raised inside the parser's transformer; becomes the 400 it carries."""

    def __init__(self, error: InvalidParameter) -> None:
        self.error = error


@lark.v_args(meta=False, inline=True)
class _Transformer(pygeofilter_cql2_text.CQLTransformer):
    """pygeofilter's transformer without its two print() calls, and without EWKT's SRID: the CRS of a filter
    is `filter-crs`, never part of a literal."""

    def wkt__geometry_with_srid(self, *parts: object) -> object:
        raise _Refused(InvalidParameter(filter_crs_message()))

    def wkt__multipoint_2(self, *coordinates: object) -> dict:
        return {"type": "MultiPoint", "coordinates": coordinates}

    def SINGLE_QUOTED(self, token: lark.Token) -> str:
        # A quote inside a text is written twice or after a backslash ('Karl''s', 'Karl\'s'); any other
        # backslash stays, for LIKE's escaped wildcards ('50\%').
        return _ESCAPED_QUOTE.sub(lambda m: "'" if m.group() in ("''", "\\'") else m.group(), token[1:-1])


# CQL2's character literal (pygeofilter 0.4's ends at the first quote, so 'it''s' did not parse).
_CHARACTER_LITERAL = r"'(?:[^'\\]|''|\\.)*'"
_ESCAPED_QUOTE = re.compile(r"''|\\.")


def _character_literal(terminal: lark.lexer.TerminalDef) -> None:
    if terminal.name == "SINGLE_QUOTED":
        terminal.pattern = lark.lexer.PatternRE(_CHARACTER_LITERAL)


# pygeofilter's own module-level parser is built with lark's debug output on (a parser state dump on stderr
# for every bad date); this one is the same grammar without it, and with CQL2's escaped quotes.
_PARSER = lark.Lark.open(
    "grammar.lark",
    rel_to=pygeofilter_cql2_text.__file__,
    parser="lalr",
    maybe_placeholders=False,
    edit_terminals=_character_literal,
    transformer=_Transformer(),
    import_paths=[os.path.dirname(os.path.dirname(pygeofilter_cql2_text.__file__))],
)


def parse(text: str) -> ast.Node:
    """The AST of a CQL2-text filter, else a 400 that says where the text stops making sense."""
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidParameter(
            _("The filter is longer than %(max)s characters.") % {"max": MAX_FILTER_LENGTH}
        )
    if not text.strip():
        raise InvalidParameter(_("The filter is empty."))
    try:
        return _PARSER.parse(text)
    except _Refused as refused:
        raise refused.error from None
    except lark.exceptions.UnexpectedInput as error:
        position = getattr(error, "column", None) or "?"
        raise InvalidParameter(
            _("The filter is not valid CQL2 text (at character %(position)s). Supported: %(supported)s.")
            % {"position": position, "supported": SUPPORTED}
        ) from None
    except (ValueError, OverflowError):
        # A date like 2026-02-31 or an hour 25, found while the parser converts a literal.
        raise InvalidParameter(_("The filter holds a date or time that does not exist.")) from None
    except Exception:
        # pygeofilter's transformer fails on some sentences its grammar lets through (`'x' - -comment`
        # negates a property): still not a filter, and never a 500.
        raise InvalidParameter(
            _("The filter is not valid CQL2 text. Supported: %(supported)s.") % {"supported": SUPPORTED}
        ) from None


def translate(
    text: str,
    *,
    queryables: dict[str, Queryable],
    category_ids: dict[str, int],
    crs: crs_module.Crs = crs_module.CRS84,
) -> SqlFilter:
    """The SQL condition of a CQL2-text filter over the collection's queryables, its geometries in `crs`
    (`filter-crs`), or a 400."""
    node = parse(text)
    translator = _Translator(queryables, category_ids, crs)
    return SqlFilter(sql=translator.condition(node, 0), params=translator.params)


# ------------------------------------------------------------------------------------------ translating
# CQL2's text functions as SQL, in the order a filter applies them: CASEI() and ACCENTI().
_TEXT_FUNCTIONS = {"lower": "lower", "accenti": "unaccent"}


def _wrapped(sql: str, functions: tuple[str, ...]) -> str:
    for function in functions:
        sql = f"{_TEXT_FUNCTIONS[function]}({sql})"
    return sql


@dataclass(frozen=True, slots=True)
class _Property:
    queryable: Queryable
    functions: tuple[str, ...] = ()  # CASEI()/ACCENTI() around it, innermost first

    @property
    def sql(self) -> str:
        return _wrapped(self.queryable.sql, self.functions)


@dataclass(frozen=True, slots=True)
class _Value:
    value: Any
    functions: tuple[str, ...] = ()


_COMPARISONS = {
    ast.Equal: "=",
    ast.NotEqual: "<>",
    ast.LessThan: "<",
    ast.LessEqual: "<=",
    ast.GreaterThan: ">",
    ast.GreaterEqual: ">=",
}
# A comparison read from the other side: `3 < support_count` is `support_count > 3`.
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_MICROSECOND = timedelta(microseconds=1)


def _unsupported(what: str) -> InvalidParameter:
    return InvalidParameter(
        _("The filter uses %(what)s, which this API does not support. Supported: %(supported)s.")
        % {"what": what, "supported": SUPPORTED}
    )


def _type_name(kind: str) -> str:
    return {
        "integer": _("a whole number"),
        "number": _("a number"),
        "string": _("text in single quotes"),
        "date-time": _("a date or time, e.g. DATE('2026-10-01') or TIMESTAMP('2026-10-01T12:00:00Z')"),
        "geometry": _("a geometry"),
    }[kind]


class _Translator:
    def __init__(
        self, queryables: dict[str, Queryable], category_ids: dict[str, int], crs: crs_module.Crs
    ) -> None:
        self.queryables = queryables
        self.category_ids = category_ids
        self.crs = crs
        self.params: dict[str, Any] = {}

    def bind(self, value: object) -> str:
        name = f"cql{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    # -------------------------------------------------------------------------------- conditions
    def condition(self, node: object, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise InvalidParameter(_("The filter is nested too deeply."))
        if isinstance(node, ast.And | ast.Or):
            joiner = " AND " if isinstance(node, ast.And) else " OR "
            return f"({self.condition(node.lhs, depth + 1)}{joiner}{self.condition(node.rhs, depth + 1)})"
        if isinstance(node, ast.Not):
            return self.negated(self.condition(node.sub_node, depth + 1))
        if type(node) in _COMPARISONS:
            return self.comparison(node.lhs, _COMPARISONS[type(node)], node.rhs)
        if isinstance(node, ast.Like):
            return self.like(node)
        if isinstance(node, ast.In):
            return self.in_(node)
        if isinstance(node, ast.Between):
            return self.between(node)
        if isinstance(node, ast.IsNull):
            prop = self.property_of(node.lhs)
            return f"({prop.sql} IS {'NOT ' if node.not_ else ''}NULL)"
        if isinstance(node, ast.GeometryIntersects):
            return self.intersects(node)
        if isinstance(node, ast.TimeAfter | ast.TimeBefore | ast.TimeDuring | ast.TimeEquals):
            return self.temporal(node)
        raise _unsupported(_node_name(node))

    @staticmethod
    def negated(condition: str) -> str:
        # Two-valued NOT: a comparison with an empty (null) property is false, so its negation is true
        # (`NOT answered_at > …` finds the unanswered too), as GIS clients evaluate it themselves.
        return f"(NOT coalesce({condition}, false))"

    # ---------------------------------------------------------------------------------- operands
    def property_of(self, node: object) -> _Property:
        found = self.operand(node)
        if not isinstance(found, _Property):
            raise InvalidParameter(
                _("This comparison needs a property (one of %(known)s) where the filter has a value.")
                % {"known": ", ".join(self.queryables)}
            )
        return found

    def operand(self, node: object) -> _Property | _Value:
        if isinstance(node, ast.Attribute):
            queryable = self.queryables.get(node.name)
            if queryable is None:
                raise InvalidParameter(
                    _("Unknown property “%(name)s”. Filters can use the queryables: %(known)s.")
                    % {"name": node.name, "known": ", ".join(self.queryables)}
                )
            return _Property(queryable)
        if isinstance(node, ast.Function):
            if node.name not in _TEXT_FUNCTIONS or len(node.arguments) != 1:
                raise _unsupported(f"{node.name.upper()}()")
            inner = self.operand(node.arguments[0])
            fresh = node.name not in inner.functions
            if isinstance(inner, _Property) and inner.queryable.type == "string" and fresh:
                return _Property(inner.queryable, (*inner.functions, node.name))
            if isinstance(inner, _Value) and isinstance(inner.value, str) and fresh:
                return _Value(inner.value, (*inner.functions, node.name))
            raise InvalidParameter(
                _("CASEI() and ACCENTI() take a text property or a text in single quotes.")
            )
        if isinstance(node, ast.Node):
            raise _unsupported(_node_name(node))
        return _Value(node)

    def sides(self, lhs: object, op: str, rhs: object) -> tuple[_Property, str, _Value | _Property]:
        left, right = self.operand(lhs), self.operand(rhs)
        if isinstance(left, _Value) and isinstance(right, _Property):
            return right, _FLIPPED[op], left
        if isinstance(left, _Property):
            return left, op, right
        raise InvalidParameter(_("A comparison needs a property on at least one side."))

    def properties(self, left: _Property, op: str, right: _Property) -> str:
        """Two properties compared (property-property): of the same type, numbers with numbers."""
        kinds = {left.queryable.type, right.queryable.type}
        if (len(kinds) > 1 and kinds != {"integer", "number"}) or "geometry" in kinds:
            raise InvalidParameter(
                _("“%(left)s” and “%(right)s” cannot be compared: they are of different types.")
                % {"left": left.queryable.name, "right": right.queryable.name}
            )
        return f"({left.sql} {op} {right.sql})"

    # ------------------------------------------------------------------------------- comparisons
    def comparison(self, lhs: object, op: str, rhs: object) -> str:
        prop, op, value = self.sides(lhs, op, rhs)
        if isinstance(value, _Property):
            return self.properties(prop, op, value)
        kind = prop.queryable.type
        if kind == "date-time":
            return self.time_comparison(prop, op, self.time_range(prop, value))
        literal = self.scalar(prop, value)
        if prop.queryable.enum is not None and op in ("=", "<>") and not prop.functions:
            self.check_enum(prop, literal)
            if prop.queryable.name == "category":
                # The category's own index (and the page's category list) rather than the key map.
                condition = f"(s.category_id = {self.bind(self.category_ids[literal])})"
                return condition if op == "=" else self.negated(condition)
        return f"({prop.sql} {op} {_wrapped(self.bind(literal), value.functions)})"

    def scalar(self, prop: _Property, value: _Value) -> object:
        """The value, if it is of the property's type (text, whole number, number)."""
        kind = prop.queryable.type
        literal = value.value
        if kind == "string" and isinstance(literal, str):
            return literal
        numeric = isinstance(literal, int | float) and not isinstance(literal, bool)
        if kind in ("integer", "number") and numeric and math.isfinite(literal):
            return literal
        raise self.wrong_type(prop, literal)

    def wrong_type(self, prop: _Property, literal: object) -> InvalidParameter:
        shown = literal if isinstance(literal, str | int | float | date) else _node_name(literal)
        return InvalidParameter(
            _("“%(property)s” can only be compared with %(type)s, not with %(value)s.")
            % {"property": prop.queryable.name, "type": _type_name(prop.queryable.type), "value": shown}
        )

    def check_enum(self, prop: _Property, literal: object) -> None:
        enum = prop.queryable.enum or ()
        if literal not in enum:
            raise InvalidParameter(
                _("“%(value)s” is not a value of “%(property)s”. Its values are: %(known)s.")
                % {"value": literal, "property": prop.queryable.name, "known": ", ".join(enum)}
            )

    def like(self, node: ast.Like) -> str:
        prop, _op, value = self.sides(node.lhs, "=", node.pattern)
        if prop.queryable.type != "string" or isinstance(value, _Property):
            raise InvalidParameter(_("LIKE compares a text property with a text pattern."))
        # CQL2's wildcards are SQL's (% and _, escaped by a backslash): the pattern is bound as written.
        pattern = self.scalar(prop, value)
        condition = f"({prop.sql} LIKE {_wrapped(self.bind(pattern), value.functions)})"
        return self.negated(condition) if node.not_ else condition

    def in_(self, node: ast.In) -> str:
        if not node.sub_nodes:
            raise InvalidParameter(_("IN needs at least one value."))
        conditions = [self.comparison(node.lhs, "=", option) for option in node.sub_nodes]
        condition = f"({' OR '.join(conditions)})"
        return self.negated(condition) if node.not_ else condition

    def between(self, node: ast.Between) -> str:
        condition = (
            f"({self.comparison(node.lhs, '>=', node.low)} AND {self.comparison(node.lhs, '<=', node.high)})"
        )
        return self.negated(condition) if node.not_ else condition

    # -------------------------------------------------------------------------------------- time
    def time_range(self, prop: _Property, value: _Value) -> tuple[datetime, datetime]:
        """The first and last microsecond a date, time or interval stands for, as precisely as written."""
        literal = value.value
        if isinstance(literal, values.Interval):
            return self.time_range(prop, _Value(literal.start))[0], self.time_range(
                prop, _Value(literal.end)
            )[1]
        if isinstance(literal, datetime):
            start = literal if literal.tzinfo else literal.replace(tzinfo=UTC)
            # TIMESTAMP('…T10:00:00Z') is that second, the precision the properties are shown at.
            end = start if start.microsecond else start + timedelta(seconds=1) - _MICROSECOND
            return start, end
        if isinstance(literal, date):
            zone = ZoneInfo(settings.TIME_ZONE)
            start = datetime.combine(literal, time(), tzinfo=zone)
            end = datetime.combine(literal + timedelta(days=1), time(), tzinfo=zone)
            return start.astimezone(UTC), end.astimezone(UTC) - _MICROSECOND
        if isinstance(literal, str) and not value.functions:
            try:
                start, end = parse_instant(literal)
            except InvalidParameter:
                raise self.wrong_type(prop, literal) from None
            return start, end - _MICROSECOND
        raise self.wrong_type(prop, literal)

    def time_comparison(self, prop: _Property, op: str, bounds: tuple[datetime, datetime]) -> str:
        first, last = bounds
        column = prop.sql
        if op == "=":
            return f"({column} BETWEEN {self.bind(first)} AND {self.bind(last)})"
        if op == "<>":
            return f"({column} < {self.bind(first)} OR {column} > {self.bind(last)})"
        if op in ("<", ">="):
            return f"({column} {op} {self.bind(first)})"
        return f"({column} {op} {self.bind(last)})"  # <= and >

    def temporal(self, node: ast.TemporalPredicate) -> str:
        name = type(node).__name__
        lhs, rhs = node.lhs, node.rhs
        if isinstance(node, ast.TimeAfter | ast.TimeBefore) and not isinstance(lhs, ast.Attribute):
            # T_AFTER(DATE('…'), answered_at) is T_BEFORE(answered_at, DATE('…')).
            lhs, rhs = rhs, lhs
            name = "TimeBefore" if name == "TimeAfter" else "TimeAfter"
        prop = self.property_of(lhs)
        if prop.queryable.type != "date-time":
            raise InvalidParameter(
                _("T_AFTER, T_BEFORE, T_DURING and T_EQUALS compare a date-time property with a date.")
            )
        value = self.operand(rhs)
        op = {"TimeAfter": ">", "TimeBefore": "<", "TimeDuring": "=", "TimeEquals": "="}[name]
        if not isinstance(value, _Value):
            # Two properties compare with `>`, `<`, `=` (`answered_at > created_at`), not here.
            raise InvalidParameter(
                _("T_AFTER, T_BEFORE, T_DURING and T_EQUALS compare a date-time property with a date.")
            )
        return self.time_comparison(prop, op, self.time_range(prop, value))

    # ----------------------------------------------------------------------------------- geometry
    def spatial_operand(self, node: object) -> _Property | _Value:
        # BBOX(…) is a literal here, not a function of a property.
        if isinstance(node, ast.Function) and node.name == "bbox":
            return _Value(node)
        return self.operand(node)

    def intersects(self, node: ast.GeometryIntersects) -> str:
        left, right = self.spatial_operand(node.lhs), self.spatial_operand(node.rhs)
        if isinstance(left, _Value) and isinstance(right, _Property):
            left, right = right, left
        if not (
            isinstance(left, _Property) and left.queryable.type == "geometry" and isinstance(right, _Value)
        ):
            raise InvalidParameter(_("S_INTERSECTS compares the property geometry with a geometry."))
        geometry = _geometry(right.value, self.crs)
        if self.crs == crs_module.CRS84:
            return f"ST_Intersects(s.geom, ST_GeomFromText({self.bind(geometry.wkt)}, 4326))"
        # In another filter-crs: its SRID bound (from geo/ogcapi/crs.py's list), the axes swapped for
        # EPSG:4326, or transformed to WGS84 once per query (constant: folded by the planner, so the spatial
        # index serves it) after cutting its edges into pieces of a 64th of its extent, as the items' SQL does
        # with a bbox: a straight edge in metres is a curve in degrees.
        literal = f"ST_GeomFromText({self.bind(geometry.wkt)}, {self.bind(self.crs.srid)}::int)"
        if self.crs.lat_lon:
            return f"ST_Intersects(s.geom, ST_FlipCoordinates({literal}))"
        minx, miny, maxx, maxy = geometry.extent
        step = max(maxx - minx, maxy - miny) / 64
        if step > 0:
            literal = f"ST_Segmentize({literal}, {self.bind(step)}::float8)"
        return f"ST_Intersects(s.geom, ST_Transform({literal}, 4326))"


def _node_name(node: object) -> str:
    if isinstance(node, ast.TemporalPredicate | ast.SpatialComparisonPredicate):
        return node.op.value.upper()
    return type(node).__name__


_GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


def _geometry(literal: object, crs: crs_module.Crs = crs_module.CRS84) -> GEOSGeometry:
    """A literal of S_INTERSECTS as a valid GEOS geometry in `crs`, in that CRS's axis order, else a 400: WKT
    of the six simple types, `BBOX(minx, miny, maxx, maxy)` or `ENVELOPE(…)`; at most MAX_VERTICES, inside
    ±180/±90 (CRS84) or the CRS's area of use (`Crs.bounds`)."""
    if isinstance(literal, ast.Function) and literal.name == "bbox" and len(literal.arguments) in (4, 6):
        numbers = literal.arguments
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
            raise InvalidParameter(_("BBOX takes four numbers: minlon, minlat, maxlon, maxlat."))
        minlon, minlat, maxlon, maxlat = (float(n) for n in numbers)
        literal = values.Envelope(minlon, maxlon, minlat, maxlat)
        if minlon > maxlon or minlat > maxlat:
            raise InvalidParameter(_("BBOX takes four numbers: minlon, minlat, maxlon, maxlat."))
    if not isinstance(literal, values.Geometry | values.Envelope):
        raise InvalidParameter(_("S_INTERSECTS compares the property geometry with a geometry."))
    shape = literal.geometry
    if shape.get("type") not in _GEOMETRY_TYPES:
        raise _unsupported(str(shape.get("type")))
    positions = list(_positions(shape["coordinates"]))
    if len(positions) > MAX_VERTICES:
        raise InvalidParameter(
            _("The geometry in the filter has more than %(max)s vertices.") % {"max": MAX_VERTICES}
        )
    for position in positions:
        if len(position) < 2 or not all(isinstance(c, int | float) and math.isfinite(c) for c in position):
            raise InvalidParameter(_("The geometry in the filter has a coordinate that is not a number."))
        if crs == crs_module.CRS84:
            if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                raise InvalidParameter(
                    _(
                        "The geometry in the filter lies outside WGS84 longitude -180 to 180 and latitude "
                        "-90 to 90."
                    )
                )
        elif not _inside(position, crs):
            raise InvalidParameter(_outside(crs))
    two_d = {"type": shape["type"], "coordinates": _flat(shape["coordinates"])}
    try:
        geometry = GEOSGeometry(_geojson(two_d), srid=4326)
    except (GEOSException, ValueError, TypeError):
        geometry = None
    if geometry is None or geometry.empty or not geometry.valid:
        raise InvalidParameter(
            _("The geometry in the filter is not valid (e.g. a ring that is not closed or crosses itself).")
        )
    return geometry


def _inside(position: Sequence[float], crs: crs_module.Crs) -> bool:
    """Whether a position (in the CRS's axis order) lies in the CRS's area of use."""
    west, south, east, north = crs.bounds
    x, y = (position[1], position[0]) if crs.lat_lon else (position[0], position[1])
    return west <= x <= east and south <= y <= north


def _outside(crs: crs_module.Crs) -> InvalidParameter:
    west, south, east, north = crs.bounds
    low, high = ((south, west), (north, east)) if crs.lat_lon else ((west, south), (east, north))
    return InvalidParameter(
        _("The geometry in the filter lies outside %(crs)s's area: %(low)s to %(high)s.")
        % {
            "crs": crs.uri,
            "low": ", ".join(f"{v:.10g}" for v in low),
            "high": ", ".join(f"{v:.10g}" for v in high),
        }
    )


def _positions(coordinates: object) -> Any:
    """Every position of a GeoJSON coordinates array, without recursion deeper than its type allows."""
    if isinstance(coordinates, list | tuple) and coordinates and isinstance(coordinates[0], int | float):
        yield coordinates
        return
    if isinstance(coordinates, list | tuple):
        for part in coordinates:
            yield from _positions(part)


def _flat(coordinates: object) -> object:
    """The coordinates with only longitude and latitude (heights are dropped)."""
    if isinstance(coordinates, list | tuple) and coordinates and isinstance(coordinates[0], int | float):
        return [float(coordinates[0]), float(coordinates[1])]
    return [_flat(part) for part in coordinates]  # type: ignore[union-attr]


def _geojson(shape: dict) -> str:
    return json.dumps(shape)


# ------------------------------------------------------------------------------------------ AND terms
@dataclass(frozen=True, slots=True)
class FilterTerms:
    """A filter as one condition (`whole`) and as its top-level AND terms, each with its own SQL; all of them
    read the same bound values (`whole.params`). geo/ogcapi/count_selectors.py counts with the terms an
    index can answer."""

    whole: SqlFilter
    terms: tuple[tuple[ast.Node, str], ...]


def and_terms(node: object) -> list[object]:
    """The terms of the top-level AND of a filter's AST (the filter itself when it is no AND)."""
    if isinstance(node, ast.And):
        return [*and_terms(node.lhs), *and_terms(node.rhs)]
    return [node]


def translate_terms(
    text: str,
    *,
    queryables: dict[str, Queryable],
    category_ids: dict[str, int],
    crs: crs_module.Crs = crs_module.CRS84,
) -> FilterTerms:
    """translate(), and each top-level AND term of the filter on its own, or a 400."""
    node = parse(text)
    translator = _Translator(queryables, category_ids, crs)
    whole = translator.condition(node, 0)
    terms = tuple((term, translator.condition(term, 1)) for term in and_terms(node))
    return FilterTerms(whole=SqlFilter(sql=whole, params=translator.params), terms=terms)
