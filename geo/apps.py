from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Geometry and map reads")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the checks)
        from .network import demand_services  # noqa: F401 (matches paths again after a network import)
        from .places import receivers  # noqa: F401 (the gazetteer follows network imports)
