"""Render a vector tile layer with its style in QGIS, headless, as a planner's QGIS would draw it.

Run by Debian's system interpreter (python3-qgis, QGIS 3.22), not the project's virtualenv, with
`QT_QPA_PLATFORM=offscreen`: `/usr/bin/python3 qgis_render.py '<json>'`. The JSON names the tile template
(`tiles`), the style URL (`style`, empty: no style), the map extent in EPSG:3857 (`extent`: xmin, ymin, xmax,
ymax), the image size (`size`), where to write the PNG (`png`) and the places to read colours at (`probes`,
EPSG:3857 x, y). Prints JSON: whether the layer and its style loaded, the style's rule names, and each
probe's colour as #rrggbb.
"""

from qgis.core import QgsCoordinateReferenceSystem, QgsDataSourceUri, QgsRectangle, QgsVectorTileLayer
from qgis_headless import colour_at, render, serve


def main(args: dict) -> dict:
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", args["tiles"])
    uri.setParam("zmin", "0")
    uri.setParam("zmax", "22")
    if args["style"]:
        # What QGIS's "Vector Tiles" connection stores as its Style URL.
        uri.setParam("styleUrl", args["style"])
    layer = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), "suggestions")
    message, style_loaded = layer.loadDefaultStyle()
    styles = [style.styleName() for style in layer.renderer().styles()] if style_loaded else []

    image, shown, errors = render(
        [layer],
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsRectangle(*args["extent"]),
        args["size"],
        args["png"],
    )
    return {
        "valid": layer.isValid(),
        "style_loaded": bool(style_loaded),
        "message": message,
        "styles": styles,
        "probes": [colour_at(image, shown, x, y) for x, y in args["probes"]],
        "errors": errors,
    }


if __name__ == "__main__":
    serve(main)
