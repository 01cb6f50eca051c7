"""Replace a project's addresses and named places from an OSM extract (.osm, .pbf) or a town's address list
(.csv with street, number/housenumber and lon/lat or x/y columns, or .gpkg): `manage.py import_addresses
<project-slug> <file> [--srs EPSG:25832]`. A refused file exits with status 1 and the message, and changes
nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from geo.places.imports import AddressesRefused, addresses_import
from participation.models import Project


class Command(BaseCommand):
    help = "Import a project's addresses and named places for the place search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("file", help="an OSM extract (.osm, .pbf), a CSV address list or a GeoPackage")
        parser.add_argument(
            "--srs", help="the coordinate system of a CSV's x/y columns (default EPSG:4326, lon/lat)"
        )

    def handle(self, *args: object, **options: object) -> None:
        translation.activate("en")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        project_id = Project.objects.filter(slug=options["project"]).values_list("pk", flat=True).first()
        if project_id is None:
            raise CommandError(f"No project with the slug {options['project']!r}.")
        try:
            report = addresses_import(project_id=project_id, source=path, srs=options["srs"])
        except AddressesRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(report.summary())
