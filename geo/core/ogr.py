"""GDAL's `ogr2ogr` fenced in, for files administrators upload (a project's boundary, context layers).

The file is untrusted input and GDAL < 3.9 cannot fence itself in (gis.W001), so it never reaches GDAL in this
process. `ogr2ogr` runs as a separate process that may only use the drivers it is given (every other driver is
unloaded with GDAL_SKIP, so a `.gpkg` that is really something else is not read at all), may not use the
network (no remote file systems, a proxy that leads nowhere), and is limited in time, memory and the size of
what it writes (`prlimit`). A zipped Shapefile is unpacked here first, within limits against zip bombs.

The callers say what a refusal means to their user: this module raises `ZipRefused` with a reason code and
lets `subprocess.TimeoutExpired` through.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class ZipRefused(Exception):
    """The zip is not one complete Shapefile. `reason` is one of: damaged, too-large, no-shapefile,
    several-shapefiles, no-prj, incomplete (then `missing` lists the absent parts)."""

    def __init__(self, reason: str, missing: Sequence[str] = ()) -> None:
        self.reason = reason
        self.missing = tuple(missing)
        super().__init__(reason)


def shapefile_from_zip(
    path: Path, target: Path, *, unzipped_max_bytes: int, entries_max: int, require_prj: bool = True
) -> Path:
    """The one Shapefile in the zip, unpacked into `target` under plain names (no paths from the zip).

    The zip's directory is checked against the limits before anything is unpacked, and only the Shapefile's
    own parts are written."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ZipRefused("damaged") from None
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir() and not e.filename.startswith("__MACOSX/")]
        if len(entries) > entries_max or sum(e.file_size for e in entries) > unzipped_max_bytes:
            raise ZipRefused("too-large")
        by_name = {PurePosixPath(e.filename).name.lower(): e for e in entries}
        shapes = [name for name in by_name if name.endswith(".shp")]
        if len(shapes) != 1:
            raise ZipRefused("no-shapefile" if not shapes else "several-shapefiles")
        stem = shapes[0][: -len(".shp")]
        missing = [ext for ext in (".shx", ".dbf", ".prj") if f"{stem}{ext}" not in by_name]
        if ".prj" in missing and require_prj:
            raise ZipRefused("no-prj")
        missing = [ext for ext in missing if ext != ".prj"]
        if missing:
            raise ZipRefused("incomplete", missing)
        target.mkdir()
        try:
            for ext in SHAPEFILE_PARTS:
                entry = by_name.get(f"{stem}{ext}")
                if entry is None:
                    continue
                with archive.open(entry) as part, (target / f"upload{ext}").open("wb") as out:
                    shutil.copyfileobj(part, out)
        # The directory was readable, the data is not: a bad checksum, broken compressed data, an
        # encrypted part or a compression method Python does not know.
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError):
            raise ZipRefused("damaged") from None
    return target / "upload.shp"


@lru_cache(maxsize=1)
def all_drivers() -> tuple[str, ...]:
    """The short names of every driver this GDAL has (`ogrinfo --formats` lists the vector ones)."""
    listed = subprocess.run(
        ["ogrinfo", "--formats"],  # noqa: S607 (GDAL's tool from PATH, as the exports run ogr2ogr)
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    names = []
    for line in listed.splitlines()[1:]:
        name, _sep, _rest = line.strip().partition(" -")
        if name:
            names.append(name)
    return tuple(names)


def fenced_environment(allowed: Iterable[str]) -> dict[str, str]:
    """The environment of an ogr2ogr that may use only the `allowed` drivers and no network."""
    keep = set(allowed)
    skip = [name for name in all_drivers() if name not in keep]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        # Comma-separated, because some names ("ESRI Shapefile") contain spaces.
        "GDAL_SKIP": ",".join(skip),
        # No network: remote file systems answer nothing, and any HTTP request goes to a closed port.
        "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".nothing-is-allowed",
        "GDAL_HTTP_PROXY": "127.0.0.1:9",
        "GDAL_HTTP_TIMEOUT": "1",
        "GDAL_HTTP_MAX_RETRY": "0",
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
        "GDAL_PAM_ENABLED": "NO",  # no .aux.xml files written beside the input
    }


def run_fenced_ogr2ogr(
    arguments: Sequence[str],
    *,
    drivers: Iterable[str],
    seconds: int,
    memory_bytes: int,
    output_max_bytes: int,
    cwd: Path,
) -> subprocess.CompletedProcess[str]:
    """Run `ogr2ogr <arguments>` with only `drivers` loaded, no network, and prlimit's limits on CPU time,
    address space and the size of any file it writes. Raises subprocess.TimeoutExpired after `seconds`."""
    command = ["ogr2ogr", *arguments]
    if shutil.which("prlimit"):
        command = [
            "prlimit",
            f"--as={memory_bytes}",
            f"--cpu={seconds}",
            f"--fsize={output_max_bytes}",
            "--",
            *command,
        ]
    # A fixed program with an argument list, no shell: the file's path is one argument.
    return subprocess.run(  # noqa: S603
        command,
        env=fenced_environment(drivers),
        capture_output=True,
        text=True,
        timeout=seconds,
        cwd=cwd,
        check=False,
    )


class OutputTooLarge(Exception):
    """The fenced ogr2ogr wrote more than it may (stream_fenced_ogr2ogr's `output_max_bytes`)."""


def stream_fenced_ogr2ogr(
    arguments: Sequence[str],
    *,
    drivers: Iterable[str],
    seconds: int,
    memory_bytes: int,
    output_max_bytes: int,
    cwd: Path,
    sink: Callable[[bytes], None],
    chunk_bytes: int = 1024 * 1024,
) -> subprocess.CompletedProcess[str]:
    """Run `ogr2ogr <arguments>` fenced in as run_fenced_ogr2ogr does, with its output (`/vsistdout/`) handed
    to `sink` chunk by chunk as it comes, so the caller works on it while ogr2ogr still converts (two
    cores).

    Raises subprocess.TimeoutExpired after `seconds` and OutputTooLarge beyond `output_max_bytes`; an
    exception of `sink` stops the process and passes on."""
    command = ["ogr2ogr", *arguments]
    if shutil.which("prlimit"):
        # --fsize still bounds any file GDAL writes on the side (the OSM driver's temporary index); the pipe
        # is bounded here, as it is read.
        command = [
            "prlimit",
            f"--as={memory_bytes}",
            f"--cpu={seconds}",
            f"--fsize={output_max_bytes}",
            "--",
            *command,
        ]
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        process.kill()

    # stderr goes to a file, so that a process that writes a lot of it never blocks on a full pipe.
    with tempfile.TemporaryFile(dir=cwd) as stderr:
        # A fixed program with an argument list, no shell: the file's path is one argument.
        process = subprocess.Popen(  # noqa: S603
            command, env=fenced_environment(drivers), stdout=subprocess.PIPE, stderr=stderr, cwd=cwd
        )
        timer = threading.Timer(seconds, expire)
        timer.start()
        try:
            written = 0
            while chunk := process.stdout.read1(chunk_bytes):
                written += len(chunk)
                if written > output_max_bytes:
                    raise OutputTooLarge(written)
                sink(chunk)
            returncode = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        if expired.is_set():
            raise subprocess.TimeoutExpired(command, seconds)
        stderr.seek(0)
        text = stderr.read().decode("utf-8", errors="replace")
    return subprocess.CompletedProcess(command, returncode, "", text)
