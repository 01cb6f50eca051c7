"""A tiny bench: a project with published and pending suggestions, a 5-suggestion "demo", citizens and a
moderator with API tokens, served by live_server with the benchmark-only views mounted under /bench/."""

import os

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from benchmarks import bare_views
from benchmarks.core import BenchContext
from participation.models import ModerationState
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    ProjectFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def dsn() -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )


@pytest.fixture
def bench(live_server, settings) -> BenchContext:
    settings.ROOT_URLCONF = "tests.benchmarks.urls"
    bare_views._project.cache_clear()  # ids of an earlier test's projects
    big = ProjectFactory(slug="bench-big", moderation_mode="post")
    category = CategoryFactory(project=big, key="charging-station", geometry_kind="point")
    CategoryFactory(project=big, key="bike-path", geometry_kind="line", colour="#c2410c")
    for n in range(40):
        SuggestionFactory(category=category, geom=Point(8.31 + n * 0.004, 48.96 + (n % 7) * 0.01, srid=4326))
    for n in range(5):
        SuggestionFactory(
            category=category,
            geom=Point(8.35, 49.0 + n * 0.001, srid=4326),
            moderation_state=ModerationState.PENDING,
        )
    demo = ProjectFactory(slug="demo-small")
    demo_category = CategoryFactory(project=demo, key="charging-station", geometry_kind="point")
    for n in range(5):
        SuggestionFactory(category=demo_category, geom=Point(8.38 + n * 0.01, 49.0, srid=4326))
    citizens = [CitizenFactory(username=f"citizen{n}", profile__display_name=f"Bürger {n}") for n in range(3)]
    moderator = UserFactory(username="moderator", moderator_of=big)
    return BenchContext(
        base_url=live_server.url,
        dsn=dsn(),
        project_slug="bench-big",
        small_project_slug="bench-big",
        demo_project_slug="demo-small",
        planner_token=TokenFactory(user=moderator).key,
        citizen_tokens=tuple(TokenFactory(user=citizen).key for citizen in citizens),
        scale="smoke",
        clients=2,
    )
