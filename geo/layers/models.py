"""A project's context layers and their features.

A layer's features are replaced only as a whole, in one transaction (geo.layers.imports): nothing reads a
half-imported layer. `geom_3857` is PostgreSQL's own copy for tiles, as participation's Suggestion has.

geo_context_feature is partitioned by layer (geo 0009, geo/sql/context_layer_partitions.sql): each layer's
features are a table of their own that an import builds apart and swaps in whole. Django sees one table.
"""

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db.models import Func, IntegerField, Q
from django.db.models.fields import BooleanField
from django.db.models.functions import Now
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class LayerRole(models.TextChoices):
    FACILITIES = "facilities", _("existing facilities of a category")
    DISTRICTS = "districts", _("statistical areas (districts)")
    REFERENCE = "reference", _("reference (shown only)")


class LayerIcon(models.TextChoices):
    CIRCLE = "circle", _("circle")
    SQUARE = "square", _("square")
    BICYCLE = "bicycle", _("bicycle")
    CHARGER = "charger", _("charging station")
    PIN = "pin", _("pin")


class LinePattern(models.TextChoices):
    SOLID = "solid", _("solid")
    DASHED = "dashed", _("dashed")
    DOTTED = "dotted", _("dotted")


class SourceKind(models.TextChoices):
    FILE = "file", _("file")
    URL = "url", _("URL")


class ContextLayer(models.Model):
    """One layer of a project: what it is for (`role`), how it looks, where its features came from and what
    the last import did with them (`import_report`, written by geo.layers.imports)."""

    project = models.ForeignKey(
        "participation.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=10, choices=LayerRole.choices)
    category = models.ForeignKey(
        "participation.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("The category whose demand these facilities meet (only for existing facilities)."),
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#555555", help_text=_("Hex colour such as #1b7f3b.")
    )
    icon = models.CharField(_("icon"), max_length=10, choices=LayerIcon.choices, blank=True)
    line_pattern = models.CharField(
        _("line pattern"), max_length=6, choices=LinePattern.choices, default=LinePattern.SOLID
    )
    attribution = models.CharField(
        _("attribution"), max_length=300, blank=True, help_text=_("Shown on the map, e.g. © OpenStreetMap.")
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    visible_by_default = models.BooleanField(_("visible by default"), default=False)
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "Shown on the public map, in its tiles and in the OGC API. Otherwise only the project's planners "
            "and moderators see it."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source_kind = models.CharField(
        _("source kind"), max_length=4, choices=SourceKind.choices, default=SourceKind.FILE
    )
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_layer = models.CharField(_("source layer"), max_length=200, blank=True)
    source_where = models.CharField(_("filter (where)"), max_length=1000, blank=True)
    source_srs = models.CharField(_("coordinate system of the source"), max_length=100, blank=True)
    refresh_hours = models.PositiveSmallIntegerField(
        _("refresh every (hours)"),
        null=True,
        blank=True,
        help_text=_("For a URL source: the worker imports it again this often. Empty: only when saved."),
    )
    refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True, editable=False)
    # The worker's last refresh that failed (geo.layers.refresh): the features stay those of the last success.
    refresh_failed_at = models.DateTimeField(_("last refresh failed"), null=True, blank=True, editable=False)
    refresh_error = models.TextField(_("refresh error"), blank=True, editable=False)
    import_report = models.JSONField(_("last import"), default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "geo_context_layer"
        verbose_name = _("context layer")
        verbose_name_plural = _("context layers")
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="context_layer_name_unique"),
            models.CheckConstraint(condition=Q(role__in=LayerRole.values), name="context_layer_role_valid"),
            # A layer of existing facilities meets the demand of exactly one category; no other role has one.
            models.CheckConstraint(
                condition=Q(role=LayerRole.FACILITIES, category__isnull=False)
                | (~Q(role=LayerRole.FACILITIES) & Q(category__isnull=True)),
                name="context_layer_category_iff_facilities",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="context_layer_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.role == LayerRole.FACILITIES and self.category_id is None:
            raise ValidationError({"category": _("A layer of existing facilities needs its category.")})
        if self.role != LayerRole.FACILITIES and self.category_id is not None:
            raise ValidationError({"category": _("Only a layer of existing facilities has a category.")})
        if self.category_id is not None and self.category.project_id != self.project_id:
            raise ValidationError({"category": _("The category must be one of the layer's project.")})


class ContextFeature(models.Model):
    """One feature of a layer: a valid, non-empty 2D geometry in EPSG:4326 and the source's attributes."""

    # In the database the primary key is (id, layer_id): a partitioned table's key must hold its partition
    # key. The ids come from one sequence, so `id` alone is unique as well.
    id = models.BigAutoField(primary_key=True)
    # No index of its own: the layer's partition is what it would find.
    layer = models.ForeignKey(ContextLayer, on_delete=models.CASCADE, related_name="features", db_index=False)
    geom = models.GeometryField(_("geometry"), srid=4326)
    # Web Mercator copy for tiles, computed by PostgreSQL itself so it can never drift from geom.
    geom_3857 = models.GeneratedField(
        expression=Transform("geom", 3857),
        output_field=models.GeometryField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    properties = models.JSONField(_("attributes"), default=dict, blank=True)
    source_id = models.CharField(_("id in the source"), max_length=100, blank=True)

    class Meta:
        db_table = "geo_context_feature"
        verbose_name = _("context feature")
        verbose_name_plural = _("context features")
        # geom has its GiST index from the field (spatial_index); the tiles read geom_3857. The OGC API pages
        # a layer by id (`layer_id = … AND id > after ORDER BY id`): in the layer's own partition
        # (geo 0012) its key (id, layer_id) starts at `after` without walking past other layers' features.
        indexes = [
            GistIndex(fields=["geom_3857"], name="context_feature_3857_gist"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="context_feature_geom_valid"),
            models.CheckConstraint(
                condition=Q(Exact(Func("geom", function="ST_NDims", output_field=IntegerField()), 2)),
                name="context_feature_geom_2d",
            ),
            models.CheckConstraint(
                condition=Q(Exact(Func("geom", function="ST_IsEmpty", output_field=BooleanField()), False)),
                name="context_feature_geom_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layer_id}/{self.pk}"


class ContextTileCache(models.Model):
    """A vector tile of one layer as it was served, kept until the layer's features change.

    Derived data, like geo's TileCache: a layer's features change only by a whole import
    (geo/sql/context_layer_replace.sql), and the import forgets the layer's tiles in its own transaction
    (geo.tiles.services.layer_tile_cache_forget); a tile is stored only if no import committed while it was
    being built (context_tile_cache_store.sql). A row is therefore always what building the tile afresh would
    give; deleting any or all rows is always safe. Whether a visitor may see the layer is asked before the
    cache, never stored in it.
    """

    pk = models.CompositePrimaryKey("layer_id", "z", "x", "y")
    # The primary key's index starts with the layer: a separate index on it would only cost writes.
    layer = models.ForeignKey(ContextLayer, on_delete=models.CASCADE, related_name="+", db_index=False)
    z = models.SmallIntegerField(_("zoom"))
    x = models.IntegerField(_("column"))
    y = models.IntegerField(_("row"))
    etag = models.CharField(_("ETag"), max_length=32)  # md5 of mvt, hex
    mvt = models.BinaryField(_("tile"))  # empty: nothing of the layer in this tile
    created_at = models.DateTimeField(_("created"), db_default=Now())

    class Meta:
        db_table = "geo_context_tile_cache"
        verbose_name = _("cached context-layer tile")
        verbose_name_plural = _("cached context-layer tiles")

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y} of layer {self.layer_id}"


class ContextTileGeneration(models.Model):
    """How many imports have replaced a layer's features: the tile cache's guard against storing a tile built
    from features that were replaced meanwhile. A layer gets its row with its first import."""

    layer = models.OneToOneField(ContextLayer, on_delete=models.CASCADE, primary_key=True, related_name="+")
    generation = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        db_table = "geo_context_tile_generation"
        verbose_name = _("context-layer tile generation")
        verbose_name_plural = _("context-layer tile generations")

    def __str__(self) -> str:
        return f"layer {self.layer_id}: {self.generation}"
