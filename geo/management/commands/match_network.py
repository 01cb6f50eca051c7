"""`manage.py match_network [<project> …]`: match the suggested paths to the street network again, now (the
worker does it after each network import; this is for repair and bulk loads)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.models import Project

from ...network.demand_services import network_rematch


class Command(BaseCommand):
    help = "Match the suggested paths of the given projects (slugs), or of all, to their street networks."

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
            took_ms = network_rematch(project_id=project.pk)
            self.stdout.write(f"{project.slug}: paths matched in {took_ms} ms")
