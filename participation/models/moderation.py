"""Moderation: participants' reports, the append-only trail of decisions, and the versions that authors'
corrections replaced (moderators compare them)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import BROWSER_KEY_LENGTH, Comment
from .projects import Category, Project
from .suggestions import ModerationState, Suggestion


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
    BLUR = "blur", _("Regions blurred")


class ModerationEvent(models.Model):
    """One decision about a suggestion or comment, or about one photo of theirs: the audit trail. Append-only,
    held by the database: a trigger (migration participation 0005) refuses every UPDATE and DELETE of a row.

    A photo's decision (`photo` set) names the photo's suggestion and comment too, so that an item's history
    can show it; it is never the item's own decision, so readers of an item's decisions (stale checks, the
    last rejection's reason) filter `photo__isnull=True`.

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
    # Set for a decision about one photo (approved, removed, blurred): not the item's own decision.
    photo = models.ForeignKey(
        "Photo",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("photo"),
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
