"""Claimed `Idempotency-Key`s of POST requests and the answers they repeat (participation/idempotency.py)."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
