"""Suggestions citizens pin on the map: their moderation and planning states, the export pieces PostgreSQL
keeps with each row, and the address an anonymous author left to hear what became of one."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Func, Q, Value
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .projects import Category, GeometryKind, Project


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    # Only suggestions: merged into another one (merged_into), or withdrawn by their author.
    MERGED = "merged", _("Merged into another suggestion")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")


class PlanningStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IMPLEMENTED = "implemented", _("Implemented")
    DECLINED = "declined", _("Declined")


class LineDrawing(models.TextChoices):
    """How a path was drawn: along the street network (routed between tapped points) or freely (a
    connection that does not exist yet). Blank for points and areas, and for lines sent before it was
    recorded."""

    ROUTED = "routed", _("Along the streets")
    FREE = "free", _("Drawn freely")


# The PostGIS geometry type each category kind stores; the database refuses any other type.
GEOMETRY_TYPES = {
    GeometryKind.POINT: "ST_Point",
    GeometryKind.LINE: "ST_LineString",
    GeometryKind.POLYGON: "ST_Polygon",
}
GEOMETRY_TYPES_STORED = sorted(GEOMETRY_TYPES.values())


# The suggestion's fields its export pieces are written from, in the order the functions take them.
EXPORTED_ROW_FIELDS = (
    "title",
    "text",
    "moderation_state",
    "planning_status",
    "official_answer",
    "support_count",
    "comment_count",
    "created_at",
    "updated_at",
    "answered_at",
    "line_drawing",
)


# Stored pieces of the streamed exports (geo/sql/export_fragments.sql), read by those exports' SQL only.
EXPORT_PIECES = ("geojson_head", "geojson_tail", "csv_tail")
# The zone the stored pieces write their times in (a generated column can only read constants): the default of
# settings.TIME_ZONE. A site set to another zone gets a warning at start-up (geo/checks.py), since its
# GeoJSON and CSV exports would still show this zone's offsets until a migration rewrites the pieces.
EXPORT_PIECES_TIME_ZONE = "Europe/Berlin"


class SuggestionManager(models.Manager):
    """Model instances leave the export pieces (about 0.9 KB a suggestion) in the database."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer(*EXPORT_PIECES)


class Suggestion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="suggestions")
    # RESTRICT: a category with suggestions stays, unless its whole project is deleted with them.
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="suggestions")
    geom = models.GeometryField(_("geometry"), srid=4326)
    # Web Mercator copy for tiles and clusters, computed by PostgreSQL itself so it can never drift from geom.
    geom_3857 = models.GeneratedField(
        expression=Transform("geom", 3857),
        output_field=models.GeometryField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    line_drawing = models.CharField(
        _("line drawn"),
        max_length=6,
        choices=LineDrawing.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("Lines only: routed along the street network or drawn freely."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    display_name = models.CharField(_("public name"), max_length=80, blank=True)
    moderation_state = models.CharField(
        _("moderation state"), max_length=9, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    planning_status = models.CharField(
        _("planning status"), max_length=12, choices=PlanningStatus.choices, default=PlanningStatus.RECEIVED
    )
    official_answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # The keys of the suggestion's own published photos in their order (its comments' photos are not among
    # them), written by the database alone: the trigger photo_keys_sync (migration 0014) whenever a photo
    # row changes. The list, the OGC API and the exports link the photos from it, without a join per row.
    photo_keys = ArrayField(
        models.CharField(max_length=22),
        verbose_name=_("published photos"),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=22))),
        blank=True,
        editable=False,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    # The language the author wrote in: mails about the suggestion are written in it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="de", db_default="de"
    )
    # Keyed hash of the author's address (see participants.Participant.rate_ident), kept for abuse handling
    # only and emptied after ADDRESS_RETENTION_DAYS by `manage.py purge_personal_data`.
    source_address = models.CharField(
        _("source address (keyed hash)"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The row's own pieces of its GeoJSON Feature and CSV line in a streamed export, written and kept exact
    # by PostgreSQL on every write that changes a column they read (geo/sql/export_fragments.sql); an
    # export only adds the category's piece. They cost about 0.9 KB per suggestion and make a 1.1 M feature
    # export about three times cheaper for the database.
    geojson_head = models.GeneratedField(
        expression=Func("id", "geom", function="pm_geojson_head", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )
    geojson_tail = models.GeneratedField(
        expression=Func(
            *EXPORTED_ROW_FIELDS,
            Value(EXPORT_PIECES_TIME_ZONE),
            function="pm_geojson_tail",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    csv_tail = models.GeneratedField(
        expression=Func(
            *EXPORTED_ROW_FIELDS,
            "geom",
            Value(EXPORT_PIECES_TIME_ZONE),
            function="pm_csv_tail",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = SuggestionManager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]
        indexes = [
            GistIndex(fields=["geom_3857"], name="suggestion_geom_3857_gist"),
            # The public read path: published suggestions of a project, keyset-paged by id.
            models.Index(
                fields=["project", "id"],
                name="suggestion_published_by_id",
                condition=Q(moderation_state=ModerationState.PUBLISHED),
            ),
            models.Index(fields=["project", "moderation_state", "created_at"], name="suggestion_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation_state__in=ModerationState.values),
                name="suggestion_moderation_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(planning_status__in=PlanningStatus.values),
                name="suggestion_planning_status_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="suggestion_title_not_empty"),
            models.CheckConstraint(
                condition=Q(line_drawing__in=["", *LineDrawing.values]), name="suggestion_line_drawing_valid"
            ),
            # A merged suggestion always names the one it went into, and only a merged one does.
            models.CheckConstraint(
                condition=Q(moderation_state="merged", merged_into__isnull=False)
                | (~Q(moderation_state="merged") & Q(merged_into__isnull=True)),
                name="suggestion_merged_into_iff_merged",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="suggestion_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(geom__isvalid=True),
                name="suggestion_geom_valid",
                violation_error_message=_("The geometry is not valid."),
            ),
            models.CheckConstraint(
                condition=In(
                    Func("geom", function="ST_GeometryType", output_field=models.CharField()),
                    GEOMETRY_TYPES_STORED,
                ),
                name="suggestion_geom_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SuggestionContact(models.Model):
    """The e-mail address an anonymous author left to be told what became of the suggestion.

    Personal data, kept apart from the suggestion so no public payload or export can carry it. No mail about
    the suggestion goes out before the address is confirmed by the link sent to it.
    """

    suggestion = models.OneToOneField(Suggestion, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("e-mail address"))
    # The language the author wrote in: every later mail is in it too.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("author's e-mail address")
        verbose_name_plural = _("authors' e-mail addresses")

    def __str__(self) -> str:
        return f"{self.suggestion_id}"
