"""geo's models in the Django admin: the context layers (geo.layers.admin registers them) and the street
networks (geo.network.admin)."""

from .layers import admin as layers_admin  # noqa: F401 (registers ContextLayerAdmin)
from .network import admin as network_admin  # noqa: F401 (registers StreetNetworkAdmin)
