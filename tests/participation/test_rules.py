"""The permission matrix: every role x action x phase, through the real services.

Each case performs the action as that person and records whether it went through or was refused for
reasons of permission or phase. The expected table below is the specification; `participation.rules` is
the one module that answers it.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation import rules, services
from participation.errors import NotAllowed, NotSignedIn, PhaseClosed, SuggestionNotFound
from participation.models import ModerationState, Suggestion
from participation.participants import Participant
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, SuggestionFactory, UserFactory

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
