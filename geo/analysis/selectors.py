"""Reads of the coverage analysis for the planners' coverage page: demand met and unmet per category, the
figures per district and the gaps. Everything comes from the tables the triggers keep (geo/analysis/models),
so a page view costs a few small queries, not a pass over the suggestions."""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, NullIf

from participation.models import Category, Project, Suggestion
from participation.selectors import feeds as feed_selectors

from ..layers.models import ContextFeature, ContextLayer, LayerRole
from ..sql import SQL
from .district_keys import KEY_FORM, KEY_MAX, SEPARATOR, SOURCE_MAX, Named, district_keys, spelled
from .errors import (
    FEED_NAME_GONE,
    FEED_NAME_SHARED,
    FEED_NUMBER_GONE,
    DistrictFeedGone,
    DistrictFeedMoved,
    DistrictNotFound,
)
from .models import AnalysisState, District, SuggestionAnalysis

GAPS_MAX = 30


@dataclass(frozen=True, slots=True)
class CategoryCoverage:
    category: Category
    facilities: int
    suggestions: int
    supports: int
    covered: int
    covered_supports: int

    @property
    def unmet(self) -> int:
        return self.suggestions - self.covered

    @property
    def unmet_supports(self) -> int:
        return self.supports - self.covered_supports

    @property
    def covered_percent(self) -> float | None:
        return 100 * self.covered / self.suggestions if self.suggestions else None


@dataclass(frozen=True, slots=True)
class DistrictRow:
    id: int
    name: str
    area_km2: float
    nested_in: int | None
    is_leaf: bool
    suggestions: int
    supports: int
    covered: int
    facilities: int
    geometry: dict[str, Any]

    @property
    def per_km2(self) -> float:
        return self.suggestions / self.area_km2 if self.area_km2 else 0.0

    @property
    def per_facility(self) -> float | None:
        return self.suggestions / self.facilities if self.facilities else None


@dataclass(frozen=True, slots=True)
class Gap:
    suggestions: int
    supports: int
    lon: float
    lat: float
    nearest_m: float
    category: Category
    suggestion_ids: list[int]
    titles: list[str]


def _rows(name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(SQL.load(name), params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def coverage_by_category(*, project: Project) -> list[CategoryCoverage]:
    """Each category that has existing facilities: how much of its published demand lies within the
    project's coverage distance of one."""
    categories = {c.pk: c for c in Category.objects.filter(project=project)}
    return [
        CategoryCoverage(
            category=categories[row["id"]],
            facilities=row["facilities"],
            suggestions=row["suggestions"],
            supports=row["supports"],
            covered=row["covered"],
            covered_supports=row["covered_supports"],
        )
        for row in _rows("analysis_coverage", {"project_id": project.pk})
    ]


def district_figures(*, project: Project, category: Category | None = None) -> list[DistrictRow]:
    """The districts of the project's districts layer, the ones holding others first, then by demand."""
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.compose("analysis_districts", districts="analysis_district_rows"),
            {"project_id": project.pk, "category_id": category.pk if category else None},
        )
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return [
        DistrictRow(
            id=row["id"],
            name=row["name"],
            area_km2=row["area_km2"],
            nested_in=row["nested_in"],
            is_leaf=row["is_leaf"],
            suggestions=int(row["suggestions"]),
            supports=int(row["supports"]),
            covered=int(row["covered"]),
            facilities=int(row["facilities"]),
            geometry=json.loads(row["geometry"]),
        )
        for row in rows
    ]


def coverage_gaps(*, project: Project, limit: int = GAPS_MAX) -> list[Gap]:
    """Places of unmet demand, most supported first."""
    categories = {c.pk: c for c in Category.objects.filter(project=project)}
    return [
        Gap(
            suggestions=row["suggestions"],
            supports=int(row["supports"]),
            lon=row["lon"],
            lat=row["lat"],
            nearest_m=row["nearest_m"],
            category=categories[row["category_id"]],
            suggestion_ids=list(row["ids"]),
            titles=list(row["titles"]),
        )
        for row in _rows("analysis_gaps", {"project_id": project.pk, "limit": limit})
    ]


@dataclass(frozen=True, slots=True)
class PathShare:
    id: int
    title: str
    supports: int
    category: Category
    share: float  # 0..1 of its length along the existing lines of its category
    length_m: float


@dataclass(frozen=True, slots=True)
class PathShares:
    total: int
    overall_share: float | None  # weighted by length
    paths: list[PathShare]


def path_shares(*, project: Project, limit: int = GAPS_MAX) -> PathShares:
    """Suggested paths against the existing network: the most supported ones and the share of all."""
    categories = {c.pk: c for c in Category.objects.filter(project=project)}
    rows = _rows("analysis_paths", {"project_id": project.pk, "limit": limit})
    return PathShares(
        total=rows[0]["total"] if rows else 0,
        overall_share=rows[0]["overall_share"] if rows else None,
        paths=[
            PathShare(
                id=row["id"],
                title=row["title"],
                supports=row["support_count"],
                category=categories[row["category_id"]],
                share=row["network_share"],
                length_m=row["length_m"],
            )
            for row in rows
        ],
    )


def analysis_state(*, project: Project) -> AnalysisState | None:
    return AnalysisState.objects.filter(project_id=project.pk).first()


# A district's number in an address: a feature id (bigint), as the `<slug>-districts` collection shows it.
DISTRICT_ID = re.compile(r"[1-9][0-9]{0,17}")


def _public_districts_layer(project: Project) -> int:
    """The id of the project's districts layer (the first by position, as the analysis takes it) when that
    layer is public; otherwise the project has no public districts."""
    layer = (
        ContextLayer.objects.filter(project_id=project.pk, role=LayerRole.DISTRICTS)
        .order_by("position", "id")
        .values("id", "public")
        .first()
    )
    if layer is None or not layer["public"]:
        raise DistrictNotFound()
    return layer["id"]


def districts_public(*, project: Project) -> list[District]:
    """The districts of the project's public districts layer by name, each with its feed's `key`
    (district_keys); none such layer: DistrictNotFound."""
    return _districts_keyed(_public_districts_layer(project), project)


def _districts_keyed(layer_id: int, project: Project) -> list[District]:
    """The layer's districts as the analysis holds them (geo_district, which the feeds read: between an
    import's commit and the worker's rebuild it still holds the old ones, under the same names), each with
    its key. The id in the source comes from the feature; a feature already replaced by an import has none."""
    source = ContextFeature.objects.filter(pk=OuterRef("feature_id")).values("source_id")[:1]
    districts = list(
        District.objects.filter(project_id=project.pk, layer_id=layer_id)
        .annotate(source_key=Coalesce(Subquery(source), Value(""), output_field=TextField()))
        .order_by("name", "pk")
    )
    keys = district_keys(Named(d.feature_id, d.name, d.source_key, d.area_km2) for d in districts)
    for district in districts:
        district.key = keys[district.feature_id]
    return districts


def projects_with_public_districts(*, project_ids: list[int]) -> set[int]:
    """Which of these projects have a public districts layer (their first by position), in one query."""
    first: dict[int, bool] = {}
    rows = (
        ContextLayer.objects.filter(project_id__in=project_ids, role=LayerRole.DISTRICTS)
        .order_by("project_id", "position", "id")
        .values_list("project_id", "public")
    )
    for project_id, public in rows:
        first.setdefault(project_id, public)
    return {project_id for project_id, public in first.items() if public}


# A district as an alert keeps it: its areal parts as one MultiPolygon (a districts layer holds only areas;
# ST_CollectionExtract keeps it so whatever the import let through).
def _areal() -> Func:
    return Func(
        Func("geom", Value(3), function="ST_CollectionExtract"),
        function="ST_Multi",
        output_field=MultiPolygonField(srid=4326),
    )


def district_area(*, district: District) -> tuple[GEOSGeometry, str]:
    """The district's polygon as its layer holds it (EPSG:4326, one MultiPolygon) and its id in the layer's
    source ('' if it has none): what an alert for it keeps."""
    row = (
        ContextFeature.objects.filter(pk=district.feature_id, layer_id=district.layer_id)
        .annotate(areal=_areal())
        .values_list("areal", "source_id")
        .first()
    )
    if row is None or row[0] is None or row[0].empty:
        raise DistrictNotFound()
    return row


def districts_for_alerts(*, project_id: int) -> QuerySet:
    """The project's districts as district alerts follow them (participation's alert_districts_follow):
    number, id in the source, name and area of each feature of the project's districts layer (the first by
    position, as the analysis and the districts page take it), named as the analysis names them
    (geo_analysis_rebuild: the `name` attribute, else the source's id, else the number). Read from the
    features themselves, not from geo_district, which the worker rebuilds only after an import commits.
    No districts layer: None. A layer that is not public: DistrictNotFound (alerts are made from public
    districts only, and a hidden layer's names must not reach them)."""
    layer = (
        ContextLayer.objects.filter(project_id=project_id, role=LayerRole.DISTRICTS)
        .order_by("position", "id")
        .values("id", "public")
        .first()
    )
    if layer is None:
        return None
    if not layer["public"]:
        raise DistrictNotFound()
    return (
        ContextFeature.objects.filter(layer_id=layer["id"])
        .annotate(
            number=F("id"),
            key=F("source_id"),
            name=Coalesce(
                NullIf(KT("properties__name"), Value(""), output_field=TextField()),
                NullIf(F("source_id"), Value(""), output_field=TextField()),
                Cast("id", output_field=TextField()),
                output_field=TextField(),
            ),
            area=_areal(),
        )
        .values_list("number", "key", "name", "area")
        .order_by()
    )


def district_public_get(*, project: Project, district_id: str) -> District:
    """A district of the project's districts layer (the first by position, as the analysis takes it) when
    that layer is public; anything else, a malformed number included, is the same not-found."""
    if not DISTRICT_ID.fullmatch(district_id):
        raise DistrictNotFound()
    layer_id = _public_districts_layer(project)
    district = District.objects.filter(
        project_id=project.pk, layer_id=layer_id, feature_id=int(district_id)
    ).first()
    if district is None:
        raise DistrictNotFound()
    return district


def district_feed_find(*, project: Project, key: str) -> District:
    """The district a feed's address names, with its `key`: the key it has now (district_keys), or
    DistrictFeedMoved with the key when the address is an older form of it: its number (while that feature
    exists; readers of the feeds from before keys hold such addresses), or a key of two districts of one name
    whose source id still tells which. Anything else is DistrictFeedGone with the reason, never a guess:
    - a number of a feature that an import replaced: nothing keeps which district it was (the analysis's
      table is rebuilt, the alerts move on to the new numbers, and feature numbers are never reused);
    - a name no district has any more: renamed or removed. A rename is not followed: the id in the source
      may be a row number (the alerts follow a rename only where the old and new polygons overlap, and an
      address keeps no polygon), and a feed under the old name would be another district's to its reader;
    - a name that several districts share since: which one was meant cannot be told."""
    try:
        layer_id = _public_districts_layer(project)
    except DistrictNotFound:
        raise DistrictFeedGone(listed=False) from None
    if len(key) > KEY_MAX or not (key.isdigit() or KEY_FORM.fullmatch(key)):
        raise DistrictFeedGone()
    districts = _districts_keyed(layer_id, project)
    for district in districts:
        if district.key == key:
            return district
    if key.isdigit():
        number = int(key) if len(key) <= 18 else None
        for district in districts:
            if district.feature_id == number:
                raise DistrictFeedMoved(district.key)
        raise DistrictFeedGone(FEED_NUMBER_GONE)
    name, _sep, told_apart = key.partition(SEPARATOR)
    alike = [d for d in districts if d.key.partition(SEPARATOR)[0] == name]
    for district in alike:
        if told_apart and spelled(district.source_key, SOURCE_MAX) == told_apart:
            raise DistrictFeedMoved(district.key)
    raise DistrictFeedGone(FEED_NAME_SHARED if len(alike) > 1 else FEED_NAME_GONE)


def district_feed_suggestions(*, project: Project, district: District) -> list[Suggestion]:
    """The newest published suggestions in a district: those whose smallest district is it or one of the
    districts it holds (one level: a town's Stadtteile in an Ortschaft), in one query with the analysis's
    per-suggestion row (kept exact by its trigger) as a subquery."""
    held = District.objects.filter(project_id=project.pk, nested_in=district.pk).values("feature_id")
    among = SuggestionAnalysis.objects.filter(
        Q(district_id=district.pk) | Q(district_id__in=held), project_id=project.pk
    ).values("suggestion_id")
    return feed_selectors.feed_suggestions(project=project, among=among)
