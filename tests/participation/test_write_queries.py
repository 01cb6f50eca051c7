"""Round trips of the two busiest writes (see `make bench`): a token client's new suggestion, and a bulk
approval in the moderation queue. Each statement is named, so a new one is a decision, not an accident."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from participation.models import ModerationEvent, ModerationState, ProjectRole, StaffRole, Suggestion
from tests.factories import CitizenFactory, SuggestionFactory

FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.4037, 49.0069]},
    "properties": {"category": "charging-station", "title": "Ladestation am Markt", "text": ""},
}


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements sent, savepoints (the test's own transaction) left out."""
    return [q["sql"].split(" ", 1)[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_token_clients_suggestion_takes_three_statements(point_category, citizen):
    api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen).key}")

    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            f"/api/v1/projects/{point_category.project.slug}/suggestions/",
            json.dumps(FEATURE),
            content_type="application/json",
        )

    assert response.status_code == 201
    # The token with its account and public name; the project with its categories; the row.
    assert statements(queries) == ["SELECT", "SELECT", "INSERT"]
    body = response.json()["properties"]
    assert (body["display_name"], body["supported"], body["category"]) == (
        "Anna K.",
        False,
        "charging-station",
    )
    assert Suggestion.objects.get(pk=response.json()["id"]).display_name == "Anna K."


def test_an_account_without_a_profile_posts_without_a_public_name(point_category, citizen):
    citizen.profile.delete()
    api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen).key}")

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
def test_a_bulk_approval_costs_a_fixed_set_of_statements_per_item(point_category, client_factory, count):
    project = point_category.project
    moderator = CitizenFactory(username="mona", email="mona@example.org")
    ProjectRole.objects.create(project=project, user=moderator, role=StaffRole.MODERATOR)
    client = client_factory(moderator)
    waiting = [
        SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
        for _ in range(count)
    ]

    sent = bulk_approve(client, project, waiting)

    # Per item: lock the row, read its last event and open reports (after the lock), change its state,
    # record the event, queue the author's mail (same transaction). The project, the membership of all items
    # and the moderator's role: once per bulk.
    per_item = ["SELECT", "SELECT", "UPDATE", "INSERT", "INSERT"]
    assert sent[-len(per_item) * count :] == per_item * count
    once = sent[: -len(per_item) * count]
    assert len(once) == 6  # session, account, project, role (page access), items in project, role (bulk)
    assert set(
        Suggestion.objects.filter(pk__in=[s.pk for s in waiting]).values_list("moderation_state", flat=True)
    ) == {ModerationState.PUBLISHED}
    assert ModerationEvent.objects.filter(action="approve").count() == count
