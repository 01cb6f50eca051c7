"""What people add to someone's suggestion: comments (one reply level) and supports (one per person)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .suggestions import ModerationState, Suggestion

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
