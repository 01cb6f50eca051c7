"""Photos citizens attach to a suggestion (up to three) or a comment (one), each with its alternative text.

A photo row stands for files that the server wrote itself: the upload is re-encoded (participation/images.py)
and only the re-encoded image and its thumbnails are stored, under names made from `key`, a random token
that also names the photo in its URLs. The id never appears outside the database, so no address can be
guessed from another. The limits per suggestion and comment are constraints: two uploads racing for the
last place cannot both win.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import COMMENT_STATES, Comment
from .suggestions import ModerationState, Suggestion

PHOTOS_PER_SUGGESTION = 3
PHOTOS_PER_COMMENT = 1
ALT_TEXT_MAX = 200
# The stored image's longest edge; thumbnails are smaller (participation/images.py, RENDITIONS).
PHOTO_LONG_EDGE = 2048
PHOTO_KEY_LENGTH = 22  # secrets.token_urlsafe(16): 128 random bits


class Photo(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="photos")
    # Set for a comment's photo; `suggestion` is then the comment's suggestion (services hold this rule).
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    alt_text = models.CharField(_("description (alternative text)"), max_length=ALT_TEXT_MAX)
    moderation_state = models.CharField(
        _("moderation state"), max_length=9, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    key = models.CharField(_("key"), max_length=PHOTO_KEY_LENGTH, unique=True, editable=False)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    source_address = models.CharField(
        _("source address (keyed hash)"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["suggestion", "comment", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation_state__in=COMMENT_STATES), name="photo_moderation_state_valid"
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_not_empty"),
            models.CheckConstraint(condition=Q(key__regex=r"^[A-Za-z0-9_-]{22}$"), name="photo_key_format"),
            models.CheckConstraint(
                condition=Q(
                    width__gte=1, width__lte=PHOTO_LONG_EDGE, height__gte=1, height__lte=PHOTO_LONG_EDGE
                ),
                name="photo_size_range",
            ),
            # Positions 0-2 on a suggestion, 0 on a comment; one photo per position: the limits.
            models.CheckConstraint(
                condition=Q(comment__isnull=True, position__lt=PHOTOS_PER_SUGGESTION)
                | Q(comment__isnull=False, position__lt=PHOTOS_PER_COMMENT),
                name="photo_position_range",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "position"],
                condition=Q(comment__isnull=True),
                name="photo_one_per_suggestion_position",
            ),
            models.UniqueConstraint(
                fields=["comment", "position"],
                condition=Q(comment__isnull=False),
                name="photo_one_per_comment_position",
            ),
        ]

    def __str__(self) -> str:
        return self.alt_text[:60]
