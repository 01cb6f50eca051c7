"""`manage.py purge_photo_files [--dry-run]`: delete stored photo files no photo names any more. Run daily."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from participation import services


class Command(BaseCommand):
    help = (
        "Delete the photo files (filesystem or S3) that no photo row names any more, older than an hour: "
        "those of deleted suggestions, comments and projects, and of writes rolled back. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        found = services.photo_files_purge(dry_run=dry_run)
        self.stdout.write(f"{'Would delete' if dry_run else 'Deleted'} {found} photo files no photo names.")
