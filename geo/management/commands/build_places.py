"""Make a project's gazetteer again from its street network and districts layers (the imported addresses
stay), and label every suggestion from it at once: `manage.py build_places <project-slug>`. Runs by itself
after each network, districts or address import (the labels then by the worker); this is for repair."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.places.services import places_build
from participation.models import Project


class Command(BaseCommand):
    help = "Build a project's place search (streets, districts) from its network and districts layers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")

    def handle(self, *args: object, **options: object) -> None:
        project_id = Project.objects.filter(slug=options["project"]).values_list("pk", flat=True).first()
        if project_id is None:
            raise CommandError(f"No project with the slug {options['project']!r}.")
        counts = places_build(project_id=project_id, labels_now=True)
        self.stdout.write(
            "Places of {project}: {streets} streets, {addresses} addresses, {districts} districts, "
            "{places} named places; suggestions labelled.".format(project=options["project"], **counts)
        )
