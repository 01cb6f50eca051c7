"""`manage.py rebuild_clusters [--project slug]`: recompute the map's cluster cells from the suggestions."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.services import cluster_rebuild
from participation.models import Project


class Command(BaseCommand):
    help = (
        "Recompute the cluster cells of one project, or of all projects, from the published suggestions. "
        "For repair and after bulk loads with the trigger disabled; the trigger keeps them exact otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", metavar="SLUG", help="Only this project (default: all projects).")

    def handle(self, *args: Any, project: str | None = None, **options: Any) -> None:
        project_id = None
        if project is not None:
            # Any project, public or not: repair is an operator's task, not a public read.
            project_id = Project.objects.filter(slug=project).values_list("pk", flat=True).first()
            if project_id is None:
                raise CommandError(f"There is no project with the slug “{project}”.")
        cells = cluster_rebuild(project_id=project_id)
        scope = f"project “{project}”" if project is not None else "all projects"
        self.stdout.write(f"Rebuilt {cells} cluster cells for {scope}.")
