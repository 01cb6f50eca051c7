import pytest
from django.test import Client

from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory


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
def client_factory(db):
    """Fresh test clients, signed in as `user` when given."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
