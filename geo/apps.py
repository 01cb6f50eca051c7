from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Geometry and map reads")

    def ready(self) -> None:
        # participation's alert pages link to the district picker (participation may not import geo).
        from participation.alert_areas import area_picker_register

        from . import checks  # noqa: F401 (registers the checks)
        from .analysis.views import district_picker_urls
        from .network import demand_services  # noqa: F401 (matches paths again after a network import)
        from .places import receivers  # noqa: F401 (the gazetteer follows network imports)

        area_picker_register(district_picker_urls)
