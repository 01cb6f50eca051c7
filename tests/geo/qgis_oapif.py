"""Load an OGC API – Features collection in QGIS, headless, as a planner's QGIS would, and render it.

Run by Debian's system interpreter (python3-qgis, QGIS 3.22), not the project's virtualenv, with
`QT_QPA_PLATFORM=offscreen`: `/usr/bin/python3 qgis_oapif.py '<json>'`. The JSON names the API's address
(`url`), the collection (`typename`), where to write the PNG (`png`), and optionally `basic`:
{"username", "password"} for an authentication configuration of the method "Basic" (what a planner makes in
QGIS's Authentication tab), stored in a fresh authentication database in `auth_dir`. Prints JSON: whether
the layer is valid, its feature count, its field names, the ids and moderation states read, and how many
pixels of the rendered image are not white.
"""

import json
import os
import sys

from qgis_headless import render, serve


def main(args: dict) -> dict:
    from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsVectorLayer
    from qgis.PyQt.QtGui import QColor

    authcfg = ""
    if args.get("basic"):
        manager = QgsApplication.authManager()
        assert manager.setMasterPassword("master-password-of-the-test", True)
        config = QgsAuthMethodConfig()
        config.setName("staff layer")
        config.setMethod("Basic")
        config.setConfig("username", args["basic"]["username"])
        config.setConfig("password", args["basic"]["password"])
        assert manager.storeAuthenticationConfig(config)
        authcfg = config.id()
    uri = f"url='{args['url']}' typename='{args['typename']}'"
    if authcfg:
        uri += f" authcfg='{authcfg}'"
    layer = QgsVectorLayer(uri, "staff", "OAPIF")
    if not layer.isValid():
        return {"valid": False, "count": 0, "fields": [], "features": [], "drawn": 0}
    features = [
        {
            "id": f["id"],
            "moderation_state": f["moderation_state"] if "moderation_state" in f.fields().names() else None,
        }
        for f in layer.getFeatures()
    ]
    extent = layer.extent()
    extent.grow(0.001)
    image, _shown, _errors = render([layer], layer.crs(), extent, (400, 400), args["png"])
    white = QColor("#ffffff").rgb()
    drawn = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixel(x, y) != white
    )
    return {
        "valid": True,
        "count": layer.featureCount(),
        "fields": layer.fields().names(),
        "features": features,
        "drawn": drawn,
    }


if __name__ == "__main__":
    # A fresh authentication database for this run, never the user's (read when QGIS starts).
    os.environ["QGIS_AUTH_DB_DIR_PATH"] = json.loads(sys.argv[1])["auth_dir"]
    serve(main)
