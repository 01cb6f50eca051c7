"""Fetch-and-authorise for staff pages and APIs: one answer to "may this person see this project"."""

from .. import rules
from ..errors import ProjectNotFound
from ..models import Project
from ..participants import Actor


def project_for_staff(*, slug: str, user: Actor) -> Project:
    """The project named `slug`, public or not yet, as its staff reach it.

    Raises ProjectNotFound when there is none, and equally when it is not public and `user` holds no role in
    it: the staff pages of a project being prepared must not tell outsiders (anonymous visitors included)
    that it exists. The caller still checks the right the page needs (`rules.can_plan`, …); for a public
    project a missing right may be said (sign in, 403), since the project itself is no secret.
    """
    project = Project.objects.filter(slug=slug).first()
    if project is None or not rules.may_know_project(user, project):
        raise ProjectNotFound()
    return project
