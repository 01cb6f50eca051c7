"""Context layers from a live URL: an OGC API – Features collection or a WFS (2.0, 1.1) feature type.

GDAL's own OAPIF and WFS drivers read the service (they follow `next` links and WFS paging, know GML, WFS
axis orders and CRS), in the same fenced `ogr2ogr` as files, writing a GeoPackage snapshot into a private
temporary directory. The snapshot then goes through `layer_import` exactly like an uploaded file (fenced
conversion, staging, one transaction): a source that fails changes nothing.

The fenced process has no network of its own. Its only way out is `GDAL_HTTP_PROXY`, pointed at a gate that
runs in this process for the length of the import (`_Gate`, 127.0.0.1 on a free port). The gate forwards only
plain http GETs and https CONNECTs to the origin (scheme, host, port) of the URL the administrator gave, not
to private, loopback or link-local addresses (unless CONTEXT_LAYER_URL_PRIVATE, for tests and intranets), and
never a redirect to another origin or scheme; it counts every byte against CONTEXT_LAYER_MAX_BYTES and
gives each request CONTEXT_LAYER_URL_TIMEOUT_SECONDS. It also witnesses what happened: GDAL ends a paged
read quietly when a later page fails, so any failed request for features (or any GDAL error) refuses the
whole import instead of taking a partial layer. Downloading the pages ourselves would mean re-implementing
paging, GML and axis orders, and hand-writing the GeoJSON/GML that GDAL then reads; the gate keeps GDAL's
clients and puts the limits where GDAL has no option for them (a size cap, a host allow-list, no foreign
redirects).
"""

import http.client
import ipaddress
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from geo.core.ogr import run_fenced_ogr2ogr

from .imports import OGR_MEMORY_BYTES, ImportReport, LayerRefused, layer_import
from .models import ContextLayer, SourceKind

SNAPSHOT = "snapshot.gpkg"
PAGE_SIZE = 1000
CHUNK_BYTES = 64 * 1024
# WFS request parameters that the import sets itself; the rest of a pasted GetFeature URL's query stays.
WFS_OWN_PARAMETERS = {"request", "typename", "typenames", "count", "maxfeatures", "startindex", "resulttype"}
TYPE_NAME = re.compile(r"[^\s,\-][^\s,]*")
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "upgrade",
}


class SourceTooSlow(LayerRefused):
    """Reading the source took longer than it was given (the admin gives less than the worker)."""


@dataclass(frozen=True, slots=True)
class RemoteSource:
    """A URL the import can read: `dataset` is what ogr2ogr opens, `layer` the WFS type name (if any)."""

    kind: str  # "OAPIF" or "WFS"
    url: str
    dataset: str
    layer: str | None
    scheme: str
    host: str
    port: int

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def remote_source(url: str, type_name: str | None = None) -> RemoteSource:
    """What `url` is: an OGC API – Features collection (…/collections/<id>, with or without /items) or a WFS
    (its query names SERVICE=WFS or the type name is given). LayerRefused says what is wrong with it."""
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise LayerRefused(
            _("Only web addresses (http:// or https://) can be a layer's source, not “%(url)s”.")
            % {"url": url}
        )
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise LayerRefused(_("“%(url)s” is not a complete web address.") % {"url": url})
    if parts.username or parts.password:
        raise LayerRefused(
            _("Please give the address without a user name or password: it would be stored and shown.")
        )
    host = parts.hostname
    query = parse_qsl(parts.query, keep_blank_values=True)
    lowered = {k.lower(): v for k, v in query}
    path = parts.path.rstrip("/")
    match = re.search(r"/collections/([^/]+)(/items)?$", path)
    if match and lowered.get("service", "").upper() != "WFS":
        collection_path = path[: match.end(1)] if match.group(2) else path
        # The collection's own URL: GDAL asks its items with its own page size and follows `next`.
        collection = urlunsplit((scheme, parts.netloc, collection_path, "", ""))
        return RemoteSource("OAPIF", url, f"OAPIF:{collection}", None, scheme, host, port)
    type_name = (type_name or lowered.get("typenames") or lowered.get("typename") or "").strip()
    if lowered.get("service", "").upper() == "WFS" or type_name:
        if not type_name:
            raise LayerRefused(
                _("Please give the type name of the WFS layer to import (as its GetCapabilities lists it).")
            )
        # One name (a comma would ask for several), and never something ogr2ogr could take for an option.
        if not TYPE_NAME.fullmatch(type_name):
            raise LayerRefused(_("“%(name)s” is not the type name of one WFS layer.") % {"name": type_name})
        kept = [(k, v) for k, v in query if k.lower() not in WFS_OWN_PARAMETERS]
        if not any(k.lower() == "service" for k, _v in kept):
            kept.append(("SERVICE", "WFS"))
        base = urlunsplit((scheme, parts.netloc, parts.path, urlencode(kept), ""))
        return RemoteSource("WFS", url, f"WFS:{base}", type_name, scheme, host, port)
    raise LayerRefused(
        _(
            "“%(url)s” is neither an OGC API – Features collection (…/collections/<id> or …/collections/<id>"
            "/items) nor a WFS (an address with SERVICE=WFS and a type name). Please give one of these."
        )
        % {"url": url}
    )


def url_import(
    *,
    layer: ContextLayer,
    url: str,
    actor: Any,
    type_name: str | None = None,
    where: str | None = None,
    srs: str | None = None,
    seconds: int | None = None,
) -> ImportReport:
    """Replace `layer`'s features with those of the service at `url`, in one transaction, and remember the
    URL as the layer's source (for the worker's refresh). LayerRefused (nothing changed) says why not;
    SourceTooSlow if reading it took longer than `seconds` (default CONTEXT_LAYER_TIMEOUT_SECONDS)."""
    source = remote_source(url, type_name)
    was = (layer.source_kind, layer.source_url)
    work = Path(tempfile.mkdtemp(prefix="context-layer-url-"))
    try:
        snapshot = _snapshot(source, work, seconds=seconds or settings.CONTEXT_LAYER_TIMEOUT_SECONDS)
        with transaction.atomic():
            # The download took a while (the worker read the layer before it): import into the layer as it is
            # now, so a change made in the admin meanwhile is not saved over.
            list(ContextLayer.objects.select_for_update().filter(pk=layer.pk).values_list("pk", flat=True))
            layer.refresh_from_db()
            if (layer.source_kind, layer.source_url) != was:
                raise LayerRefused(_("The layer's source was changed meanwhile: nothing was imported."))
            report = layer_import(
                layer=layer, source=snapshot, actor=actor, where=where, srs=srs, source_name=SNAPSHOT
            )
            report.source = source.url
            layer.source_kind = SourceKind.URL
            layer.source_name = ""
            layer.source_url = source.url
            layer.source_layer = source.layer or ""
            layer.refreshed_at = timezone.now()
            layer.refresh_failed_at, layer.refresh_error = None, ""
            layer.import_report = report.as_dict()
            layer.save()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _snapshot(source: RemoteSource, work: Path, *, seconds: int, page_size: int = PAGE_SIZE) -> Path:
    """The service's features as a GeoPackage, read by the fenced ogr2ogr through the gate."""
    output = work / SNAPSHOT
    output.unlink(missing_ok=True)
    max_features = settings.CONTEXT_LAYER_MAX_FEATURES
    request_seconds = min(settings.CONTEXT_LAYER_URL_TIMEOUT_SECONDS, seconds)
    with _gate(source, request_seconds) as gate:
        arguments = [
            *_config(gate.address, request_seconds),
            "-f",
            "GPKG",
            str(output),
            source.dataset,
            *([source.layer] if source.layer else []),
            "-nln",
            "features",
            "-limit",
            str(max_features + 1),
        ]
        if source.kind == "OAPIF":
            drivers: tuple[str, ...] = ("OAPIF", "GeoJSON", "GPKG")
            arguments += ["-oo", f"PAGE_SIZE={page_size}"]
        else:
            drivers = ("WFS", "GML", "GPKG")
            arguments += [
                "--config",
                "OGR_WFS_PAGING_ALLOWED",
                "ON",
                "--config",
                "OGR_WFS_PAGE_SIZE",
                str(page_size),
            ]
            arguments += ["--config", "OGR_WFS_LOAD_MULTIPLE_LAYER_DEFN", "NO"]
        try:
            run = run_fenced_ogr2ogr(
                arguments,
                drivers=drivers,
                seconds=seconds,
                memory_bytes=OGR_MEMORY_BYTES,
                output_max_bytes=8 * settings.CONTEXT_LAYER_MAX_BYTES,
                cwd=work,
            )
        except subprocess.TimeoutExpired:
            raise SourceTooSlow(
                _("Reading %(url)s took longer than %(seconds)s seconds. Please choose a smaller source.")
                % {"url": source.url, "seconds": _grouped(seconds)}
            ) from None
    _refuse_failures(source, gate, run)
    count = _count(output)
    if count > max_features:
        raise LayerRefused(
            _("The source has more than %(count)s features. Please choose a smaller collection or type.")
            % {"count": _grouped(max_features)}
        )
    matched = gate.number_matched
    if source.kind == "WFS" and matched is not None and count < matched:
        # The server returned fewer features per page than GDAL asked for (its own cap, which GDAL 3.6 does
        # not read from CountDefault), and GDAL took the short page for the last one: ask again in its size.
        returned = gate.number_returned or 0
        if 0 < returned < page_size:
            return _snapshot(source, work, seconds=seconds, page_size=returned)
        raise LayerRefused(
            _("The WFS sent only %(count)s of its %(matched)s features. Please try again later.")
            % {"count": _grouped(count), "matched": _grouped(matched)}
        )
    return output


def _config(proxy: str, request_seconds: int) -> list[str]:
    """GDAL's network settings for the fenced run (`--config` wins over the fence's environment)."""
    options = {
        "GDAL_HTTP_PROXY": proxy,
        "GDAL_HTTP_TIMEOUT": str(request_seconds),
        "GDAL_HTTP_CONNECTTIMEOUT": str(request_seconds),
        # One try: a failing server fails the import (and the next schedule tries again), never slowly.
        "GDAL_HTTP_MAX_RETRY": "0",
        "GDAL_HTTP_USERAGENT": "participation-map context layer import",
    }
    if settings.CONTEXT_LAYER_URL_CA_BUNDLE:  # an intranet's own certificate authority
        options["CURL_CA_BUNDLE"] = settings.CONTEXT_LAYER_URL_CA_BUNDLE
    arguments = []
    for key, value in options.items():
        arguments += ["--config", key, value]
    return arguments


def _count(snapshot: Path) -> int:
    """The snapshot's number of features (a GeoPackage is SQLite; GDAL wrote it, we only count)."""
    if not snapshot.exists():
        return 0
    with sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True) as database:
        return database.execute('SELECT count(*) FROM "features"').fetchone()[0]


def _refuse_failures(source: RemoteSource, gate: "_Gate", run: subprocess.CompletedProcess[str]) -> None:
    """The gate's record first (it knows why), then GDAL's own failure."""
    failure = gate.failure
    stderr = run.stderr
    if failure is None and run.returncode == 0 and "ERROR " not in stderr:
        return
    if failure is not None:
        kind, detail = failure
        if kind == "too-large":
            raise LayerRefused(
                _("The source sends more than %(size)s. Please choose a smaller collection or type.")
                % {"size": filesizeformat(settings.CONTEXT_LAYER_MAX_BYTES)}
            )
        if kind == "private":
            raise LayerRefused(
                _(
                    "%(host)s is an address of a private or local network: only public servers can be a "
                    "layer's source."
                )
                % {"host": detail}
            )
        if kind == "elsewhere":
            raise LayerRefused(
                _(
                    "The server sends the import on to %(target)s. Only addresses of the same server (http "
                    "or https) are followed: please give that address itself if you trust it."
                )
                % {"target": detail}
            )
        if kind == "not-features":
            raise _not_features(source, {detail})
        if kind == "unreachable":
            raise LayerRefused(
                _("The server %(server)s cannot be reached (%(reason)s). Please check the address.")
                % {"server": source.server, "reason": detail}
            )
        if kind == "timeout":
            raise LayerRefused(
                _("The server %(server)s did not answer within %(seconds)s seconds. Please try again later.")
                % {"server": source.server, "seconds": detail}
            )
        if kind == "status":
            status, path = detail
            if status == 404 and source.kind == "OAPIF" and "/items" not in path:
                raise LayerRefused(
                    _("The server has no collection “%(name)s” (it answers 404 Not Found).")
                    % {"name": source.dataset.rsplit("/", 1)[-1]}
                )
            raise LayerRefused(
                _("The server answered %(status)s to %(url)s. Please check the address, or try again later.")
                % {"status": f"{status} {http.client.responses.get(status, '')}".strip(), "url": path}
            )
    if tls := re.search(r"(server certificate verification failed|SSL certificate problem[^.\n]*)", stderr):
        raise LayerRefused(
            _(
                "The certificate of %(host)s is not trusted (%(reason)s). Please check the address; for an "
                "intranet's own certificate authority see CONTEXT_LAYER_URL_CA_BUNDLE."
            )
            % {"host": source.host, "reason": tls.group(1)}
        )
    # Inside an https tunnel the gate sees no status: GDAL's message names it.
    if status := re.search(r"HTTP error code ?: ?(\d{3})", stderr):
        code = int(status.group(1))
        raise LayerRefused(
            _("The server answered %(status)s to %(url)s. Please check the address, or try again later.")
            % {"status": f"{code} {http.client.responses.get(code, '')}".strip(), "url": source.url}
        )
    if source.layer and ("Couldn't fetch requested layer" in stderr or "not found" in stderr.lower()):
        raise LayerRefused(
            _("The WFS has no feature type “%(name)s”. Please give a type name its GetCapabilities lists.")
            % {"name": source.layer}
        )
    raise _not_features(source, gate.content_types)


def _not_features(source: RemoteSource, content_types: set[str]) -> LayerRefused:
    answered = ", ".join(sorted(content_types)) or _("nothing")
    if source.kind == "OAPIF":
        return LayerRefused(
            _(
                "%(url)s does not answer with the features of an OGC API – Features collection (GeoJSON); it "
                "answers %(answered)s. Please check the address."
            )
            % {"url": source.url, "answered": answered}
        )
    return LayerRefused(
        _(
            "%(url)s does not answer as a WFS with features (GML); it answers %(answered)s. Please check "
            "the address."
        )
        % {"url": source.url, "answered": answered}
    )


def _grouped(value: float) -> str:
    return number_format(value, 0, use_l10n=True, force_grouping=True)


# --- The gate


@dataclass
class _Record:
    failure: tuple[str, Any] | None = None
    bytes: int = 0
    content_types: set[str] = field(default_factory=set)
    number_matched: int | None = None
    number_returned: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, kind: str, detail: Any) -> None:
        with self.lock:
            if self.failure is None:  # the first failure is the cause; later ones follow from it
                self.failure = (kind, detail)


class _Gate(ThreadingHTTPServer):
    daemon_threads = True
    source: RemoteSource
    record: _Record
    seconds: int
    max_bytes: int
    private_allowed: bool

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    @property
    def failure(self) -> tuple[str, Any] | None:
        return self.record.failure

    @property
    def content_types(self) -> set[str]:
        return self.record.content_types

    @property
    def number_matched(self) -> int | None:
        return self.record.number_matched

    @property
    def number_returned(self) -> int | None:
        return self.record.number_returned


@contextmanager
def _gate(source: RemoteSource, seconds: int) -> Iterator[_Gate]:
    gate = _Gate(("127.0.0.1", 0), _GateHandler)
    gate.source = source
    gate.record = _Record()
    gate.seconds = seconds
    gate.max_bytes = settings.CONTEXT_LAYER_MAX_BYTES
    gate.private_allowed = settings.CONTEXT_LAYER_URL_PRIVATE
    thread = threading.Thread(target=gate.serve_forever, name="context-layer-gate", daemon=True)
    thread.start()
    try:
        yield gate
    finally:
        gate.shutdown()
        gate.server_close()
        thread.join(timeout=5)


class _GateHandler(BaseHTTPRequestHandler):
    """One request of the fenced ogr2ogr: forwarded to the source's origin only, within the limits."""

    server: _Gate
    protocol_version = "HTTP/1.0"  # every answer ends with its connection: no lengths to rewrite

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        gate = self.server
        source = gate.source
        parts = urlsplit(self.path)
        if parts.scheme != "http" or not self._same_origin(parts.hostname, parts.port or 80):
            # GDAL may look for something optional elsewhere (a schema): it is told no. Features from
            # elsewhere (a `next` link to another server) fail the import.
            if _is_data_request(source, parts):
                gate.record.fail("elsewhere", self.path)
            self.send_error(403)
            return
        address = self._address()
        if address is None:
            return
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        upstream = http.client.HTTPConnection(address, source.port, timeout=gate.seconds)
        try:
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() not in HOP_HEADERS and name.lower() not in ("host", "accept-encoding")
            }
            headers["Host"] = parts.netloc
            upstream.request("GET", path, headers=headers)
            response = upstream.getresponse()
        except TimeoutError:
            gate.record.fail("timeout", gate.seconds)
            self.send_error(504)
            return
        except OSError as error:
            gate.record.fail("unreachable", error.strerror or str(error))
            self.send_error(502)
            return
        try:
            self._relay(response, parts)
        finally:
            upstream.close()

    def _relay(self, response: http.client.HTTPResponse, parts: Any) -> None:
        gate = self.server
        data_request = _is_data_request(gate.source, parts)
        essential = data_request or _is_essential(gate.source, parts)
        if 300 <= response.status < 400:
            target = urljoin(self.path, response.getheader("Location", ""))
            moved = urlsplit(target)
            if moved.scheme not in ("http", "https") or not self._same_origin(
                moved.hostname, moved.port or (443 if moved.scheme == "https" else 80), moved.scheme
            ):
                gate.record.fail("elsewhere", target)
                self.send_error(502)
                return
        elif response.status >= 400 and essential:
            gate.record.fail("status", (response.status, self.path))
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        if content_type:
            gate.record.content_types.add(content_type)
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_HEADERS and name.lower() not in (
                "content-length",
                "transfer-encoding",
            ):
                self.send_header(name, value)
        self.end_headers()
        first = True
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except TimeoutError:
                gate.record.fail("timeout", gate.seconds)
                return
            except (OSError, http.client.HTTPException) as error:
                gate.record.fail("unreachable", str(error))
                return
            if not chunk:
                return
            if first and data_request and response.status == 200:
                self._sniff(chunk, content_type)
            first = False
            if not self._take(len(chunk)):
                return
            try:
                self.wfile.write(chunk)
            except OSError:
                return

    def do_CONNECT(self) -> None:
        """An https request: a tunnel to the origin, whose bytes count against the cap (TLS is GDAL's)."""
        gate = self.server
        host, _sep, port = self.path.rpartition(":")
        if (
            gate.source.scheme != "https"
            or not port.isdigit()
            or not self._same_origin(host, int(port), "https")
        ):
            gate.record.fail("elsewhere", f"https://{self.path}")
            self.send_error(403)
            return
        address = self._address()
        if address is None:
            return
        try:
            upstream = socket.create_connection((address, int(port)), timeout=gate.seconds)
        except TimeoutError:
            gate.record.fail("timeout", gate.seconds)
            self.send_error(504)
            return
        except OSError as error:
            gate.record.fail("unreachable", error.strerror or str(error))
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        client = self.connection
        try:
            while True:
                ready, _w, _x = select.select([client, upstream], [], [], gate.seconds)
                if not ready:
                    gate.record.fail("timeout", gate.seconds)
                    return
                for side in ready:
                    data = side.recv(CHUNK_BYTES)
                    if not data:
                        return
                    if side is upstream:
                        if not self._take(len(data)):
                            return
                        client.sendall(data)
                    else:
                        upstream.sendall(data)
        except OSError:
            return
        finally:
            upstream.close()

    def do_POST(self) -> None:
        self.server.record.fail("elsewhere", self.path)
        self.send_error(405)

    def _same_origin(self, host: str | None, port: int, scheme: str = "http") -> bool:
        source = self.server.source
        return (host or "").lower() == source.host.lower() and port == source.port and scheme == source.scheme

    def _address(self) -> str | None:
        """The source host's address, if it may be used (resolved here, so GDAL cannot be sent elsewhere)."""
        gate = self.server
        try:
            infos = socket.getaddrinfo(gate.source.host, gate.source.port, type=socket.SOCK_STREAM)
        except OSError as error:
            gate.record.fail("unreachable", error.strerror or str(error))
            self.send_error(502)
            return None
        address = infos[0][4][0]
        if not gate.private_allowed and not ipaddress.ip_address(address).is_global:
            gate.record.fail("private", gate.source.host)
            self.send_error(403)
            return None
        return address

    def _take(self, size: int) -> bool:
        record = self.server.record
        with record.lock:
            record.bytes += size
            over = record.bytes > self.server.max_bytes
        if over:
            record.fail("too-large", record.bytes)
        return not over

    def _sniff(self, chunk: bytes, content_type: str) -> None:
        """A page of features starts as one: JSON for OGC API – Features, XML for a WFS. GDAL takes anything
        else for an empty page (a layer of nothing, or the pages before it), so it fails the import here."""
        gate = self.server
        start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if gate.source.kind == "OAPIF":
            if start != b"{" or "html" in content_type:
                gate.record.fail("not-features", content_type or "?")
            return
        if start != b"<" or "html" in content_type:
            gate.record.fail("not-features", content_type or "?")
            return
        head = chunk[:4096].decode("utf-8", "replace")
        matched = re.search(r'numberMatched="(\d+)"', head)
        returned = re.search(r'numberReturned="(\d+)"', head)
        record = self.server.record
        with record.lock:
            if matched and record.number_matched is None:
                record.number_matched = int(matched.group(1))
            if returned and record.number_returned is None:
                record.number_returned = int(returned.group(1))


def _is_essential(source: RemoteSource, parts: Any) -> bool:
    """A request the import cannot do without: the collection itself, or any WFS request."""
    if source.kind == "OAPIF":
        return source.dataset.endswith(parts.path.rstrip("/"))
    return True


def _is_data_request(source: RemoteSource, parts: Any) -> bool:
    """A request for features: a failure there would leave the layer partial, so it fails the import."""
    if source.kind == "OAPIF":
        return parts.path.rstrip("/").endswith("/items")
    query = {k.lower(): v.lower() for k, v in parse_qsl(parts.query)}
    return query.get("request") in ("getfeature", "describefeaturetype")
