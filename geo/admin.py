"""geo's models in the Django admin: the context layers (geo.layers.admin registers them)."""

from .layers import admin as layers_admin  # noqa: F401 (registers ContextLayerAdmin)
