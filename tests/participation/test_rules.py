"""The permission matrix: every role x action x phase, through the real services; and every role x staff
surface (the page decorators and the export API of `participation.access`), through the real URLs.

Each case performs the action as that person and records whether it went through or was refused for
reasons of permission or phase. The expected table below is the specification; `participation.rules` is
the one module that answers it. The staff surfaces' expected answers are derived from those rules, so the
access module is held to them without the table being written a second time.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation import access, rules, services
from participation.errors import NotAllowed, NotSignedIn, PhaseClosed, ProjectNotFound, SuggestionNotFound
from participation.models import ModerationState, Project, StaffRole, Suggestion
from participation.participants import Participant
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    ProjectFactory,
    ProjectRoleFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.surveys.factories import SurveyFactory

ROLES = ["anonymous", "citizen", "author", "moderator", "planner", "admin"]
PHASES = ["before", "during", "after"]
POINT = {"type": "Point", "coordinates": [8.41, 49.01]}

ALL = set(PHASES)
DURING = {"during"}
SIGNED_IN = ["citizen", "author", "moderator", "planner", "admin"]

# action -> role -> phases in which the action goes through.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "suggest": {role: DURING for role in SIGNED_IN},
    "support": {role: DURING for role in SIGNED_IN},
    "comment": {role: DURING for role in SIGNED_IN},
    # Abuse stays reportable as long as it is visible.
    "report": {role: ALL for role in SIGNED_IN},
    "edit_own_pending": {"author": DURING},
    "edit_own_published": {"author": DURING},
    "withdraw_own": {"author": ALL},
    # Staff work before (setting up), during and after (the backlog) the phase.
    "moderate": {"moderator": ALL, "admin": ALL},
    "merge": {"moderator": ALL, "admin": ALL},
    "answer": {"planner": ALL, "admin": ALL},
    "view_queue": {"moderator": ALL, "admin": ALL},
    "view_dashboard": {"planner": ALL, "admin": ALL},
}

REFUSALS = (NotSignedIn, NotAllowed, PhaseClosed, SuggestionNotFound)


@pytest.fixture
def world(db):
    project = ProjectFactory(slug="matrix")
    category = CategoryFactory(project=project, key="charging-station")
    author = CitizenFactory()
    people = {
        "anonymous": AnonymousUser(),
        "citizen": CitizenFactory(),
        "author": author,
        "moderator": CitizenFactory(moderator_of=project),
        "planner": CitizenFactory(planner_of=project),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    others = SuggestionFactory(category=category, author=UserFactory())
    own_pending = SuggestionFactory(
        category=category, author=author, moderation_state=ModerationState.PENDING
    )
    own_published = SuggestionFactory(category=category, author=author)
    pending = SuggestionFactory(category=category, moderation_state=ModerationState.PENDING)
    duplicate = SuggestionFactory(category=category)
    return {
        "project": project,
        "people": people,
        "others": others,
        "own_pending": own_pending,
        "own_published": own_published,
        "pending": pending,
        "duplicate": duplicate,
    }


def set_phase(project, phase: str) -> None:
    now = timezone.now()
    start, end = {
        "before": (now + timedelta(days=1), now + timedelta(days=30)),
        "during": (now - timedelta(days=1), now + timedelta(days=30)),
        "after": (now - timedelta(days=30), now - timedelta(days=1)),
    }[phase]
    type(project).objects.filter(pk=project.pk).update(phase_start=start, phase_end=end)
    project.refresh_from_db()


def perform(action: str, user, w) -> None:
    actor = Participant(user=user, address="192.0.2.10")
    if action == "suggest":
        services.suggestion_create(
            actor=actor,
            project=w["project"],
            category_key="charging-station",
            geometry=POINT,
            title="Neu",
            text="",
        )
    elif action == "support":
        services.support_add(actor=actor, suggestion_id=w["others"].pk)
    elif action == "comment":
        services.comment_create(actor=actor, suggestion_id=w["others"].pk, text="Gute Idee")
    elif action == "report":
        services.report_create(actor=actor, suggestion_id=w["others"].pk, reason="spam")
    elif action == "edit_own_pending":
        services.suggestion_edit(actor=actor, suggestion_id=w["own_pending"].pk, title="Besser", text="")
    elif action == "edit_own_published":
        services.suggestion_edit(actor=actor, suggestion_id=w["own_published"].pk, title="Besser", text="")
    elif action == "withdraw_own":
        services.suggestion_withdraw(actor=actor, suggestion_id=w["own_published"].pk)
    elif action == "moderate":
        decision = services.Decision("suggestion", w["pending"].pk, ModerationState.PENDING)
        services.item_decide(actor=user, decision=decision, action="approve")
    elif action == "merge":
        services.suggestion_merge(
            actor=user, suggestion_id=w["duplicate"].pk, target_id=w["others"].pk, seen_state="published"
        )
    elif action == "answer":
        services.suggestion_answer(actor=user, suggestion_id=w["others"].pk, status="planned", answer="Ja.")
    elif action == "view_queue":
        if not rules.can_moderate(user, w["project"]):
            raise NotAllowed()
    elif action == "view_dashboard":
        if not rules.can_plan(user, w["project"]):
            raise NotAllowed()
    else:  # pragma: no cover
        raise AssertionError(action)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_permission_matrix(world, action, role, phase):
    set_phase(world["project"], phase)
    try:
        perform(action, world["people"][role], world)
    except REFUSALS:
        allowed = False
    else:
        allowed = True

    assert allowed == (phase in EXPECTED[action].get(role, set()))


def test_a_moderator_of_one_project_cannot_touch_another(world):
    elsewhere = SuggestionFactory(
        category=CategoryFactory(project=ProjectFactory(slug="elsewhere")),
        moderation_state=ModerationState.PENDING,
    )
    moderator = world["people"]["moderator"]
    planner = world["people"]["planner"]

    with pytest.raises(NotAllowed):
        services.item_decide(
            actor=moderator,
            decision=services.Decision("suggestion", elsewhere.pk, ModerationState.PENDING),
            action="approve",
        )
    with pytest.raises(NotAllowed):
        services.suggestion_answer(actor=planner, suggestion_id=elsewhere.pk, status="planned", answer="")

    assert Suggestion.objects.get(pk=elsewhere.pk).moderation_state == ModerationState.PENDING
    assert not rules.can_moderate(moderator, elsewhere.project)
    assert rules.can_moderate(moderator, world["project"])


def test_a_deactivated_moderator_may_no_longer_moderate(world):
    moderator = world["people"]["moderator"]
    moderator.is_active = False
    moderator.save()

    assert not rules.can_moderate(moderator, world["project"])


# ------------------------------------------------------------------------------------ staff surfaces

STAFF_ROLES = ["anonymous", "citizen", "moderator", "planner", "other_staff", "admin"]
VISIBILITIES = ["public", "not_public"]


@dataclass(frozen=True)
class Surface:
    """A staff page or API: the role it is for, how to reach it, and what it answers a person without the
    role. The moderation pages name the project on their 403 page, so a project that is not public answers
    404 there (its title is for its staff only)."""

    name: str
    role: StaffRole | str  # a role, or STAFF_LAYER: its planners and moderators
    api: bool = False
    hides_title: bool = False


SURFACES = [
    Surface("planning-dashboard", StaffRole.PLANNER),
    Surface("planning-answer", StaffRole.PLANNER),
    Surface("export-page", StaffRole.PLANNER),
    Surface("survey-results", StaffRole.PLANNER),
    Surface("export-api", StaffRole.PLANNER, api=True),
    Surface("moderation-queue", StaffRole.MODERATOR, hides_title=True),
    Surface("moderation-versions", StaffRole.MODERATOR, hides_title=True),
    Surface("qgis-page", "staff_layer"),
]
MAY_WORK_AS = {
    StaffRole.PLANNER: rules.can_plan,
    StaffRole.MODERATOR: rules.can_moderate,
    "staff_layer": rules.may_read_staff_layer,
}


@pytest.fixture
def staff_world(db):
    """Two projects, one public and one being set up, each with its moderator and planner; and someone who
    is both in a third project."""
    people = {
        "anonymous": None,
        "citizen": CitizenFactory(),
        "moderator": UserFactory(),
        "planner": UserFactory(),
        "other_staff": UserFactory(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    elsewhere = ProjectFactory(slug="matrix-elsewhere")
    for role in (StaffRole.MODERATOR, StaffRole.PLANNER):
        ProjectRoleFactory(project=elsewhere, user=people["other_staff"], role=role)
    projects = {}
    for visibility in VISIBILITIES:
        project = ProjectFactory(
            slug=f"matrix-{visibility.replace('_', '-')}", is_public=visibility == "public"
        )
        ProjectRoleFactory(project=project, user=people["moderator"], role=StaffRole.MODERATOR)
        ProjectRoleFactory(project=project, user=people["planner"], role=StaffRole.PLANNER)
        suggestion = SuggestionFactory(category=CategoryFactory(project=project))
        survey = SurveyFactory(project=project, slug="matrix-survey")
        projects[visibility] = (project, suggestion, survey)
    return {"people": people, "projects": projects}


def surface_request(client: Client, surface: Surface, project: Project, suggestion: Suggestion, survey):
    slug = {"slug": project.slug}
    if surface.name == "planning-dashboard":
        return client.get(reverse("participation:planning-dashboard", kwargs=slug))
    if surface.name == "planning-answer":
        return client.get(reverse("participation:planning-answer", kwargs={**slug, "pk": suggestion.pk}))
    if surface.name == "export-page":
        return client.get(reverse("geo:export", kwargs=slug))
    if surface.name == "survey-results":
        return client.get(reverse("surveys:results", kwargs={**slug, "survey_slug": survey.slug}))
    if surface.name == "export-api":
        return client.post(f"/api/v1/projects/{project.slug}/exports/geojson")
    if surface.name == "moderation-queue":
        return client.get(reverse("participation:moderation-queue", kwargs=slug))
    if surface.name == "qgis-page":
        return client.get(reverse("geo:qgis", kwargs=slug))
    if surface.name == "moderation-versions":
        return client.get(reverse("participation:moderation-versions", kwargs={**slug, "pk": suggestion.pk}))
    raise AssertionError(surface.name)  # pragma: no cover


def answered(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "sign in"
    if response.status_code == 401:
        return "sign in"
    return {200: "ok", 403: "refused", 404: "missing"}[response.status_code]


def expected_answer(surface: Surface, user, project: Project) -> str:
    """What `rules` say this person gets: a project they may not know of is missing (anonymous visitors
    included); then anonymous visitors sign in; then the role's rule decides."""
    if not rules.may_know_project(user, project):
        return "missing"
    if not user.is_authenticated:
        return "sign in"
    if MAY_WORK_AS[surface.role](user, project):
        return "ok"
    return "missing" if surface.hides_title and not project.is_public else "refused"


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda surface: surface.name)
def test_every_staff_surface_answers_each_role_as_the_rules_say(staff_world, surface, role, visibility):
    project, suggestion, survey = staff_world["projects"][visibility]
    person = staff_world["people"][role]
    client = Client()
    if person is not None:
        client.force_login(person)

    response = surface_request(client, surface, project, suggestion, survey)

    assert answered(response) == expected_answer(surface, person or AnonymousUser(), project)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("staff_role", [StaffRole.PLANNER, StaffRole.MODERATOR])
def test_the_access_selector_raises_what_the_rules_say(staff_world, staff_role, role, visibility):
    project = staff_world["projects"][visibility][0]
    user = staff_world["people"][role] or AnonymousUser()
    refusals = {"missing": ProjectNotFound, "sign in": NotSignedIn, "refused": NotAllowed}
    expected = expected_answer(Surface("selector", staff_role), user, project)

    if expected == "ok":
        assert access.project_get_for_staff(slug=project.slug, user=user, role=staff_role) == project
    else:
        with pytest.raises(refusals[expected]):
            access.project_get_for_staff(slug=project.slug, user=user, role=staff_role)


def test_the_derived_staff_table_is_the_one_we_mean(staff_world):
    """The rules give the expected answers above; this pins them once, so a rule that changed by mistake
    (a planner who may moderate, another project's staff let in) cannot pass unnoticed."""
    table = {
        (role, visibility, staff_role): expected_answer(
            Surface("t", staff_role),
            staff_world["people"][role] or AnonymousUser(),
            staff_world["projects"][visibility][0],
        )
        for role in STAFF_ROLES
        for visibility in VISIBILITIES
        for staff_role in (StaffRole.PLANNER, StaffRole.MODERATOR)
    }
    allowed = {key for key, answer in table.items() if answer == "ok"}

    assert allowed == {("planner", visibility, StaffRole.PLANNER) for visibility in VISIBILITIES} | {
        ("moderator", visibility, StaffRole.MODERATOR) for visibility in VISIBILITIES
    } | {
        ("admin", visibility, staff_role)
        for visibility in VISIBILITIES
        for staff_role in (StaffRole.PLANNER, StaffRole.MODERATOR)
    }
    for role in ("anonymous", "citizen", "other_staff"):
        assert table[(role, "not_public", StaffRole.PLANNER)] == "missing"
    assert table[("anonymous", "public", StaffRole.PLANNER)] == "sign in"
    assert table[("other_staff", "public", StaffRole.MODERATOR)] == "refused"
    assert table[("moderator", "not_public", StaffRole.PLANNER)] == "refused"


def test_the_staff_layer_shows_each_role_its_states_and_nobody_else_anything(staff_world):
    """The OGC API's staff collections: planners what they work with, moderators also the hidden ones,
    whoever holds both the union, site administrators every project; merged and withdrawn nobody."""
    people = staff_world["people"]
    project = staff_world["projects"]["public"][0]
    planner_states = ("published", "pending", "rejected")
    both = UserFactory()
    for role in (StaffRole.MODERATOR, StaffRole.PLANNER):
        ProjectRoleFactory(project=project, user=both, role=role)

    def states(user) -> tuple[str, ...] | None:
        return rules.staff_layer_grants(user or AnonymousUser(), project_id=project.pk).get(project.pk)

    assert states(people["planner"]) == planner_states
    assert states(people["moderator"]) == (*planner_states, "hidden")
    assert states(both) == (*planner_states, "hidden")
    assert states(people["admin"]) == (*planner_states, "hidden")
    for role in ("anonymous", "citizen", "other_staff"):
        assert states(people[role]) is None, role
    assert set(rules.staff_layer_grants(people["planner"])) == {
        p.pk for p, _s, _v in staff_world["projects"].values()
    }
    people["planner"].is_active = False
    assert rules.staff_layer_grants(people["planner"]) == {}
