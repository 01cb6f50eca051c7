"""The `bbox=minlon,minlat,maxlon,maxlat` parameter (WGS84, as in OGC API – Features and RFC 7946)."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@dataclass(frozen=True, slots=True)
class BBox:
    minlon: float
    minlat: float
    maxlon: float
    maxlat: float


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+$",
        "example": "8.38,48.99,8.42,49.02",
    }
)
class BBoxField(serializers.Field):
    default_error_messages = {
        "format": _(
            "bbox must be four numbers: west longitude, south latitude, east longitude, north latitude."
        ),
        "range": _("bbox must lie within longitude -180 to 180 and latitude -90 to 90."),
        "order": _("bbox minimum values must be smaller than its maximum values."),
    }

    def to_internal_value(self, data: object) -> BBox:
        parts = str(data).split(",")
        if len(parts) != 4:
            self.fail("format")
        try:
            minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
        except ValueError:
            self.fail("format")
        if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
            self.fail("format")
        if not (
            -180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90
        ):
            self.fail("range")
        if minlon >= maxlon or minlat >= maxlat:
            self.fail("order")
        return BBox(minlon, minlat, maxlon, maxlat)

    def to_representation(self, value: BBox) -> str:
        return f"{value.minlon},{value.minlat},{value.maxlon},{value.maxlat}"
