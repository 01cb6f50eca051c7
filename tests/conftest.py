import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from participation.models import ProjectRole, StaffRole
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, UserFactory

# Property-based tests (hypothesis, schemathesis) go through the database, where one example takes
# milliseconds to tens of milliseconds: no deadline (speed is for benchmarks). "ci" (the default, used by
# `make test`) is derandomized, so a run is repeatable and bounded in time; "dev" explores new examples each
# run; "deep" (ten times the examples) is for a long hunt by hand. HYPOTHESIS_PROFILE picks one. The fuzz
# tests size their budgets with tests.fuzz.budget(), relative to the profile's max_examples.
_FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=100, derandomize=True, print_blob=True, **_FUZZ)
settings.register_profile("dev", max_examples=100, **_FUZZ)
settings.register_profile("deep", max_examples=1000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def project(db):
    return ProjectFactory(slug="test-project")


@pytest.fixture
def point_category(project):
    return CategoryFactory(project=project, key="charging-station", geometry_kind="point")


@pytest.fixture
def line_category(project):
    return CategoryFactory(project=project, key="bike-path", geometry_kind="line", colour="#c2410c")


@pytest.fixture
def citizen(db):
    """A signed-up citizen with a confirmed e-mail address and a public name."""
    return CitizenFactory(username="anna", email="anna@example.org", profile__display_name="Anna K.")


@pytest.fixture
def planner(project):
    """A planner of `project` (and of no other)."""
    user = UserFactory(username="paula")
    ProjectRole.objects.create(project=project, user=user, role=StaffRole.PLANNER)
    return user


@pytest.fixture
def client_factory(db):
    """Fresh test clients, signed in as `user` when given."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def run_worker(db, monkeypatch):
    """Run the background worker (`manage.py db_worker`) until the queue is empty, as production does.

    The worker recycles its database connection between tasks; inside a test's transaction that would
    close the test's own connection, so only that step is left out. Returns the number of failed tasks, so
    a test sees a mail that could not be built."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        return DBTaskResult.objects.filter(status="FAILED").count()

    return run
