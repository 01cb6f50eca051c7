"""`manage.py purge_personal_data [--dry-run]`: forget what abuse handling no longer needs. Run daily."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from participation import services


class Command(BaseCommand):
    help = (
        "Empty the source addresses (keyed hashes) of suggestions, comments and reports older than "
        "ADDRESS_RETENTION_DAYS, and delete anonymous authors' e-mail addresses and alerts nobody confirmed "
        "before their link expired. Run it daily (cron, or a scheduled container)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be purged; change nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        with transaction.atomic():
            purged = services.personal_data_purge()
            if dry_run:
                # The very same purge, rolled back: the counts cannot differ from a real run's.
                transaction.set_rollback(True)
        verb = "Would empty" if dry_run else "Emptied"
        self.stdout.write(
            f"{verb} {purged.addresses} source addresses older than {settings.ADDRESS_RETENTION_DAYS} days; "
            f"{'would delete' if dry_run else 'deleted'} {purged.contacts} unconfirmed e-mail addresses of "
            f"authors and {purged.alerts} unconfirmed alerts."
        )
