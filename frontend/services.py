"""Changes to the site's own pages."""

from django.db import DEFAULT_DB_ALIAS, transaction

from .legal_defaults import DEFAULT_PAGES
from .models import LegalPage


def legal_pages_ensure(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Create each legal page that does not exist yet with its default text; never touch an existing one.
    Returns how many were created."""
    created = 0
    with transaction.atomic(using=using):
        for kind, title_de, title_en, body_de, body_en in DEFAULT_PAGES:
            _page, made = LegalPage.objects.using(using).get_or_create(
                kind=kind,
                defaults={"title_de": title_de, "title_en": title_en, "body_de": body_de, "body_en": body_en},
            )
            created += made
    return created
