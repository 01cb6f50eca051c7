"""The coordinate reference systems of the OGC API's features (OGC API – Features Part 2: CRS by Reference).

Features are stored in WGS84 longitude/latitude (SRID 4326, i.e. CRS84) and sent in one of `SUPPORTED`,
reprojected by PostGIS (feature_page.sql: ST_Transform, or ST_FlipCoordinates for EPSG:4326's latitude-first
axis order). A `bbox` in another CRS (`bbox-crs`) is turned into WGS84 by PostGIS too (the items' SQL:
ST_Transform of the envelope), so the spatial index on the stored geometries still serves it.

Only this allow-list reaches SQL, as the bound integer `srid` of an entry: a client's text never does.
ETRS89 (EPSG:25832's datum) and WGS84 are taken as equal, as PROJ's default transformation, QGIS and the
German surveying offices' web services do for data of this precision (they drift apart by under a metre).
"""

from dataclasses import dataclass

from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext as _

from .errors import InvalidParameter

OGC_CRS = "http://www.opengis.net/def/crs/"


@dataclass(frozen=True, slots=True)
class Crs:
    uri: str
    curie: str  # the safe CURIE form ("[EPSG:25832]") Part 2 also allows
    srid: int  # the PostGIS SRID the geometries are transformed to (bound, never a client's text)
    title: str
    # Latitude before longitude (EPSG:4326 as EPSG defines it): the coordinates, and the numbers of a bbox in
    # this CRS, are northing first.
    lat_lon: bool
    # Decimals of the coordinates written: about 1 cm in every CRS, the precision the features are drawn
    # and stored at. 7 decimals of a degree are 1.1 cm of latitude (0.7 cm of longitude at 49° N); 2 decimals
    # of a metre are 1 cm. More digits would only make a page longer (a page of 1,000 lines is mostly
    # coordinates), fewer would move a point the width of a kerb.
    decimals: int
    # Where a bbox in this CRS may lie (in x/y order: east, north): the CRS's area of use, projected, so that
    # PostGIS can always transform it (tests/geo/test_ogcapi_crs.py recomputes these with ST_Transform).
    # Outside it a transformation is meaningless or fails; a bbox beyond it is a 400 that names the range.
    bounds: tuple[float, float, float, float]
    # The legacy GeoJSON `crs` member's name (GeoJSON 2008), written for the projected CRSs only: GDAL's
    # GeoJSON driver (ogr2ogr, QGIS's "Add Vector Layer" from a URL) reads it, where it would otherwise take
    # the coordinates as WGS84. Not for EPSG:4326: GDAL reads GeoJSON as longitude first whatever it says.
    geojson_name: str | None


CRS84 = Crs(
    uri=f"{OGC_CRS}OGC/1.3/CRS84",
    curie="[OGC:CRS84]",
    srid=4326,
    title="WGS 84 (CRS84), longitude, latitude",
    lat_lon=False,
    decimals=7,
    bounds=(-180.0, -90.0, 180.0, 90.0),
    geojson_name=None,
)
EPSG_4326 = Crs(
    uri=f"{OGC_CRS}EPSG/0/4326",
    curie="[EPSG:4326]",
    srid=4326,
    title="WGS 84 (EPSG:4326), latitude, longitude",
    lat_lon=True,
    decimals=7,
    bounds=(-180.0, -90.0, 180.0, 90.0),
    geojson_name=None,
)
EPSG_3857 = Crs(
    uri=f"{OGC_CRS}EPSG/0/3857",
    curie="[EPSG:3857]",
    srid=3857,
    title="WGS 84 / Pseudo-Mercator (EPSG:3857), metres",
    lat_lon=False,
    decimals=2,
    # ±180° and ±85.06°: the square web maps show.
    bounds=(-20037508.34, -20048966.1, 20037508.34, 20048966.1),
    geojson_name="urn:ogc:def:crs:EPSG::3857",
)
EPSG_25832 = Crs(
    uri=f"{OGC_CRS}EPSG/0/25832",
    curie="[EPSG:25832]",
    srid=25832,
    title="ETRS89 / UTM zone 32N (EPSG:25832), metres",
    lat_lon=False,
    decimals=2,
    # The zone (6° E to 12° E) from the equator to 84° N, the CRS's area of use: eastings of 6° E and 12° E
    # at the equator, northing of 84° N.
    bounds=(166021.44, 0.0, 833978.56, 9329005.18),
    geojson_name="urn:ogc:def:crs:EPSG::25832",
)

# In the order collections list them; CRS84 is the default (what every response without `crs` is in).
SUPPORTED: tuple[Crs, ...] = (CRS84, EPSG_4326, EPSG_3857, EPSG_25832)
DEFAULT = CRS84
# Where the features are stored: WGS84 longitude/latitude.
STORAGE = CRS84
_BY_NAME = {name: crs for crs in SUPPORTED for name in (crs.uri, crs.curie)}


def supported_uris() -> list[str]:
    return [crs.uri for crs in SUPPORTED]


def parse_crs(value: str, *, parameter: str) -> Crs:
    """A CRS of the allow-list from its URI (or safe CURIE), else a 400 naming the supported ones."""
    found = _BY_NAME.get(value.strip())
    if found is None:
        raise InvalidParameter(
            _("%(parameter)s “%(value)s” is not supported. Supported are: %(supported)s.")
            % {"parameter": parameter, "value": value, "supported": ", ".join(supported_uris())}
        )
    return found


def output_crs(params: QueryDict) -> Crs:
    """The `crs` of an items or item request: CRS84 without one."""
    value = params.get("crs")
    return DEFAULT if value is None else parse_crs(value, parameter="crs")


def bbox_crs(params: QueryDict) -> Crs:
    """The `bbox-crs` of an items request: the CRS of its `bbox`, CRS84 without one."""
    value = params.get("bbox-crs")
    return DEFAULT if value is None else parse_crs(value, parameter="bbox-crs")


def filter_crs(params: QueryDict) -> Crs:
    """The `filter-crs` of an items request (Part 3): the CRS of a filter's geometries, CRS84 without one."""
    value = params.get("filter-crs")
    return DEFAULT if value is None else parse_crs(value, parameter="filter-crs")


def html_crs(crs: Crs) -> None:
    """The HTML pages draw on a Leaflet map in WGS84 and show CRS84 only: asking them for another CRS is a
    400 that says how to get it (a bbox in another CRS is fine: it only chooses the features)."""
    if crs != CRS84:
        raise InvalidParameter(
            _("The HTML pages show WGS84 longitude and latitude (CRS84) only: ask for f=json to get %(crs)s.")
            % {"crs": crs.uri}
        )


def collection_members() -> dict[str, object]:
    """Part 2's members of a collection's document: the CRSs its features come in, and the stored one."""
    return {"crs": supported_uris(), "storageCrs": STORAGE.uri}


def content_crs(response: HttpResponse, crs: Crs) -> HttpResponse:
    """The `Content-Crs` header of a features response (Part 2: the URI in angle brackets)."""
    response["Content-Crs"] = f"<{crs.uri}>"
    return response


def untransformable(srid: int) -> InvalidParameter:
    """The 400 for a page PostGIS cannot write in the CRS of `srid`: a feature lies where that projection is
    not defined (a context layer's feature 90° from UTM 32N's meridian). Suggestions lie in their project's
    area; a context layer's features may lie anywhere."""
    uri = next(crs.uri for crs in SUPPORTED if crs.srid == srid)
    return InvalidParameter(
        _(
            "Some features of this collection lie too far from the area of %(crs)s to be written in it: ask "
            "for them in %(crs84)s."
        )
        % {"crs": uri, "crs84": CRS84.uri}
    )


def geojson_member(crs: Crs) -> dict[str, object]:
    """The legacy GeoJSON `crs` member of a response in a projected CRS (see `Crs.geojson_name`), else {}."""
    if crs.geojson_name is None:
        return {}
    return {"crs": {"type": "name", "properties": {"name": crs.geojson_name}}}


def geometry_params(crs: Crs) -> dict[str, object]:
    """The parameters of feature_page.sql's geometry output."""
    return {"crs_srid": crs.srid, "crs_flip": crs.lat_lon, "crs_decimals": crs.decimals}
