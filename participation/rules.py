"""Who may do what, and when: named predicates, the one answer to "may this person write here now?".

Services call the `check_*` functions, which raise typed errors; pages call the predicates to decide what
to offer (a form, or a notice saying why not). Anonymous people take part where the project allows it.
"""

from datetime import datetime

from django.utils import timezone

from .errors import NotSignedIn, PhaseClosed
from .models import Project
from .participants import Participant


def project_is_open(project: Project, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return project.phase_start <= now < project.phase_end


def may_take_part(actor: Participant, project: Project) -> bool:
    """Signed in with an active account, or anonymous where the project allows anonymous participation."""
    return actor.signed_in or project.allow_anonymous


def can_write(actor: Participant, project: Project) -> bool:
    return may_take_part(actor, project) and project_is_open(project)


def needs_anti_spam(actor: Participant) -> bool:
    """Anonymous writes prove a person is writing (ALTCHA, honeypot); accounts did so at sign-up."""
    return not actor.signed_in


def check_may_take_part(actor: Participant, project: Project) -> None:
    if not may_take_part(actor, project):
        raise NotSignedIn()


def check_can_write(actor: Participant, project: Project) -> None:
    if not project_is_open(project):
        raise PhaseClosed()
    check_may_take_part(actor, project)
