"""Staying informed: following a suggestion, alerts for a place, and the notices waiting to be mailed.

A `Notice` is one thing to tell one person. It is written in the same transaction as the change it reports
(a status answer, a merge, a published comment, a newly published suggestion), so a rolled-back change
tells nobody and a worker that dies loses nothing: notices stay until a mail carrying them has gone out
(`sent_at`). They are personal data of the recipient and go with the account.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Comment
from .moderation import ModerationEvent
from .projects import Project
from .suggestions import Suggestion

# An alert's circle: big enough for a street corner, small enough to stay a neighbourhood.
ALERT_RADIUS_MIN = 50
ALERT_RADIUS_MAX = 5000
ALERTS_PER_PERSON = 5


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("at once, one mail each")
    DAILY = "daily", _("once a day, in one mail")


class Follow(models.Model):
    """A signed-in person follows a published suggestion (one row per person and suggestion)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="follows")
    comments = models.BooleanField(_("also new comments"), default=False)
    # The language the person used when following: their mails are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "suggestion"], name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.suggestion_id}"


class FollowQuestion(models.Model):
    """A supporter was asked once whether to follow the suggestion: never again, whatever they answered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "suggestion"], name="follow_question_unique")]


class PlaceAlert(models.Model):
    """Tell a person about new published suggestions within `radius` metres of `centre`, or, for an alert
    for a district, inside `area`: the district's polygon copied when the alert was made (geo picks it;
    participation never reads geo's layers), with its name and feature id for display and its feed.
    When the layer is imported again, geo hands the new districts to `alert_districts_follow`, which moves
    the alert to its district's new polygon, or marks it when the district is gone.

    The person is an account, or someone without one who gave an `email`: such an alert tells nobody
    anything until the address is confirmed by the link mailed to it (`confirmed_at`); unconfirmed ones
    are purged with the other unconfirmed addresses (purge_personal_data)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="place_alerts"
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="place_alerts")
    name = models.CharField(_("name"), max_length=80, blank=True)
    centre = models.PointField(_("centre"), srid=4326, null=True, blank=True)
    radius = models.PositiveIntegerField(_("radius (metres)"), null=True, blank=True)
    # GiST-indexed: a newly published suggestion finds the district alerts it lies in by ST_Intersects.
    area = models.MultiPolygonField(_("district area"), srid=4326, null=True, blank=True)
    district_name = models.CharField(_("district"), max_length=300, blank=True)
    district_number = models.BigIntegerField(_("district number"), null=True, blank=True)
    # The district's id in the layer's source (an OSM relation, a GeoJSON id), when it has one: with the
    # name, what finds the district again after a re-import gives its features new numbers.
    district_key = models.CharField(_("district id in the source"), max_length=100, blank=True)
    # Set when a re-import of the districts layer no longer has the district: the alert keeps working on its
    # last polygon and the person is told on their follows page (services.alert_districts_follow).
    district_missing_since = models.DateTimeField(_("district missing since"), null=True, blank=True)
    delivery = models.CharField(
        _("mails"), max_length=9, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("alert for a place")
        verbose_name_plural = _("alerts for places")
        constraints = [
            models.CheckConstraint(
                condition=Q(radius__gte=ALERT_RADIUS_MIN, radius__lte=ALERT_RADIUS_MAX),
                name="place_alert_radius_bounded",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="place_alert_delivery_valid"
            ),
            # Either a circle or a district, never half of each.
            models.CheckConstraint(
                condition=Q(
                    centre__isnull=False,
                    radius__isnull=False,
                    area__isnull=True,
                    district_number__isnull=True,
                    district_name="",
                )
                | Q(
                    centre__isnull=True,
                    radius__isnull=True,
                    area__isnull=False,
                    district_number__isnull=False,
                ),
                name="place_alert_circle_or_district",
            ),
            # An account's alert mails its verified address; only one without an account keeps its own.
            models.CheckConstraint(
                condition=Q(user__isnull=False, email="") | (Q(user__isnull=True) & ~Q(email="")),
                name="place_alert_account_or_address",
            ),
        ]
        indexes = [
            # Counting one address's alerts against the limit, whatever its capitals: `email__iexact` is
            # UPPER(email) = UPPER(%s) on PostgreSQL.
            models.Index(Upper("email"), condition=Q(user__isnull=True), name="place_alert_address"),
        ]

    def __str__(self) -> str:
        return self.name or self.district_name or f"{self.radius} m"

    @property
    def is_district(self) -> bool:
        return self.district_number is not None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


class NoticeKind(models.TextChoices):
    STATUS = "status", _("planning status or answer")
    MERGED = "merged", _("merged")
    COMMENT = "comment", _("new comment")
    NEW = "new", _("new suggestion")


class Notice(models.Model):
    """One thing to tell one person, waiting until a mail carries it (`sent_at`): an account, or for an
    alert without an account (`user` empty), the alert's confirmed address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(max_length=7, choices=NoticeKind.choices)
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The audit trail is append-only and never referenced by constraints (see ModerationEvent).
    event = models.ForeignKey(
        ModerationEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # Deleting an alert drops what it had not mailed yet: an unsubscribed person hears nothing more.
    alert = models.ForeignKey(PlaceAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    daily = models.BooleanField(default=False)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(alert__isnull=False), name="notice_has_recipient"
            ),
        ]
        indexes = [
            models.Index(
                fields=["daily", "user", "id"], condition=Q(sent_at__isnull=True), name="notice_pending"
            )
        ]
