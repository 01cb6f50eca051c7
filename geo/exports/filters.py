"""What an export holds: the filters a planner (or the open-data download) chooses, validated into values.

One form serves the export page and the API. The API's list parameters may be comma-separated
(`category=a,b`) or repeated (`category=a&category=b`); the page sends repeated ones. Every value that
reaches SQL is a checked enum value, a category id, a date or a geometry rebuilt from numbers, and is bound
as a parameter, so no filter text reaches the database as text.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.validators import MaxValueValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from participation.models import ModerationState, PlanningStatus, Project
from participation.rules import PLANNER_STATES

from ..core.bbox import BBox, BBoxField
from ..core.geometry import geometry_from_geojson
from ..photo_links import photo_url_params

# A drawn area is for choosing a district, not a parcel: its text stays small.
AREA_MAX_BYTES = 64 * 1024
LIST_FIELDS = ("category", "state", "status")
# A GDAL layer per geometry kind; PostGIS's GeometryType() names them so.
GEOMETRY_TYPES = {"point": "POINT", "line": "LINESTRING", "polygon": "POLYGON"}


class ExportFilterInvalid(DomainError):
    code = "invalid_filter"
    default_message = _("The export filter is not valid.")


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Validated filters. Empty tuples mean "all"; `area` is in WGS84."""

    categories: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    states: tuple[str, ...] = (ModerationState.PUBLISHED,)
    statuses: tuple[str, ...] = ()
    created_from: date | None = None
    created_to: date | None = None
    bbox: BBox | None = None
    area: GEOSGeometry | None = field(default=None, compare=False)

    def sql_params(
        self,
        *,
        project_id: int,
        kind: str | None = None,
        id_after: int | None = None,
        id_until: int | None = None,
    ) -> dict[str, Any]:
        """The parameters of geo/sql/export_rows.sql; `kind` and the id slice narrow it for GDAL layers."""
        return {
            "project_id": project_id,
            "states": list(self.states),
            "geometry_type": GEOMETRY_TYPES[kind] if kind else None,
            "category_ids": list(self.category_ids) or None,
            "statuses": list(self.statuses) or None,
            "created_from": _day_start(self.created_from),
            "created_before": _day_start(self.created_to + timedelta(days=1)) if self.created_to else None,
            "area": self.area_wkt(),
            "id_after": id_after,
            "id_until": id_until,
            # The zone the exports write their times in (geo/fields.py); the outer queries use it.
            "time_zone": settings.TIME_ZONE,
            # The pieces of the photo links (geo/photo_links.py).
            **photo_url_params(),
        }

    def area_wkt(self) -> str | None:
        shapes = [g for g in (self.area, _bbox_polygon(self.bbox)) if g is not None]
        if not shapes:
            return None
        # Both given: the suggestions must lie in both, i.e. in their intersection.
        shape = shapes[0] if len(shapes) == 1 else shapes[0].intersection(shapes[1])
        return shape.wkt

    def as_query(self) -> dict[str, str]:
        """The filters as query parameters: for the provenance, for jobs and for links that repeat them."""
        query = {
            "category": ",".join(self.categories),
            "state": ",".join(self.states),
            "status": ",".join(self.statuses),
            "created_from": self.created_from.isoformat() if self.created_from else "",
            "created_to": self.created_to.isoformat() if self.created_to else "",
            "bbox": BBoxField().to_representation(self.bbox) if self.bbox else "",
            "area": self.area.json if self.area is not None else "",
        }
        return {key: value for key, value in query.items() if value}


def _day_start(day: date | None) -> datetime | None:
    # Dates are the project's days (TIME_ZONE), as the planner reads them on the page.
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def _bbox_polygon(bbox: BBox | None) -> Polygon | None:
    if bbox is None:
        return None
    return Polygon.from_bbox((bbox.minlon, bbox.minlat, bbox.maxlon, bbox.maxlat))


# "Until" means before the next day's start: the day after 9999-12-31 does not exist (a 500 before).
DATE_BOUNDS = [MaxValueValidator(date(9998, 12, 31))]


class ExportFilterForm(forms.Form):
    category = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    state = forms.MultipleChoiceField(
        label=_("Moderation state"),
        required=False,
        choices=[(s.value, s.label) for s in PLANNER_STATES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without a choice: published suggestions only."),
    )
    status = forms.MultipleChoiceField(
        label=_("Planning status"),
        required=False,
        choices=PlanningStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    created_from = forms.DateField(
        label=_("Submitted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    created_to = forms.DateField(
        label=_("Submitted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    bbox = forms.CharField(
        label=_("Bounding box"),
        required=False,
        max_length=200,
        help_text=_(
            "West, south, east, north in WGS84, e.g. 8.38,48.99,8.42,49.02 (as QGIS copies an extent)."
        ),
    )
    area = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict | dict | None, *, project: Project, public: bool = False) -> None:
        super().__init__(_split_lists(data) if data is not None else None)
        self.project = project
        self.categories = {c.key: c for c in project.categories.order_by("position", "id")}
        self.fields["category"].choices = [(c.key, c.label) for c in self.categories.values()]
        if public:
            # Open data is published suggestions only; moderation is nobody else's business.
            del self.fields["state"]

    def clean_bbox(self) -> BBox | None:
        value = self.cleaned_data["bbox"].strip()
        if not value:
            return None
        try:
            return BBoxField().to_internal_value(value)
        except Exception as error:  # DRF's ValidationError carries the translated sentence
            raise forms.ValidationError(_first(error)) from None

    def clean_area(self) -> GEOSGeometry | None:
        value = self.cleaned_data["area"].strip()
        if not value:
            return None
        if len(value) > AREA_MAX_BYTES:
            raise forms.ValidationError(_("The drawn area has too many corners."))
        try:
            decoded = json.loads(value, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise forms.ValidationError(_("The drawn area is not valid GeoJSON.")) from None
        try:
            # The same rules as an area drawn by a citizen; never outside what WGS84 can hold.
            return geometry_from_geojson(decoded, kind="polygon", area=None)
        except DomainError as error:
            raise forms.ValidationError(_("The drawn area: %(reason)s") % {"reason": error.message}) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date lies before the start date."))
        return data

    def export_filter(self) -> ExportFilter:
        """The validated filters; call after is_valid()."""
        data = self.cleaned_data
        keys = tuple(data["category"])
        return ExportFilter(
            categories=keys,
            category_ids=tuple(self.categories[key].pk for key in keys),
            states=tuple(data.get("state") or (ModerationState.PUBLISHED,)),
            statuses=tuple(data["status"]),
            created_from=data["created_from"],
            created_to=data["created_to"],
            bbox=data["bbox"],
            area=data["area"],
        )

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else None
            return f"{label}: {errors[0]}" if label and name != "__all__" else str(errors[0])
        return str(ExportFilterInvalid.default_message)


def export_filter_from_query(
    query: QueryDict | dict, *, project: Project, public: bool = False, allowed_extra: tuple[str, ...] = ()
) -> ExportFilter:
    """Validate an API query: unknown parameters are refused, so a typo never widens an export."""
    form = ExportFilterForm(query, project=project, public=public)
    unknown = sorted(set(query) - set(form.fields) - set(allowed_extra))
    if unknown:
        raise ExportFilterInvalid(
            _("Unknown parameter %(names)s. Known ones: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join([*form.fields, *allowed_extra])}
        )
    if not form.is_valid():
        raise ExportFilterInvalid(form.first_error())
    return form.export_filter()


def _split_lists(data: QueryDict | dict) -> QueryDict:
    """A copy of `data` in which comma-separated list values are split into repeated values."""
    result = QueryDict(mutable=True)
    for key in data:
        values = data.getlist(key) if isinstance(data, QueryDict) else _as_list(data[key])
        if key in LIST_FIELDS:
            values = [part.strip() for value in values for part in str(value).split(",") if part.strip()]
        result.setlist(key, values)
    return result


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _first(error: Exception) -> str:
    detail = getattr(error, "detail", None)
    if isinstance(detail, list) and detail:
        return str(detail[0])
    return str(detail or error)
