"""Render a vector tile layer with its style in QGIS, headless, as a planner's QGIS would draw it.

Run by Debian's system interpreter (python3-qgis, QGIS 3.22), not the project's virtualenv, with
`QT_QPA_PLATFORM=offscreen`: `/usr/bin/python3 qgis_render.py '<json>'`. The JSON names the tile template
(`tiles`), the style URL (`style`, empty: no style), the map extent in EPSG:3857 (`extent`: xmin, ymin, xmax,
ymax), the image size (`size`), where to write the PNG (`png`) and the places to read colours at (`probes`,
EPSG:3857 x, y). Prints JSON: whether the layer and its style loaded, the style's rule names, and each
probe's colour as #rrggbb.
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


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

    xmin, ymin, xmax, ymax = args["extent"]
    width, height = args["size"]
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(QgsRectangle(xmin, ymin, xmax, ymax))
    settings.setBackgroundColor(QColor("#ffffff"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(args["png"], "PNG")
    # The extent as rendered (QGIS widens one side to keep the image's aspect ratio).
    shown = settings.visibleExtent()
    probes = []
    for x, y in args["probes"]:
        column = int((x - shown.xMinimum()) / shown.width() * image.width())
        row = int((shown.yMaximum() - y) / shown.height() * image.height())
        probes.append(image.pixelColor(column, row).name())
    return {
        "valid": layer.isValid(),
        "style_loaded": bool(style_loaded),
        "message": message,
        "styles": styles,
        "probes": probes,
        "errors": [str(error.message) for error in job.errors()],
    }


if __name__ == "__main__":
    application = QgsApplication([], False)
    application.initQgis()
    try:
        print(json.dumps(main(json.loads(sys.argv[1]))))
    finally:
        application.exitQgis()
