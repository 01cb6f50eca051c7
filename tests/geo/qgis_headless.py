"""What the QGIS harness scripts beside this file share (qgis_render.py, qgis_styles.py, qgis_oapif.py): QGIS
started headless around their work, their one JSON argument in and their JSON answer out, and a map drawn
into a PNG.

Run by Debian's system interpreter (python3-qgis, QGIS 3.22), not the project's virtualenv: a harness started
as `/usr/bin/python3 tests/geo/qgis_<name>.py '<json>'` finds this module beside itself (its folder is first
on sys.path). `qgis` is imported inside the functions, once QGIS's environment is set: a harness may set it
after importing this module (qgis_oapif.py points QGIS at a fresh authentication database).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapLayer, QgsRectangle
    from qgis.PyQt.QtGui import QImage


def serve(main: Callable[[dict], dict]) -> None:
    """Start QGIS, print `main`'s answer to the JSON of the first command-line argument as one line of JSON
    (the last line: tests/geo/system_python.py reads it), and stop QGIS again whatever happened."""
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.setPrefixPath("/usr", True)  # where Debian installs QGIS: its providers and resources
    application.initQgis()
    try:
        print(json.dumps(main(json.loads(sys.argv[1]))))
    finally:
        application.exitQgis()


def render(
    layers: list[QgsMapLayer],
    crs: QgsCoordinateReferenceSystem,
    extent: QgsRectangle,
    size: tuple[int, int],
    png: str,
) -> tuple[QImage, QgsRectangle, list[str]]:
    """Draw `layers` (the first on top, as in QGIS's layer list) over `extent` in `crs` on white into an image
    of `size` pixels, saved as a PNG at `png`. Returns the image, the extent as drawn (QGIS widens one side to
    keep the image's aspect ratio) and the renderer's error messages."""
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    width, height = size
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor("#ffffff"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    return image, settings.visibleExtent(), [str(error.message) for error in job.errors()]


def colour_at(image: QImage, shown: QgsRectangle, x: float, y: float) -> str:
    """The colour (#rrggbb) of the image drawn over the extent `shown` at the map point x, y."""
    column = int((x - shown.xMinimum()) / shown.width() * image.width())
    row = int((shown.yMaximum() - y) / shown.height() * image.height())
    return image.pixelColor(column, row).name()
