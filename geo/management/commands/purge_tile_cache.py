"""Delete cached vector tiles older than a few days (run it daily, beside purge_exports)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from geo.tiles.services import tile_cache_expire


class Command(BaseCommand):
    help = "Delete cached vector tiles built more than --days ago; they are built again when asked for."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=float, default=7.0, help="age in days (default 7)")

    def handle(self, *args: object, days: float, **options: object) -> None:
        if days < 0:
            self.stderr.write("--days must not be negative.")
            raise SystemExit(2)
        count = tile_cache_expire(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {count} cached tiles older than {days:g} days.")
