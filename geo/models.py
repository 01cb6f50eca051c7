"""geo's own tables: the per-zoom cluster aggregate behind the map's low-zoom view, and export jobs.

`ClusterCell` is derived data: PostgreSQL keeps it exact with a trigger on participation_suggestion
(`geo/sql/cluster_trigger.sql`), and `geo.services.cluster_rebuild` recomputes it from scratch for repair
and bulk loads. No Python code writes it row by row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core.grid import CLUSTER_MAX_ZOOM


class ClusterCell(models.Model):
    """Published suggestions of one category whose anchor lies in one grid cell at one zoom.

    Invariant: for every (project, zoom, cell, category) the row exists exactly when at least one published
    suggestion is there, `count` is their number and `sum_x`/`sum_y` are the sums of their anchors' EPSG:3857
    coordinates, so sum/count is the cluster's centre. Pending, rejected and hidden suggestions never count.
    """

    # The unique constraint's index starts with project: a separate index on it would only cost writes.
    project = models.ForeignKey(
        "participation.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    zoom = models.SmallIntegerField(_("zoom"))
    cell_x = models.IntegerField(_("cell column"))
    cell_y = models.IntegerField(_("cell row"))
    category = models.ForeignKey("participation.Category", on_delete=models.CASCADE, related_name="+")
    count = models.IntegerField(_("published suggestions"))
    sum_x = models.FloatField(_("sum of x (EPSG:3857)"))
    sum_y = models.FloatField(_("sum of y (EPSG:3857)"))

    class Meta:
        db_table = "geo_cluster_cell"
        verbose_name = _("cluster cell")
        verbose_name_plural = _("cluster cells")
        constraints = [
            # The primary lookup (project, zoom, a range of cells, categories) and the trigger's ON CONFLICT
            # target, in this column order.
            models.UniqueConstraint(
                fields=["project", "zoom", "cell_x", "cell_y", "category"], name="cluster_cell_unique"
            ),
            # An empty cell is deleted, never kept with count 0: a row means "something is here".
            models.CheckConstraint(condition=Q(count__gt=0), name="cluster_cell_count_positive"),
            models.CheckConstraint(
                condition=Q(zoom__gte=0, zoom__lte=CLUSTER_MAX_ZOOM), name="cluster_cell_zoom_range"
            ),
        ]

    def __str__(self) -> str:
        return f"z{self.zoom}/{self.cell_x}/{self.cell_y} category {self.category_id}: {self.count}"


class ExportFormat(models.TextChoices):
    """What a planner can download. GeoJSON and CSV stream from PostgreSQL's COPY; GDAL writes the rest."""

    GEOJSON = "geojson", "GeoJSON"
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel (XLSX)")
    GPKG = "gpkg", "GeoPackage"
    SHAPEFILE = "shp", _("Shapefile (zip)")
    KML = "kml", "KML"


class ExportJobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """A GDAL export too large to write during the request: the worker writes it, the planner downloads it.

    The file lives under settings.EXPORT_ROOT (never in public media) and is served only to people who may
    plan in the project, until `expires_at`. `filters` is the validated query, kept for the provenance.
    The id is random so that a job's URL says nothing about how many exports exist.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("participation.Project", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=7, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=7, choices=ExportJobState.choices, default=ExportJobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    feature_count = models.PositiveIntegerField(_("suggestions"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        db_table = "geo_export_job"
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "-created_at"], name="export_job_by_project")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_job_progress_range"),
            models.CheckConstraint(
                condition=Q(state__in=ExportJobState.values), name="export_job_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_job_format_valid"
            ),
            # A finished file has a name and a size; nothing else does.
            models.CheckConstraint(
                condition=Q(state=ExportJobState.DONE, size__isnull=False) & ~Q(file_name="")
                | ~Q(state=ExportJobState.DONE),
                name="export_job_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export {self.pk} ({self.state})"


class TileLayer(models.TextChoices):
    """What a vector tile holds: one layer or none (geo/tiles/selectors.py decides which)."""

    CLUSTERS = "clusters", _("clusters")
    SUGGESTIONS = "suggestions", _("suggestions")
    EMPTY = "empty", _("nothing")


class TileCache(models.Model):
    """A vector tile as it was served, kept until the data under it changes.

    Derived data, like ClusterCell: PostgreSQL deletes the rows of every tile a change touches, in the same
    transaction as the change (geo/sql/tile_cache_trigger.sql), and geo.tiles.services stores a tile
    only if no change committed while it was being built. A row here is therefore always what building the
    tile afresh would give; deleting any or all rows is always safe.
    """

    pk = models.CompositePrimaryKey("project_id", "z", "x", "y")
    # The primary key's index starts with project: a separate index on it would only cost writes.
    project = models.ForeignKey(
        "participation.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    z = models.SmallIntegerField(_("zoom"))
    x = models.IntegerField(_("column"))
    y = models.IntegerField(_("row"))
    layer = models.CharField(_("layer"), max_length=11, choices=TileLayer.choices)
    etag = models.CharField(_("ETag"), max_length=32)  # md5 of mvt, hex
    mvt = models.BinaryField(_("tile"))
    created_at = models.DateTimeField(_("created"), db_default=Now())

    class Meta:
        db_table = "geo_tile_cache"
        verbose_name = _("cached tile")
        verbose_name_plural = _("cached tiles")
        constraints = [
            models.CheckConstraint(condition=Q(layer__in=TileLayer.values), name="tile_cache_layer_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y} of project {self.project_id} ({self.layer})"


class TileGeneration(models.Model):
    """How many committed changes of a project have touched its tiles: the cache's guard against storing a
    tile built from data that changed meanwhile (geo.tiles.services.tile_cache_store)."""

    project = models.OneToOneField(
        "participation.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        db_table = "geo_tile_generation"
        verbose_name = _("tile generation")
        verbose_name_plural = _("tile generations")

    def __str__(self) -> str:
        return f"project {self.project_id}: {self.generation}"


# Context layers live in geo.layers and are registered under app `geo` from here.
from .analysis.models import AnalysisState, District, DistrictFigure, SuggestionAnalysis  # noqa: E402, F401
from .layers.models import (  # noqa: E402, F401
    ContextFeature,
    ContextLayer,
    ContextTileCache,
    ContextTileGeneration,
)
from .network.demand import SegmentDemand, SuggestionEdge  # noqa: E402, F401
from .network.models import NetworkEdge, NetworkVertex, StreetNetwork  # noqa: E402, F401
from .places.models import Place, PlaceKind, PlaceSource, SuggestionPlace  # noqa: E402, F401
