"""Reads for participation pages and the API."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import ProjectNotFound, UnknownCategory
from .models import Category, Project


def project_list() -> QuerySet[Project]:
    return Project.objects.order_by("-phase_start", "slug")


def project_get(*, slug: str) -> Project:
    try:
        return Project.objects.get(slug=slug)
    except Project.DoesNotExist:
        raise ProjectNotFound() from None


def category_list(*, project: Project) -> list[Category]:
    return list(project.categories.order_by("position", "key"))


def category_ids_for_keys(*, project: Project, keys: list[str]) -> list[int]:
    """The ids of the project's categories named by `keys`; an unknown key is an error, not no result."""
    found = dict(project.categories.filter(key__in=keys).values_list("key", "id"))
    unknown = sorted(set(keys) - found.keys())
    if unknown:
        known = ", ".join(category_list_keys(project=project))
        raise UnknownCategory(
            _("Unknown category “%(unknown)s”. This project's categories are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": known}
        )
    return [found[k] for k in keys]


def category_list_keys(*, project: Project) -> list[str]:
    return list(project.categories.order_by("position", "key").values_list("key", flat=True))
