"""Open vector layers in QGIS, headless, as a planner's QGIS does: with the style the file carries (a
GeoPackage's `layer_styles`), or with a .qml or .sld file loaded onto them; report each layer's renderer and
its classes, and render them together.

Run by Debian's system interpreter (python3-qgis, QGIS 3.22), not the project's virtualenv, with
`QT_QPA_PLATFORM=offscreen`: `/usr/bin/python3 qgis_styles.py '<json>'`. The JSON holds `layers` (each a
`source` as QGIS's OGR provider takes it, `path|layername=<name>`, and an optional `style`: a .qml or .sld
file to load onto it), and optionally `png`, `size` and `probes` (lon, lat) to render the layers in
EPSG:3857 over the probes' extent widened by `margin` degrees. Prints JSON: per layer whether it is valid,
its renderer's type and classes (value or filter, label, colour as #rrggbb), the style's load message; and
each probe's colour.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis_headless import colour_at, render, serve


def classes(layer: QgsVectorLayer) -> list[dict]:
    renderer = layer.renderer()
    if renderer.type() == "categorizedSymbol":
        return [
            {
                "value": category.value(),
                "label": category.label(),
                "colour": category.symbol().color().name(),
                "layers": [symbol_layer.layerType() for symbol_layer in category.symbol().symbolLayers()],
            }
            for category in renderer.categories()
        ]
    if renderer.type() == "RuleRenderer":
        return [
            {
                "filter": rule.filterExpression(),
                "else": rule.isElse(),
                "label": rule.label(),
                "colour": rule.symbol().color().name(),
            }
            for rule in renderer.rootRule().descendants()
            if rule.symbol() is not None
        ]
    return []


def load(spec: dict) -> tuple[QgsVectorLayer, dict]:
    layer = QgsVectorLayer(spec["source"], spec["source"].rsplit("=", 1)[-1], "ogr")
    report = {"valid": layer.isValid(), "message": "", "loaded": None}
    style = spec.get("style")
    if style and style.endswith(".sld"):
        message, loaded = layer.loadSldStyle(style)
        report.update(message=message, loaded=bool(loaded))
    elif style:
        message, loaded = layer.loadNamedStyle(style)
        report.update(message=message, loaded=bool(loaded))
    report.update(renderer=layer.renderer().type(), classes=classes(layer), features=layer.featureCount())
    return layer, report


def probe(layers: list[QgsVectorLayer], args: dict) -> list[str]:
    """Render the layers in EPSG:3857 over the probes widened by `margin` degrees: each probe's colour."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    transform = QgsCoordinateTransform(wgs84, mercator, QgsProject.instance())
    probes = [transform.transform(QgsPointXY(lon, lat)) for lon, lat in args["probes"]]
    margin = args.get("margin", 0.001)
    lons = [lon for lon, _ in args["probes"]]
    lats = [lat for _, lat in args["probes"]]
    corner_a = transform.transform(QgsPointXY(min(lons) - margin, min(lats) - margin))
    corner_b = transform.transform(QgsPointXY(max(lons) + margin, max(lats) + margin))
    extent = QgsRectangle(corner_a.x(), corner_a.y(), corner_b.x(), corner_b.y())
    image, shown, _errors = render(layers, mercator, extent, args.get("size", [800, 600]), args["png"])
    return [colour_at(image, shown, point.x(), point.y()) for point in probes]


def main(args: dict) -> dict:
    loaded = [load(spec) for spec in args["layers"]]
    result: dict = {"layers": [report for _, report in loaded]}
    if args.get("png"):
        # The first layer on top, as in QGIS's layer list.
        result["probes"] = probe([layer for layer, _ in loaded], args)
    return result


if __name__ == "__main__":
    serve(main)
