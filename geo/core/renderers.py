"""GeoJSON as a response type: clients may ask for application/geo+json (RFC 7946); errors stay JSON."""

from rest_framework.renderers import JSONRenderer

GEOJSON = "application/geo+json"


class GeoJSONRenderer(JSONRenderer):
    media_type = GEOJSON
    format = "geojson"
