"""Round trips of the two busiest writes (see `make bench`): a token client's new suggestion, and a bulk
approval in the moderation queue. Each statement is named, so a new one is a decision, not an accident."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from participation.models import ModerationEvent, ModerationState, Suggestion
from tests.factories import CitizenFactory, SuggestionFactory, TokenFactory

FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.4037, 49.0069]},
    "properties": {"category": "charging-station", "title": "Ladestation am Markt", "text": ""},
}


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements sent, savepoints (the test's own transaction) left out."""
    return [q["sql"].split(" ", 1)[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_token_clients_suggestion_takes_three_statements(point_category, citizen):
    api = Client(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=citizen).key}")

    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            f"/api/v1/projects/{point_category.project.slug}/suggestions/",
            json.dumps(FEATURE),
            content_type="application/json",
        )

    assert response.status_code == 201
    # The token with its account and public name; the project with its categories; the row; the notices of
    # alerts for its place (published at once: one INSERT … SELECT, committed with the row).
    assert statements(queries) == ["SELECT", "SELECT", "INSERT", "INSERT"]
    body = response.json()["properties"]
    assert (body["display_name"], body["supported"], body["category"]) == (
        "Anna K.",
        False,
        "charging-station",
    )
    assert Suggestion.objects.get(pk=response.json()["id"]).display_name == "Anna K."


def test_an_account_without_a_profile_posts_without_a_public_name(point_category, citizen):
    citizen.profile.delete()
    api = Client(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=citizen).key}")

    response = api.post(
        f"/api/v1/projects/{point_category.project.slug}/suggestions/",
        json.dumps(FEATURE),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Suggestion.objects.get(pk=response.json()["id"]).display_name == ""


def bulk_approve(client, project, suggestions):
    items = [f"suggestion:{s.pk}:pending:0" for s in suggestions]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/projects/{project.slug}/moderation/bulk/", {"action": "approve", "reason": "", "items": items}
        )
    assert response.status_code == 302
    return statements(queries)


@pytest.mark.parametrize("count", [2, 5])
def test_a_bulk_approval_costs_the_same_statements_whatever_its_size(point_category, client_factory, count):
    project = point_category.project
    moderator = CitizenFactory(username="mona", email="mona@example.org", moderator_of=project)
    client = client_factory(moderator)
    waiting = [
        SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
        for _ in range(count)
    ]

    sent = bulk_approve(client, project, waiting)

    # Session, account, project, role (page access), items in project; then the set in one transaction:
    # lock all rows, the role (bulk), their last events and open reports (after the lock), one UPDATE of
    # their state, one UPDATE publishing the photos sent with them, one INSERT … SELECT of the notices for
    # alerts in their places, one INSERT of their events, one INSERT of the authors' mail tasks.
    assert sent == ["SELECT"] * 8 + ["UPDATE", "UPDATE", "INSERT", "INSERT", "INSERT"]
    assert set(
        Suggestion.objects.filter(pk__in=[s.pk for s in waiting]).values_list("moderation_state", flat=True)
    ) == {ModerationState.PUBLISHED}
    assert ModerationEvent.objects.filter(action="approve").count() == count


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Each Redis round trip of the write limits, as the commands it sent (INCRBY/EXPIRE per counter)."""
    from django.core.cache import cache

    pipeline_class = type(cache._cache.get_client(write=True).pipeline())
    sent: list[list[tuple]] = []
    original = pipeline_class.execute

    def counting(self, *args, **kwargs):
        sent.append([(command[0][0], *command[0][2:]) for command in self.command_stack])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "execute", counting)
    return sent


def post_feature(api, project, feature=FEATURE):
    return api.post(f"/api/v1/projects/{project.slug}/suggestions/", json.dumps(feature), "application/json")


def test_a_token_clients_suggestion_counts_every_limit_in_one_redis_round_trip(
    point_category, citizen, redis_round_trips
):
    api = Client(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=citizen).key}")

    assert post_feature(api, point_category.project).status_code == 201

    # The address's and the account's write budgets and the suggestion budget: one pipeline.
    [commands] = redis_round_trips
    assert [c[0] for c in commands] == ["INCRBY", "EXPIRE"] * 3
    assert [c[1] for c in commands[0::2]] == [1, 1, 1]


def test_a_refused_input_gives_the_reserved_suggestion_budget_back(point_category, citizen, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "suggestion": "1/3600"}
    api = Client(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=citizen).key}")
    outside = {**FEATURE, "geometry": {"type": "Point", "coordinates": [13.4, 52.5]}}

    refused = [post_feature(api, point_category.project, outside).status_code for _ in range(3)]
    first = post_feature(api, point_category.project)
    second = post_feature(api, point_category.project)

    assert refused == [400, 400, 400]  # bad input never spends the budget
    assert first.status_code == 201
    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 3601
    assert post_feature(api, point_category.project, outside).status_code == 400  # as without the budget
