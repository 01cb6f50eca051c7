from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_legal_pages(**kwargs: Any) -> None:
    from .services import legal_pages_ensure

    legal_pages_ensure()


class FrontendConfig(AppConfig):
    name = "frontend"
    # The admin's heading above "Legal pages".
    verbose_name = _("Site pages")

    def ready(self) -> None:
        # After every `migrate` (and every flush, as Django's own content types and permissions are made):
        # the four legal pages exist with a default text from the first start on, and cannot go missing.
        post_migrate.connect(_create_legal_pages, sender=self, dispatch_uid="frontend.legal_pages")
