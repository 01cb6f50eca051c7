"""OpenAPI descriptions of the GeoJSON geometries the API takes (RFC 7946, WGS84 lon/lat).

The schema tells clients (and schemathesis, which generates requests from it) what a geometry looks like:
a Point's coordinates are two numbers, a LineString's two to MAX_VERTICES positions. What the schema cannot
say (inside the project area, not crossing itself, at most 30 km) the gate `geo.core.geometry` checks, with a
400 and a message.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .geometry import MAX_VERTICES

POSITION: dict[str, Any] = {
    "type": "array",
    "description": "Longitude, latitude (WGS84); no height.",
    "items": {"type": "number", "minimum": -180, "maximum": 180},
    "minItems": 2,
    "maxItems": 2,
    "example": [8.4037, 49.0069],
}
POINT: dict[str, Any] = {
    "type": "object",
    "title": "Point",
    "required": ["type", "coordinates"],
    "properties": {"type": {"type": "string", "enum": ["Point"]}, "coordinates": POSITION},
    "example": {"type": "Point", "coordinates": [8.4037, 49.0069]},
}
LINE_STRING: dict[str, Any] = {
    "type": "object",
    "title": "LineString",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["LineString"]},
        "coordinates": {"type": "array", "items": POSITION, "minItems": 2, "maxItems": MAX_VERTICES},
    },
    "example": {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.005], [8.42, 49.01]]},
}
POLYGON: dict[str, Any] = {
    "type": "object",
    "title": "Polygon",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Polygon"]},
        "coordinates": {
            "type": "array",
            "items": {"type": "array", "items": POSITION, "minItems": 4},
            "minItems": 1,
        },
    },
}
# What a suggestion's category may take (its geometry kind decides which one).
GEOMETRY: dict[str, Any] = {
    "oneOf": [POINT, LINE_STRING, POLYGON],
    "description": "An RFC 7946 geometry in WGS84 of the category's kind, inside the project area.",
}
# What a drawing (a duplicate check) may be.
DRAWN_GEOMETRY: dict[str, Any] = {"oneOf": [POINT, LINE_STRING]}


@extend_schema_field(GEOMETRY)
class GeometryField(serializers.JSONField):
    """A decoded GeoJSON geometry, passed on as it came: `geo.core.geometry` checks it."""


@extend_schema_field(DRAWN_GEOMETRY)
class DrawnGeometryField(serializers.JSONField):
    """A Point or LineString being drawn, passed on as it came: `geo.core.geometry` checks it."""
