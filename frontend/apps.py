from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_legal_pages(*, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # `apps` is the state the migrate ended in: after `migrate frontend zero` there is no table to fill.
    try:
        apps.get_model("frontend", "LegalPage")
    except LookupError:
        return
    from .services import legal_pages_ensure

    legal_pages_ensure(using=using)


class FrontendConfig(AppConfig):
    name = "frontend"
    # The admin's heading above "Legal pages".
    verbose_name = _("Site pages")

    def ready(self) -> None:
        # After every `migrate` (and every flush, as Django's own content types and permissions are made):
        # the four legal pages exist with a default text from the first start on, and cannot go missing.
        post_migrate.connect(_create_legal_pages, sender=self, dispatch_uid="frontend.legal_pages")
