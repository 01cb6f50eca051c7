"""Who may do what, and when: named predicates, the one answer to "may this person do this here now?".

Services call the `check_*` functions, which raise typed errors; pages call the predicates to decide what
to offer (a form, a button, or a notice saying why not). tests/participation/test_rules.py holds the whole
matrix (role x action x phase). Anonymous people take part where the project allows it; moderators and
planners are named per project (`ProjectRole`); site administrators (superusers) may do everything staff
may do, in every project.
"""

from datetime import datetime

from django.utils import timezone

from .errors import NotAllowed, NotSignedIn, PhaseClosed
from .models import ModerationState, Project, ProjectRole, StaffRole, Suggestion
from .participants import Actor, Participant

# What planners see and export. Hidden suggestions were taken off the site for abuse, merged ones live on in
# their target, and withdrawn ones were taken back by their authors: none of them is a planner's to see.
PLANNER_STATES = (ModerationState.PUBLISHED, ModerationState.PENDING, ModerationState.REJECTED)


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


# ------------------------------------------------------------------------------------------- staff
# Moderation and planning do not depend on the phase: items arrive until its last second and must be
# decided and answered after it; a project being set up may be prepared before it.


def is_site_admin(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def has_role(user: Actor, project: Project, role: StaffRole) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return ProjectRole.objects.filter(project=project, user_id=user.pk, role=role).exists()


def may_know_project(user: Actor, project: Project) -> bool:
    """Whether the project exists for this person: a public one for everyone, one not public (being set up)
    only for its staff (any role) and site administrators. To anyone else it answers as a missing one."""
    if project.is_public or is_site_admin(user):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    return ProjectRole.objects.filter(project=project, user_id=user.pk).exists()


def may_search_places(user: Actor, project: Project) -> bool:
    """Use the project's place search: whoever may know of the project, and whoever may change projects in
    the admin, where the search finds the streets to draw a project's area in while it is set up."""
    if may_know_project(user, project):
        return True
    return bool(user.is_authenticated and user.is_active and user.has_perm("participation.change_project"))


def can_moderate(user: Actor, project: Project) -> bool:
    """Work the queue of this project: approve, reject, hide, unhide, merge, see items' history."""
    return is_site_admin(user) or has_role(user, project, StaffRole.MODERATOR)


def can_plan(user: Actor, project: Project) -> bool:
    """Set planning statuses and official answers, see the planner dashboard of this project."""
    return is_site_admin(user) or has_role(user, project, StaffRole.PLANNER)


# The staff collections of the OGC API (geo/ogcapi/staff_selectors.py): planners read what they see and
# export, moderators also what they hid (their queue holds hidden items with open reports); merged and
# withdrawn suggestions are nobody's to read there. Whoever holds both roles reads the union.
STAFF_LAYER_STATES: dict[StaffRole, tuple[ModerationState, ...]] = {
    StaffRole.PLANNER: PLANNER_STATES,
    StaffRole.MODERATOR: (*PLANNER_STATES, ModerationState.HIDDEN),
}
_EVERY_STAFF_LAYER_STATE = tuple(dict.fromkeys(s for states in STAFF_LAYER_STATES.values() for s in states))


def staff_layer_grants(user: Actor, *, project_id: int | None = None) -> dict[int, tuple[str, ...]]:
    """The projects whose staff layer `user` may read (a project id → the moderation states they read there),
    for one project with `project_id`. Planners and moderators of a project, public or being set up, and site
    administrators (every project, every state above); nobody else, whatever their other rights. One query."""
    if not (user.is_authenticated and user.is_active):
        return {}
    if is_site_admin(user):
        projects = Project.objects.all() if project_id is None else Project.objects.filter(pk=project_id)
        return {pk: tuple(_EVERY_STAFF_LAYER_STATE) for pk in projects.values_list("pk", flat=True)}
    roles = ProjectRole.objects.filter(user_id=user.pk, role__in=list(STAFF_LAYER_STATES))
    if project_id is not None:
        roles = roles.filter(project_id=project_id)
    held: dict[int, set[str]] = {}
    for pk, role in roles.values_list("project_id", "role"):
        held.setdefault(pk, set()).update(STAFF_LAYER_STATES[StaffRole(role)])
    return {pk: tuple(s for s in _EVERY_STAFF_LAYER_STATE if s in states) for pk, states in held.items()}


def may_read_staff_layer(user: Actor, project: Project) -> bool:
    """Read the project's staff collections (every state of STAFF_LAYER_STATES for the roles held)."""
    return bool(staff_layer_grants(user, project_id=project.pk))


def is_author(user: Actor, suggestion: Suggestion) -> bool:
    return bool(
        user.is_authenticated and suggestion.author_id is not None and suggestion.author_id == user.pk
    )


def can_edit_own(user: Actor, suggestion: Suggestion) -> bool:
    """Authors correct their suggestion while it waits for review or is published, during the phase (what
    they may change, and where it then goes, is `services.suggestion_edit`'s to say)."""
    return (
        is_author(user, suggestion)
        and suggestion.moderation_state in (ModerationState.PENDING, ModerationState.PUBLISHED)
        and project_is_open(suggestion.project)
    )


def can_add_photos_own(user: Actor, suggestion: Suggestion) -> bool:
    """Authors add photos when they may correct their suggestion (services.photo_add checks the same, and
    how many places are left)."""
    return can_edit_own(user, suggestion)


def can_move_own(user: Actor, suggestion: Suggestion) -> bool:
    """The place follows the author's correction only while nobody supports the suggestion there."""
    return can_edit_own(user, suggestion) and suggestion.support_count == 0


def can_withdraw_own(user: Actor, suggestion: Suggestion) -> bool:
    """Authors may take back what they wrote at any time, as long as it is theirs to take back (a merged,
    rejected or hidden suggestion has become the moderators' decision)."""
    return is_author(user, suggestion) and suggestion.moderation_state in (
        ModerationState.PENDING,
        ModerationState.PUBLISHED,
    )


def check_can_moderate(user: Actor, project: Project) -> None:
    if not user.is_authenticated:
        raise NotSignedIn()
    if not can_moderate(user, project):
        raise NotAllowed()


def check_can_read_staff_layer(user: Actor, project: Project) -> None:
    if not user.is_authenticated:
        raise NotSignedIn()
    if not may_read_staff_layer(user, project):
        raise NotAllowed()


def check_can_plan(user: Actor, project: Project) -> None:
    if not user.is_authenticated:
        raise NotSignedIn()
    if not can_plan(user, project):
        raise NotAllowed()
