"""Delete expired export jobs and their files (run it daily, beside purge_personal_data)."""

from django.core.management.base import BaseCommand

from geo.exports.services import export_jobs_purge


class Command(BaseCommand):
    help = "Delete export files and jobs whose download period has ended."

    def handle(self, *args: object, **options: object) -> None:
        count = export_jobs_purge()
        self.stdout.write(f"Deleted {count} expired exports.")
