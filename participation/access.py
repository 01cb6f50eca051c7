"""Who reaches a project's staff pages and APIs: "staff of this project for this role, else as if missing".

One selector (`project_get_for_staff`, which the export API calls) finds the project and checks the role;
one check (`staff_check`) does the same for a project already found (a survey's). The page decorators
(`planners_only`, `moderators_only`) turn their typed errors into the pages' answers; the API's exception
handler answers them as it answers every typed error.
Who may do what is `rules`' to say: this module asks it (`may_know_project`, `check_can_plan`,
`check_can_moderate`) and never decides on its own. tests/participation/test_rules.py checks every role
against every staff surface here.

The order of the answers is part of the contract:
1. no such project, or one that is not public and the person holds no role in it: ProjectNotFound (404),
   anonymous visitors included, so the staff pages of a project being set up do not tell outsiders it exists;
2. not signed in: NotSignedIn (pages send to sign in, the API answers 401);
3. signed in without the role: NotAllowed (403; the moderation pages answer 404 for a project that is not
   public, whose title is for its staff only).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from config.errors import DomainError

from . import rules
from .errors import NotAllowed, NotSignedIn, ProjectNotFound
from .models import Project, StaffRole
from .participants import Actor

StaffView = Callable[..., HttpResponse]

# The rule that says whether a person holds a role's rights in a project (site administrators hold all).
_CHECKS: dict[StaffRole, Callable[[Actor, Project], None]] = {
    StaffRole.PLANNER: rules.check_can_plan,
    StaffRole.MODERATOR: rules.check_can_moderate,
}


def staff_check(*, user: Actor, project: Project, role: StaffRole) -> None:
    """Raise ProjectNotFound, NotSignedIn or NotAllowed (in this order) unless `user` may work in `project`
    as `role`."""
    if not rules.may_know_project(user, project):
        raise ProjectNotFound()
    _CHECKS[role](user, project)


def _project_named(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise ProjectNotFound()
    return project


def project_get_for_staff(*, slug: str, user: Actor, role: StaffRole) -> Project:
    """The project named `slug`, public or not yet, for a person who may work in it as `role`.

    Raises ProjectNotFound when there is none, and equally when it is not public and `user` holds no role in
    it; NotSignedIn or NotAllowed when `user` may know of it but not work in it as `role`.
    """
    project = _project_named(slug)
    staff_check(user=user, project=project, role=role)
    return project


# ------------------------------------------------------------------------------------------- pages


def _planner_page_answer(
    request: HttpRequest, error: DomainError, *, not_found: str | Promise | None = None
) -> HttpResponse:
    """A planner page refused: 404 for a project the person may not know of (`not_found`, else the missing
    project's message), the sign-in redirect back to this page for anonymous visitors, else 403."""
    if isinstance(error, ProjectNotFound):
        raise Http404(not_found or error.message)
    if isinstance(error, NotSignedIn):
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("You are not allowed to do this in this project."))


def planner_page_refusal(
    request: HttpRequest, project: Project, *, not_found: str | Promise | None = None
) -> HttpResponse | None:
    """None when the person may open a planner page of `project` found by the caller (a survey's); else
    its refusal, as `planners_only` answers it (raised, or the sign-in redirect returned)."""
    try:
        staff_check(user=request.user, project=project, role=StaffRole.PLANNER)
    except (ProjectNotFound, NotSignedIn, NotAllowed) as error:
        return _planner_page_answer(request, error, not_found=not_found)
    return None


def planners_only(view: StaffView) -> StaffView:
    """A planner page of the project named by the URL's `slug`: the view is called with the project."""

    @wraps(view)
    def checked(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponse:
        try:
            project = project_get_for_staff(slug=slug, user=request.user, role=StaffRole.PLANNER)
        except (ProjectNotFound, NotSignedIn, NotAllowed) as error:
            return _planner_page_answer(request, error)
        return view(request, project, **kwargs)

    return checked


def moderators_only(view: StaffView) -> StaffView:
    """A moderation page of the project named by the URL's `slug`: the view is called with the project.
    Anonymous visitors sign in and come back to the queue (a decision's form is not worth returning to);
    signed-in people without the right get the moderation's 403 page, which names a public project."""

    @wraps(view)
    def checked(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponse:
        try:
            project = _project_named(slug)
            staff_check(user=request.user, project=project, role=StaffRole.MODERATOR)
        except ProjectNotFound as error:
            raise Http404(error.message) from None
        except NotSignedIn:
            return redirect_to_login(reverse("participation:moderation-queue", kwargs={"slug": slug}))
        except NotAllowed:
            if not project.is_public:  # its title is for its staff only: to others it does not exist
                raise Http404(ProjectNotFound().message) from None
            return render(
                request, "participation/moderation/forbidden.html", {"project": project}, status=403
            )
        return view(request, project, **kwargs)

    return checked


def staff_layer_readers_only(view: StaffView) -> StaffView:
    """A page of the project named by the URL's `slug` for whoever reads its staff layer (its planners and
    moderators, `rules.may_read_staff_layer`): the view is called with the project. Refused as planner
    pages are (404 for a project the person may not know of, sign-in for anonymous visitors, else 403)."""

    @wraps(view)
    def checked(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponse:
        try:
            project = _project_named(slug)
            if not rules.may_know_project(request.user, project):
                raise ProjectNotFound()
            rules.check_can_read_staff_layer(request.user, project)
        except (ProjectNotFound, NotSignedIn, NotAllowed) as error:
            return _planner_page_answer(request, error)
        return view(request, project, **kwargs)

    return checked
