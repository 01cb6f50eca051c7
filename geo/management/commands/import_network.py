"""Replace a project's street network with an OpenStreetMap extract (.osm, .pbf) or a town's own network of
lines (GeoPackage, Shapefile, GeoJSON): `manage.py import_network <project-slug> <file> [--name …]
[--attribution …] [--licence …]`. Prints the import's report; a refused file exits with status 1 and the
message (in the site's language), and changes nothing. docs/street-network.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from geo.network.imports import NetworkRefused, network_import, report_summary
from participation.models import Project


class Command(BaseCommand):
    help = (
        "Replace a project's street network with an OpenStreetMap extract (.osm, .pbf) or a network of lines "
        "(GeoPackage, Shapefile, GeoJSON), and print the report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument(
            "file", help="an .osm or .pbf extract, or a .gpkg, .shp, .zip or .geojson of lines"
        )
        parser.add_argument("--name", default="", help="the network's name, e.g. “Karlsruhe (OSM 2009)”")
        parser.add_argument(
            "--attribution", default="", help="shown on the map, e.g. © OpenStreetMap contributors"
        )
        parser.add_argument("--licence", default="", help="e.g. ODbL 1.0")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])  # type: ignore[arg-type]
        if not path.is_file():
            raise CommandError(_("There is no file “%(path)s”.") % {"path": path})
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project “%(slug)s”.") % {"slug": options["project"]})
        try:
            report = network_import(
                project,
                path,
                name=options["name"],  # type: ignore[arg-type]
                attribution=options["attribution"],  # type: ignore[arg-type]
                licence=options["licence"],  # type: ignore[arg-type]
                actor="manage.py import_network",
            )
        except NetworkRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(report_summary(report))
        self.stdout.write(_("Imported in %(seconds)s s.") % {"seconds": report["seconds"]})
