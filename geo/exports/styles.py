"""The QGIS styles of the exports' layers: a QML (QGIS's own style file) and an SLD 1.1 (Symbology Encoding),
built from geo/symbology.py, the source the vector tiles' style uses too. GDAL writes neither format, so they
are built here element by element with ElementTree, which escapes every label and attribute.

Both are categorized on the `category` field (the key, the same in every channel: geo/fields.py), one class
per category of the layer's geometry kind with its label and colour, and one for any other value. The QML also
draws the planning status as the web map does, with expressions on the field (QGIS's data-defined
properties): a ring in the status's colour on points, a casing under lines, an outline on areas; declined
ones fade; freely drawn paths are dashed. SLD has no such expressions in QGIS's reader: its rules are the
categories alone. The shape of both follows what QGIS 3.22 itself writes (saveNamedStyle, saveSldStyle), with
only the parts a style needs.
"""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from geo import symbology
from geo.fields import FIELDS
from geo.symbology import CategorySymbol
from participation.models import Category, GeometryKind, LineDrawing, PlanningStatus, Project

QML_MEDIA_TYPE = "application/xml"
SLD_MEDIA_TYPE = "application/vnd.sld+xml"
# The QML format as QGIS 3.22 writes it; later versions read it.
QML_VERSION = "3.22.0"
GEOMETRY_TYPES = {GeometryKind.POINT: "0", GeometryKind.LINE: "1", GeometryKind.POLYGON: "2"}
SYMBOL_TYPES = {GeometryKind.POINT: "marker", GeometryKind.LINE: "line", GeometryKind.POLYGON: "fill"}

SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
for _prefix, _uri in (("", SLD), ("se", SE), ("ogc", OGC), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)


@dataclass(frozen=True, slots=True)
class StyleFields:
    """The names of the fields a style reads, in the file it styles."""

    category: str = "category"
    planning_status: str = "planning_status"
    line_drawing: str = "line_drawing"


GEOPACKAGE_FIELDS = StyleFields()
# dBase's names of at most 10 characters: the field table's `shapefile` column.
_SHAPEFILE_NAMES = {field.name: field.shapefile for field in FIELDS}
SHAPEFILE_FIELDS = StyleFields(
    **{name: _SHAPEFILE_NAMES[name] for name in ("category", "planning_status", "line_drawing")}
)


# -------------------------------------------------------------------------------------------------- QML
def _rgba(colour: str, opacity: float = 1) -> str:
    """#rrggbb -> QGIS's "r,g,b,a"."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(opacity * 255)}"


def _quoted(value: str) -> str:
    """A string literal of QGIS's expression language."""
    return "'" + value.replace("'", "''") + "'"


def _field(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _case(field: str, cases: Iterable[tuple[str, str]], otherwise: str) -> str:
    """CASE WHEN "field" = 'value' THEN result … ELSE otherwise END (results are literals already)."""
    whens = " ".join(f"WHEN {_field(field)} = {_quoted(value)} THEN {result}" for value, result in cases)
    return f"CASE {whens} ELSE {otherwise} END"


def _option_map(parent: ET.Element, values: dict[str, str]) -> None:
    element = ET.SubElement(parent, "Option", {"type": "Map"})
    for key, value in values.items():
        ET.SubElement(element, "Option", {"name": key, "value": value, "type": "QString"})


def _data_defined(parent: ET.Element, expressions: dict[str, str]) -> None:
    """QGIS's data-defined properties: each property's value from an expression."""
    holder = ET.SubElement(parent, "data_defined_properties")
    collection = ET.SubElement(holder, "Option", {"type": "Map"})
    ET.SubElement(collection, "Option", {"name": "name", "value": "", "type": "QString"})
    properties = ET.SubElement(collection, "Option", {"name": "properties", "type": "Map"})
    for name, expression in expressions.items():
        prop = ET.SubElement(properties, "Option", {"name": name, "type": "Map"})
        ET.SubElement(prop, "Option", {"name": "active", "value": "true", "type": "bool"})
        ET.SubElement(prop, "Option", {"name": "expression", "value": expression, "type": "QString"})
        ET.SubElement(prop, "Option", {"name": "type", "value": "3", "type": "int"})  # an expression
    ET.SubElement(collection, "Option", {"name": "type", "value": "collection", "type": "QString"})


def _symbol_layer(
    symbol: ET.Element,
    kind: str,
    props: dict[str, str],
    expressions: dict[str, str],
    *,
    rendering_pass: int,
    locked: bool = False,
) -> None:
    # A locked layer keeps its colour when the symbol's colour changes, and QGIS shows the symbol's colour
    # (QgsSymbol::color) from the first unlocked one: the category's, not the status casing's.
    layer = ET.SubElement(
        symbol,
        "layer",
        {"class": kind, "enabled": "1", "locked": "1" if locked else "0", "pass": str(rendering_pass)},
    )
    _option_map(layer, props)
    # The same properties as <prop> elements, as QGIS 3.22 writes them too: older versions read only these.
    for key, value in props.items():
        ET.SubElement(layer, "prop", {"k": key, "v": value})
    _data_defined(layer, expressions)


def _status_cases(colour: Callable[[str], str]) -> list[tuple[str, str]]:
    """One case per status with a colour, its result a colour literal."""
    return [(status, _quoted(colour(status))) for status in symbology.STATUS_COLOURS]


def _symbol(parent: ET.Element, name: str, kind: str, colour: str, fields: StyleFields) -> None:
    symbol = ET.SubElement(
        parent,
        "symbol",
        {"type": SYMBOL_TYPES[kind], "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    status = fields.planning_status
    declined = PlanningStatus.DECLINED.value
    if kind == GeometryKind.POINT:
        _data_defined(
            symbol,
            {"alpha": _case(status, [(declined, str(round(symbology.DECLINED_POINT_OPACITY * 100)))], "100")},
        )
        ring_width = str(symbology.RING_WIDTH)
        _symbol_layer(
            symbol,
            "SimpleMarker",
            {
                "name": "circle",
                "color": _rgba(colour),
                "size": str(2 * symbology.POINT_RADIUS),
                "size_unit": "Pixel",
                "outline_color": _rgba(symbology.RECEIVED_RING),
                "outline_style": "solid",
                "outline_width": str(symbology.RECEIVED_RING_WIDTH),
                "outline_width_unit": "Pixel",
                "scale_method": "diameter",
            },
            {
                "outlineColor": _case(
                    status,
                    _status_cases(lambda s: _rgba(symbology.STATUS_COLOURS[s])),
                    _quoted(_rgba(symbology.RECEIVED_RING)),
                ),
                "outlineWidth": _case(
                    status,
                    [(s, ring_width) for s in symbology.STATUS_COLOURS],
                    str(symbology.RECEIVED_RING_WIDTH),
                ),
            },
            rendering_pass=0,
        )
        return
    _data_defined(symbol, {})
    if kind == GeometryKind.LINE:
        # The casing in the status's colour under every line (pass 0), the lines over all casings (pass 1).
        def casing(s: str) -> str:
            opacity = symbology.DECLINED_CASING_OPACITY if s == declined else symbology.CASING_OPACITY
            return _rgba(symbology.STATUS_COLOURS[s], opacity)

        implemented = PlanningStatus.IMPLEMENTED.value
        line = {"capstyle": "round", "joinstyle": "round", "line_style": "solid", "line_width_unit": "Pixel"}
        _symbol_layer(
            symbol,
            "SimpleLine",
            {**line, "line_color": _rgba("#000000", 0), "line_width": str(symbology.CASING_WIDTH)},
            {
                "outlineColor": _case(status, _status_cases(casing), _quoted(_rgba("#000000", 0))),
                "outlineWidth": _case(
                    status,
                    [(implemented, str(symbology.IMPLEMENTED_CASING_WIDTH))],
                    str(symbology.CASING_WIDTH),
                ),
            },
            rendering_pass=0,
            locked=True,
        )
        _symbol_layer(
            symbol,
            "SimpleLine",
            {**line, "line_color": _rgba(colour), "line_width": str(symbology.LINE_WIDTH)},
            {
                "outlineStyle": _case(
                    fields.line_drawing, [(LineDrawing.FREE.value, _quoted("dash"))], _quoted("solid")
                )
            },
            rendering_pass=1,
        )
        return
    fill = symbology.FILL_OPACITY
    _symbol_layer(
        symbol,
        "SimpleFill",
        {
            "color": _rgba(colour, fill),
            "style": "solid",
            "outline_color": _rgba(colour),
            "outline_style": "solid",
            "outline_width": str(symbology.OUTLINE_WIDTH),
            "outline_width_unit": "Pixel",
        },
        {
            "fillColor": _case(
                status,
                [(declined, _quoted(_rgba(colour, symbology.DECLINED_FILL_OPACITY)))],
                _quoted(_rgba(colour, fill)),
            ),
            "outlineColor": _case(
                status, _status_cases(lambda s: _rgba(symbology.STATUS_COLOURS[s])), _quoted(_rgba(colour))
            ),
        },
        rendering_pass=0,
    )


def qml(*, symbols: list[CategorySymbol], kind: str, fields: StyleFields = GEOPACKAGE_FIELDS) -> bytes:
    """A QGIS style (QML) of a layer of `kind`, UTF-8: categorized on the category key, one class per symbol
    and one for every other value (an unknown category), in the symbols' labels and colours."""
    root = ET.Element("qgis", {"version": QML_VERSION, "styleCategories": "Symbology"})
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        {
            "type": "categorizedSymbol",
            "attr": fields.category,
            # Lines: every casing under every line.
            "symbollevels": "1" if kind == GeometryKind.LINE else "0",
            "enableorderby": "0",
            "forceraster": "0",
            "referencescale": "-1",
        },
    )
    categories = ET.SubElement(renderer, "categories")
    symbol_elements = ET.SubElement(renderer, "symbols")
    classes = [(s.key, s.label, s.colour) for s in symbols]
    # QGIS's "all other values": the empty value.
    classes.append(("", symbology.unknown_label(), symbology.UNKNOWN_COLOUR))
    for index, (value, label, colour) in enumerate(classes):
        ET.SubElement(
            categories, "category", {"value": value, "label": label, "symbol": str(index), "render": "true"}
        )
        _symbol(symbol_elements, str(index), kind, colour, fields)
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    for name, text in (("blendMode", "0"), ("featureBlendMode", "0"), ("layerOpacity", "1")):
        ET.SubElement(root, name).text = text
    ET.SubElement(root, "layerGeometryType").text = GEOMETRY_TYPES[kind]
    return _document(root)


# -------------------------------------------------------------------------------------------------- SLD
def _se(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _svg(parent: ET.Element, name: str, value: str) -> None:
    _se(parent, "SvgParameter", value, name=name)


def _symbolizer(rule: ET.Element, kind: str, colour: str) -> None:
    if kind == GeometryKind.POINT:
        graphic = _se(_se(rule, "PointSymbolizer"), "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", "circle")
        _svg(_se(mark, "Fill"), "fill", colour)
        stroke = _se(mark, "Stroke")
        _svg(stroke, "stroke", symbology.RECEIVED_RING)
        _svg(stroke, "stroke-width", str(symbology.RECEIVED_RING_WIDTH))
        _se(graphic, "Size", str(2 * symbology.POINT_RADIUS))
    elif kind == GeometryKind.LINE:
        stroke = _se(_se(rule, "LineSymbolizer"), "Stroke")
        _svg(stroke, "stroke", colour)
        _svg(stroke, "stroke-width", str(symbology.LINE_WIDTH))
        _svg(stroke, "stroke-linejoin", "round")
        _svg(stroke, "stroke-linecap", "round")
    else:
        symbolizer = _se(rule, "PolygonSymbolizer")
        fill = _se(symbolizer, "Fill")
        _svg(fill, "fill", colour)
        _svg(fill, "fill-opacity", str(symbology.FILL_OPACITY))
        stroke = _se(symbolizer, "Stroke")
        _svg(stroke, "stroke", colour)
        _svg(stroke, "stroke-width", str(symbology.OUTLINE_WIDTH))


def sld(
    *,
    symbols: list[CategorySymbol],
    kind: str,
    layer: str,
    title: str,
    fields: StyleFields = GEOPACKAGE_FIELDS,
) -> bytes:
    """An SLD 1.1 (Symbology Encoding 1.1) of the layer named `layer`, UTF-8: one rule per symbol, filtered
    on the category key, and one for any other value."""
    root = ET.Element(
        f"{{{SLD}}}StyledLayerDescriptor",
        {
            "version": "1.1.0",
            f"{{{XSI}}}schemaLocation": (
                "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"
            ),
        },
    )
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(named, "Name", layer)
    user_style = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    _se(user_style, "Name", layer)
    _se(_se(user_style, "Description"), "Title", title)
    feature_type_style = _se(user_style, "FeatureTypeStyle")
    for symbol in symbols:
        rule = _se(feature_type_style, "Rule")
        _se(rule, "Name", symbol.key)
        _se(_se(rule, "Description"), "Title", symbol.label)
        equal = ET.SubElement(ET.SubElement(rule, f"{{{OGC}}}Filter"), f"{{{OGC}}}PropertyIsEqualTo")
        ET.SubElement(equal, f"{{{OGC}}}PropertyName").text = fields.category
        ET.SubElement(equal, f"{{{OGC}}}Literal").text = symbol.key
        _symbolizer(rule, kind, symbol.colour)
    other = _se(feature_type_style, "Rule")
    _se(other, "Name", "other")
    _se(_se(other, "Description"), "Title", symbology.unknown_label())
    # Every other value, spelled out: QGIS 3.22 reads no se:ElseFilter (a rule without a filter would draw
    # over every feature).
    if symbols:
        others = ET.SubElement(other, f"{{{OGC}}}Filter")
        if len(symbols) > 1:
            others = ET.SubElement(others, f"{{{OGC}}}And")
        for symbol in symbols:
            unequal = ET.SubElement(others, f"{{{OGC}}}PropertyIsNotEqualTo")
            ET.SubElement(unequal, f"{{{OGC}}}PropertyName").text = fields.category
            ET.SubElement(unequal, f"{{{OGC}}}Literal").text = symbol.key
    _symbolizer(other, kind, symbology.UNKNOWN_COLOUR)
    return _document(root)


def _document(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


# ------------------------------------------------------------------------------------------ a layer's style
@dataclass(frozen=True, slots=True)
class LayerStyle:
    title: str
    qml: bytes
    sld: bytes


def layer_style(
    *,
    project: Project,
    layer: str,
    kind: str,
    category_ids: Iterable[int] = (),
    fields: StyleFields = GEOPACKAGE_FIELDS,
) -> LayerStyle:
    """The QML and SLD of the export layer `layer` (of geometry `kind`): the project's categories of that
    kind, or only the chosen ones of an export filtered by category. Two small queries at most."""
    symbols = symbology.project_symbols(project=project, kind=kind)
    chosen = list(category_ids)
    if chosen:
        keys = set(Category.objects.filter(pk__in=chosen).values_list("key", flat=True))
        symbols = [symbol for symbol in symbols if symbol.key in keys]
    title = _("Suggestions of “%(project)s”: %(layer)s") % {"project": project.title, "layer": layer}
    return LayerStyle(
        title=title,
        qml=qml(symbols=symbols, kind=kind, fields=fields),
        sld=sld(symbols=symbols, kind=kind, layer=layer, title=title, fields=fields),
    )
