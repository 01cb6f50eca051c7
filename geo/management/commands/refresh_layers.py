"""Keep the worker's refresh of URL context layers going: queue its check unless it is queued (idempotent, run
before every `db_worker` start by `make run` and docker-compose's worker), and list the URL layers with their
next refresh. `--now` refreshes the due layers here instead of in the worker; `--layer <id>` one layer now."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from geo.layers.imports import LayerRefused
from geo.layers.models import ContextLayer
from geo.layers.refresh import due_layers, layer_refresh, next_refresh, schedule_refresh, url_layers


class Command(BaseCommand):
    help = "Queue the worker's refresh of URL context layers (once), and show when each layer is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="refresh the due layers now, in this process")
        parser.add_argument("--layer", type=int, help="refresh this layer (its id) now, due or not")

    def handle(self, *args: object, **options: object) -> None:
        translation.activate("en")
        if options["layer"] is not None:
            layer = ContextLayer.objects.filter(pk=options["layer"]).exclude(source_url="").first()
            if layer is None:
                raise CommandError(f"No layer with the id {options['layer']} has a URL source.")
            self._refresh([layer])
            return
        if options["now"]:
            self._refresh(due_layers())
        queued = schedule_refresh()
        self.stdout.write("Queued the refresh check." if queued else "The refresh check is already queued.")
        for layer in url_layers():
            due = next_refresh(layer)
            when = timezone.localtime(due).isoformat(timespec="minutes") if due else "never"
            failed = f" (last refresh failed: {layer.refresh_error})" if layer.refresh_error else ""
            self.stdout.write(f"Layer {layer.pk} {layer.name!r}: next refresh {when}{failed}")

    def _refresh(self, layers: list[ContextLayer]) -> None:
        for layer in layers:
            try:
                report = layer_refresh(layer, actor="manage.py refresh_layers")
            except LayerRefused as refused:
                self.stderr.write(f"Layer {layer.pk} {layer.name!r}: {refused.message}")
            else:
                self.stdout.write(f"Layer {layer.pk} {layer.name!r}: {report.summary()}")
