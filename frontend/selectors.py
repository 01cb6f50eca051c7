"""Reads for the site's own pages."""

from django.http import Http404

from .models import LegalPage, LegalPageKind


def legal_page_get(*, kind: str) -> LegalPage:
    """The legal page of this kind; the four kinds exist from the migrations on (0002 adds their texts)."""
    page = LegalPage.objects.filter(kind=kind).first() if kind in LegalPageKind.values else None
    if page is None:
        raise Http404("No such page.")
    return page
