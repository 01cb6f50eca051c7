"""Real HTTP servers on 127.0.0.1 for the URL-source tests: a tiny OGC API – Features service (GeoJSON pages
linked by `next`) and a WFS 2.0 (GetCapabilities, DescribeFeatureType, GetFeature paged by STARTINDEX and
COUNT), plus servers that misbehave (hang, answer HTML, garbage, errors, too much). Each runs in a thread of
the test process and is stopped by its context manager, whatever the test does."""

import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

WFS_NS = "http://www.opengis.net/wfs/2.0"
GML_NS = "http://www.opengis.net/gml/3.2"
APP_NS = "http://example.org/app"


def points(count: int, *, name: str = "stand", start: tuple[float, float] = (8.38, 49.0)) -> list[dict]:
    """`count` GeoJSON point features in Karlsruhe, with an id, a name and a number of places."""
    x0, y0 = start
    return [
        {
            "type": "Feature",
            "id": n + 1,
            "geometry": {
                "type": "Point",
                "coordinates": [round(x0 + n * 1e-4, 7), round(y0 + (n % 50) * 1e-4, 7)],
            },
            "properties": {"name": f"{name} {n + 1}", "places": n % 40},
        }
        for n in range(count)
    ]


@dataclass
class Service:
    """What the servers serve; a test may change it between imports (a refresh then sees the change)."""

    features: list[dict] = field(default_factory=list)
    collection: str = "parking"
    page_size: int = 100
    # path (without query) -> (status, content type, body): answers that replace the normal ones.
    overrides: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    # path -> where a 302 sends the client instead.
    redirects: dict[str, str] = field(default_factory=dict)
    # OGC API items pages from this offset on answer 500 (a service failing half-way through).
    fail_from_offset: int | None = None
    # Seconds each OGC API items page takes (a slow service).
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    service: Service
    scheme: str = "http"
    route: Callable[["_Handler", str, dict[str, list[str]]], tuple[int, str, bytes]]

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.service.requests.append(self.path)
        if parts.path in self.service.redirects:
            self.send_response(302)
            self.send_header("Location", self.service.redirects[parts.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts.path in self.service.overrides:
            status, content_type, body = self.service.overrides[parts.path]
        else:
            query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
            status, content_type, body = type(self).route(self, parts.path, query)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _json(status: int, value: object, content_type: str = "application/json") -> tuple[int, str, bytes]:
    return status, content_type, json.dumps(value).encode()


def _oapif(handler: _Handler, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    service = handler.service
    base = f"{handler.scheme}://127.0.0.1:{handler.server.server_address[1]}/ogcapi"
    collection = f"{base}/collections/{service.collection}"
    if path in ("/ogcapi", "/ogcapi/"):
        return _json(
            200, {"links": [{"href": f"{base}/collections", "rel": "data", "type": "application/json"}]}
        )
    if path == "/ogcapi/conformance":
        return _json(
            200,
            {
                "conformsTo": [
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                ]
            },
        )
    description = {
        "id": service.collection,
        "title": service.collection,
        "links": [{"href": f"{collection}/items", "rel": "items", "type": "application/geo+json"}],
    }
    if path == "/ogcapi/collections":
        return _json(200, {"collections": [description], "links": []})
    if path == f"/ogcapi/collections/{service.collection}":
        return _json(200, description)
    if path == f"/ogcapi/collections/{service.collection}/items":
        limit = min(int(query.get("limit", [service.page_size])[0]), service.page_size)
        offset = int(query.get("offset", ["0"])[0])
        time.sleep(service.delay)
        if service.fail_from_offset is not None and offset >= service.fail_from_offset:
            return _json(500, {"code": "InternalError", "description": "database gone"})
        page = service.features[offset : offset + limit]
        links = []
        if offset + limit < len(service.features):
            links.append(
                {
                    "href": f"{collection}/items?limit={limit}&offset={offset + limit}",
                    "rel": "next",
                    "type": "application/geo+json",
                }
            )
        body = {
            "type": "FeatureCollection",
            "features": page,
            "numberMatched": len(service.features),
            "numberReturned": len(page),
            "links": links,
        }
        return _json(200, body, "application/geo+json")
    return _json(404, {"code": "NotFound", "description": path})


def _capabilities(service: Service) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="{WFS_NS}" xmlns:ows="http://www.opengis.net/ows/1.1"
    xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:app="{APP_NS}">
  <ows:OperationsMetadata>
    <ows:Operation name="GetCapabilities"/><ows:Operation name="DescribeFeatureType"/>
    <ows:Operation name="GetFeature"/>
    <ows:Constraint name="ImplementsResultPaging"><ows:NoValues/><ows:DefaultValue>TRUE</ows:DefaultValue>
    </ows:Constraint>
    <ows:Constraint name="CountDefault"><ows:NoValues/>
      <ows:DefaultValue>{service.page_size}</ows:DefaultValue></ows:Constraint>
  </ows:OperationsMetadata>
  <wfs:FeatureTypeList><wfs:FeatureType>
    <wfs:Name>app:{service.collection}</wfs:Name><wfs:Title>{service.collection}</wfs:Title>
    <wfs:DefaultCRS>urn:ogc:def:crs:EPSG::25832</wfs:DefaultCRS>
  </wfs:FeatureType></wfs:FeatureTypeList>
  <fes:Filter_Capabilities><fes:Conformance>
    <fes:Constraint name="ImplementsResourceId"><ows:NoValues/><ows:DefaultValue>FALSE</ows:DefaultValue>
    </fes:Constraint>
  </fes:Conformance></fes:Filter_Capabilities>
</wfs:WFS_Capabilities>"""


def _schema(service: Service) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="{GML_NS}" xmlns:app="{APP_NS}"
    targetNamespace="{APP_NS}" elementFormDefault="qualified">
  <xsd:import namespace="{GML_NS}" schemaLocation="http://schemas.opengis.net/gml/3.2.1/gml.xsd"/>
  <xsd:complexType name="{service.collection}Type"><xsd:complexContent>
    <xsd:extension base="gml:AbstractFeatureType"><xsd:sequence>
      <xsd:element name="name" type="xsd:string" minOccurs="0"/>
      <xsd:element name="places" type="xsd:int" minOccurs="0"/>
      <xsd:element name="geom" type="gml:PointPropertyType" minOccurs="0"/>
    </xsd:sequence></xsd:extension>
  </xsd:complexContent></xsd:complexType>
  <xsd:element name="{service.collection}" type="app:{service.collection}Type"
    substitutionGroup="gml:AbstractFeature"/>
</xsd:schema>"""


def _utm(lon: float, lat: float) -> tuple[float, float]:
    """Rough EPSG:25832 coordinates near Karlsruhe (a local linear approximation is enough for tests)."""
    return 456_000 + (lon - 8.4) * 73_200, 5_429_000 + (lat - 49.0) * 111_200


def _feature_collection(service: Service, start: int, count: int | None) -> str:
    chosen = service.features[start : None if count is None else start + count]
    members = []
    for f in chosen:
        x, y = _utm(*f["geometry"]["coordinates"])
        members.append(
            f"""<wfs:member><app:{service.collection} gml:id="{service.collection}.{f["id"]}">
<app:name>{escape(f["properties"]["name"])}</app:name><app:places>{f["properties"]["places"]}</app:places>
<app:geom><gml:Point gml:id="p{f["id"]}" srsName="urn:ogc:def:crs:EPSG::25832">
<gml:pos>{x:.2f} {y:.2f}</gml:pos></gml:Point></app:geom></app:{service.collection}></wfs:member>"""
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection xmlns:wfs="{WFS_NS}" '
        f'xmlns:gml="{GML_NS}" xmlns:app="{APP_NS}" numberMatched="{len(service.features)}" '
        f'numberReturned="{len(chosen)}" timeStamp="2026-12-06T00:00:00Z">'
        + "".join(members)
        + "</wfs:FeatureCollection>"
    )


def _wfs(handler: _Handler, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    service = handler.service
    request = query.get("request", [""])[0].lower()
    if path != "/wfs":
        return 404, "text/plain", b"not found"
    if request == "getcapabilities":
        return 200, "text/xml", _capabilities(service).encode()
    type_names = query.get("typenames", query.get("typename", [""]))[0]
    if (
        request in ("describefeaturetype", "getfeature")
        and type_names
        and type_names != f"app:{service.collection}"
    ):
        body = (
            f'<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0"><ows:Exception '
            f'exceptionCode="InvalidParameterValue" locator="typeNames"><ows:ExceptionText>Unknown type '
            f"{escape(type_names)}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"
        )
        return 400, "text/xml", body.encode()
    if request == "describefeaturetype":
        return 200, "text/xml; subtype=gml/3.2", _schema(service).encode()
    if request == "getfeature":
        if query.get("resulttype", [""])[0].lower() == "hits":
            hits = (
                f'<wfs:FeatureCollection xmlns:wfs="{WFS_NS}" numberMatched="{len(service.features)}" '
                f'numberReturned="0" timeStamp="2026-12-06T00:00:00Z"/>'
            )
            return 200, "text/xml", hits.encode()
        start = int(query.get("startindex", ["0"])[0])
        count = min(int(query.get("count", [service.page_size])[0]), service.page_size)
        return 200, "text/xml; subtype=gml/3.2", _feature_collection(service, start, count).encode()
    return 400, "text/plain", b"bad request"


WFS11_NS = "http://www.opengis.net/wfs"
GML31_NS = "http://www.opengis.net/gml"


def _wfs11(handler: _Handler, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    """A WFS 1.1.0 without paging: GetFeature sends every feature in one GML 3.1.1 document."""
    service = handler.service
    request = query.get("request", [""])[0].lower()
    if path != "/wfs":
        return 404, "text/plain", b"not found"
    if request == "getcapabilities":
        capabilities = f"""<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="1.1.0" xmlns:wfs="{WFS11_NS}" xmlns:ows="http://www.opengis.net/ows"
    xmlns:app="{APP_NS}">
  <ows:OperationsMetadata><ows:Operation name="GetCapabilities"/><ows:Operation name="DescribeFeatureType"/>
    <ows:Operation name="GetFeature"/></ows:OperationsMetadata>
  <wfs:FeatureTypeList><wfs:FeatureType>
    <wfs:Name>app:{service.collection}</wfs:Name><wfs:Title>{service.collection}</wfs:Title>
    <wfs:DefaultSRS>urn:ogc:def:crs:EPSG::25832</wfs:DefaultSRS>
  </wfs:FeatureType></wfs:FeatureTypeList>
</wfs:WFS_Capabilities>"""
        return 200, "text/xml", capabilities.encode()
    if request == "describefeaturetype":
        return 200, "text/xml", _schema(service).replace(GML_NS, GML31_NS).encode()
    if request == "getfeature":
        members = []
        for f in service.features:
            x, y = _utm(*f["geometry"]["coordinates"])
            members.append(
                f"""<gml:featureMember><app:{service.collection} gml:id="{service.collection}.{f["id"]}">
<app:name>{escape(f["properties"]["name"])}</app:name><app:places>{f["properties"]["places"]}</app:places>
<app:geom><gml:Point srsName="urn:ogc:def:crs:EPSG::25832"><gml:pos>{x:.2f} {y:.2f}</gml:pos></gml:Point>
</app:geom></app:{service.collection}></gml:featureMember>"""
            )
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection xmlns:wfs="{WFS11_NS}" '
            f'xmlns:gml="{GML31_NS}" xmlns:app="{APP_NS}" numberOfFeatures="{len(members)}">'
            + "".join(members)
            + "</wfs:FeatureCollection>"
        )
        return 200, "text/xml; subtype=gml/3.1.1", body.encode()
    return 400, "text/plain", b"bad request"


@contextmanager
def serve(route: Callable, service: Service, certificate: "Certificate | None" = None) -> Iterator[str]:
    """A threaded HTTP server on a free 127.0.0.1 port answering by `route` (https with `certificate`);
    yields its base URL."""
    scheme = "https" if certificate else "http"
    handler = type(
        "Handler", (_Handler,), {"service": service, "route": staticmethod(route), "scheme": scheme}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert, certificate.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def oapif(service: Service, certificate: "Certificate | None" = None) -> Iterator[str]:
    with serve(_oapif, service, certificate) as base:
        yield base


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed(directory: Path) -> Certificate:
    """A certificate for 127.0.0.1 that signs itself (its own CA bundle), made by openssl here."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(key),
        "-out",
        str(cert),
    ]
    command += ["-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(command, check=True, capture_output=True)
    return Certificate(cert, key)


@contextmanager
def wfs(service: Service, version: str = "2.0.0") -> Iterator[str]:
    with serve(_wfs if version == "2.0.0" else _wfs11, service) as base:
        yield base


@contextmanager
def silent() -> Iterator[str]:
    """A server that accepts connections and never answers: a request to it times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound and released: connecting to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
