"""Who may do what, and when: named predicates, the one answer to "may this person write here now?".

Services call the `check_*` functions, which raise typed errors; pages call the predicates to decide what
to offer (a form, or a notice saying why not).
"""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from .errors import NotSignedIn, PhaseClosed
from .models import Project

Actor = AbstractBaseUser | AnonymousUser


def project_is_open(project: Project, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return project.phase_start <= now < project.phase_end


def is_participant(actor: Actor) -> bool:
    """Signed in with an active account. (Anonymous participation, where a project allows it, comes next.)"""
    return bool(actor.is_authenticated and actor.is_active)


def can_write(actor: Actor, project: Project) -> bool:
    return is_participant(actor) and project_is_open(project)


def check_signed_in(actor: Actor) -> None:
    if not is_participant(actor):
        raise NotSignedIn()


def check_can_write(actor: Actor, project: Project) -> None:
    if not project_is_open(project):
        raise PhaseClosed()
    if not is_participant(actor):
        raise NotSignedIn()
