"""The site's own pages that a German town must publish (imprint, privacy, accessibility, terms)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalPageKind(models.TextChoices):
    IMPRINT = "imprint", _("Imprint")
    PRIVACY = "privacy", _("Privacy statement")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")
    TERMS = "terms", _("Terms of participation")


class LegalPage(models.Model):
    """One legal page, written by the site administrator in German and English (modeltranslation).

    The body is plain text: paragraphs separated by an empty line, "## " starts a heading, "- " a list item.
    It is always escaped when shown (frontend/legal_text.py), so no HTML from the admin reaches a page.
    The four pages exist after every `migrate` (frontend/apps.py), with a default text the town completes.
    """

    kind = models.CharField(_("page"), max_length=13, choices=LegalPageKind.choices, unique=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text, no HTML. An empty line starts a new paragraph, a line starting with “## ” is a "
            "heading, lines starting with “- ” form a list. Web and e-mail addresses become links. "
            "Replace every part in [square brackets] with your own data."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=LegalPageKind.values), name="legal_page_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
