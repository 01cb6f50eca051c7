"""Projects and their categories: where and when a project takes suggestions, how they are moderated, and
which kinds of geometry each category draws."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Func, Q, Value
from django.utils.translation import gettext_lazy as _


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: nothing is public before approval")
    POST = "post", _("Post-moderation: public at once, reviewed afterwards")


class Project(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.MultiPolygonField(
        _("area"), srid=4326, help_text=_("Suggestions must lie inside this area.")
    )
    phase_start = models.DateTimeField(_("participation starts"))
    phase_end = models.DateTimeField(_("participation ends"))
    moderation_mode = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    allow_anonymous = models.BooleanField(_("anonymous participation allowed"), default=False)
    premoderate_photos = models.BooleanField(
        _("pre-moderate photos"),
        default=True,
        db_default=True,
        help_text=_(
            "Photos wait for a moderator's approval before anyone else sees them, even where suggestions "
            "and comments are published at once (post-moderation)."
        ),
    )
    auto_hide_reports = models.PositiveSmallIntegerField(
        _("hide after reports"),
        default=3,
        db_default=3,
        help_text=_(
            "A published suggestion or comment is hidden until a moderator decides once this many "
            "independent people have reported it. 0 never hides automatically."
        ),
    )
    coverage_distance_m = models.PositiveSmallIntegerField(
        _("coverage distance (m)"),
        default=300,
        db_default=300,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
        help_text=_(
            "Demand within this distance of an existing facility of its kind counts as met; farther away it "
            "is a gap (the planners' coverage analysis)."
        ),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("A project that is not public is invisible outside the admin, e.g. while it is set up."),
    )
    results_summary = models.TextField(
        _("results summary"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "What came of the project, in a few paragraphs: shown at the top of the public results page once "
            "participation has ended. Plain text; a blank line starts a new paragraph."
        ),
    )
    area_attribution = models.CharField(
        _("area source"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Credit for the area's outline where pages draw it, e.g. “© OpenStreetMap contributors (ODbL)” "
            "for a boundary taken from OpenStreetMap. Blank for the town's own data."
        ),
    )
    map_center = models.PointField(_("map centre"), srid=4326)
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=13)
    # The websites that may show the map in a frame (/embed/<slug>/): normalised origins, checked by the
    # admin's form (participation/embedding.py) and again when they go into the embed page's header.
    embed_origins = ArrayField(
        models.CharField(max_length=300),
        verbose_name=_("websites that may embed the map"),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=300))),
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-phase_start", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase_end__gt=models.F("phase_start")), name="project_phase_order"
            ),
            models.CheckConstraint(
                condition=Q(map_zoom__gte=1, map_zoom__lte=20), name="project_map_zoom_range"
            ),
            models.CheckConstraint(
                condition=Q(moderation_mode__in=ModerationMode.values), name="project_moderation_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GeometryKind(models.TextChoices):
    POINT = "point", _("Point")
    LINE = "line", _("Line")
    POLYGON = "polygon", _("Area")


class Category(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="categories")
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Stable identifier used in the API and exports.")
    )
    label = models.CharField(_("label"), max_length=100)
    geometry_kind = models.CharField(_("geometry"), max_length=7, choices=GeometryKind.choices)
    colour = models.CharField(_("colour"), max_length=7, help_text=_("Hex colour such as #1b7f3b."))
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive categories take no new suggestions.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The category's pieces of a streamed export's GeoJSON Feature and CSV line, kept by PostgreSQL
    # (geo/sql/export_fragments.sql): a rename rewrites them, and no suggestion row holds the label.
    geojson_fragment = models.GeneratedField(
        expression=Func("key", "label", function="pm_geojson_category", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )
    csv_fragment = models.GeneratedField(
        expression=Func("key", "label", function="pm_csv_category", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["project", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="category_key_unique_per_project"),
            # The target of the composite foreign key that keeps a suggestion's category in its project.
            models.UniqueConstraint(fields=["project", "id"], name="category_project_id_unique"),
            models.CheckConstraint(
                condition=Q(geometry_kind__in=GeometryKind.values), name="category_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="category_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"
