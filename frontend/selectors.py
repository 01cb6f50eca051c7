"""Reads for the site's own pages."""

from django.http import Http404

from .models import LegalPage, LegalPageKind


def legal_page_get(*, kind: str) -> LegalPage:
    """The legal page of this kind; the four kinds exist after every `migrate` (frontend/apps.py)."""
    page = LegalPage.objects.filter(kind=kind).first() if kind in LegalPageKind.values else None
    if page is None:
        raise Http404()  # the 404 page's own words say it
    return page
