import pytest

from tests.factories import CategoryFactory, ProjectFactory


@pytest.fixture
def project(db):
    return ProjectFactory(slug="test-project")


@pytest.fixture
def point_category(project):
    return CategoryFactory(project=project, key="charging-station", geometry_kind="point")


@pytest.fixture
def line_category(project):
    return CategoryFactory(project=project, key="bike-path", geometry_kind="line", colour="#c2410c")
