"""The OpenAPI 3.0 document of /ogcapi (`service-desc`): the paths, their parameters and response shapes.

Clients read more than documentation from it: GDAL's OAPIF driver (up to 3.6) sends an attribute filter as
CQL text only if the items path has a `filter-lang` parameter whose values include `cql-text` (the draft's
name, which we accept beside `cql2-text`), and otherwise only for properties that appear as query parameters
of the items path (here `category`); it reads the maximum of `limit`.
"""

from typing import Any

from ..fields import OGCAPI, json_schema_properties
from . import crs
from .cql2 import MAX_FILTER_LENGTH, SUPPORTED
from .params import CRS84, FILTER_LANGS, ITEMS_PARAMETERS, LIMIT_DEFAULT, LIMIT_MAX
from .property_selection import PIECES
from .sorting import SORTABLES

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"

_REF = "#/components/"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{kind}/{name}"}


def _json(schema: str, media_type: str = "application/json") -> dict[str, Any]:
    return {
        "content": {
            media_type: {"schema": _ref("schemas", schema)},
            "text/html": {"schema": {"type": "string"}},
        }
    }


def _ok(description: str, schema: str, media_type: str = "application/json") -> dict[str, Any]:
    return {"description": description, **_json(schema, media_type)}


_ERRORS = {"400": _ref("responses", "InvalidParameter"), "default": _ref("responses", "Error")}
# The collections' resources read credentials where the answer depends on them (the staff collections,
# geo/ogcapi/staff_access.py): wrong ones are a 401, too many wrong ones a 429.
_CREDENTIALS = {"401": _ref("responses", "Unauthorized"), "429": _ref("responses", "TooManyRequests")}


def _json_only(description: str, required: list[str]) -> dict[str, Any]:
    """A JSON answer without an HTML page (OGC API – Tiles' resources, geo/ogcapi/tile_views.py)."""
    schema = {"type": "object", "required": required}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PARAMETERS: dict[str, dict[str, Any]] = {
    "f": {
        "name": "f",
        "in": "query",
        "description": "The format of the response; without it, the Accept header decides (JSON by default).",
        "required": False,
        "schema": {"type": "string", "enum": ["json", "html"]},
        "style": "form",
        "explode": False,
    },
    "collectionId": {
        "name": "collectionId",
        "in": "path",
        "description": (
            "`<project slug>-points`, `<project slug>-lines` or `<project slug>-areas` (suggestions), "
            "`<project slug>-layer-<layer id>` (a public context layer)."
        ),
        "required": True,
        "schema": {"type": "string"},
    },
    "tilesetId": {
        "name": "tilesetId",
        "in": "path",
        "description": "The slug of a public project (OGC API – Tiles).",
        "required": True,
        "schema": {"type": "string"},
    },
    "tileMatrixSetId": {
        "name": "tileMatrixSetId",
        "in": "path",
        "description": "The tile matrix set: only WebMercatorQuad.",
        "required": True,
        "schema": {"type": "string", "enum": ["WebMercatorQuad"]},
    },
    "featureId": {
        "name": "featureId",
        "in": "path",
        "description": "The feature's id: a suggestion's, or a context-layer feature's.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": (
            f"Features per page. Larger values than {LIMIT_MAX} give pages of {LIMIT_MAX}; follow the `next` "
            "link for the rest."
        ),
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
        "style": "form",
        "explode": False,
    },
    "bbox": {
        "name": "bbox",
        "in": "query",
        "description": (
            "Only features that intersect the box minlon,minlat,maxlon,maxlat in WGS84 longitude and "
            "latitude (CRS84), or in the CRS `bbox-crs` names. Six numbers (with heights) are accepted; the "
            "heights are ignored."
        ),
        "required": False,
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "style": "form",
        "explode": False,
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "description": (
            "Suggestion collections only. Only features created at this instant or in this interval: "
            "`2025-05-01T12:00:00Z`, "
            "`2025-05-01` (the whole day, UTC), `2025-05-01/2025-05-31`, `../2025-05-31`, `2025-05-01/..`."
        ),
        "required": False,
        "schema": {"type": "string"},
        "style": "form",
        "explode": False,
    },
    "category": {
        "name": "category",
        "in": "query",
        "description": "Suggestion collections only. Only these categories of the collection (keys, "
        "comma-separated).",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
    },
    "filter": {
        "name": "filter",
        "in": "query",
        "description": (
            "Suggestion collections only. A CQL2-text filter on the collection's queryables "
            "(`/collections/{collectionId}/queryables`), e.g. `support_count > 3 AND planning_status = "
            f"'planned'`. Supported: {SUPPORTED}. At most {MAX_FILTER_LENGTH} characters; anything else is a "
            "400 that says why."
        ),
        "required": False,
        "schema": {"type": "string", "maxLength": MAX_FILTER_LENGTH},
        "style": "form",
        "explode": False,
    },
    "filter-lang": {
        "name": "filter-lang",
        "in": "query",
        "description": "The language of `filter`: CQL2 text (`cql-text` is the draft's name for it).",
        "required": False,
        "schema": {"type": "string", "enum": list(FILTER_LANGS), "default": FILTER_LANGS[0]},
        "style": "form",
        "explode": False,
    },
    "filter-crs": {
        "name": "filter-crs",
        "in": "query",
        "description": (
            "The CRS of the coordinates in `filter`, in its axis order: CRS84 (WGS84 longitude, latitude; "
            "the default) or another of `crs`'s (EPSG:4326 latitude first)."
        ),
        "required": False,
        "schema": {"type": "string", "enum": crs.supported_uris(), "default": CRS84},
        "style": "form",
        "explode": False,
    },
    "crs": {
        "name": "crs",
        "in": "query",
        "description": (
            "OGC API – Features Part 2: the CRS of the geometries in the response (the `Content-Crs` header "
            "says which): CRS84 (WGS84 longitude, latitude; the default), EPSG:4326 (latitude, longitude), "
            "EPSG:3857 (web map metres) or EPSG:25832 (ETRS89 / UTM zone 32N). Coordinates to about 1 cm: 7 "
            "decimals of a degree, 2 of a metre. The HTML pages show CRS84 only."
        ),
        "required": False,
        "schema": {"type": "string", "enum": crs.supported_uris(), "default": crs.DEFAULT.uri},
        "style": "form",
        "explode": False,
    },
    "bbox-crs": {
        "name": "bbox-crs",
        "in": "query",
        "description": (
            "OGC API – Features Part 2: the CRS of `bbox`, in that CRS's axis order: for EPSG:4326 "
            "`minlat,minlon,maxlat,maxlon`, for the projected ones `minx,miny,maxx,maxy` (easting, northing, "
            "metres); CRS84 without it. A bbox outside the CRS's area of use is a 400."
        ),
        "required": False,
        "schema": {"type": "string", "enum": crs.supported_uris(), "default": crs.DEFAULT.uri},
        "style": "form",
        "explode": False,
    },
    "sortby": {
        "name": "sortby",
        "in": "query",
        "description": (
            "Suggestion collections only. Sort by these sortables (`/collections/{collectionId}/sortables`), "
            "comma-separated, each at most once; `-` in front for descending, `+` or nothing for ascending, "
            "e.g. `-support_count,created_at`. Features with equal values follow by id. The pages stay "
            "keyset pages: the `next` link carries `cursor`. An unknown, empty or repeated name is a 400."
        ),
        "required": False,
        "schema": {
            "type": "array",
            "minItems": 1,
            "maxItems": len(SORTABLES),
            "uniqueItems": True,
            "items": {
                "type": "string",
                "enum": [f"{sign}{name}" for name in SORTABLES for sign in ("", "-")],
            },
        },
        "style": "form",
        "explode": False,
    },
    "cursor": {
        "name": "cursor",
        "in": "query",
        "description": (
            "Keyset paging of a sorted page (with its `sortby`): where the next page starts, as the `next` "
            "link sets it. Opaque and signed; one that was changed or belongs to another sortby is a 400."
        ),
        "required": False,
        "schema": {"type": "string"},
        "style": "form",
        "explode": False,
    },
    "properties": {
        "name": "properties",
        "in": "query",
        "description": (
            "Suggestion collections only. Only these properties (comma-separated, each at most once); `id` "
            "and the geometry always come. An unknown, empty or repeated name is a 400 that lists the "
            "properties."
        ),
        "required": False,
        "schema": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(PIECES)},
        },
        "style": "form",
        "explode": False,
    },
    "after": {
        "name": "after",
        "in": "query",
        "description": "Keyset paging: only features with a larger id. The `next` link sets it.",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
        "style": "form",
        "explode": False,
    },
}

_LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {
        "href": {"type": "string"},
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
    },
}
_LINKS = {"type": "array", "items": _ref("schemas", "link")}

SCHEMAS: dict[str, dict[str, Any]] = {
    "exception": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
    },
    "link": _LINK,
    "landingPage": {
        "type": "object",
        "required": ["links"],
        "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": _LINKS},
    },
    "confClasses": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": _LINKS,
            "extent": {
                "type": "object",
                "properties": {
                    "spatial": {
                        "type": "object",
                        "properties": {
                            "bbox": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "minItems": 4,
                                    "maxItems": 4,
                                    "items": {"type": "number"},
                                },
                            },
                            "crs": {"type": "string"},
                        },
                    },
                    "temporal": {
                        "type": "object",
                        "properties": {
                            "interval": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "minItems": 2,
                                    "maxItems": 2,
                                    "items": {"type": "string", "format": "date-time", "nullable": True},
                                },
                            },
                            "trs": {"type": "string"},
                        },
                    },
                },
            },
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
        },
    },
    "collections": {
        "type": "object",
        "required": ["links", "collections"],
        "properties": {
            "links": _LINKS,
            "collections": {"type": "array", "items": _ref("schemas", "collection")},
        },
    },
    "suggestion": {
        "type": "object",
        "description": "Only public fields: never an author, a name, an e-mail address or moderation data. "
        "The names and meanings are those of every other channel (geo/fields.py).",
        "properties": {
            **json_schema_properties(OGCAPI),
            "planning_status": {
                **json_schema_properties(OGCAPI)["planning_status"],
                "enum": ["received", "under_review", "planned", "implemented", "declined"],
            },
            # OpenAPI 3.0: a nullable enum lists null among its values.
            "line_drawing": {
                **json_schema_properties(OGCAPI)["line_drawing"],
                "enum": ["routed", "free", None],
            },
        },
    },
    "contextLayerAttributes": {
        "type": "object",
        "description": "A context layer's feature (collections `<slug>-layer-<id>`): the attributes of its "
        "source, flat, text or numbers; every feature has every attribute name of its layer, null where it "
        "has none.",
        "additionalProperties": True,
    },
    "queryables": {
        "type": "object",
        "required": ["type", "properties"],
        "properties": {
            "$schema": {"type": "string"},
            "$id": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
            "properties": {"type": "object", "additionalProperties": {"type": "object"}},
            "additionalProperties": {"type": "boolean"},
            "queryables": {"type": "array", "items": {"type": "object"}},
            "links": _LINKS,
        },
    },
    "featureGeoJSON": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {
                "type": "object",
                "description": "An RFC 7946 geometry: a suggestion's Point, LineString or Polygon; a context "
                "layer's also multi-part.",
            },
            "properties": {
                "anyOf": [_ref("schemas", "suggestion"), _ref("schemas", "contextLayerAttributes")]
            },
            "links": _LINKS,
        },
    },
    "featureCollectionGeoJSON": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
            "links": _LINKS,
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {
                "type": "integer",
                "minimum": 0,
                "description": "Suggestion collections: how many features match, wherever that is quick to "
                "know (see the API's documentation); absent otherwise.",
            },
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    },
}


# OGC API – Features Part 2: the CRS of the geometries of a features response, its URI in angle brackets.
_CONTENT_CRS = {
    "description": "The CRS of the geometries (`crs`), e.g. `<http://www.opengis.net/def/crs/EPSG/0/25832>`.",
    "schema": {"type": "string"},
}


def openapi_document(*, base_url: str, title: str, description: str) -> dict[str, Any]:
    """The document for the API served at `base_url` (absolute, without a trailing slash)."""
    f = _ref("parameters", "f")
    collection_id = _ref("parameters", "collectionId")
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "description": description, "version": "1.0.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "getLandingPage",
                    "summary": "Landing page",
                    "parameters": [f],
                    "responses": {"200": _ok("Links to the API's resources.", "landingPage"), **_ERRORS},
                }
            },
            "/conformance": {
                "get": {
                    "operationId": "getConformanceDeclaration",
                    "summary": "The conformance classes the API implements",
                    "parameters": [f],
                    "responses": {"200": _ok("Conformance classes.", "confClasses"), **_ERRORS},
                }
            },
            "/api": {
                "get": {
                    "operationId": "getAPIDefinition",
                    "summary": "This document",
                    "parameters": [f],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.0 document.",
                            "content": {OPENAPI_MEDIA_TYPE: {"schema": {"type": "object"}}},
                        },
                        **_ERRORS,
                    },
                }
            },
            "/collections": {
                "get": {
                    "operationId": "getCollections",
                    "summary": "One collection per project and geometry kind, one per public context layer",
                    "parameters": [f],
                    "responses": {"200": _ok("The collections.", "collections"), **_ERRORS, **_CREDENTIALS},
                }
            },
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "describeCollection",
                    "summary": "A collection: its extent, categories and links",
                    "parameters": [collection_id, f],
                    "responses": {
                        "200": _ok("The collection.", "collection"),
                        "404": _ref("responses", "NotFound"),
                        **_ERRORS,
                        **_CREDENTIALS,
                    },
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "getFeatures",
                    "summary": "Published suggestions or a layer's features, keyset-paged by id",
                    "parameters": [
                        collection_id,
                        # The parameters the items view takes (params.ITEMS_PARAMETERS), `f` last.
                        *(_ref("parameters", name) for name in ITEMS_PARAMETERS if name != "f"),
                        f,
                    ],
                    "responses": {
                        "200": {
                            **_ok(
                                "A page of features; a `next` link when there are more.",
                                "featureCollectionGeoJSON",
                                "application/geo+json",
                            ),
                            "headers": {"Content-Crs": _CONTENT_CRS},
                        },
                        "404": _ref("responses", "NotFound"),
                        **_ERRORS,
                        **_CREDENTIALS,
                    },
                }
            },
            "/collections/{collectionId}/queryables": {
                "get": {
                    "operationId": "getQueryables",
                    "summary": "The properties a filter on a suggestion collection can name (JSON Schema)",
                    "parameters": [collection_id, f],
                    "responses": {
                        "200": {
                            "description": "The queryables as a JSON Schema (`application/json` to clients "
                            "that ask only for JSON).",
                            "content": {
                                "application/schema+json": {"schema": _ref("schemas", "queryables")},
                                "application/json": {"schema": _ref("schemas", "queryables")},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                        "404": _ref("responses", "NotFound"),
                        **_ERRORS,
                        **_CREDENTIALS,
                    },
                }
            },
            "/collections/{collectionId}/sortables": {
                "get": {
                    "operationId": "getSortables",
                    "summary": "The properties a suggestion collection's items sort by (JSON Schema)",
                    "parameters": [collection_id, f],
                    "responses": {
                        "200": {
                            "description": "The sortables as a JSON Schema, in the shape of the queryables "
                            "(`application/json` to clients that ask only for JSON).",
                            "content": {
                                "application/schema+json": {"schema": _ref("schemas", "queryables")},
                                "application/json": {"schema": _ref("schemas", "queryables")},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                        "404": _ref("responses", "NotFound"),
                        **_ERRORS,
                    },
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "getFeature",
                    "summary": "One published suggestion, or one feature of a context layer",
                    "parameters": [
                        collection_id,
                        _ref("parameters", "featureId"),
                        _ref("parameters", "crs"),
                        f,
                    ],
                    "responses": {
                        "200": {
                            **_ok("The feature.", "featureGeoJSON", "application/geo+json"),
                            "headers": {"Content-Crs": _CONTENT_CRS},
                        },
                        "404": _ref("responses", "NotFound"),
                        **_ERRORS,
                        **_CREDENTIALS,
                    },
                }
            },
            **_tile_paths(f),
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
            "responses": {
                "InvalidParameter": _ok(
                    "A query parameter has an invalid value or is unknown: e.g. a filter that is not CQL2 "
                    "text, names an unknown property, compares a property with a value of another type or "
                    "holds an absurd geometry. The description says why.",
                    "exception",
                ),
                "NotFound": _ok("There is no such collection or feature.", "exception"),
                "Unauthorized": {
                    **_ok(
                        "Credentials that name no account: an API token as `Authorization: Token <token>`, "
                        "or HTTP Basic with the user name and the API token as the password (never the "
                        "account's password). Needed only for the staff collections (`<slug>-points-staff`).",
                        "exception",
                    ),
                    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                },
                "TooManyRequests": {
                    **_ok(
                        "Too many wrong credentials from this address: wait Retry-After seconds.", "exception"
                    ),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                },
                "Error": _ok("Something went wrong.", "exception"),
            },
        },
    }


def _tile_paths(f: dict[str, str]) -> dict[str, Any]:
    """OGC API – Tiles: the projects' vector tilesets and their tiling scheme. The tiles themselves are at
    /tiles/<slug>/{z}/{x}/{y}.pbf, outside this API's base URL (the tileset's `item` link)."""
    not_found = _ref("responses", "NotFound")
    tileset_id = _ref("parameters", "tilesetId")
    tms_id = _ref("parameters", "tileMatrixSetId")
    return {
        "/tiles": {
            "get": {
                "operationId": "getTileSetsList",
                "summary": "One vector tileset per public project (WebMercatorQuad)",
                "parameters": [f],
                "responses": {"200": _json_only("The tilesets.", ["links", "tilesets"]), **_ERRORS},
            }
        },
        "/tiles/{tilesetId}": {
            "get": {
                "operationId": "describeTileSet",
                "summary": "A project's tileset: its tile template, TileJSON and style",
                "parameters": [tileset_id, f],
                "responses": {
                    "200": _json_only("The tileset's metadata.", ["dataType", "tileMatrixSetURI", "links"]),
                    "404": not_found,
                    **_ERRORS,
                },
            }
        },
        "/tileMatrixSets": {
            "get": {
                "operationId": "getTileMatrixSetsList",
                "summary": "The tile matrix sets the tiles use",
                "parameters": [f],
                "responses": {"200": _json_only("The tile matrix sets.", ["tileMatrixSets"]), **_ERRORS},
            }
        },
        "/tileMatrixSets/{tileMatrixSetId}": {
            "get": {
                "operationId": "getTileMatrixSet",
                "summary": "WebMercatorQuad, as OGC's Tile Matrix Set 2.0 defines it",
                "parameters": [tms_id, f],
                "responses": {
                    "200": _json_only("The tile matrix set.", ["id", "crs", "tileMatrices"]),
                    "404": not_found,
                    **_ERRORS,
                },
            }
        },
    }
