"""`manage.py rebuild_analysis [<project> …]`: measure the suggestions against the context layers again,
now (the worker does it after each layer import; this is for repair and bulk loads)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.models import Project

from ...analysis.services import analysis_rebuild


class Command(BaseCommand):
    help = "Rebuild the coverage analysis of the given projects (slugs), or of all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("projects", nargs="*", help="project slugs; none: every project")

    def handle(self, *args: Any, projects: list[str], **options: Any) -> None:
        chosen = Project.objects.order_by("pk")
        if projects:
            chosen = chosen.filter(slug__in=projects)
            missing = set(projects) - set(chosen.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No such project: {', '.join(sorted(missing))}")
        for project in chosen:
            took_ms = analysis_rebuild(project_id=project.pk)
            self.stdout.write(f"{project.slug}: measured again in {took_ms} ms")
