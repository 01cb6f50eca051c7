"""What every page's frame carries: the legal links of the footer, the page's description for search
engines and link previews (meta description, Open Graph), and the texts catalogue of pages with scripts."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.js_catalogue import catalogue_url
from frontend.models import LegalPageKind
from participation.models import ModerationState
from participation.selectors.previews import PREVIEW_HEIGHT, PREVIEW_WIDTH, suggestion_preview_version

register = template.Library()

DESCRIPTION_CHARS = 200
# The footer's short names, fixed: the footer is on every page and costs no query (the map page keeps its
# query budget). The pages' own titles are the administrator's.
FOOTER_LINKS = [
    (LegalPageKind.IMPRINT, gettext_lazy("Imprint")),
    (LegalPageKind.PRIVACY, gettext_lazy("Privacy")),
    (LegalPageKind.ACCESSIBILITY, gettext_lazy("Accessibility")),
    (LegalPageKind.TERMS, gettext_lazy("Terms of participation")),
]


@register.simple_tag
def legal_links() -> list[tuple[str, str]]:
    """(kind, label) of the legal pages in footer order."""
    return [(str(kind), str(label)) for kind, label in FOOTER_LINKS]


@register.simple_tag
def javascript_catalogue() -> SafeString:
    """The script tag of the page language's JavaScript catalogue; it stands before the page's module script,
    which runs only after it (module scripts wait for the document), so `gettext` is there when it starts."""
    return format_html('<script src="{}"></script>', catalogue_url())


def _public_suggestion(context: template.Context) -> object | None:
    # Only a published suggestion of a public project speaks for itself: a pending, rejected or hidden
    # one is seen by its author or staff only, and its text must not reach a link preview.
    suggestion = context.get("suggestion")
    if (
        suggestion is not None
        and getattr(suggestion, "moderation_state", None) == ModerationState.PUBLISHED
        and suggestion.project.is_public
    ):
        return suggestion
    return None


def _public_project(context: template.Context) -> object | None:
    project = context.get("project")
    return project if project is not None and getattr(project, "is_public", False) else None


@register.inclusion_tag("frontend/includes/page_meta.html", takes_context=True)
def page_meta(context: template.Context) -> dict[str, object]:
    """Meta description, Open Graph and Twitter card tags from the page's suggestion, else its project, else
    the site. A published suggestion's and a project's picture is drawn by the server (its place on the
    project's area: views/previews.py), in the page's language; other pages share one static picture."""
    site_name = _("Participation map")
    suggestion = _public_suggestion(context)
    project = _public_project(context)
    language = context.get("LANGUAGE_CODE", "de")
    image = settings.SITE_URL + static("frontend/img/og-image.png")
    image_alt = _("A map pin inside the outline of a project area")
    if suggestion is not None:
        title = suggestion.title
        # The suggestion's own words, else what it is: a preview says more than the title it shows anyway.
        description = suggestion.text or _("Suggestion in “%(project)s”: %(title)s") % {
            "project": suggestion.project.title,
            "title": suggestion.title,
        }
        kind = "article"
        path = reverse(
            "participation:suggestion-preview", kwargs={"slug": suggestion.project.slug, "pk": suggestion.pk}
        )
        image = (
            f"{settings.SITE_URL}{path}?v={suggestion_preview_version(suggestion=suggestion)}&lang={language}"
        )
        image_alt = _(
            "Map of the project area of “%(project)s” showing where the suggestion “%(title)s” is"
        ) % {
            "project": suggestion.project.title,
            "title": suggestion.title,
        }
    elif project is not None:
        title = project.title
        description = project.description or project.title
        kind = "website"
        path = reverse("participation:project-preview", kwargs={"slug": project.slug})
        image = f"{settings.SITE_URL}{path}?lang={language}"
        image_alt = _("Map of the project area of “%(project)s” with its suggestions") % {
            "project": project.title
        }
    else:
        title = site_name
        description = _(
            "Make suggestions on the map, support and discuss them, and follow what becomes of them."
        )
        kind = "website"
    request = context.get("request")
    return {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(DESCRIPTION_CHARS),
        "url": settings.SITE_URL + (request.path if request is not None else "/"),
        "kind": kind,
        "site_name": site_name,
        # Every picture is 1200x630, the size link previews expect.
        "image": image,
        "image_width": PREVIEW_WIDTH,
        "image_height": PREVIEW_HEIGHT,
        "image_alt": image_alt,
        "locale": "de_DE" if language == "de" else "en_GB",
    }
