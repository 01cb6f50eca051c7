"""Projects, their categories and the suggestions citizens pin on the map.

Rules that the database can hold are constraints here, not checks in Python: states are closed sets,
counters never go negative, a category key is unique per project, a stored geometry is valid and 2D.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Func, Q, Value
from django.db.models.lookups import In
from django.utils import timezone
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
    auto_hide_reports = models.PositiveSmallIntegerField(
        _("hide after reports"),
        default=3,
        db_default=3,
        help_text=_(
            "A published suggestion or comment is hidden until a moderator decides once this many "
            "independent people have reported it. 0 never hides automatically."
        ),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("A project that is not public is invisible outside the admin, e.g. while it is set up."),
    )
    map_center = models.PointField(_("map centre"), srid=4326)
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=13)
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


class Profile(models.Model):
    """What a participant shows the public. The e-mail address stays with the account, never in a payload."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("public name"), max_length=80)
    notify = models.BooleanField(
        _("e-mail me what becomes of my suggestions"),
        default=True,
        db_default=True,
        help_text=_("Approval, rejection, merge, planning status and official answers."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [models.CheckConstraint(condition=~Q(display_name=""), name="profile_name_not_empty")]

    def __str__(self) -> str:
        return self.display_name


COMMENT_STATES = [
    ModerationState.PENDING,
    ModerationState.PUBLISHED,
    ModerationState.REJECTED,
    ModerationState.HIDDEN,
]


class Comment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="comments")
    # One reply level: a reply's parent is a top-level comment (services.comment_create holds this rule).
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    display_name = models.CharField(_("public name"), max_length=80, blank=True)
    text = models.TextField(_("text"), max_length=2000)
    moderation_state = models.CharField(
        _("moderation state"), max_length=9, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    source_address = models.CharField(
        _("source address (keyed hash)"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["suggestion", "created_at"], name="comment_by_suggestion")]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation_state__in=COMMENT_STATES),
                name="comment_moderation_state_valid",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


# A browser key is the SHA-256 (hex) of the random key in an anonymous browser's signed cookie: it lets one
# browser support once and withdraw its own support, and the stored value cannot be turned back into a cookie.
BROWSER_KEY_LENGTH = 64


class Support(models.Model):
    """One support per person (an account, or an anonymous browser) and suggestion."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="supports"
    )
    browser = models.CharField(_("anonymous browser"), max_length=BROWSER_KEY_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        # One support per person and suggestion, held by the database even under concurrent requests.
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="support_one_per_person"),
            models.UniqueConstraint(
                fields=["suggestion", "browser"], condition=~Q(browser=""), name="support_one_per_browser"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, browser="") | (Q(user__isnull=True) & ~Q(browser="")),
                name="support_by_account_or_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or 'anonymous'} → {self.suggestion_id}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    PERSONAL_DATA = "personal_data", _("Personal data of others")
    WRONG_PLACE = "wrong_place", _("Wrong place or duplicate")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """A participant's hint that a suggestion or comment breaks the rules; moderators work these."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reporter_browser = models.CharField(
        _("anonymous browser"), max_length=BROWSER_KEY_LENGTH, blank=True, default=""
    )
    reason = models.CharField(_("reason"), max_length=13, choices=ReportReason.choices)
    text = models.TextField(_("details"), max_length=1000, blank=True)
    # Anonymous reports from one address count as one person when reports hide an item automatically.
    source_address = models.CharField(
        _("source address (keyed hash)"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=ReportReason.values), name="report_reason_valid"),
            # One open report per person and target: a second click must not flood the moderators' queue.
            models.UniqueConstraint(
                fields=["suggestion", "reporter"],
                condition=Q(comment__isnull=True, resolved_at__isnull=True),
                name="report_open_once_per_suggestion",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(comment__isnull=False, resolved_at__isnull=True),
                name="report_open_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "reporter_browser"],
                condition=Q(comment__isnull=True, resolved_at__isnull=True) & ~Q(reporter_browser=""),
                name="report_open_once_per_suggestion_browser",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_browser"],
                condition=Q(comment__isnull=False, resolved_at__isnull=True) & ~Q(reporter_browser=""),
                name="report_open_once_per_comment_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.suggestion_id})"


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


class StaffRole(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    PLANNER = "planner", _("Planner")


class ProjectRole(models.Model):
    """A person's role in one project. Site administrators (superusers) hold every role everywhere;
    `participation.rules` is the one place that answers what a role may do."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_roles")
    role = models.CharField(_("role"), max_length=9, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("project role")
        verbose_name_plural = _("project roles")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="project_role_unique"),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="project_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.project})"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")
    DISMISS = "dismiss", _("Reports dismissed")
    AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
    MERGE = "merge", _("Merged")
    MOVE = "move", _("Moved")
    EDIT = "edit", _("Edited by its author")
    WITHDRAW = "withdraw", _("Withdrawn by its author")
    STATUS = "status", _("Planning status or official answer set")


class ModerationEvent(models.Model):
    """One decision about a suggestion or comment: the audit trail. Append-only, held by the database: a
    trigger (migration participation 0005) refuses every UPDATE and DELETE of a row.

    The references are plain ids without foreign-key constraints, so that deleting a project, a suggestion
    or an account can never delete (or have to edit) the record of what was decided about it.
    """

    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("project")
    )
    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
        verbose_name=_("suggestion"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("comment"),
    )
    # No actor: the system decided (reports hid an item automatically).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=9, choices=ModerationAction.choices)
    # Moderation states, or planning statuses for STATUS events.
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["suggestion", "created_at"], name="moderation_event_by_suggestion"),
            models.Index(fields=["comment", "created_at"], name="moderation_event_by_comment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values), name="moderation_event_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.suggestion_id} {self.created_at:%Y-%m-%d %H:%M}"


class SuggestionVersion(models.Model):
    """What a suggestion said and where it lay before its author corrected it: moderators compare the
    correction with it (a published suggestion must not turn into something else unseen). One row per
    correction, written with the correction's EDIT event in the same transaction; never changed after."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="versions", verbose_name=_("suggestion")
    )
    # The EDIT event that replaced this version (plain id, like the audit trail's own references).
    event = models.OneToOneField(
        ModerationEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="replaced_version",
        verbose_name=_("moderation event"),
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    geom = models.GeometryField(_("geometry"), srid=4326, spatial_index=False)
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("category"),
    )
    # The moderation state the replaced version was in (published, or still waiting for review).
    moderation_state = models.CharField(_("moderation state"), max_length=9, choices=ModerationState.choices)
    # When this version stopped being current, i.e. when the correction was made.
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("previous version")
        verbose_name_plural = _("previous versions")
        ordering = ["suggestion", "-replaced_at", "-id"]
        indexes = [models.Index(fields=["suggestion", "replaced_at"], name="suggestion_version_by_time")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.replaced_at:%Y-%m-%d %H:%M}: {self.title}"


class IdempotencyState(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` on a POST: claimed before the work runs, then its first answer.

    The UNIQUE (scope, key) constraint decides which of two concurrent requests does the work; the other
    sees the claim "running" (409) or, once the first committed, gets its stored answer. `claim` names the
    request that owns a running claim: the work commits only while it still does (see
    `participation/idempotency.py`).
    """

    # Whose key it is: "user:<id>", "browser:<sha256 of the cookie key>" or "ip:<keyed hash of the address>".
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=7, choices=IdempotencyState.choices, default=IdempotencyState.RUNNING)
    claim = models.UUIDField()
    claimed_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    location = models.CharField(max_length=2000, blank=True, default="")
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)
    # `manage.py purge_idempotency_keys` deletes expired keys; until then an expired key counts as unused.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique_per_scope"),
            models.CheckConstraint(
                condition=Q(state__in=IdempotencyState.values), name="idempotency_key_state_valid"
            ),
            # A finished key always holds the answer to repeat; a running one holds none yet.
            models.CheckConstraint(
                condition=Q(state=IdempotencyState.DONE, status_code__isnull=False)
                | Q(state=IdempotencyState.RUNNING, status_code__isnull=True),
                name="idempotency_key_answer_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
