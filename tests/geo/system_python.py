"""The real GIS clients from the tests: GDAL's command-line tools, and Debian's QGIS 3.22 and OWSLib run by
the system interpreter (python3-qgis, python3-owslib; not the project's virtualenv), headless.

`make test` installs them (TEST_PACKAGES in config/scripts/stack.sh): no test skips for want of them."""

import json
import os
import subprocess
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
# Every client talks to the live server on 127.0.0.1 directly (no proxy), and gives up on a stuck request.
GDAL_ENV = {
    **os.environ,
    "GDAL_HTTP_TIMEOUT": "30",
    "CPL_DEBUG": "OFF",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
# The harness scripts beside this file (qgis_render.py, qgis_styles.py, qgis_oapif.py).
HERE = Path(__file__).parent


def run_system_python(args: list[str], *, timeout: int) -> dict:
    """`/usr/bin/python3 <args>` with QGIS headless (`QT_QPA_PLATFORM=offscreen`): the JSON its last line of
    output prints (QGIS may print warnings before it). A failed run fails the test with its stderr."""
    result = subprocess.run(
        [SYSTEM_PYTHON, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**GDAL_ENV, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_harness(name: str, args: dict, *, timeout: int = 180) -> dict:
    """One of the harness scripts beside this file, given `args` as its one JSON argument."""
    return run_system_python([str(HERE / name), json.dumps(args)], timeout=timeout)
