"""`manage.py purge_idempotency_keys`: delete expired Idempotency-Keys and their stored answers. Run daily."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from participation.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = (
        "Delete Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS with the answers stored for them. "
        "Run it daily (cron, or a scheduled container)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_purge()
        self.stdout.write(
            f"Deleted {deleted} Idempotency-Keys older than {settings.IDEMPOTENCY_KEY_TTL_HOURS} hours."
        )
