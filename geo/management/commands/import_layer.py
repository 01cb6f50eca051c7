"""Create or replace a project's context layer from a file GDAL reads (for files too large for the admin's
upload) or from a live URL (an OGC API – Features collection, or a WFS with --source-layer as its type name):
`manage.py import_layer <project-slug> <file-or-url> --name "…" --role …`. Prints the import report; a
refused source exits with status 1 and the message, and changes nothing. A URL layer with --refresh-hours is
refreshed by the worker (geo.layers.refresh)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextLayer, LayerRole
from geo.layers.refresh import schedule_refresh
from geo.layers.remote import url_import
from participation.models import Category, Project


class Command(BaseCommand):
    help = (
        "Create or replace a context layer of a project from a GDAL-readable file or an OGC API – Features "
        "or WFS URL, and print the report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument(
            "source", help="a file, or an http(s) URL of an OGC API – Features collection or a WFS"
        )
        parser.add_argument("--name", required=True, help="the layer's name (German)")
        parser.add_argument("--name-en", default="", help="the layer's name in English")
        parser.add_argument("--role", required=True, choices=LayerRole.values)
        parser.add_argument("--category", help="key of the category whose demand the facilities meet")
        parser.add_argument(
            "--source-layer",
            help="the file's layer to import (an OSM file's `lines`, …), or the WFS type name",
        )
        parser.add_argument(
            "--refresh-hours", type=int, help="for a URL: the worker imports it again this often (hours)"
        )
        parser.add_argument("--where", help="an OGR SQL filter, e.g. \"highway='cycleway'\"")
        parser.add_argument(
            "--srs", help="the file's coordinate system if it does not say it, e.g. EPSG:25832"
        )
        parser.add_argument("--colour", help="hex colour such as #1b7f3b")
        parser.add_argument("--attribution", help="shown on the map, e.g. © OpenStreetMap contributors")
        parser.add_argument("--licence")
        parser.add_argument(
            "--replace", action="store_true", help="replace the layer of that name if it exists"
        )

    def handle(self, *args: object, **options: object) -> None:
        translation.activate("en")
        source: str = options["source"]  # type: ignore[assignment]
        # Anything with a scheme (or a GDAL virtual path) is a URL: remote_source refuses all but http(s).
        remote = "://" in source or source.startswith("/vsi")
        path = Path(source)
        if not remote and not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["refresh_hours"] is not None and not remote:
            raise CommandError("Only a layer imported from a URL can be refreshed (--refresh-hours).")
        try:
            project = Project.objects.get(slug=options["project"])
        except Project.DoesNotExist:
            raise CommandError(f"No project with the slug {options['project']!r}.") from None
        category = None
        if options["role"] == LayerRole.FACILITIES:
            if not options["category"]:
                raise CommandError("A layer of existing facilities needs --category (the category's key).")
            category = Category.objects.filter(project=project, key=options["category"]).first()
            if category is None:
                raise CommandError(f"The project has no category with the key {options['category']!r}.")
        try:
            with transaction.atomic():
                layer = (
                    ContextLayer.objects.select_for_update()
                    .filter(project=project, name_de=options["name"])
                    .first()
                )
                if layer is not None and not options["replace"]:
                    raise CommandError(
                        f"The project already has a layer named {options['name']!r}: "
                        "add --replace to replace it."
                    )
                if layer is None:
                    layer = ContextLayer(project=project)
                layer.name_de = options["name"]
                layer.name_en = options["name_en"] or layer.name_en
                layer.role = options["role"]
                layer.category = category
                for option, attribute in (
                    ("colour", "colour"),
                    ("attribution", "attribution"),
                    ("licence", "licence"),
                ):
                    if options[option] is not None:
                        setattr(layer, attribute, options[option])
                if options["refresh_hours"] is not None:
                    layer.refresh_hours = options["refresh_hours"] or None
                layer.full_clean(exclude=["project", "category"])
                layer.save()
                if remote:
                    report = url_import(
                        layer=layer,
                        url=source,
                        actor="manage.py import_layer",
                        type_name=options["source_layer"],
                        where=options["where"],
                        srs=options["srs"],
                    )
                    if layer.refresh_hours:
                        schedule_refresh()
                else:
                    report = layer_import(
                        layer=layer,
                        source=path,
                        actor="manage.py import_layer",
                        source_layer=options["source_layer"],
                        where=options["where"],
                        srs=options["srs"],
                    )
        except LayerRefused as refused:
            raise CommandError(refused.message) from None
        except ValidationError as invalid:
            raise CommandError("; ".join(invalid.messages)) from None
        self.stdout.write(f"Layer {layer.name_de!r} (id {layer.pk}): {report.summary()}")
